"""The forms of the assessment walk-through: one small, prefixed form per answer row."""

from datetime import date, timedelta

from django.http import QueryDict
from django.utils import timezone

from assessments.walkthrough import queries as section_queries
from assessments.walkthrough.forms import (
    NEXT_STEPS_LIMIT,
    NOTE_LIMIT,
    AssessmentStartForm,
    ChecklistAnswerForm,
    FactorAnswerForm,
    QuestionAnswerForm,
    checklist_forms,
    domain_forms,
    people_forms,
    start_initial,
)
from framework.services import duplicate_edition

NEXT_YEAR = timezone.localdate().year + 1


def date_boxes(prefix: str, day, month, year) -> dict[str, str]:
    """What the By when boxes (Day, Month, Year) post."""
    return {f"{prefix}-target_date_{i}": str(part) for i, part in enumerate((day, month, year))}


def environment_answers(assessment):
    domain = assessment.domains.get(key="environment")
    return domain, section_queries.domain_answers(assessment, domain)


def test_question_form_is_prefixed_and_labelled_with_the_question(assessment):
    _, answers = environment_answers(assessment)
    answer = answers[0]

    form = QuestionAnswerForm(answer=answer)

    assert form.prefix == f"q{answer.question_id}"
    assert form["rating"].auto_id == f"id_q{answer.question_id}-rating"
    assert form.fields["rating"].label == answer.question.text
    assert [label for _, label in form.fields["rating"].choices] == [
        "Poorly",
        "Moderately",
        "Well",
    ]


def test_question_form_cleans_to_model_values(assessment):
    _, answers = environment_answers(assessment)
    answer = answers[0]
    prefix = f"q{answer.question_id}"

    form = QuestionAnswerForm(
        {
            f"{prefix}-rating": "2",
            f"{prefix}-current_practice": "  Assemblies  ",
            **date_boxes(prefix, 31, 3, NEXT_YEAR),
        },
        answer=answer,
    )

    assert form.is_valid()
    assert form.cleaned_data == {
        "rating": 2,
        "current_practice": "Assemblies",
        "next_steps": "",
        "action_owner": "",
        "target_date": date(NEXT_YEAR, 3, 31),
    }


def test_question_form_leaves_rating_optional(assessment):
    _, answers = environment_answers(assessment)

    form = QuestionAnswerForm({}, answer=answers[0])

    assert form.is_valid()
    assert form.cleaned_data["rating"] is None


def test_question_form_errors_name_the_answer(assessment):
    _, answers = environment_answers(assessment)
    answer = answers[1]  # Know
    prefix = f"q{answer.question_id}"

    form = QuestionAnswerForm(
        {
            f"{prefix}-rating": "4",
            f"{prefix}-next_steps": "x" * (NEXT_STEPS_LIMIT + 1),
            f"{prefix}-action_owner": "x" * 201,
            **date_boxes(prefix, 31, 2, NEXT_YEAR),
        },
        answer=answer,
    )

    assert not form.is_valid()
    assert form.errors == {
        "rating": ["Choose Poorly, Moderately or Well"],
        "next_steps": [
            f"What you will do next (Know) must be {NEXT_STEPS_LIMIT:,} characters or fewer"
        ],
        "action_owner": ["Who will do it (Know) must be 200 characters or fewer"],
        "target_date": ["By when (Know) must be a real date"],
    }


def test_question_form_names_the_stage_in_date_errors(assessment):
    _, answers = environment_answers(assessment)
    prefix = f"q{answers[2].question_id}"  # Learn

    form = QuestionAnswerForm(date_boxes(prefix, 31, "", NEXT_YEAR), answer=answers[2])

    assert not form.is_valid()
    assert form.errors["target_date"] == ["By when (Learn) must include a month"]


def test_question_form_allows_a_past_date_only_when_it_is_the_saved_one(assessment):
    _, answers = environment_answers(assessment)
    answer = answers[0]
    prefix = f"q{answer.question_id}"
    last_year = timezone.localdate() - timedelta(days=365)
    answer.target_date = last_year  # e.g. copied from last year's assessment
    kept = date_boxes(prefix, last_year.day, last_year.month, last_year.year)
    earlier = last_year - timedelta(days=1)
    changed = date_boxes(prefix, earlier.day, earlier.month, earlier.year)

    kept_form = QuestionAnswerForm(kept, answer=answer)
    changed_form = QuestionAnswerForm(changed, answer=answer)

    assert kept_form.is_valid()
    assert kept_form.cleaned_data["target_date"] == last_year
    assert not changed_form.is_valid()
    assert changed_form.errors["target_date"] == [
        "By when (Understand) must be today or in the future"
    ]


def test_question_form_refuses_a_date_posted_in_the_old_single_box(assessment):
    _, answers = environment_answers(assessment)
    prefix = f"q{answers[0].question_id}"

    form = QuestionAnswerForm({f"{prefix}-target_date": "31/3/2027"}, answer=answers[0])

    assert not form.is_valid()
    assert form.errors["target_date"] == ["By when (Understand) must be a real date"]


def test_factor_form_turns_yes_and_no_into_booleans(assessment):
    answer = section_queries.factor_answers(assessment)[0]
    prefix = f"f{answer.factor_id}"

    yes = FactorAnswerForm({f"{prefix}-relevant": "yes"}, answer=answer)
    no = FactorAnswerForm({f"{prefix}-relevant": "no"}, answer=answer)
    unanswered = FactorAnswerForm({}, answer=answer)

    assert yes.is_valid() and yes.cleaned_data["relevant"] is True
    assert no.is_valid() and no.cleaned_data["relevant"] is False
    assert unanswered.is_valid() and unanswered.cleaned_data["relevant"] is None
    assert answer.factor.name in str(yes.fields["relevant"].label)


def test_factor_form_limits_notes(assessment):
    answer = section_queries.factor_answers(assessment)[0]

    form = FactorAnswerForm({f"f{answer.factor_id}-note": "x" * (NOTE_LIMIT + 1)}, answer=answer)

    assert form.errors["note"] == [
        f"Notes on {answer.factor.name} must be {NOTE_LIMIT:,} characters or fewer"
    ]


def test_checklist_form_is_labelled_with_the_statement(assessment):
    answer = section_queries.checklist_answers(assessment)[0]

    form = ChecklistAnswerForm({f"s{answer.statement_id}-rating": "3"}, answer=answer)

    assert form.prefix == f"s{answer.statement_id}"
    assert form.fields["rating"].label == answer.statement.text
    assert form.is_valid()
    assert form.cleaned_data == {"rating": 3, "comment": ""}


def test_section_forms_find_answers_of_other_sections(assessment):
    domain, answers = environment_answers(assessment)
    page = domain_forms(answers, 0)
    own = f"q{answers[0].question_id}"
    data = QueryDict(mutable=True)
    data.update({f"{own}-rating": "1", "version": "0", "action": "later", "q999-rating": "2"})
    data.update({"s12-comment": "x", "f3-note": "y", "csrfmiddlewaretoken": "t"})

    assert page.foreign_prefixes(data) == ["f3", "q999", "s12"]


def test_section_forms_changes_pair_each_row_with_its_values(assessment):
    domain, answers = environment_answers(assessment)
    prefix = f"q{answers[0].question_id}"
    page = domain_forms(answers, 0, {"version": "0", f"{prefix}-rating": "3"})

    assert page.is_valid()
    changes = page.changes()
    assert [row for row, _ in changes] == answers
    assert changes[0][1]["rating"] == 3
    assert changes[1][1]["rating"] is None


def test_people_forms_keep_age_groups_in_framework_order(assessment):
    answers = section_queries.factor_answers(assessment)

    page = people_forms(assessment, answers, 0, {"version": "0", "age_groups": ["adults", "5-10"]})

    assert page.is_valid()
    row, values = page.changes()[0]
    assert (row, values) == (assessment, {"age_groups": ["5-10", "adults"]})


def test_checklist_forms_start_from_saved_answers(assessment):
    answers = section_queries.checklist_answers(assessment)
    answers[0].rating = 2

    page = checklist_forms(answers, 4)

    assert page.rows[0].form["rating"].value() == 2
    assert page.version["version"].value() == 4


def test_start_form_offers_current_domains_and_own_assessments(
    edition, organisation, make_assessment, make_organisation, make_user
):
    ours = make_assessment()
    stranger = make_user("head@elsewhere.example")
    make_assessment(organisation=make_organisation(stranger, name="Else"), user=stranger)

    form = AssessmentStartForm(edition=edition, organisation=organisation)

    assert [d.key for d in form.fields["domains"].queryset] == [
        "environment",
        "content",
        "service",
        "policy",
    ]
    assert list(form.fields["based_on"].queryset) == [ours]


def test_start_form_refuses_domains_of_another_edition(edition, organisation):
    draft = duplicate_edition(edition=edition)
    data = {"title": "Review", "domains": [draft.domains.first().pk]}

    form = AssessmentStartForm(data, edition=edition, organisation=organisation)

    assert form.errors == {"domains": ["Select domains from the list"]}


def test_start_initial_maps_the_previous_scope_by_domain_key(edition, make_assessment):
    previous = make_assessment(domains=("content", "policy"))

    initial = start_initial(edition=edition, based_on=previous)

    assert initial["based_on"] == previous
    assert [domain.key for domain in initial["domains"]] == ["content", "policy"]
    assert all(domain.edition == edition for domain in initial["domains"])


def test_question_form_shows_saved_date_and_keeps_an_impossible_one_typed(assessment):
    _, answers = environment_answers(assessment)
    answer = answers[0]
    answer.target_date = date(2027, 3, 31)
    prefix = f"q{answer.question_id}"
    saved = str(QuestionAnswerForm(answer=answer)["target_date"])
    for box, value in enumerate(["31", "3", "2027"]):
        assert f'name="{prefix}-target_date_{box}" value="{value}"' in saved
    form = QuestionAnswerForm(date_boxes(prefix, 30, 2, NEXT_YEAR), answer=answer)
    assert not form.is_valid()
    rendered = str(form["target_date"])
    assert rendered.count('type="text"') == 3
    assert f'name="{prefix}-target_date_0" value="30"' in rendered
    assert f'name="{prefix}-target_date_1" value="2"' in rendered
