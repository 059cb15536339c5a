"""The rating guidance under each question of a section page: the tool's own guidance, marked as
not part of the UKCIS framework."""

import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from assessments.walkthrough import queries
from tests.assessments.factories import assessment_url

NOT_FRAMEWORK = "Guidance from this tool, not part of the UKCIS framework."
SUMMARY = "What Poorly, Moderately and Well mean"


def render_tag(guidance, stage_key, context="") -> str:
    template = Template(
        "{% load walkthrough_tags %}{% rating_guidance_for guidance stage_key context %}"
    )
    return template.render(
        Context({"guidance": guidance, "stage_key": stage_key, "context": context})
    )


def page_with_guidance(client, editor, assessment, name: str, *args) -> str:
    """The section page as it reads once its view passes `rating_guidance`: the page's own
    context, rendered again with the guidance the view is to add."""
    client.force_login(editor)
    response = client.get(assessment_url(name, assessment, *args))
    context = response.context[0].flatten()  # the section template's own context
    context["rating_guidance"] = queries.rating_guidance(assessment.edition)
    return render_to_string(response.templates[0].name, context, request=response.wsgi_request)


def test_guidance_for_a_stage_lists_poorly_moderately_and_well_with_examples(edition):
    html = render_tag(queries.rating_guidance(edition), "know", "Know")

    text = " ".join(html.split())
    assert text.startswith('<details class="rating-guidance mb-3"> <summary>' + SUMMARY)
    assert '<span class="visually-hidden"> (Know)</span></summary>' in text
    assert NOT_FRAMEWORK in text
    assert re.findall(r"<dt>(\w+)</dt>", text) == ["Poorly", "Moderately", "Well"]
    assert "Reporting routes are simple, trusted and suit the people who use them." in text
    assert text.count("For example, a school:") == text.count("A charity:") == 3


def test_guidance_for_the_checklist_is_keyed_by_none(edition):
    html = render_tag(queries.rating_guidance(edition), None)

    assert "You do this consistently, for everyone it applies to" in html
    assert "visually-hidden" not in html


@pytest.mark.parametrize("guidance", ["", None, {}, {"learn": []}])
def test_no_guidance_shows_nothing(guidance):
    assert render_tag(guidance, "learn").strip() == ""


def test_domain_section_shows_each_stage_s_guidance_under_its_question(client, editor, assessment):
    html = page_with_guidance(client, editor, assessment, "domain_section", "environment")

    text = " ".join(html.split())
    assert text.count(SUMMARY) == 4
    assert text.count(NOT_FRAMEWORK) == 4
    for stage in ["Understand", "Know", "Learn", "Recover"]:
        assert f'{SUMMARY}<span class="visually-hidden"> ({stage})</span>' in text
    # Under the question's radios, before what is done now.
    know = assessment.question_answers.get(question__key="environment-know").question_id
    radios = text.index(f'id="id_q{know}-rating_2"')
    guidance = text.index("Everyone knows how to respond to an online risk", radios)
    assert radios < guidance < text.index(f'id="id_q{know}-current_practice"')


def test_checklist_section_shows_the_checklist_guidance_under_each_statement(
    client, editor, assessment
):
    html = page_with_guidance(client, editor, assessment, "checklist_section")

    assert html.count(SUMMARY) == 8
    assert html.count("You do this in some places or for some people") == 8
    assert "Little or nothing helps people understand online risks" not in html


@pytest.mark.parametrize(
    ("name", "args", "count"),
    [("domain_section", ("environment",), 4), ("checklist_section", (), 8)],
)
def test_section_pages_show_the_rating_guidance_under_each_question(
    client, editor, assessment, name, args, count
):
    client.force_login(editor)

    html = client.get(assessment_url(name, assessment, *args)).content.decode()

    assert html.count(SUMMARY) == count
    assert "Guidance from this tool, not part of the UKCIS framework" in html


def test_domain_section_asks_by_when_as_a_date_input(client, editor, assessment):
    client.force_login(editor)
    know = assessment.question_answers.get(question__key="environment-know").question_id

    html = client.get(assessment_url("domain_section", assessment, "environment")).content.decode()

    text = " ".join(html.split())
    assert (
        f'<fieldset aria-describedby="id_q{know}-target_date_helptext"> '
        '<legend class="form-label fs-6">By when<span class="visually-hidden"> (Know)</span>'
    ) in text
    assert "For example, 31 3 2027" in text
    for box, label in enumerate(["Day", "Month", "Year"]):
        assert f'<label class="form-label mb-1" for="id_q{know}-target_date_{box}">{label}' in text
        assert re.search(
            rf'<input type="text" name="q{know}-target_date_{box}"[^>]*inputmode="numeric"', text
        )
