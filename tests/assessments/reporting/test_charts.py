"""Charts are pure functions from scores to SVG markup: these tests need no database."""

import pytest
from django.utils.safestring import SafeString

from assessments.reporting.charts import (
    BAND_FILLS,
    BAR,
    TEXT,
    WHITE,
    checklist_chart,
    heat_map,
    score_band,
    stage_profile,
)
from tests.assessments.reporting.svg import HOSTILE, SVG, alternative, by_class, parse, texts

STAGES = ["Understand", "Know", "Learn", "Recover"]


def profile(stages, previous=None, chart_id="stages") -> SafeString:
    return stage_profile(
        stages,
        previous=previous,
        title="Score by stage",
        description="The score of each stage.",
        chart_id=chart_id,
    )


def grid(rows, columns=STAGES, chart_id="grid") -> SafeString:
    return heat_map(
        rows,
        columns,
        title="Scores by domain and stage",
        description="Each domain's score in each stage.",
        chart_id=chart_id,
    )


def checklist(items, chart_id="checklist") -> SafeString:
    return checklist_chart(
        items,
        title="Checklist ratings",
        description="The rating of each checklist statement.",
        chart_id=chart_id,
    )


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
        red, green, blue = (
            channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4
            for channel in channels
        )
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


ALL_CHARTS = [
    pytest.param(
        lambda: profile([("Understand", 72.2)], previous=[("Understand", 50.0)]), id="stages"
    ),
    pytest.param(lambda: grid([("Environment", [66.7, None, 50.0, 75.0])]), id="heat-map"),
    pytest.param(
        lambda: checklist([("People are encouraged to report harms.", 2)]), id="checklist"
    ),
]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (None, "none"),
        (0.0, "low"),
        (49.4, "low"),
        (49.5, "medium"),  # shown as 50%
        (74.4, "medium"),
        (74.5, "high"),  # shown as 75%
        (75.0, "high"),
        (100.0, "high"),
    ],
)
def test_score_band_thresholds(score, band):
    assert score_band(score) == band


@pytest.mark.parametrize("build", ALL_CHARTS)
def test_charts_are_accessible_svg_images(build):
    svg = build()
    root = parse(svg)

    assert isinstance(svg, SafeString)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    chart_id = root.find(f"{SVG}title").get("id").removesuffix("-title")
    # One <title> is the whole alternative (WeasyPrint's /Alt reads only it); no <desc> to be
    # announced a second time.
    assert len(root.findall(f"{SVG}title")) == 1
    assert root.get("aria-labelledby") == f"{chart_id}-title"
    assert root.find(f"{SVG}desc") is None
    assert root.get("width") == "100%"
    assert root.get("preserveAspectRatio") == "xMinYMin meet"
    _, _, width, height = (float(number) for number in root.get("viewBox").split())
    assert width > 0 and height > 0


@pytest.mark.parametrize("build", ALL_CHARTS)
def test_charts_use_a_local_font_and_readable_sizes_without_external_resources(build):
    svg = build()
    root = parse(svg)

    assert root.get("font-family") == "DejaVu Sans, Arial, sans-serif"
    # At least 12 px wherever the chart is shown at its viewBox width, as on a phone.
    assert all(float(text.get("font-size")) >= 12 for text in root.iter(f"{SVG}text"))
    for forbidden in ("href", "url(", "<script", "style=", "<image", "<foreignObject"):
        assert forbidden not in svg


def test_stage_profile_describes_the_data_in_words():
    root = parse(profile([("Understand", 72.2), ("Know", 58.3), ("Learn", None), ("Recover", 100)]))

    assert alternative(root) == (
        "Score by stage. The score of each stage. "
        "Understand 72%, Know 58%, Learn not rated, Recover 100%."
    )


def test_stage_profile_bar_widths_are_proportional_to_the_score():
    root = parse(profile([("Understand", 100.0), ("Know", 50.0), ("Learn", 25.0), ("Recover", 0)]))

    widths = [float(bar.get("width")) for bar in by_class(root, "bar")]

    assert widths[0] == 2 * widths[1] == 4 * widths[2]
    assert widths[3] == 0
    assert all(bar.get("fill") == BAR for bar in by_class(root, "bar"))


def test_stage_profile_shows_values_and_gridlines_at_every_quarter():
    root = parse(profile([("Understand", 72.2), ("Know", 62.5)]))

    shown = texts(root)

    assert "72%" in shown
    assert "63%" in shown  # Half up, not Python's half-even "62%".
    assert [text for text in shown if text in {"0%", "25%", "50%", "75%", "100%"}] == [
        "0%",
        "25%",
        "50%",
        "75%",
        "100%",
    ]
    assert len(list(by_class(root, "grid")[0].iter(f"{SVG}line"))) == 5


def test_stage_profile_unrated_stage_shows_not_rated_and_no_bar():
    root = parse(profile([("Understand", 72.2), ("Know", None)]))

    assert len(by_class(root, "bar")) == 1
    assert "Not rated" in texts(root)


def test_stage_profile_without_previous_has_no_overlay_or_legend():
    root = parse(profile([("Understand", 72.2), ("Know", 58.3)]))

    assert by_class(root, "bar-previous") == []
    assert by_class(root, "legend") == []
    assert "Previous assessment" not in texts(root)
    assert "previous" not in alternative(root)


def test_stage_profile_with_previous_overlays_its_bars_and_a_legend():
    root = parse(
        profile(
            [("Understand", 100.0), ("Know", 58.3), ("Learn", None), ("Recover", 90.0)],
            previous=[("Understand", 50.0), ("Know", 25.0), ("Learn", 41.7), ("Recover", None)],
        )
    )

    current = [float(bar.get("width")) for bar in by_class(root, "bar")]
    before = [float(bar.get("width")) for bar in by_class(root, "bar-previous")]
    legend = texts(by_class(root, "legend")[0])

    assert len(before) == 3  # Recover was not rated last time.
    # Outlined bars are inset by half their stroke; their outer width is still proportional.
    assert before[0] + 1.5 == current[0] / 2
    assert before[0] + 1.5 == 2 * (before[1] + 1.5)
    assert legend == ["This assessment", "Previous assessment"]
    assert "42%" in texts(root)
    assert alternative(root) == (
        "Score by stage. The score of each stage. Understand 100% (previous assessment 50%), "
        "Know 58% (previous assessment 25%), Learn not rated (previous assessment 42%), "
        "Recover 90% (previous assessment not rated)."
    )


def test_stage_profile_previous_without_a_stage_shows_it_not_rated():
    root = parse(profile([("Understand", 80.0), ("Know", 60.0)], previous=[("Know", 50.0)]))

    assert len(by_class(root, "bar-previous")) == 1
    assert "Understand 80% (previous assessment not rated)" in alternative(root)


@pytest.mark.parametrize("score", [-0.1, 100.1])
def test_stage_profile_rejects_scores_outside_0_to_100(score):
    with pytest.raises(ValueError, match="0 to 100"):
        profile([("Understand", score)])


def test_heat_map_cells_carry_their_score_on_their_band_fill():
    root = parse(
        grid(
            [
                ("Environment", [66.7, 44.4, 75.0, None]),
                ("Content", [100.0, 50.0, 33.3, 0.0]),
            ]
        )
    )

    cells = [
        (cell.get("class").split()[1], cell.find(f"{SVG}rect").get("fill"), texts(cell))
        for cell in by_class(root, "cell")
    ]

    assert cells == [
        ("cell-medium", BAND_FILLS["medium"], ["67%"]),
        ("cell-low", BAND_FILLS["low"], ["44%"]),
        ("cell-high", BAND_FILLS["high"], ["75%"]),
        ("cell-none", BAND_FILLS["none"], ["—"]),
        ("cell-high", BAND_FILLS["high"], ["100%"]),
        ("cell-medium", BAND_FILLS["medium"], ["50%"]),
        ("cell-low", BAND_FILLS["low"], ["33%"]),
        ("cell-low", BAND_FILLS["low"], ["0%"]),
    ]


def test_heat_map_cell_text_keeps_enough_contrast_on_every_fill():
    root = parse(grid([("Environment", [20.0, 60.0, 90.0, None])]))

    for cell in by_class(root, "cell"):
        fill = cell.find(f"{SVG}rect").get("fill")
        colour = cell.find(f"{SVG}text").get("fill")
        assert contrast(colour, fill) >= 4.5, (colour, fill)
    assert contrast(WHITE, BAR) >= 4.5  # The checklist's chosen rating.
    assert contrast(TEXT, WHITE) >= 4.5


def test_heat_map_names_the_bands_in_words_and_the_data_in_its_description():
    root = parse(grid([("Environment", [66.7, None, 50.0, 75.0]), ("Policy", [1, 2, 3, 4])]))

    assert texts(by_class(root, "legend")[0]) == [
        "Below 50%",
        "50% to under 75%",
        "75% and above",
        "Not rated",
    ]
    assert [text for text in texts(root) if text in STAGES] == STAGES
    assert alternative(root) == (
        "Scores by domain and stage. Each domain's score in each stage. "
        "Environment: Understand 67%, Know not rated, Learn 50%, Recover 75%. "
        "Policy: Understand 1%, Know 2%, Learn 3%, Recover 4%."
    )


def test_heat_map_rejects_a_row_with_the_wrong_number_of_scores():
    with pytest.raises(ValueError, match="3 scores for 4 columns"):
        grid([("Environment", [66.7, None, 50.0])])


def test_checklist_chart_fills_the_chosen_step_and_writes_its_word():
    root = parse(
        checklist(
            [
                ("People are given appropriate access to online services.", 3),
                ("People are encouraged to recognise risk.", 2),
                ("People are encouraged to report harms.", 1),
            ]
        )
    )

    chosen = [
        (rating.get("class"), rating.find(f"{SVG}rect").get("fill"), texts(rating))
        for rating in by_class(root, "rating")
    ]

    assert chosen == [
        ("rating rating-3", BAR, ["Well"]),
        ("rating rating-2", BAR, ["Moderately"]),
        ("rating rating-1", BAR, ["Poorly"]),
    ]
    assert [text for text in texts(root) if text.endswith(".") and len(text) <= 3] == [
        "1.",
        "2.",
        "3.",
    ]
    assert texts(root)[:3] == ["Poorly", "Moderately", "Well"]  # The scale's headings.


def test_checklist_chart_unrated_statement_shows_not_rated_and_no_choice():
    root = parse(checklist([("People are encouraged to report harms.", None)]))

    assert by_class(root, "rating") == []
    assert texts(by_class(root, "not-rated")[0]) == ["Not rated"]
    assert alternative(root).endswith("1. People are encouraged to report harms. Not rated.")


def test_checklist_chart_wraps_long_statements_into_lines():
    statement = (
        "People are provided opportunities, and encouraged to inform/review/co-create the "
        "system to reduce risk or improve opportunities for others."
    )
    root = parse(checklist([(statement, 2)]))

    wrapped = next(text for text in root.iter(f"{SVG}text") if len(text) > 1)
    lines = [span.text for span in wrapped.iter(f"{SVG}tspan")]

    assert len(lines) >= 3
    assert " ".join(lines) == statement
    assert all(len(line) <= 52 for line in lines)
    assert len({span.get("y") for span in wrapped.iter(f"{SVG}tspan")}) == len(lines)
    assert alternative(root) == (
        "Checklist ratings. The rating of each checklist statement. "
        f"1. {statement} Rated moderately."
    )


@pytest.mark.parametrize("rating", [0, 4])
def test_checklist_chart_rejects_ratings_outside_1_to_3(rating):
    with pytest.raises(ValueError, match="1, 2 or 3"):
        checklist([("People are encouraged to report harms.", rating)])


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda label: profile([(label, 50.0)], previous=[(label, 25.0)]), id="stages"),
        pytest.param(lambda label: grid([(label, [50.0])], columns=[label]), id="heat-map"),
        pytest.param(lambda label: checklist([(label, 3)]), id="checklist"),
    ],
)
def test_hostile_labels_are_escaped_and_still_parse(build):
    svg = build(HOSTILE)
    root = parse(svg)

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert HOSTILE in alternative(root)
    # Long words may be broken across lines, so compare the text without the line breaks.
    assert HOSTILE.replace(" ", "") in "".join(texts(root)).replace(" ", "")


def test_hostile_title_and_description_are_escaped():
    svg = stage_profile(
        [("Understand", 50.0)], title=HOSTILE, description=HOSTILE, chart_id="stages"
    )
    root = parse(svg)

    assert "<script>" not in svg
    assert alternative(root) == f"{HOSTILE}. {HOSTILE} Understand 50%."


@pytest.mark.parametrize(
    "chart_id",
    ["", "1stages", "-stages", "stages page", 'x" onload="alert(1)', "x<y", "ŵŷ", "x" * 65, None],
)
def test_charts_reject_an_unsafe_chart_id(chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        profile([("Understand", 50.0)], chart_id=chart_id)
    with pytest.raises(ValueError, match="chart_id"):
        grid([("Environment", [50.0])], columns=["Understand"], chart_id=chart_id)
    with pytest.raises(ValueError, match="chart_id"):
        checklist([("People are encouraged to report harms.", 3)], chart_id=chart_id)


@pytest.mark.parametrize("chart_id", ["stages", "report-2_stages", "A", "x" * 64])
def test_charts_accept_a_safe_chart_id(chart_id):
    root = parse(profile([("Understand", 50.0)], chart_id=chart_id))

    assert root.find(f"{SVG}title").get("id") == f"{chart_id}-title"
