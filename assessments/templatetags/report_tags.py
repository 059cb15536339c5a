"""How the report writes scores and changes, the same in the HTML page and the PDF."""

from django import template
from django.utils.safestring import mark_safe

from assessments.reporting import charts
from assessments.reporting.scoring import RATING_LABELS
from assessments.reporting.text import long_text_html

register = template.Library()


@register.filter
def percent(score: float | None) -> str:
    """A score as a whole percentage ("72%"), or "Not rated" when nothing was rated."""
    return charts.NOT_RATED if score is None else charts.percent(score)


@register.filter
def band(score: float | None) -> str:
    """The score's band ("low", "medium", "high" or "none"), for its colour."""
    return charts.score_band(score)


@register.filter
def band_label(score: float | None) -> str:
    """The band in words, so colour is never the only sign of it."""
    return charts.BAND_LABELS[charts.score_band(score)]


@register.filter
def points(change: int | None) -> str:
    """A change in whole percentage points: "+5 points", "−3 points", "No change"."""
    if change is None:
        return "—"
    if change == 0:
        return "No change"
    unit = "point" if abs(change) == 1 else "points"
    # U+2212 (minus sign), not a hyphen: it lines up with "+" and reads as minus in print.
    return f"+{change} {unit}" if change > 0 else f"\u2212{-change} {unit}"


@register.filter
def rating_label(rating: int | None) -> str:
    """A rating in words: "Poorly", "Moderately", "Well", or "Not rated"."""
    return RATING_LABELS.get(rating, charts.NOT_RATED)


@register.filter(is_safe=True)
def long_text(text: str) -> str:
    """A free-text answer as escaped paragraphs, laid out alike on screen and in the PDF."""
    return mark_safe(long_text_html(text or ""))  # escaped by long_text_html


@register.filter
def site_label(url: str) -> str:
    """A web address as people say it: "nspcc.org.uk", "gov.uk/government/…" (no scheme, no
    "www.", no trailing slash)."""
    label = url.split("://", 1)[-1].removeprefix("www.")
    return label.rstrip("/")
