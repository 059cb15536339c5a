"""The score trend is a pure function from scores to SVG markup: these tests need no database."""

from datetime import date

import pytest
from django.utils.safestring import SafeString

from assessments.reporting.charts import TREND_STAGE_STYLES, WIDTH, score_trend
from tests.assessments.reporting.svg import HOSTILE, SVG, alternative, by_class, parse, texts

EARLIER = ("Annual review 2025", date(2025, 10, 15), 58.3)
LATER = ("Annual review 2026", date(2026, 10, 15), 72.2)


def trend(points, stages=None, chart_id="trend") -> SafeString:
    return score_trend(
        points,
        stages=stages,
        title="Scores over time",
        description="The headline score of each completed assessment.",
        chart_id=chart_id,
    )


def test_score_trend_is_a_named_image_with_the_data_in_words():
    svg = trend([EARLIER, LATER])

    root = parse(svg)
    assert isinstance(svg, SafeString)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "trend-title"
    assert root.find(f"{SVG}title").get("id") == "trend-title"
    assert root.find(f"{SVG}desc") is None
    assert root.get("viewBox").startswith(f"0 0 {WIDTH} ")
    assert root.get("font-family").startswith("DejaVu Sans")
    assert alternative(root) == (
        "Scores over time. The headline score of each completed assessment. Headline score: "
        "Annual review 2025 (15 October 2025) 58%, Annual review 2026 (15 October 2026) 72%."
    )


def test_score_trend_draws_the_points_in_date_order_whatever_order_they_come_in():
    root = parse(trend([LATER, ("Spring check", date(2026, 3, 1), 61.0), EARLIER]))

    points = by_class(root, "point")
    xs = [float(point.find(f"{SVG}circle").get("cx")) for point in points]
    values = [" ".join(point.find(f"{SVG}text").itertext()) for point in points]
    labels = [" ".join(label.itertext()) for label in by_class(root, "trend-label")]
    assert xs == sorted(xs)
    assert values == ["58%", "61%", "72%"]
    assert labels == [
        "Annual review 2025 15 Oct 2025",
        "Spring check 1 Mar 2026",
        "Annual review 2026 15 Oct 2026",
    ]
    assert alternative(root).index("Annual review 2025") < alternative(root).index("Spring check")
    assert alternative(root).index("Spring check") < alternative(root).index("Annual review 2026")


def test_score_trend_plots_higher_scores_higher():
    root = parse(trend([EARLIER, LATER]))

    ys = [float(point.find(f"{SVG}circle").get("cy")) for point in by_class(root, "point")]
    assert ys[0] > ys[1]
    (line,) = root.iter(f"{SVG}polyline")
    assert len(line.get("points").split()) == 2


def test_score_trend_with_one_point_draws_it_in_the_middle_without_a_line():
    root = parse(trend([LATER]))

    (point,) = by_class(root, "point")
    x = float(point.find(f"{SVG}circle").get("cx"))
    gridline = by_class(root, "grid")[0].find(f"{SVG}line")
    left, right = float(gridline.get("x1")), float(gridline.get("x2"))
    assert x == pytest.approx((left + right) / 2)
    assert list(root.iter(f"{SVG}polyline")) == []
    assert "72%" in texts(root)
    assert alternative(root).endswith("Headline score: Annual review 2026 (15 October 2026) 72%.")


def test_score_trend_stages_get_lines_a_legend_and_words():
    stages = [("Understand", [91.7, 58.3]), ("Recover", [33.3, None])]

    root = parse(trend([LATER, EARLIER], stages=stages))

    legend = " ".join(" ".join(group.itertext()) for group in by_class(root, "legend"))
    assert "Headline score" in legend and "Understand" in legend and "Recover" in legend
    lines = by_class(root, "trend-stage")
    assert len(lines) == 2
    assert lines[0].find(f"{SVG}polyline").get("stroke") == TREND_STAGE_STYLES[0][0]
    # Recover has one score only, so a marker and no line.
    assert lines[1].find(f"{SVG}polyline") is None
    assert alternative(root).endswith(
        "Understand: Annual review 2025 58%, Annual review 2026 92%. "
        "Recover: Annual review 2025 not rated, Annual review 2026 33%."
    )


def test_score_trend_without_stages_has_no_legend():
    root = parse(trend([EARLIER, LATER]))

    assert by_class(root, "legend") == [] and by_class(root, "trend-stage") == []


def test_score_trend_breaks_the_line_at_a_missing_score():
    root = parse(
        trend(
            [
                EARLIER,
                ("Nothing rated", date(2026, 1, 10), None),
                LATER,
                ("Last", date(2027, 1, 1), 80),
            ]
        )
    )

    assert "Not rated" in texts(root)
    assert len(by_class(root, "point")) == 3
    (line,) = root.iter(f"{SVG}polyline")
    assert len(line.get("points").split()) == 2
    assert "Nothing rated (10 January 2026) not rated" in alternative(root)


def test_score_trend_escapes_hostile_labels_and_titles():
    svg = score_trend(
        [(HOSTILE, date(2026, 1, 1), 50.0)],
        stages=[(HOSTILE, [50.0])],
        title=HOSTILE,
        description=HOSTILE,
        chart_id="hostile",
    )

    root = parse(svg)
    assert "<script>" not in svg
    assert alternative(root).startswith(f"{HOSTILE}. {HOSTILE} Headline score: ")
    assert alternative(root).count(HOSTILE) == 5
    assert any("alert(1)" in text for text in texts(root))


def test_score_trend_wraps_and_clips_a_long_label_but_keeps_it_whole_in_the_alternative():
    long_title = "An unusually long assessment title that goes on and on and on " * 3
    points = [(long_title, date(2020 + year, 1, 1), 50.0) for year in range(8)]

    root = parse(trend(points))

    label = by_class(root, "trend-label")[0]
    assert len(label.findall(f".//{SVG}tspan")) == 3
    assert " ".join(label.itertext()).split(" 1 Jan")[0].endswith("…")
    assert long_title.strip() in alternative(root)


@pytest.mark.parametrize(
    ("points", "stages", "chart_id"),
    [
        ([], None, "trend"),
        ([("A", date(2026, 1, 1), 101)], None, "trend"),
        ([("A", date(2026, 1, 1), 50)], [("Know", [50, 60])], "trend"),
        ([("A", date(2026, 1, 1), 50)], [("Know", [-1])], "trend"),
        ([("A", date(2026, 1, 1), 50)], None, 'x" onload="alert(1)'),
    ],
)
def test_score_trend_rejects_bad_input(points, stages, chart_id):
    with pytest.raises(ValueError):
        trend(points, stages=stages, chart_id=chart_id)


def test_score_trend_text_is_at_least_12px():
    root = parse(trend([EARLIER, LATER], stages=[("Know", [75.0, 75.0])]))

    sizes = [float(text.get("font-size")) for text in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 12
