"""Checks of what people type and send that every feature shares.

Names and titles are shown on one line in pages, PDFs and email subjects: a line break there
breaks an email header, and a bidirectional override (U+202E and friends) makes the text after
it read backwards, which can disguise a name or a file name. They are refused in names and titles
with a clear message; free-text answers may keep them, and the report shows them isolated.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

# Bidirectional embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def unsafe_characters(value: str) -> list[str]:
    """The characters of `value` that may not stand in a one-line name: C0 and C1 controls
    (line breaks and tabs included), DEL, and bidirectional controls, each named once."""
    found = []
    for char in value:
        if (unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS) and char not in found:
            found.append(char)
    return found


def describe(char: str) -> str:
    names = {"\n": "a line break", "\r": "a line break", "\t": "a tab"}
    if char in names:
        return names[char]
    if char in BIDI_CONTROLS:
        return f"a text-direction control (U+{ord(char):04X})"
    return f"a control character (U+{ord(char):04X})"


def validate_single_line(value: str) -> None:
    """Refuse line breaks, control characters and text-direction controls in a name or title."""
    found = unsafe_characters(value or "")
    if found:
        what = sorted({describe(char) for char in found})
        raise ValidationError(
            "Remove %(what)s: names and titles must be plain text on one line.",
            code="unsafe_characters",
            params={"what": " and ".join(what)},
        )


def single_line(text: str) -> str:
    """`text` made safe for one line (an email subject) whatever it holds: rows saved before
    names were checked may carry line breaks or controls. They become spaces."""
    cleaned = "".join(" " if char in unsafe_characters(char) else char for char in str(text))
    return re.sub(r"\s+", " ", cleaned).strip()


def safe_local_url(url: str | None) -> str | None:
    """`url` if it is a path on this site ("/orgs/…"), else None: never another host, a scheme,
    a protocol-relative "//host" or a relative "foo" (which would resolve against the current
    page, or as a URL name)."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if unsafe_characters(url) or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return None
    parts = urlsplit(url)
    return url if not parts.scheme and not parts.netloc else None


def login_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The account a login attempt is for, as django-axes counts it: the email address the way
    the login form reads it (trimmed, lower-cased), so that varying its case or spaces does not
    buy an attacker more attempts."""
    source = credentials if credentials else getattr(request, "POST", {})
    return str(source.get("username") or "").strip().lower()
