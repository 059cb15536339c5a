"""Charts for the assessment report, drawn on the server as inline SVG.

The same markup goes into the HTML report and the WeasyPrint PDF, so a chart looks the same in
both and needs no JavaScript, chart library, web font or external URL. The charts use only
presentation attributes (no `style` attribute, no `<style>` element), so a Content Security
Policy that forbids inline styles leaves them alone.

Every chart is an `<svg role="img">` named by its `<title>` and `<desc>`, and the description
ends with the data in words, so the chart has a real text alternative. All text passes through
`django.utils.html.escape`: labels can come from user data.

Scores are percentages from 0 to 100, or None when nothing was rated (see `scoring`); they are
shown as whole percentages, rounded half up.
"""

import math
import re
import textwrap
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.scoring import RATING_LABELS

# Band thresholds, shared by the heat map and the report's text labels.
MEDIUM_FROM = 50
HIGH_FROM = 75

FONT = "DejaVu Sans, Arial, sans-serif"
TEXT = "#0b0c0c"
SECONDARY = "#505a5f"  # 7:1 on white: fine for small text and for outlines.
GRID = "#b1b4b6"
BAR = "#1d70b8"  # 5.2:1 on white, so white text on it passes too.
WHITE = "#ffffff"

BAND_FILLS = {"low": "#f4c7c3", "medium": "#fce8b2", "high": "#b7e1cd", "none": "#eeeeee"}
BAND_LABELS = {
    "low": "Below 50%",
    "medium": "50% to under 75%",
    "high": "75% and above",
    "none": "Not rated",
}
NOT_RATED = "Not rated"

# A safe value for an XML id and a CSS selector; ids must be unique on the page.
CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")

# One viewBox width for every chart, so text comes out the same size in each at the same
# container width.
WIDTH = 720

# DejaVu Sans is wide: an average character takes about 0.6em. Used only to wrap labels.
CHAR_WIDTH = 0.6


def score_band(score: float | None) -> str:
    """The band of a score: "low" below 50%, "medium" from 50% to below 75%, "high" from 75%,
    and "none" when nothing was rated.

    The thresholds apply to the whole percentage shown to people, so a cell that reads "75%" is
    always "high" (74.6 shows as 75% and is "high").
    """
    if score is None:
        return "none"
    score = math.floor(score + 0.5)
    if score < MEDIUM_FROM:
        return "low"
    if score < HIGH_FROM:
        return "medium"
    return "high"


def stage_profile(
    stages: list[tuple[str, float | None]],
    *,
    previous: list[tuple[str, float | None]] | None = None,
    title: str,
    description: str,
    chart_id: str,
) -> SafeString:
    """A horizontal bar chart of the score of each stage on a 0–100% axis.

    With `previous` (the previous assessment's scores, matched to `stages` by label), each stage
    also gets a thin outlined bar for the previous score, and the chart gets a legend. A stage
    the previous assessment did not rate, or did not have, shows "Not rated".
    """
    _check_id(chart_id)
    for _, value in stages:
        _check_score(value)
    before = dict(previous) if previous is not None else None
    if before is not None:
        for value in before.values():
            _check_score(value)

    label_x, label_width = 0, 140
    plot_x, plot_width = 150, 500  # 100% ends at 650, leaving room for "100%" after the bar.
    bar_height, previous_height, gap = 24, 10, 4
    row_gap = 14

    parts: list[str] = []
    y = 0
    if before is not None:
        parts.append(
            _legend(
                [
                    (_rect(0, 3, 24, 14, fill=BAR), "This assessment"),
                    (
                        _rect(
                            0.75, 5.75, 22.5, 8.5, fill=WHITE, stroke=SECONDARY, stroke_width=1.5
                        ),
                        "Previous assessment",
                    ),
                ],
                x=plot_x,
                y=y,
                swatch_width=24,
            )
        )
        y += 34

    top = y
    rows: list[str] = []
    for label, value in stages:
        lines = _wrap(label, label_width, size=13)
        content_height = bar_height + (gap + previous_height if before is not None else 0)
        row_height = max(content_height, len(lines) * 16)
        middle = y + row_height / 2
        bar_y = middle - content_height / 2
        rows.append(_lines(lines, x=label_x + label_width, middle=middle, anchor="end"))
        rows.append(_bar(value, x=plot_x, y=bar_y, height=bar_height, plot_width=plot_width))
        if before is not None:
            rows.append(
                _bar(
                    before.get(label),
                    x=plot_x,
                    y=bar_y + bar_height + gap,
                    height=previous_height,
                    plot_width=plot_width,
                    previous=True,
                )
            )
        y += row_height + row_gap
    bottom = y - row_gap + 6

    parts.append(_grid(x=plot_x, width=plot_width, top=top - 6, bottom=bottom))
    parts.extend(rows)
    height = bottom + 22

    summary = ", ".join(
        _describe(label, value)
        + (
            f" (previous assessment {_percent_words(before.get(label))})"
            if before is not None
            else ""
        )
        for label, value in stages
    )
    return _svg(
        chart_id=chart_id,
        width=WIDTH,
        height=height,
        title=title,
        desc=_join(description, f"{summary}." if summary else ""),
        body=parts,
    )


def heat_map(
    rows: list[tuple[str, list[float | None]]],
    columns: list[str],
    *,
    title: str,
    description: str,
    chart_id: str,
) -> SafeString:
    """A grid of scores, one row per domain and one column per stage.

    Each cell writes its score ("67%", or "—" when nothing was rated) on a fill for its band
    (see `score_band`); the text is #0b0c0c on light fills, at least 4.5:1 on every one. A
    legend names the bands in words.
    """
    _check_id(chart_id)
    for label, values in rows:
        if len(values) != len(columns):
            raise ValueError(f"Row {label!r} has {len(values)} scores for {len(columns)} columns.")
        for value in values:
            _check_score(value)

    label_width, cell_width, cell_height, gap = 170, 120, 44, 4
    grid_x = label_width + 10
    width = max(WIDTH, grid_x + len(columns) * (cell_width + gap))

    parts: list[str] = []
    header_lines = [_wrap(column, cell_width - 8, size=13, bold=True) for column in columns]
    header_height = max((len(lines) for lines in header_lines), default=1) * 16 + 8
    for index, lines in enumerate(header_lines):
        center = grid_x + index * (cell_width + gap) + cell_width / 2
        parts.append(_lines(lines, x=center, middle=header_height / 2, anchor="middle", bold=True))

    y = header_height
    for label, values in rows:
        lines = _wrap(label, label_width, size=13)
        row_height = max(cell_height, len(lines) * 16 + 8)
        middle = y + row_height / 2
        parts.append(_lines(lines, x=label_width, middle=middle, anchor="end"))
        for index, value in enumerate(values):
            band = score_band(value)
            x = grid_x + index * (cell_width + gap)
            parts.append(
                f'<g class="cell cell-{band}">'
                + _rect(x, y, cell_width, row_height, fill=BAND_FILLS[band])
                + _text(
                    x + cell_width / 2,
                    _baseline(middle, 14),
                    percent(value) if value is not None else "—",
                    size=14,
                    anchor="middle",
                    bold=value is not None,
                )
                + "</g>"
            )
        y += row_height + gap

    y += 12
    parts.append(
        _legend(
            [
                (_rect(0.5, 0.5, 17, 17, fill=BAND_FILLS[band], stroke=SECONDARY), label)
                for band, label in BAND_LABELS.items()
            ],
            x=grid_x,
            y=y,
        )
    )
    height = y + 26

    summary = " ".join(
        f"{label}: "
        + ", ".join(_describe(column, value) for column, value in zip(columns, values, strict=True))
        + "."
        for label, values in rows
    )
    return _svg(
        chart_id=chart_id,
        width=width,
        height=height,
        title=title,
        desc=_join(description, summary),
        body=parts,
    )


def checklist_chart(
    items: list[tuple[str, int | None]],
    *,
    title: str,
    description: str,
    chart_id: str,
) -> SafeString:
    """The checklist statements, numbered and wrapped, each beside a three-step rating scale.

    The scale has a box for Poorly, Moderately and Well; the rating given is filled and has its
    word written in it. A statement with no rating shows "Not rated" in place of the scale.
    """
    _check_id(chart_id)
    for _, rating in items:
        if rating is not None and rating not in RATING_LABELS:
            raise ValueError(f"Ratings must be 1, 2 or 3 or None, not {rating!r}.")

    text_x, text_width = 28, 392
    scale_x, box_width, box_height, box_gap = 440, 90, 30, 4
    scale_width = len(RATING_LABELS) * box_width + (len(RATING_LABELS) - 1) * box_gap

    parts: list[str] = []
    header_middle = 10
    for index, word in enumerate(RATING_LABELS.values()):
        center = scale_x + index * (box_width + box_gap) + box_width / 2
        parts.append(
            _text(
                center, _baseline(header_middle, 12), word, size=12, anchor="middle", fill=SECONDARY
            )
        )

    y = 28
    for number, (statement, rating) in enumerate(items, start=1):
        lines = _wrap(statement, text_width, size=13)
        row_height = max(box_height + 12, len(lines) * 17 + 12)
        middle = y + row_height / 2
        first_line = middle - (len(lines) - 1) * 17 / 2
        parts.append(_rect(0, y - 0.5, WIDTH, 1, fill=GRID))
        parts.append(
            _text(0, _baseline(first_line, 13), f"{number}.", size=13, bold=True)
            + _lines(lines, x=text_x, middle=middle, line_height=17)
        )
        box_y = middle - box_height / 2
        if rating is None:
            parts.append(
                '<g class="not-rated">'
                + _rect(
                    scale_x + 0.5,
                    box_y + 0.5,
                    scale_width - 1,
                    box_height - 1,
                    fill=WHITE,
                    stroke=SECONDARY,
                    dashed=True,
                )
                + _text(
                    scale_x + scale_width / 2,
                    _baseline(middle, 13),
                    NOT_RATED,
                    size=13,
                    anchor="middle",
                    fill=SECONDARY,
                )
                + "</g>"
            )
        else:
            for index, (step, word) in enumerate(RATING_LABELS.items()):
                x = scale_x + index * (box_width + box_gap)
                if step == rating:
                    parts.append(
                        f'<g class="rating rating-{step}">'
                        + _rect(x, box_y, box_width, box_height, fill=BAR)
                        + _text(
                            x + box_width / 2,
                            _baseline(middle, 12),
                            word,
                            size=12,
                            anchor="middle",
                            fill=WHITE,
                            bold=True,
                        )
                        + "</g>"
                    )
                else:
                    parts.append(
                        _rect(
                            x + 0.5,
                            box_y + 0.5,
                            box_width - 1,
                            box_height - 1,
                            fill=WHITE,
                            stroke=GRID,
                        )
                    )
        y += row_height
    parts.append(_rect(0, y - 0.5, WIDTH, 1, fill=GRID))
    height = y + 4

    summary = " ".join(
        f"{number}. {_sentence(statement)} "
        + (f"Rated {RATING_LABELS[rating].lower()}." if rating is not None else "Not rated.")
        for number, (statement, rating) in enumerate(items, start=1)
    )
    return _svg(
        chart_id=chart_id,
        width=WIDTH,
        height=height,
        title=title,
        desc=_join(description, summary),
        body=parts,
    )


def _check_id(chart_id: str) -> None:
    if not isinstance(chart_id, str) or not CHART_ID.fullmatch(chart_id):
        raise ValueError(
            f"chart_id must start with a letter and hold only letters, digits, '-' and '_' "
            f"(at most 64 characters), not {chart_id!r}."
        )


def _check_score(value: float | None) -> None:
    if value is not None and not 0 <= value <= 100:
        raise ValueError(f"Scores are percentages from 0 to 100, not {value!r}.")


def percent(value: float) -> str:
    """A score as people read it: a whole percentage, rounded half up."""
    # Half up, not Python's round-half-even: 62.5 shows as 63%, as people expect.
    return f"{math.floor(value + 0.5)}%"


def _percent_words(value: float | None) -> str:
    return percent(value) if value is not None else "not rated"


def _describe(label: str, value: float | None) -> str:
    return f"{label} {_percent_words(value)}"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _join(*texts: str) -> str:
    return " ".join(text.strip() for text in texts if text and text.strip())


def _n(value: float) -> str:
    """A coordinate without trailing zeros: 12, 12.5."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _baseline(middle: float, size: float) -> float:
    # Baseline for text centred on `middle`, without dominant-baseline (which renderers differ on).
    return middle + size * 0.35


def _wrap(text: str, width: float, *, size: float, bold: bool = False) -> list[str]:
    """`text` broken into lines that fit `width` pixels at `size`, estimated from CHAR_WIDTH."""
    chars = max(1, int(width / (size * (CHAR_WIDTH + (0.05 if bold else 0)))))
    return textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False) or [""]


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 13,
    anchor: str = "start",
    fill: str = TEXT,
    bold: bool = False,
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" '
        f'fill="{fill}"{weight}>{escape(content)}</text>'
    )


def _lines(
    lines: list[str],
    *,
    x: float,
    middle: float,
    anchor: str = "start",
    size: float = 13,
    line_height: float = 16,
    bold: bool = False,
) -> str:
    """Lines of text, one `<tspan>` each, centred vertically on `middle`."""
    first = middle - (len(lines) - 1) * line_height / 2
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(_baseline(first + index * line_height, size))}">'
        f"{escape(line)}</tspan>"
        for index, line in enumerate(lines)
    )
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text font-size="{_n(size)}" text-anchor="{anchor}" fill="{TEXT}"{weight}>{spans}</text>'
    )


def _rect(
    x: float,
    y: float,
    width: float,
    height: float,
    *,
    fill: str,
    stroke: str | None = None,
    stroke_width: float = 1,
    dashed: bool = False,
    css_class: str = "",
) -> str:
    extra = ""
    if css_class:
        extra += f' class="{css_class}"'
    if stroke:
        extra += f' stroke="{stroke}" stroke-width="{_n(stroke_width)}"'
    if dashed:
        extra += ' stroke-dasharray="4 3"'
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'fill="{fill}"{extra}/>'
    )


def _bar(
    value: float | None,
    *,
    x: float,
    y: float,
    height: float,
    plot_width: float,
    previous: bool = False,
) -> str:
    """One bar with its value written after it, or "Not rated" and no bar."""
    size = 11 if previous else 13
    fill = SECONDARY if previous else TEXT
    middle = y + height / 2
    if value is None:
        return _text(x + 6, _baseline(middle, size), NOT_RATED, size=size, fill=SECONDARY)
    length = plot_width * value / 100
    if previous:
        # Outlined, so it reads apart from the solid bar in greyscale print too.
        bar = _rect(
            x + 0.75,
            y + 0.75,
            max(length - 1.5, 0),
            height - 1.5,
            fill=WHITE,
            stroke=SECONDARY,
            stroke_width=1.5,
            css_class="bar-previous",
        )
    else:
        bar = _rect(x, y, length, height, fill=BAR, css_class="bar")
    text = percent(value)
    # A white backing keeps the value clear of any gridline it sits on.
    backing = _rect(
        x + length + 4,
        middle - size * 0.6,
        len(text) * size * 0.72 + 4,
        size * 1.2,
        fill=WHITE,
    )
    label = _text(
        x + length + 6, _baseline(middle, size), text, size=size, fill=fill, bold=not previous
    )
    return bar + backing + label


def _grid(*, x: float, width: float, top: float, bottom: float) -> str:
    """Vertical gridlines at 0, 25, 50, 75 and 100% with their labels below."""
    lines = []
    for step in range(0, 101, 25):
        line_x = x + width * step / 100
        colour = SECONDARY if step == 0 else GRID
        lines.append(
            f'<line x1="{_n(line_x)}" y1="{_n(top)}" x2="{_n(line_x)}" y2="{_n(bottom)}" '
            f'stroke="{colour}" stroke-width="1"/>'
            + _text(line_x, bottom + 16, f"{step}%", size=11, anchor="middle", fill=SECONDARY)
        )
    return '<g class="grid">' + "".join(lines) + "</g>"


def _legend(
    entries: Iterable[tuple[str, str]], *, x: float, y: float, swatch_width: float = 18
) -> str:
    """A row of swatches (each drawn within `swatch_width` × 18 at the origin) with their words."""
    parts = []
    for swatch, label in entries:
        parts.append(
            f'<g transform="translate({_n(x)} {_n(y)})">'
            + swatch
            + _text(swatch_width + 8, _baseline(9, 12), label, size=12)
            + "</g>"
        )
        x += swatch_width + 8 + len(label) * 12 * CHAR_WIDTH + 24
    return '<g class="legend">' + "".join(parts) + "</g>"


def _svg(
    *, chart_id: str, width: float, height: float, title: str, desc: str, body: list[str]
) -> SafeString:
    # Every piece of text in `body` was escaped where it was made; title and desc are escaped here.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="{FONT}" class="chart">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )
