"""The assessment workflows: start, save a section, complete, reopen."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import Activity, Assessment, Section
from assessments.walkthrough import services
from framework.services import duplicate_edition
from tests.assessments.factories import rate_everything


def _answer(assessment: Assessment, key: str):
    return assessment.question_answers.select_related("question__stage").get(question__key=key)


def _save(assessment, section_key, user, rows_values, version=None):
    section = assessment.sections.get(key=section_key)
    return services.save_section(
        assessment=assessment,
        section_key=section_key,
        user=user,
        expected_version=section.version if version is None else version,
        changes=list(rows_values),
    )


def test_start_assessment_creates_sections_and_empty_answers(edition, organisation, owner):
    domains = list(edition.domains.filter(key__in=["content", "environment"]))

    assessment = services.start_assessment(
        organisation=organisation, user=owner, title="Spring review", domains=domains
    )

    assert assessment.edition == edition
    assert list(assessment.sections.values_list("key", flat=True)) == [
        "people",
        "domain-environment",
        "domain-content",
        "checklist",
    ]
    assert assessment.question_answers.count() == 8
    assert assessment.factor_answers.count() == edition.factors.count()
    assert assessment.checklist_answers.count() == 8
    assert assessment.age_groups == ["11-13", "14-17"]
    assert assessment.activity.get().kind == Activity.Kind.CREATED


def test_start_assessment_without_domains_is_refused(edition, organisation, owner):
    with pytest.raises(ValidationError, match="at least one domain"):
        services.start_assessment(organisation=organisation, user=owner, title="x", domains=[])
    assert not Assessment.objects.exists()


def test_start_assessment_with_another_editions_domain_is_refused(edition, organisation, owner):
    draft = duplicate_edition(edition=edition)

    with pytest.raises(ValidationError, match="current framework"):
        services.start_assessment(
            organisation=organisation,
            user=owner,
            title="x",
            domains=[draft.domains.get(key="policy")],
        )
    assert not Assessment.objects.exists()


def test_start_assessment_on_a_draft_edition_is_refused(edition, organisation, owner):
    draft = duplicate_edition(edition=edition)

    with pytest.raises(ValidationError, match="published edition"):
        services.start_assessment(
            organisation=organisation,
            user=owner,
            title="x",
            edition=draft,
            domains=list(draft.domains.all()),
        )
    assert not Assessment.objects.exists()


def test_start_assessment_cannot_copy_another_organisations_assessment(
    make_assessment, make_organisation, make_user, edition
):
    other_owner = make_user("head@elsewhere.example")
    other = make_organisation(other_owner, name="Elsewhere Trust")
    theirs = make_assessment(organisation=other, user=other_owner)

    with pytest.raises(PermissionDenied):
        make_assessment(based_on=theirs)
    assert Assessment.objects.count() == 1


def test_start_assessment_from_a_previous_one_copies_answers_by_key(
    make_assessment, assessment, owner
):
    answer = _answer(assessment, "environment-understand")
    factor = assessment.factor_answers.select_related("factor").get(factor__key="isolation")
    statement = assessment.checklist_answers.get(statement__key="report-harms")
    _save(
        assessment,
        "domain-environment",
        owner,
        [(answer, {"rating": 2, "next_steps": "Train staff"})],
    )
    _save(assessment, "people", owner, [(factor, {"relevant": True, "note": "Yes"})])
    _save(assessment, "checklist", owner, [(statement, {"rating": 3})])

    again = make_assessment(
        domains=("environment", "service"), title="Autumn review", based_on=assessment
    )

    copied = _answer(again, "environment-understand")
    assert (copied.rating, copied.next_steps) == (2, "Train staff")
    assert again.factor_answers.get(factor__key="isolation").note == "Yes"
    assert again.checklist_answers.get(statement__key="report-harms").rating == 3
    assert _answer(again, "service-understand").rating is None
    assert again.based_on == assessment
    assert again.sections.get(key="domain-environment").status == Section.Status.IN_PROGRESS


def test_save_section_records_old_and_new_values_and_bumps_version(assessment, editor):
    answer = _answer(assessment, "environment-understand")
    _save(assessment, "domain-environment", editor, [(answer, {"rating": 2})])

    section = _save(
        assessment,
        "domain-environment",
        editor,
        [(answer, {"rating": 3, "target_date": date(2027, 3, 31)})],
    )

    assert section.version == 2
    assert section.updated_by == editor
    answer.refresh_from_db()
    assert (answer.rating, answer.target_date) == (3, date(2027, 3, 31))
    latest = assessment.activity.filter(section_version=2)
    assert {(a.field, a.old_value, a.new_value) for a in latest} == {
        ("rating", "Moderately", "Well"),
        ("by when", "", "2027-03-31"),
    }
    assert {a.user for a in latest} == {editor}
    assert {a.item for a in latest} == {"Environment – Understand"}


def test_save_section_without_changes_keeps_the_version(assessment, editor):
    answer = _answer(assessment, "environment-understand")

    section = _save(assessment, "domain-environment", editor, [(answer, {"rating": None})])

    assert section.version == 0
    assert not assessment.activity.filter(kind=Activity.Kind.CHANGED).exists()


def test_save_section_after_someone_elses_save_raises_conflict_with_their_changes(
    assessment, editor, owner
):
    answer = _answer(assessment, "environment-understand")
    _save(assessment, "domain-environment", owner, [(answer, {"rating": 1})])
    stale = _answer(assessment, "environment-understand")

    with pytest.raises(services.EditConflict) as caught:
        _save(assessment, "domain-environment", editor, [(stale, {"rating": 3})], version=0)

    conflict = caught.value
    assert conflict.section.version == 1
    assert [(c.user, c.field, c.old_value, c.new_value) for c in conflict.changes] == [
        (owner, "rating", "", "Poorly")
    ]
    assert _answer(assessment, "environment-understand").rating == 1


def test_save_section_of_a_completed_assessment_is_refused(assessment, editor):
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.COMPLETED)
    answer = _answer(assessment, "environment-understand")

    with pytest.raises(services.AssessmentLocked):
        _save(assessment, "domain-environment", editor, [(answer, {"rating": 3})])

    assert _answer(assessment, "environment-understand").rating is None


def test_save_section_refuses_rows_of_another_assessment(make_assessment, assessment, editor):
    other = make_assessment(title="Other")
    foreign = _answer(other, "environment-understand")

    with pytest.raises(ValueError):
        _save(assessment, "domain-environment", editor, [(foreign, {"rating": 3})])

    assert _answer(other, "environment-understand").rating is None


def test_save_section_updates_section_statuses(assessment, editor):
    answers = list(assessment.question_answers.filter(question__domain__key="content"))

    _save(assessment, "domain-content", editor, [(a, {"rating": 2}) for a in answers])

    statuses = dict(assessment.sections.values_list("key", "status"))
    assert statuses["domain-content"] == Section.Status.COMPLETED
    assert statuses["domain-environment"] == Section.Status.NOT_STARTED


def test_complete_assessment_lists_what_is_missing(assessment, editor):
    answer = _answer(assessment, "environment-understand")
    _save(assessment, "domain-environment", editor, [(answer, {"rating": 2})])

    with pytest.raises(ValidationError) as caught:
        services.complete_assessment(assessment=assessment, user=editor)

    messages = caught.value.messages
    assert len(messages) == 3 + 4 + 8
    assert messages[0].startswith("Environment: Know: Are people adequately supported")
    assert messages[-1].startswith("Self-assessment checklist: People are provided opportunities")
    assessment.refresh_from_db()
    assert not assessment.is_locked


def test_complete_assessment_locks_and_records_who(assessment, editor):
    rate_everything(assessment, editor)

    services.complete_assessment(assessment=assessment, user=editor)

    assessment.refresh_from_db()
    assert assessment.is_locked
    assert assessment.completed_by == editor
    assert assessment.completed_at is not None
    assert assessment.activity.filter(kind=Activity.Kind.COMPLETED, user=editor).exists()


def test_reopen_assessment_unlocks_and_is_recorded(assessment, editor, owner):
    rate_everything(assessment, editor)
    services.complete_assessment(assessment=assessment, user=editor)

    services.reopen_assessment(assessment=assessment, user=owner)

    assessment.refresh_from_db()
    assert not assessment.is_locked
    assert assessment.completed_by is None
    assert assessment.activity.filter(kind=Activity.Kind.REOPENED, user=owner).exists()


def test_reopen_assessment_in_progress_is_refused(assessment, owner):
    with pytest.raises(ValidationError, match="not completed"):
        services.reopen_assessment(assessment=assessment, user=owner)
    assert not assessment.activity.filter(kind=Activity.Kind.REOPENED).exists()


# --- Review of copied answers ----------------------------------------------------------------


def test_start_assessment_from_a_previous_one_marks_sections_with_copied_answers(copied):
    flags = dict(copied.sections.values_list("key", "needs_review"))

    assert flags == {
        "people": True,
        "domain-environment": True,
        "domain-service": False,
        "checklist": True,
    }


def test_start_assessment_from_an_unanswered_one_needs_no_review(make_assessment, assessment):
    again = make_assessment(title="Autumn review", based_on=assessment)

    assert not again.sections.filter(needs_review=True).exists()


def test_confirm_section_review_clears_the_flag_and_records_who_confirmed(copied, editor):
    confirmed = services.confirm_section_review(
        assessment=copied, section_key="domain-environment", user=editor
    )
    again = services.confirm_section_review(
        assessment=copied, section_key="domain-environment", user=editor
    )

    assert (confirmed, again) == (True, False)
    assert not copied.sections.get(key="domain-environment").needs_review
    assert copied.sections.get(key="checklist").needs_review
    entry = copied.activity.get(kind=Activity.Kind.REVIEWED)
    assert (entry.user, entry.section_key) == (editor, "domain-environment")
    assert entry.get_kind_display() == "Confirmed a copied section"


def test_complete_assessment_is_refused_until_every_copied_section_is_confirmed(copied, editor):
    rate_everything(copied, editor)

    with pytest.raises(ValidationError) as refused:
        services.complete_assessment(assessment=copied, user=editor)
    for key in ("people", "domain-environment", "checklist"):
        services.confirm_section_review(assessment=copied, section_key=key, user=editor)
    services.complete_assessment(assessment=copied, user=editor)

    assert refused.value.messages == [
        f"{title}: Check the answers copied from the earlier assessment, then save the section"
        for title in ("About the people you support", "Environment", "Self-assessment checklist")
    ]
    copied.refresh_from_db()
    assert copied.is_locked


def test_copied_answer_to_a_reworded_question_keeps_the_wording_it_was_given_to(
    editor, previous, reworded
):
    before = previous.question_answers.get(question__key="environment-know").question.text
    again = reworded

    know = again.question_answers.get(question__key="environment-know")
    understand = again.question_answers.get(question__key="environment-understand")
    assert know.question.domain.edition != previous.edition
    assert (know.rating, know.question_changed, know.previous_question_text) == (2, True, before)
    assert (understand.rating, understand.question_changed) == (2, False)
    services.confirm_section_review(assessment=again, section_key="domain-environment", user=editor)
    know.refresh_from_db()
    assert not know.question_changed
