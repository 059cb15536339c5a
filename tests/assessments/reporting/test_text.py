"""Long answers as HTML (`long_text_html`): escaped, in paragraphs, and with break opportunities
(zero-width spaces) in long runs without a space, which change nothing a reader sees or extracts
from the PDF."""

import io
import re

from django.template import Context, Template
from django.utils.html import linebreaks
from django.utils.safestring import SafeString
from pypdf import PdfReader
from weasyprint import HTML

from assessments.reporting.text import BREAK_EVERY, long_text_html

BREAK = "\u200b"  # zero-width space


def without_breaks(html: str) -> str:
    return html.replace(BREAK, "")


def runs_between_breaks(html: str) -> list[str]:
    """The paragraph's text between one break and the next (an entity counts as one character)."""
    text = re.sub(r"</?p>", "", html)
    return [re.sub(r"&[a-z0-9#]+;", "&", piece) for piece in text.split(BREAK)]


def test_long_text_is_escaped():
    html = long_text_html('<script>alert("x") </script> & <b>bold</b>')

    assert "<script>" not in html and "<b>" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;) &lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    )


def test_long_text_is_safe_html_a_template_writes_as_it_is():
    html = Template("{% load report_tags %}{{ text|long_text }}").render(
        Context({"text": "One & two\n\nThree"})
    )

    assert isinstance(long_text_html("x"), SafeString)
    assert html == "<p>One &amp; two</p>\n\n<p>Three</p>"


def test_long_text_prose_is_unchanged():
    text = (
        "We check the logs every week.\nStaff told us the training helped.\r\n\r\n"
        "Evidence: the log, the register and the survey (see https://example.org/s)."
    )

    assert long_text_html(text) == linebreaks(text, autoescape=True)
    assert BREAK not in long_text_html(text)


def test_long_text_keeps_paragraphs_and_line_breaks():
    html = long_text_html("One\ntwo\n\n\nThree")

    assert html == "<p>One<br>two</p>\n\n<p>Three</p>"


def test_long_text_gives_an_unbroken_run_a_break_every_few_characters():
    text = "x" * 5000

    html = long_text_html(text)

    runs = runs_between_breaks(html)
    assert len(runs) == 5000 // BREAK_EVERY + 1
    assert all(len(run) <= BREAK_EVERY for run in runs)
    assert without_breaks(html) == f"<p>{text}</p>"


def test_long_text_leaves_words_up_to_the_limit_alone():
    word = "a" * BREAK_EVERY

    assert BREAK not in long_text_html(f"{word} {word}\n{word}")


def test_long_text_breaks_each_long_run_on_its_own():
    html = long_text_html("short " + "y" * (BREAK_EVERY + 1) + " words " + "z" * (BREAK_EVERY + 1))

    assert html.count(BREAK) == 2
    assert f"short {'y' * BREAK_EVERY}{BREAK}y words {'z' * BREAK_EVERY}{BREAK}z" in html


def test_long_text_never_breaks_inside_an_escaped_character():
    text = "&<>\"'" * 40

    html = long_text_html(text)

    assert BREAK in html
    assert without_breaks(html) == linebreaks(text, autoescape=True)
    assert all(len(run) <= BREAK_EVERY for run in runs_between_breaks(html))


def test_long_text_url_reads_the_same_without_its_breaks():
    url = "https://example.org/guidance/online-safety/filtering-and-monitoring?year=2026&page=2"

    html = long_text_html(f"See {url} for the policy.")

    assert BREAK in html
    assert without_breaks(html) == linebreaks(f"See {url} for the policy.", autoescape=True)


def test_long_text_never_separates_a_letter_from_its_accent_or_an_emoji_sequence():
    accented = "x" + "e\u0301" * 40  # é typed as e and a combining acute accent
    family = "x" + "\U0001f469\u200d\U0001f469\u200d\U0001f467" * 20  # joined by ZWJ

    for text in (accented, family):
        for run in runs_between_breaks(long_text_html(text))[1:]:
            assert run[0] not in "\u0301\u200d" and not run.startswith("\U0001f467")


def test_long_text_break_opportunities_wrap_in_the_pdf_and_extract_as_typed():
    """WeasyPrint breaks the run only where the breaks let it (the column has no overflow-wrap),
    and the PDF's text has no trace of them."""
    token = "Reference-0123456789ABCDEFGHIJ" * 10
    document = HTML(
        string=f'<div style="width: 4cm; font-size: 10pt">{long_text_html(token)}</div>'
    )

    text = PdfReader(io.BytesIO(document.write_pdf())).pages[0].extract_text()

    lines = text.splitlines()
    assert len(lines) > 5
    assert "\u200b" not in text
    assert "".join(lines) == token
