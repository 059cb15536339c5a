"""Charts for the assessment report, drawn on the server as inline SVG.

The same markup goes into the HTML report and the WeasyPrint PDF, so a chart looks the same in
both and needs no JavaScript, chart library, web font or external URL. The charts use only
presentation attributes (no `style` attribute, no `<style>` element), so a Content Security
Policy that forbids inline styles leaves them alone.

Every chart is an `<svg role="img">` whose one `<title>` is its whole text alternative: its
name, its description and then its data in words. The title alone, not a `<desc>` beside it,
because WeasyPrint makes an inline SVG a /Figure in the tagged PDF with the `<title>` as its /Alt
and reads nothing else; a browser names the chart from the same title, so a screen reader hears
it once, on the page and in the PDF alike. All text passes through `django.utils.html.escape`:
labels can come from user data.

No text is smaller than 12 units (MIN_TEXT), so a chart shown at its viewBox width (720 px, in a
scrolling region on a phone) never has text under 12 px.

Scores are percentages from 0 to 100, or None when nothing was rated (see `scoring`); they are
shown as whole percentages, rounded half up.
"""

import re
import textwrap
from collections.abc import Iterable
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from assessments.reporting import scoring
from assessments.reporting.scoring import RATING_LABELS

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
# The smallest font size in a chart, in viewBox units: 12 px when a chart is shown at WIDTH px.
MIN_TEXT = 12

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
    score = scoring.whole(score)
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
    return f"{scoring.whole(value)}%"


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
    size = MIN_TEXT if previous else 13
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
            + _text(line_x, bottom + 16, f"{step}%", size=MIN_TEXT, anchor="middle", fill=SECONDARY)
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
    """The chart's markup, named by one `<title>`, "`title`. `desc`": see the module docstring."""
    # Every piece of text in `body` was escaped where it was made; the title is escaped here.
    alternative = _join(_sentence(title), desc)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{chart_id}-title" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" font-family="{FONT}" class="chart">'
        f'<title id="{chart_id}-title">{escape(alternative)}</title>' + "".join(body) + "</svg>"
    )


# Stage lines of the trend chart: each has its own colour (at least 4.5:1 on white), dash and
# marker, so the lines read apart in greyscale print and for people who do not see the colours.
TREND_STAGE_STYLES = [
    ("#00703c", "7 4", "square"),
    ("#4c2c92", "2 3", "diamond"),
    ("#a85d00", "9 3 2 3", "triangle"),
    ("#912b88", "4 4", "ring"),
    ("#d4351c", "1 3", "square"),
]


def score_trend(
    points: list[tuple[str, date, float | None]],
    *,
    stages: list[tuple[str, list[float | None]]] | None = None,
    title: str,
    description: str,
    chart_id: str,
) -> SafeString:
    """A line chart of the headline score of each assessment, oldest first, on a 0–100% axis.

    `points` are (label, date, score), one per assessment; they are drawn in date order
    whatever order they come in, each under its label and date. With `stages` ((name, one
    score per point, in the order of `points`)), each stage gets a thinner dashed line and the
    chart gets a legend. A missing score breaks its line and, for the headline, reads "Not
    rated". A single point is drawn as a point in the middle of the chart.
    """
    _check_id(chart_id)
    if not points:
        raise ValueError("A trend needs at least one point.")
    for _, _, value in points:
        _check_score(value)
    stages = stages or []
    for name, values in stages:
        if len(values) != len(points):
            raise ValueError(f"Stage {name!r} has {len(values)} scores for {len(points)} points.")
        for value in values:
            _check_score(value)

    order = sorted(range(len(points)), key=lambda index: points[index][1])
    points = [points[index] for index in order]
    stages = [(name, [values[index] for index in order]) for name, values in stages]
    styles = [TREND_STAGE_STYLES[index % len(TREND_STAGE_STYLES)] for index in range(len(stages))]

    axis_x, plot_x, plot_right = 44, 56, WIDTH - 16
    plot_height = 200
    slot = (plot_right - plot_x) / len(points)
    xs = [plot_x + slot * (index + 0.5) for index in range(len(points))]
    # Stage points sit a little either side of the headline, so equal scores stay visible.
    nudge = min(8, slot / (4 * max(len(stages), 1)))

    parts: list[str] = []
    y = 0
    if stages:
        entries = [(_trend_swatch(BAR, "", "circle", width=3), "Headline score")] + [
            (_trend_swatch(colour, dash, marker), name)
            for (name, _), (colour, dash, marker) in zip(stages, styles, strict=True)
        ]
        for row in _legend_rows(entries, width=WIDTH - plot_x, swatch_width=30):
            parts.append(_legend(row, x=plot_x, y=y, swatch_width=30))
            y += 26

    top = y + 26  # room for the value written above a 100% point
    bottom = top + plot_height

    def y_of(value: float) -> float:
        return bottom - plot_height * value / 100

    grid = []
    for step in range(0, 101, 25):
        line_y = y_of(step)
        colour = SECONDARY if step == 0 else GRID
        grid.append(
            f'<line x1="{_n(plot_x)}" y1="{_n(line_y)}" x2="{_n(plot_right)}" y2="{_n(line_y)}" '
            f'stroke="{colour}" stroke-width="1"/>'
            + _text(
                axis_x,
                _baseline(line_y, MIN_TEXT),
                f"{step}%",
                size=MIN_TEXT,
                anchor="end",
                fill=SECONDARY,
            )
        )
    parts.append('<g class="grid">' + "".join(grid) + "</g>")

    for index, ((_name, values), (colour, dash, marker)) in enumerate(
        zip(stages, styles, strict=True)
    ):
        offset = (index - (len(stages) - 1) / 2) * nudge
        coordinates = [
            (x + offset, y_of(value)) if value is not None else None
            for x, value in zip(xs, values, strict=True)
        ]
        parts.append(
            '<g class="trend-stage">'
            + _polylines(coordinates, colour=colour, width=2, dash=dash)
            + "".join(
                _marker(marker, point[0], point[1], colour=colour)
                for point in coordinates
                if point is not None
            )
            + "</g>"
        )

    coordinates = [
        (x, y_of(value)) if value is not None else None
        for x, (_, _, value) in zip(xs, points, strict=True)
    ]
    headline = [_polylines(coordinates, colour=BAR, width=3)]
    for index, (x, (_, _, value)) in enumerate(zip(xs, points, strict=True)):
        if value is None:
            headline.append(
                _text(
                    x,
                    _baseline(bottom - 14, 12),
                    NOT_RATED,
                    size=12,
                    anchor="middle",
                    fill=SECONDARY,
                )
            )
            continue
        point_y = y_of(value)
        # The value goes above the point, or below it when that would hide a stage's marker.
        stage_ys = [y_of(values[index]) for _, values in stages if values[index] is not None]
        above = any(-36 <= stage_y - point_y <= -4 for stage_y in stage_ys)
        below = any(4 <= stage_y - point_y <= 36 for stage_y in stage_ys)
        shift = 11 if above and not below and point_y + 29 <= bottom + 8 else -29
        text = percent(value)
        label_width = len(text) * 14 * 0.68 + 6
        headline.append(
            '<g class="point">'
            + _marker("circle", x, point_y, colour=BAR, size=6)
            + _rect(x - label_width / 2, point_y + shift, label_width, 18, fill=WHITE)
            + _text(x, point_y + shift + 14, text, size=14, anchor="middle", bold=True)
            + "</g>"
        )
    parts.append('<g class="trend-headline">' + "".join(headline) + "</g>")

    label_width = min(slot - 12, 220)
    label_lines = [
        _clip(_wrap(label, label_width, size=12, bold=True), 3) for label, _, _ in points
    ]
    label_height = max(len(lines) for lines in label_lines) * 15
    for x, lines, (_, day, _) in zip(xs, label_lines, points, strict=True):
        parts.append(
            '<g class="trend-label">'
            + _lines(
                lines,
                x=x,
                middle=bottom + 18 + (len(lines) - 1) * 7.5,
                anchor="middle",
                size=12,
                line_height=15,
                bold=True,
            )
            + _text(
                x,
                bottom + 18 + len(lines) * 15 + 4,
                f"{day.day} {day:%b %Y}",
                size=12,
                anchor="middle",
                fill=SECONDARY,
            )
            + "</g>"
        )
    height = bottom + 18 + label_height + 16

    summary = "Headline score: " + ", ".join(
        f"{label} ({day.day} {day:%B %Y}) {_percent_words(value)}" for label, day, value in points
    )
    stage_summary = " ".join(
        f"{name}: "
        + ", ".join(
            _describe(label, value) for (label, _, _), value in zip(points, values, strict=True)
        )
        + "."
        for name, values in stages
    )
    return _svg(
        chart_id=chart_id,
        width=WIDTH,
        height=height,
        title=title,
        desc=_join(description, f"{summary}.", stage_summary),
        body=parts,
    )


def _clip(lines: list[str], most: int) -> list[str]:
    """At most `most` lines, the last ending "…" if some were cut (the desc has the whole text)."""
    if len(lines) <= most:
        return lines
    return lines[: most - 1] + [lines[most - 1].rstrip(" .,;:") + "…"]


def _polylines(
    points: list[tuple[float, float] | None], *, colour: str, width: float, dash: str = ""
) -> str:
    """Lines through consecutive points, broken where a point is missing (None)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return "".join(
        f'<polyline points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in run)}" fill="none" '
        f'stroke="{colour}" stroke-width="{_n(width)}" stroke-linejoin="round"{dashes}/>'
        for run in runs
        if len(run) > 1
    )


def _marker(shape: str, x: float, y: float, *, colour: str, size: float = 4.5) -> str:
    """A point marker of `shape` centred on (x, y), `size` from centre to edge."""
    if shape == "circle":
        return (
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" fill="{colour}" '
            f'stroke="{WHITE}" stroke-width="1.5"/>'
        )
    if shape == "ring":
        return (
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size - 1)}" fill="{WHITE}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    if shape == "square":
        side = size * 1.6
        return _rect(x - side / 2, y - side / 2, side, side, fill=colour)
    corners = {
        "diamond": [(0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)],
        "triangle": [(0, -1.3), (1.2, 0.9), (-1.2, 0.9)],
    }[shape]
    return (
        '<polygon points="'
        + " ".join(f"{_n(x + dx * size)},{_n(y + dy * size)}" for dx, dy in corners)
        + f'" fill="{colour}"/>'
    )


def _trend_swatch(colour: str, dash: str, marker: str, *, width: float = 2) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="0" y1="9" x2="30" y2="9" stroke="{colour}" stroke-width="{_n(width)}"{dashes}/>'
        + _marker(marker, 15, 9, colour=colour, size=5 if marker == "circle" else 4.5)
    )


def _legend_rows(
    entries: list[tuple[str, str]], *, width: float, swatch_width: float
) -> list[list[tuple[str, str]]]:
    """`entries` split into rows that fit `width`, measured as `_legend` lays them out."""
    rows: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for swatch, label in entries:
        entry = swatch_width + 8 + len(label) * 12 * CHAR_WIDTH
        if rows[-1] and used + entry > width:
            rows.append([])
            used = 0.0
        rows[-1].append((swatch, label))
        used += entry + 24
    return rows
