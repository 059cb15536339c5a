"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide no page scrolls sideways, except inside a region
that is labelled and takes keyboard focus; each page also passes axe at that width.

The pages are the demo organisation's (`seed_demo`): two annual reviews a year apart, so the
dashboard draws its trend chart and compare has two assessments, and a check-in in progress for
the task list and check your answers.
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from assessments.management.commands.seed_demo import DEMO_OWNER_EMAIL, DEMO_PASSWORD
from assessments.models import Organisation

# The demo organisation, seeded; shared with the report's browser tests.
from tests.e2e.test_report import DRAFT_TITLE, LATEST, PREVIOUS, demo  # noqa: F401

PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
# The floor for text in charts, in CSS pixels.
SMALLEST_CHART_TEXT = 12

# Each page as a path built from the demo organisation and its assessments.
PAGES: dict[str, Callable[[Organisation], str]] = {
    "dashboard": lambda org: f"/orgs/{org.slug}/",
    "task list": lambda org: _assessment_url(org, DRAFT_TITLE),
    "task list, completed": lambda org: _assessment_url(org, LATEST),
    "compare": lambda org: (
        f"/orgs/{org.slug}/assessments/compare/?a={_pk(org, PREVIOUS)}&b={_pk(org, LATEST)}"
    ),
    "history": lambda org: _assessment_url(org, LATEST) + "history/",
    "check answers": lambda org: _assessment_url(org, DRAFT_TITLE) + "check/",
    "framework": lambda org: "/framework/",
    "framework domain": lambda org: "/framework/environment/",
    "about": lambda org: "/about/",
    "report": lambda org: _assessment_url(org, LATEST) + "report/",
}


def _pk(organisation: Organisation, title: str) -> int:
    return organisation.assessments.get(title=title).pk


def _assessment_url(organisation: Organisation, title: str) -> str:
    return f"/orgs/{organisation.slug}/assessments/{_pk(organisation, title)}/"


def _page_widths(page: Page) -> tuple[int, int]:
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def _overflowing(page: Page) -> list[str]:
    """The innermost elements, outside any scroll region, whose box or content reaches past the
    right edge of the page: what to fix when the page scrolls sideways."""
    return page.evaluate(
        """() => {
          const edge = document.documentElement.clientWidth + 0.5;
          const spills = (el) => {
            const box = el.getBoundingClientRect();
            if (box.width === 0) return false;
            // An SVG element has no scroll width of its own: only its box counts.
            const html = el instanceof HTMLElement;
            const visible = html && getComputedStyle(el).overflowX === 'visible';
            return box.right > edge || (visible && box.left + el.scrollWidth > edge);
          };
          const found = [...document.body.querySelectorAll('*')].filter(
            (el) => !el.closest('[role=region][tabindex="0"]') && spills(el));
          return found
            .filter((el) => !found.some((other) => other !== el && el.contains(other)))
            .slice(0, 10)
            .map((el) => {
              const classes = [...el.classList].map((name) => '.' + name).join('');
              const box = el.getBoundingClientRect();
              return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes}`
                + ` (${Math.round(box.width)}px wide, content ${el.scrollWidth}px,`
                + ` at ${Math.round(box.left)}px)`;
            });
        }"""
    )


def _test_id(name: str) -> str:
    return name.replace(", ", "-").replace(" ", "-")


@pytest.fixture
def demo_owner(page: Page, demo: Organisation, log_in) -> Organisation:  # noqa: F811
    """The demo organisation, with its owner logged in: the account menu is in every header."""
    log_in(DEMO_OWNER_EMAIL, DEMO_PASSWORD)
    return demo


@pytest.mark.parametrize("name", [pytest.param(name, id=_test_id(name)) for name in PAGES])
def test_page_reflows_at_320_pixels_and_is_accessible(
    page: Page, demo_owner: Organisation, assert_accessible, name: str
):
    page.set_viewport_size(PHONE)
    page.goto(PAGES[name](demo_owner))

    scroll_width, client_width = _page_widths(page)
    assert client_width == PHONE["width"]
    assert scroll_width <= client_width, _overflowing(page)
    assert_accessible(page)


def test_pages_fit_a_desktop_window(page: Page, demo_owner: Organisation):
    page.set_viewport_size(DESKTOP)
    for name, url in PAGES.items():
        page.goto(url(demo_owner))
        scroll_width, client_width = _page_widths(page)
        assert scroll_width <= client_width, (name, _overflowing(page))


def test_dashboard_table_stacks_its_rows_on_a_phone(page: Page, demo_owner: Organisation):
    """On a phone each assessment is a card of labelled values, not a row to scroll along."""
    page.set_viewport_size(PHONE)
    page.goto(PAGES["dashboard"](demo_owner))

    table = page.get_by_role("region", name="Assessments of").get_by_role("table")
    latest = table.get_by_role("row").filter(has_text=LATEST)
    box = latest.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"], box
    status = latest.locator("td[data-label=Status]")
    label = status.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "Status" in label, label
    # Stacked, the cells lie one under another, and the table keeps its headers for each cell.
    cells = latest.locator("td").all()
    tops = [cell.bounding_box()["y"] for cell in cells]
    assert tops == sorted(tops) and len(set(tops)) == len(tops), tops
    expect(table.get_by_role("columnheader", name="Status")).to_have_count(1)


def test_trend_chart_text_stays_legible_on_a_phone(page: Page, demo_owner: Organisation):
    """The chart scrolls inside its own region rather than shrink its text below 12px."""
    page.set_viewport_size(PHONE)
    page.goto(PAGES["dashboard"](demo_owner))

    region = page.get_by_role("region", name="Chart of scores over time (scrolls sideways)")
    chart = region.locator("svg")
    expect(chart).to_be_visible()
    smallest = chart.evaluate(
        """svg => Math.min(...[...svg.querySelectorAll('text')].map(
          (text) => parseFloat(text.getAttribute('font-size')) * svg.getScreenCTM().a))"""
    )
    assert smallest >= SMALLEST_CHART_TEXT, smallest
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")


def test_scroll_regions_take_focus_by_keyboard_and_show_it(page: Page, demo_owner: Organisation):
    """Someone without a mouse reaches a sideways-scrolling region (here the history table's)
    with Tab, sees where focus is, and scrolls it with the arrow keys."""
    page.set_viewport_size(PHONE)
    page.goto(PAGES["history"](demo_owner))
    region = page.get_by_role("region", name="History of")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")

    for _ in range(40):
        page.keyboard.press("Tab")
        if region.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the history table's scroll region")
    outline = region.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid", outline
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle(), timeout=5_000)
