"""The checklist can be answered with the keyboard alone, and focus is always visible."""

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Assessment, ChecklistAnswer

EMAIL = "kai.jones@hillside.example"
PASSWORD = "a-long-and-unusual-passphrase"
COMMENT = "Checked with the safeguarding lead."
# Per statement, the keys that choose its rating once Tab has reached the group's first radio:
# Space selects the focused option; each ArrowDown moves to, and selects, the next one.
KEYS = [
    (["Space"], 1),
    (["ArrowDown", "Space"], 2),
    (["ArrowDown", "ArrowDown", "Space"], 3),
    (["ArrowDown", "ArrowDown", "ArrowUp", "Space"], 2),
    (["Space"], 1),
    (["ArrowDown", "ArrowDown", "Space"], 3),
    (["ArrowDown", "Space"], 2),
    (["ArrowDown", "ArrowDown", "Space"], 3),
]
FOCUS_VISIBLE = """() => {
    const style = getComputedStyle(document.activeElement);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
}"""


@pytest.fixture
def assessment(make_assessment) -> Assessment:
    return make_assessment(EMAIL, PASSWORD, title="Keyboard review")


def tab_to(page: Page, selector: str, *, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def expect_visible_focus(page: Page) -> None:
    # Waits out Bootstrap's short box-shadow transition.
    page.wait_for_function(FOCUS_VISIBLE, timeout=2000)


def test_checklist_answered_with_keyboard_only(page: Page, assessment: Assessment, log_in):
    log_in(EMAIL, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hillside Academy")
    page.goto(f"/orgs/{assessment.organisation.slug}/assessments/{assessment.pk}/checklist/")
    statements = list(assessment.checklist_answers.values_list("statement_id", flat=True))
    assert len(statements) == len(KEYS) == 8

    for number, (statement, (keys, _)) in enumerate(zip(statements, KEYS, strict=True)):
        tab_to(page, f"#id_s{statement}-rating_0")
        expect_visible_focus(page)
        for key in keys:
            page.keyboard.press(key)
        page.keyboard.press("Tab")  # the statement's rating guidance, a disclosure
        guidance = page.locator(f"#id_s{statement}-rating_0").locator("xpath=following::summary[1]")
        expect(guidance).to_be_focused()
        expect_visible_focus(page)
        page.keyboard.press("Tab")
        comment = page.locator(f"#id_s{statement}-comment")
        expect(comment).to_be_focused()
        expect_visible_focus(page)
        if number == 0:
            page.keyboard.type(COMMENT)

    page.keyboard.press("Tab")
    save = page.get_by_role("button", name="Save and continue")
    expect(save).to_be_focused()
    expect_visible_focus(page)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text(COMMENT)).to_be_visible()
    checklist = page.get_by_role("region", name="Self-assessment checklist")
    expect(checklist.get_by_text("Not rated")).to_have_count(0)
    saved = dict(
        ChecklistAnswer.objects.filter(assessment=assessment).values_list("statement_id", "rating")
    )
    assert [saved[statement] for statement in statements] == [rating for _, rating in KEYS]

    page.get_by_role("link", name="Back to the task list").click()
    expect(
        page.get_by_role("link", name="Self-assessment checklist", exact=True)
    ).to_have_accessible_description("Completed")
