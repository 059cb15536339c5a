"""Every template works under the Content-Security-Policy, which allows no inline style or script:
no style attributes, no event-handler attributes, and inline <style>/<script> blocks only with the
request's nonce (a <script src> from this site is allowed)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
FILES = sorted(TEMPLATES.rglob("*.html"))
PDF_ONLY = {"assessments/report_pdf.html"}  # rendered by WeasyPrint, never served to a browser


def served(path: Path) -> bool:
    return str(path.relative_to(TEMPLATES)) not in PDF_ONLY


@pytest.mark.parametrize("path", [p for p in FILES if served(p)], ids=lambda p: p.name)
def test_template_has_no_inline_style_or_script_the_policy_would_block(path):
    html = path.read_text()

    assert not re.search(r"\sstyle\s*=", html), "a style attribute: use a class in site.css"
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", html), "an inline event handler"
    for tag in re.findall(r"<(?:style|script)\b[^>]*>", html):
        assert "csp_nonce_attr" in tag or " src=" in tag, tag
