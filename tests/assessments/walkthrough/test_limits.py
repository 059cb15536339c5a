"""The length limits of free-text answers: stated in each hint (the count without JavaScript),
counted as browsers count them, and never a reason to refuse an answer saved before a limit
was lowered, as long as nobody edits it."""

import pytest
from django.test import Client

from assessments.models import Assessment, Section
from assessments.walkthrough import queries as section_queries
from assessments.walkthrough.forms import (
    COMMENT_LIMIT,
    CURRENT_PRACTICE_LIMIT,
    NEXT_STEPS_LIMIT,
    NOTE_LIMIT,
    ChecklistAnswerForm,
    FactorAnswerForm,
    QuestionAnswerForm,
)
from tests.assessments.factories import assessment_url, page_data


def environment_know(assessment: Assessment):
    return assessment.question_answers.select_related("question__stage").get(
        question__key="environment-know"
    )


def forms_of(assessment: Assessment) -> list[tuple[object, str, int]]:
    """(form, field, limit) for every free-text answer field, on unbound forms."""
    factor = section_queries.factor_answers(assessment)[0]
    statement = section_queries.checklist_answers(assessment)[0]
    question = environment_know(assessment)
    return [
        (FactorAnswerForm(answer=factor), "note", NOTE_LIMIT),
        (QuestionAnswerForm(answer=question), "current_practice", CURRENT_PRACTICE_LIMIT),
        (QuestionAnswerForm(answer=question), "next_steps", NEXT_STEPS_LIMIT),
        (ChecklistAnswerForm(answer=statement), "comment", COMMENT_LIMIT),
    ]


def test_limits_are_what_a_board_paper_can_carry():
    # Each answer is printed in full in the report: at most about a third of a page of A4.
    assert CURRENT_PRACTICE_LIMIT <= 2000
    assert max(NOTE_LIMIT, NEXT_STEPS_LIMIT, COMMENT_LIMIT) <= 1000


def test_each_hint_states_the_limit_and_the_box_enforces_it(assessment):
    for form, field, limit in forms_of(assessment):
        html = str(form[field])

        assert f"Up to {limit:,} characters." in form.fields[field].help_text
        assert f'maxlength="{limit}"' in html


def test_a_line_break_counts_as_one_character_as_in_the_browser(assessment):
    answer = environment_know(assessment)
    prefix = f"q{answer.question_id}"
    lines = "ab\r\n" * (NEXT_STEPS_LIMIT // 3)  # three characters a line once CR LF is one
    exactly = lines + "x" * (NEXT_STEPS_LIMIT - len(lines.replace("\r\n", "\n")))
    over = exactly + "x"

    fits = QuestionAnswerForm({f"{prefix}-next_steps": exactly}, answer=answer)
    too_long = QuestionAnswerForm({f"{prefix}-next_steps": over}, answer=answer)

    assert fits.is_valid(), fits.errors
    assert "next_steps" in too_long.errors


def test_an_answer_saved_before_the_limit_was_lowered_passes_unchanged(assessment):
    answer = environment_know(assessment)
    answer.current_practice = "Evidence from our logs.\n" * 200  # 4,800 characters
    prefix = f"q{answer.question_id}"

    form = QuestionAnswerForm(
        {
            # As a browser posts the text area: line breaks as CR LF.
            f"{prefix}-current_practice": answer.current_practice.replace("\n", "\r\n"),
            f"{prefix}-rating": "2",
        },
        answer=answer,
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["rating"] == 2


@pytest.mark.parametrize("edit", [lambda text: text + "More.", lambda text: text[:-10]])
def test_an_edited_answer_must_fit_the_limit(assessment, edit):
    answer = environment_know(assessment)
    answer.current_practice = "x" * (CURRENT_PRACTICE_LIMIT + 100)
    prefix = f"q{answer.question_id}"

    form = QuestionAnswerForm(
        {f"{prefix}-current_practice": edit(answer.current_practice)}, answer=answer
    )

    assert form.errors["current_practice"] == [
        f"What you do now (Know) must be {CURRENT_PRACTICE_LIMIT:,} characters or fewer"
    ]


def test_saved_notes_and_comments_over_the_limit_pass_unchanged(assessment):
    factor = section_queries.factor_answers(assessment)[0]
    factor.note = "n" * (NOTE_LIMIT + 1)
    statement = section_queries.checklist_answers(assessment)[0]
    statement.comment = "c" * (COMMENT_LIMIT + 1)

    note = FactorAnswerForm({f"f{factor.factor_id}-note": factor.note}, answer=factor)
    comment = ChecklistAnswerForm(
        {
            f"s{statement.statement_id}-comment": statement.comment,
            f"s{statement.statement_id}-rating": "3",
        },
        answer=statement,
    )

    assert note.is_valid(), note.errors
    assert comment.is_valid(), comment.errors


def test_section_page_shows_and_keeps_a_long_saved_answer_while_saving_the_rest(
    client: Client, editor, assessment
):
    long_text = "What we do now, in detail.\n" * 150  # 4,050 characters: over the limit
    assessment.question_answers.filter(question__key="environment-know").update(
        current_practice=long_text
    )
    client.force_login(editor)
    url = assessment_url("domain_section", assessment, "environment")
    page = client.get(url)
    answer = environment_know(assessment)
    data = page_data(page) | {f"q{answer.question_id}-rating": "3", "action": "later"}
    data[f"q{answer.question_id}-current_practice"] = long_text.replace("\n", "\r\n").strip()

    response = client.post(url, data)

    assert long_text.strip().split("\n")[-1] in page.content.decode()
    assert page.content.decode().count("What we do now, in detail.") == 150
    assert response.status_code == 302, response.context and response.context.get("form_errors")
    saved = environment_know(assessment)
    assert saved.rating == 3
    assert saved.current_practice.replace("\r\n", "\n").strip() == long_text.strip()
    section = assessment.sections.get(key="domain-environment")
    assert section.status == Section.Status.IN_PROGRESS
