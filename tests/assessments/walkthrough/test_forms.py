"""The forms of the assessment walk-through: one small, prefixed form per answer row."""

from datetime import date

from django.http import QueryDict

from assessments.walkthrough import queries as section_queries
from assessments.walkthrough.forms import (
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
            f"{prefix}-target_date": "2027-03-31",
        },
        answer=answer,
    )

    assert form.is_valid()
    assert form.cleaned_data == {
        "rating": 2,
        "current_practice": "Assemblies",
        "next_steps": "",
        "action_owner": "",
        "target_date": date(2027, 3, 31),
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
            f"{prefix}-next_steps": "x" * 5001,
            f"{prefix}-action_owner": "x" * 201,
            f"{prefix}-target_date": "31/02/2027",
        },
        answer=answer,
    )

    assert not form.is_valid()
    assert form.errors == {
        "rating": ["Choose Poorly, Moderately or Well"],
        "next_steps": ["What you will do next (Know) must be 5,000 characters or fewer"],
        "action_owner": ["Who will do it (Know) must be 200 characters or fewer"],
        "target_date": ["By when (Know) must be a real date, for example 31/3/2027"],
    }


def test_question_form_accepts_a_british_date(assessment):
    _, answers = environment_answers(assessment)
    prefix = f"q{answers[0].question_id}"

    form = QuestionAnswerForm({f"{prefix}-target_date": "31/3/2027"}, answer=answers[0])

    assert form.is_valid()
    assert form.cleaned_data["target_date"] == date(2027, 3, 31)


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


def test_factor_form_limits_notes_to_2000_characters(assessment):
    answer = section_queries.factor_answers(assessment)[0]

    form = FactorAnswerForm({f"f{answer.factor_id}-note": "x" * 2001}, answer=answer)

    assert form.errors["note"] == [
        f"Notes on {answer.factor.name} must be 2,000 characters or fewer"
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
    assert 'value="31/03/2027"' in str(QuestionAnswerForm(answer=answer)["target_date"])
    form = QuestionAnswerForm({f"{prefix}-target_date": "30/02/2027"}, answer=answer)
    assert not form.is_valid()
    rendered = str(form["target_date"])
    assert 'type="text"' in rendered
    assert 'value="30/02/2027"' in rendered
