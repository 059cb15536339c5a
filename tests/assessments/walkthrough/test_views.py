"""The assessment journey through its pages: start, task list, sections, check, complete."""

import re
from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import Activity, Assessment, Section
from assessments.walkthrough import services
from assessments.walkthrough.forms import CURRENT_PRACTICE_LIMIT
from tests.assessments.factories import (
    assessment_url,
    complete,
    page_data,
    rate_everything,
)


def login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def legends(html: str) -> list[str]:
    return [
        " ".join(text.split()) for text in re.findall(r"<legend[^>]*>(.*?)</legend>", html, re.S)
    ]


def question(assessment: Assessment, key: str):
    return assessment.question_answers.select_related("question").get(question__key=key)


def prefix(answer) -> str:
    return f"q{answer.question_id}"


# --- Starting an assessment ------------------------------------------------------------------


def test_create_page_lists_current_domains_with_their_audience(
    client, editor, organisation, edition
):
    response = login(client, editor).get(reverse("assessments:create", args=[organisation.slug]))

    html = response.content.decode()
    for index, domain in enumerate(edition.domains.all()):
        hint = f'<div id="id_domains_{index}_hint" class="form-text mt-0">'
        assert f">{domain.name}</label>" in html
        assert f"{hint}{domain.audience}</div>" in html
    assert 'aria-describedby="id_domains_0_hint"' in html


def test_create_starts_assessment_and_opens_task_list(client, editor, organisation, edition):
    domains = edition.domains.filter(key__in=["service", "policy"])
    data = {"title": "Spring 2027 review", "domains": [d.pk for d in domains]}

    response = login(client, editor).post(
        reverse("assessments:create", args=[organisation.slug]), data
    )

    assessment = organisation.assessments.get()
    assert response.status_code == 302
    assert response.url == assessment_url("detail", assessment)
    assert assessment.title == "Spring 2027 review"
    assert assessment.created_by == editor
    assert sorted(assessment.domains.values_list("key", flat=True)) == ["policy", "service"]


def test_create_without_title_or_domains_shows_errors_and_starts_nothing(
    client, editor, organisation, edition
):
    response = login(client, editor).post(
        reverse("assessments:create", args=[organisation.slug]), {"title": "x" * 201}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Title must be 200 characters or fewer" in html
    assert "Select at least one domain" in html
    assert 'href="#id_domains_0"' in html
    assert not organisation.assessments.exists()


def test_create_from_previous_prefills_its_scope(client, editor, make_assessment):
    previous = make_assessment(domains=("service",))

    response = login(client, editor).get(
        reverse("assessments:create", args=[previous.organisation.slug]),
        {"based_on": previous.pk},
    )

    form = response.context["form"]
    assert form["based_on"].value() == previous.pk
    assert [d.key for d in form.initial["domains"]] == ["service"]


def test_create_ignores_another_organisations_assessment(
    client, editor, organisation, make_assessment, make_organisation, make_user, edition
):
    stranger = make_user("head@elsewhere.example")
    theirs = make_assessment(organisation=make_organisation(stranger, name="Else"), user=stranger)
    create = reverse("assessments:create", args=[organisation.slug])
    login(client, editor)

    page = client.get(create, {"based_on": theirs.pk})
    response = client.post(
        create,
        {"title": "Mine", "domains": [edition.domains.first().pk], "based_on": theirs.pk},
    )

    assert "based_on" not in page.context["form"].initial
    assert "Select one of your organisation’s assessments" in response.content.decode()
    assert not organisation.assessments.exists()


def test_viewer_cannot_start_an_assessment(client, viewer, organisation, edition):
    response = login(client, viewer).get(reverse("assessments:create", args=[organisation.slug]))

    assert response.status_code == 403


# --- Task list and history --------------------------------------------------------------------


def test_task_list_shows_sections_statuses_and_progress(client, viewer, assessment, editor):
    answers = list(assessment.question_answers.filter(question__domain__key="content"))
    services.save_section(
        assessment=assessment,
        section_key="domain-content",
        user=editor,
        expected_version=0,
        changes=[(a, {"rating": 3}) for a in answers],
    )

    response = login(client, viewer).get(assessment_url("detail", assessment))

    html = response.content.decode()
    assert "1 of 3 required sections completed" in html
    assert "About the people you support (optional)" in html
    titles = [task.spec.title for task in response.context["tasks"]]
    assert titles == [
        "About the people you support",
        "Environment",
        "Content",
        "Self-assessment checklist",
    ]
    assert [task.status_label for task in response.context["tasks"]] == [
        "Not started",
        "Not started",
        "Completed",
        "Not started",
    ]
    assert "Check your answers and complete" in html
    assert assessment_url("check", assessment) in html
    assert "Delete this assessment" not in html


def test_task_list_shows_recent_activity_as_sentences(client, owner, assessment, editor):
    answer = question(assessment, "environment-understand")
    for version, rating in enumerate([2, 3]):
        services.save_section(
            assessment=assessment,
            section_key="domain-environment",
            user=editor,
            expected_version=version,
            changes=[(answer, {"rating": rating})],
        )

    html = login(client, owner).get(assessment_url("detail", assessment)).content.decode()

    assert html.count("editor@hillside.example</strong>\n        saved Environment: 1 answer") == 2
    assert assessment_url("history", assessment) in html
    assert "Delete this assessment" in html
    assert f"?based_on={assessment.pk}" in html


def test_history_lists_every_change_newest_first_in_pages_of_50(client, viewer, assessment, editor):
    answer = question(assessment, "environment-understand")
    for version in range(55):
        services.save_section(
            assessment=assessment,
            section_key="domain-environment",
            user=editor,
            expected_version=version,
            changes=[(answer, {"next_steps": f"Step {version}"})],
        )
    login(client, viewer)

    first = client.get(assessment_url("history", assessment))
    second = client.get(assessment_url("history", assessment), {"page": 2})

    entries = first.context["entries"]
    assert len(entries) == 50
    assert entries[0].new_value == "Step 54"
    assert entries[0].old_value == "Step 53"
    assert entries[0].section_title == "Environment"
    assert len(second.context["entries"]) == 6  # 5 more changes and the start
    assert "Started the assessment" in second.content.decode()


# --- Section pages ----------------------------------------------------------------------------


def test_domain_section_shows_the_domain_and_its_questions(client, editor, assessment, edition):
    response = login(client, editor).get(
        assessment_url("domain_section", assessment, "environment")
    )

    html = response.content.decode()
    domain = edition.domains.get(key="environment")
    assert domain.audience in html
    assert "Including any access point to the internet" in html
    assert "age appropriateness of your environment" in html
    assert edition.factors_prompt in html
    questions = [a.question for a in assessment.question_answers.filter(question__domain=domain)]
    assert legends(html) == [
        legend
        for question in questions
        for legend in [
            question.text,
            f'By when<span class="visually-hidden"> ({question.stage.name})</span>',
        ]
    ]
    for item in questions:
        assert f'id="id_q{item.pk}-rating_0"' in html
    assert 'name="version" value="0"' in html


def test_save_and_continue_goes_to_next_section(client, editor, assessment):
    login(client, editor)
    page = client.get(assessment_url("domain_section", assessment, "environment"))
    answer = question(assessment, "environment-know")
    data = page_data(page) | {f"{prefix(answer)}-rating": "2", "action": "continue"}

    response = client.post(assessment_url("domain_section", assessment, "environment"), data)

    assert response.status_code == 302
    assert response.url == assessment_url("domain_section", assessment, "content")
    assert question(assessment, "environment-know").rating == 2


def test_save_and_continue_after_the_last_section_goes_to_check(client, editor, assessment):
    login(client, editor)
    page = client.get(assessment_url("checklist_section", assessment))

    response = client.post(assessment_url("checklist_section", assessment), page_data(page))

    assert response.url == assessment_url("check", assessment)


def test_save_and_come_back_later_saves_partial_answers(client, editor, assessment):
    login(client, editor)
    page = client.get(assessment_url("domain_section", assessment, "environment"))
    answer = question(assessment, "environment-understand")
    data = page_data(page) | {
        f"{prefix(answer)}-current_practice": "Weekly assemblies\nand posters",
        f"{prefix(answer)}-target_date_0": "31",
        f"{prefix(answer)}-target_date_1": "3",
        f"{prefix(answer)}-target_date_2": "2027",
        "action": "later",
    }

    response = client.post(
        assessment_url("domain_section", assessment, "environment"), data, follow=True
    )

    assert response.redirect_chain == [(assessment_url("detail", assessment), 302)]
    assert "Your answers have been saved" in response.content.decode()
    saved = question(assessment, "environment-understand")
    assert saved.current_practice == "Weekly assemblies\nand posters"
    assert saved.target_date == date(2027, 3, 31)
    assert saved.rating is None
    section = assessment.sections.get(key="domain-environment")
    assert (section.status, section.version) == (Section.Status.IN_PROGRESS, 1)


def test_validation_error_saves_the_valid_answers_and_keeps_what_was_typed(
    client, editor, assessment
):
    login(client, editor)
    page = client.get(assessment_url("domain_section", assessment, "environment"))
    first = question(assessment, "environment-understand")
    second = question(assessment, "environment-know")
    data = page_data(page) | {
        f"{prefix(first)}-rating": "3",
        f"{prefix(first)}-next_steps": "Keep this text",
        f"{prefix(second)}-current_practice": "x" * (CURRENT_PRACTICE_LIMIT + 1),
        f"{prefix(second)}-target_date_0": "30",
        f"{prefix(second)}-target_date_1": "2",
        f"{prefix(second)}-target_date_2": str(date.today().year + 1),
    }

    response = client.post(assessment_url("domain_section", assessment, "environment"), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<title>Error: ") == 1
    assert "There is a problem" in html
    assert f'href="#id_{prefix(second)}-current_practice"' in html
    assert f"What you do now (Know) must be {CURRENT_PRACTICE_LIMIT:,} characters or fewer" in html
    assert f'href="#id_{prefix(second)}-target_date_0"' in html
    assert "By when (Know) must be a real date" in html
    assert "Keep this text" in html
    assert 'value="3"  id="id_q' in html and "checked" in html
    # The valid answer is saved; the one with problems is not, and is shown as typed.
    assert question(assessment, "environment-understand").rating == 3
    assert question(assessment, "environment-understand").next_steps == "Keep this text"
    assert question(assessment, "environment-know").current_practice == ""
    changed = assessment.activity.filter(kind=Activity.Kind.CHANGED)
    assert set(changed.values_list("item_key", flat=True)) == {"environment-understand"}


def test_rating_out_of_range_is_an_error(client, editor, assessment):
    login(client, editor)
    page = client.get(assessment_url("checklist_section", assessment))
    statement = assessment.checklist_answers.first()

    response = client.post(
        assessment_url("checklist_section", assessment),
        page_data(page) | {f"s{statement.statement_id}-rating": "4"},
    )

    assert "Choose Poorly, Moderately or Well" in response.content.decode()
    assert f'href="#id_s{statement.statement_id}-rating_0"' in response.content.decode()
    statement.refresh_from_db()
    assert statement.rating is None


def test_people_section_saves_age_groups_and_factors(client, editor, assessment):
    login(client, editor)
    page = client.get(assessment_url("people_section", assessment))
    factor = assessment.factor_answers.select_related("factor").get(factor__key="isolation")
    data = page_data(page) | {
        "age_groups": ["5-10", "11-13"],
        f"f{factor.factor_id}-relevant": "yes",
        f"f{factor.factor_id}-note": "Rural families",
    }

    response = client.post(assessment_url("people_section", assessment), data)

    assert response.url == assessment_url("domain_section", assessment, "environment")
    assessment.refresh_from_db()
    assert assessment.age_groups == ["5-10", "11-13"]
    factor.refresh_from_db()
    assert (factor.relevant, factor.note) == (True, "Rural families")
    change = assessment.activity.get(field="age groups")
    assert (change.old_value, change.new_value) == ("11–13, 14–17", "5–10, 11–13")


def test_people_section_lists_internal_then_external_factors(client, editor, assessment, edition):
    response = login(client, editor).get(assessment_url("people_section", assessment))

    html = response.content.decode()
    assert edition.factors_guidance in html
    assert html.index("Internal factors") < html.index("Vulnerabilities")
    assert html.index("Vulnerabilities") < html.index("External factors")
    assert html.index("External factors") < html.index("Targeting of vulnerable users")
    assert "Relevant to us?" in html


def test_checklist_section_shows_guidance_and_statements(client, editor, assessment, edition):
    response = login(client, editor).get(assessment_url("checklist_section", assessment))

    html = response.content.decode()
    assert edition.checklist_guidance in html
    assert html.count('type="radio"') == 8 * 3
    for statement in edition.checklist_statements.all():
        assert statement.text in html


def test_pasted_html_is_stored_as_text_and_shown_escaped(client, editor, assessment):
    login(client, editor)
    page = client.get(assessment_url("domain_section", assessment, "environment"))
    answer = question(assessment, "environment-understand")
    script = "<script>alert(1)</script>"
    client.post(
        assessment_url("domain_section", assessment, "environment"),
        page_data(page) | {f"{prefix(answer)}-current_practice": script},
    )

    section = client.get(
        assessment_url("domain_section", assessment, "environment")
    ).content.decode()
    check = client.get(assessment_url("check", assessment)).content.decode()
    task_list = client.get(assessment_url("detail", assessment)).content.decode()

    assert question(assessment, "environment-understand").current_practice == script
    for html in (section, check):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert script not in html
    assert script not in task_list  # its activity feed counts the answers a save changed


def test_viewer_sees_answers_read_only_and_cannot_save(client, viewer, assessment):
    login(client, viewer)

    page = client.get(assessment_url("domain_section", assessment, "environment"))
    response = client.post(
        assessment_url("domain_section", assessment, "environment"),
        {"version": "0", f"{prefix(question(assessment, 'environment-know'))}-rating": "3"},
    )

    html = page.content.decode()
    assert "Save and continue" not in html
    assert "Not rated" in html
    assert "ask an owner" in html
    assert response.status_code == 403
    assert question(assessment, "environment-know").rating is None


def test_domain_out_of_scope_is_not_found(client, editor, assessment):
    response = login(client, editor).get(assessment_url("domain_section", assessment, "service"))

    assert response.status_code == 404


# --- Conflicts --------------------------------------------------------------------------------


def test_conflicting_save_is_stopped_then_merged(client, editor, owner, assessment):
    section_url = assessment_url("domain_section", assessment, "environment")
    understand = question(assessment, "environment-understand")
    know = question(assessment, "environment-know")
    editor_client, owner_client = login(Client(), editor), login(Client(), owner)
    editor_page = editor_client.get(section_url)
    owner_page = owner_client.get(section_url)
    owner_client.post(section_url, page_data(owner_page) | {f"{prefix(know)}-rating": "1"})
    mine = page_data(editor_page) | {f"{prefix(understand)}-current_practice": "My evidence"}

    stopped = editor_client.post(section_url, mine)

    html = stopped.content.decode()
    assert stopped.status_code == 200
    assert 'role="alert"' in html
    assert "Someone else saved this section while you were editing." in html
    assert "Your changes have not been saved yet." in html
    assert "owner@hillside.example" in html
    assert "changed Rating of ‘Environment – Know’ to “Poorly”" in html
    assert "My evidence" in html
    assert 'name="version" value="1"' in html
    assert question(assessment, "environment-understand").current_practice == ""
    assert question(assessment, "environment-know").rating == 1

    saved = editor_client.post(section_url, page_data(stopped))

    assert saved.status_code == 302
    assert question(assessment, "environment-understand").current_practice == "My evidence"
    assert question(assessment, "environment-know").rating == 1  # the owner's save stands
    assert assessment.sections.get(key="domain-environment").version == 2
    change = assessment.activity.get(field="what you do now, with evidence")
    assert (change.user, change.old_value, change.new_value) == (editor, "", "My evidence")
    assert not assessment.activity.filter(user=editor, field="rating").exists()


def test_conflict_merge_matches_answers_by_key_not_by_the_names_the_history_shows(
    client, editor, owner, assessment
):
    """The history's display text (the answer's label, the field's name) may read differently
    from today's, e.g. after a rename; the merge must still keep the other person's save."""
    section_url = assessment_url("domain_section", assessment, "environment")
    understand = question(assessment, "environment-understand")
    know = question(assessment, "environment-know")
    editor_client, owner_client = login(Client(), editor), login(Client(), owner)
    editor_page = editor_client.get(section_url)
    owner_client.post(
        section_url, page_data(owner_client.get(section_url)) | {f"{prefix(know)}-rating": "1"}
    )
    assessment.activity.filter(user=owner).update(item="Environment (renamed) – Know", field="x")
    mine = page_data(editor_page) | {f"{prefix(understand)}-current_practice": "My evidence"}

    stopped = editor_client.post(section_url, mine)
    saved = editor_client.post(section_url, page_data(stopped))

    assert page_data(stopped)[f"{prefix(know)}-rating"] == "1"
    assert saved.status_code == 302
    assert question(assessment, "environment-know").rating == 1  # the owner's save stands
    assert question(assessment, "environment-understand").current_practice == "My evidence"


def test_conflict_on_the_same_answer_shows_both_and_keeps_mine_in_the_form(
    editor, owner, assessment
):
    section_url = assessment_url("domain_section", assessment, "environment")
    know = question(assessment, "environment-know")
    editor_client, owner_client = login(Client(), editor), login(Client(), owner)
    editor_page = editor_client.get(section_url)
    owner_client.post(
        section_url, page_data(owner_client.get(section_url)) | {f"{prefix(know)}-rating": "1"}
    )

    stopped = editor_client.post(
        section_url, page_data(editor_page) | {f"{prefix(know)}-rating": "3"}
    )

    assert "changed Rating of ‘Environment – Know’ to “Poorly”" in stopped.content.decode()
    assert page_data(stopped)[f"{prefix(know)}-rating"] == "3"
    assert question(assessment, "environment-know").rating == 1


# --- Check, complete, reopen, delete ----------------------------------------------------------


def test_check_page_shows_every_answer_with_change_links(client, editor, assessment):
    response = login(client, editor).get(assessment_url("check", assessment))

    html = response.content.decode()
    know = question(assessment, "environment-know")
    section = assessment_url("domain_section", assessment, "environment")
    assert html.count("Not rated") == 8 + 8
    assert f"{section}?return=check#id_q{know.question_id}-rating_0" in html
    assert 'Change<span class="visually-hidden"> rating for Environment – Know</span>' in html
    assert "About the people you support" in html
    assert "Complete assessment" in html


def test_complete_with_missing_ratings_lists_them_with_links(client, editor, assessment):
    know = question(assessment, "environment-know")

    response = login(client, editor).post(assessment_url("complete", assessment))

    html = response.content.decode()
    assert response.status_code == 200
    assert "You need to answer these before you can complete the assessment" in html
    assert "<title>Error: " in html
    assert len(response.context["missing"]) == 16
    section = assessment_url("domain_section", assessment, "environment")
    assert f'href="{section}#id_q{know.question_id}-rating_0"' in html
    assessment.refresh_from_db()
    assert not assessment.is_locked


def test_complete_locks_the_assessment(client, editor, assessment):
    rate_everything(assessment, editor)

    response = login(client, editor).post(assessment_url("complete", assessment), follow=True)

    assessment.refresh_from_db()
    assert response.redirect_chain == [(assessment_url("completed", assessment), 302)]
    assert assessment.is_locked
    assert assessment.completed_by == editor
    task_list = client.get(assessment_url("detail", assessment)).content.decode()
    assert "Assessment completed" in task_list
    assert "Reopen assessment" not in task_list  # editors cannot reopen


def test_completed_assessment_is_read_only_and_refuses_saves(client, editor, assessment):
    rate_everything(assessment, editor)
    services.complete_assessment(assessment=assessment, user=editor)
    login(client, editor)
    know = question(assessment, "environment-know")

    page = client.get(assessment_url("domain_section", assessment, "environment"))
    response = client.post(
        assessment_url("domain_section", assessment, "environment"),
        {"version": "1", f"{prefix(know)}-rating": "3", "action": "continue"},
    )

    assert "Save and continue" not in page.content.decode()
    assert "is locked" in page.content.decode()
    assert response.status_code == 403
    assert "This assessment is completed and locked" in response.content.decode()
    assert question(assessment, "environment-know").rating == 2


def test_owner_reopens_a_completed_assessment(client, owner, editor, assessment):
    rate_everything(assessment, editor)
    services.complete_assessment(assessment=assessment, user=editor)

    response = login(client, owner).post(assessment_url("reopen", assessment), follow=True)

    assessment.refresh_from_db()
    assert not assessment.is_locked
    assert "Assessment reopened" in response.content.decode()
    assert assessment.activity.filter(kind=Activity.Kind.REOPENED, user=owner).exists()


@pytest.mark.parametrize("member", ["editor", "viewer"])
def test_only_owners_can_reopen(client, member, editor, assessment, request):
    rate_everything(assessment, editor)
    services.complete_assessment(assessment=assessment, user=editor)

    response = login(client, request.getfixturevalue(member)).post(
        assessment_url("reopen", assessment)
    )

    assert response.status_code == 403
    assessment.refresh_from_db()
    assert assessment.is_locked


def test_owner_deletes_after_confirming(client, owner, assessment):
    login(client, owner)

    confirm = client.get(assessment_url("delete", assessment))
    response = client.post(assessment_url("delete", assessment))

    assert "Are you sure you want to delete" in confirm.content.decode()
    assert response.url == reverse("assessments:dashboard", args=[assessment.organisation.slug])
    assert not Assessment.objects.filter(pk=assessment.pk).exists()


def test_editor_cannot_delete(client, editor, assessment):
    response = login(client, editor).post(assessment_url("delete", assessment))

    assert response.status_code == 403
    assert Assessment.objects.filter(pk=assessment.pk).exists()


@pytest.mark.parametrize(
    "name, args",
    [
        ("detail", ()),
        ("history", ()),
        ("check", ()),
        ("people_section", ()),
        ("domain_section", ("environment",)),
        ("checklist_section", ()),
        ("delete", ()),
    ],
)
def test_outsiders_get_not_found(client, outsider, assessment, name, args):
    response = login(client, outsider).get(assessment_url(name, assessment, *args))

    assert response.status_code == 404


# --- Honest status: optional sections, review of copied answers, passed target dates -----------


def words(response) -> str:
    """The page's HTML with every run of whitespace as one space."""
    return " ".join(response.content.decode().split())


def test_task_list_of_a_completed_assessment_reads_completed_with_a_full_bar(
    client, viewer, editor, assessment
):
    rate_everything(assessment, editor)  # the optional people section left unanswered
    services.complete_assessment(assessment=assessment, user=editor)

    response = login(client, viewer).get(assessment_url("detail", assessment))

    html = response.content.decode()
    assert '<p id="progress-text" class="mb-2">Completed: all 3 required sections</p>' in html
    assert 'aria-valuenow="3" aria-valuemin="0" aria-valuemax="3"' in html
    assert '<rect class="progress-fill progress-fill-complete" width="100%"' in html
    assert "About the people you support (optional)</a>" in html


def test_task_list_says_review_needed_and_which_target_dates_passed(client, viewer, copied):
    response = login(client, viewer).get(assessment_url("detail", copied))

    html = words(response)
    assert re.search(r'id="status-domain-environment" class="[^"]*">Review needed</span>', html)
    assert re.search(r'id="status-domain-service" class="[^"]*">Not started</span>', html)
    assert "0 of 3 required sections completed" in html
    assert "This assessment started from “Spring 2020”" in html
    assert html.count("The target date 31 March 2020 has passed") == 4
    assert '<span class="fw-semibold">Know:</span> The target date 31 March 2020' in html


def test_task_list_feed_shows_one_entry_per_save_with_names_and_dates_in_words(
    client, viewer, make_user, organisation, assessment
):
    priya = make_user("priya@hillside.example", full_name="Priya Shah")
    organisation.memberships.create(user=priya, role="editor")
    answers = assessment.question_answers.filter(question__domain__key="environment")
    services.save_section(
        assessment=assessment,
        section_key="domain-environment",
        user=priya,
        expected_version=0,
        changes=[(answer, {"rating": 2, "next_steps": "Plan"}) for answer in answers[:3]],
    )

    html = words(login(client, viewer).get(assessment_url("detail", assessment)))

    assert "<strong>Priya Shah</strong> saved Environment: 3 answers changed" in html
    assert html.count("saved Environment") == 1
    assert "<strong>owner@hillside.example</strong> started the assessment" in html
    assert re.search(r'<time datetime="[^"]+">Today at \d\d:\d\d</time>', html)
    assert f'href="{assessment_url("history", assessment)}"' in html


def test_history_names_people_by_their_full_name(
    client, viewer, make_user, organisation, assessment
):
    priya = make_user("priya@hillside.example", full_name="Priya Shah")
    answer = question(assessment, "environment-know")
    services.save_section(
        assessment=assessment,
        section_key="domain-environment",
        user=priya,
        expected_version=0,
        changes=[(answer, {"rating": 3})],
    )

    html = words(login(client, viewer).get(assessment_url("history", assessment)))

    assert "<td>Priya Shah</td> <td>Changed rating</td>" in html
    assert "<td>owner@hillside.example</td> <td>Started the assessment</td>" in html


def test_check_page_change_links_are_unique_and_return_to_check(
    client, editor, assessment, edition
):
    html = login(client, editor).get(assessment_url("check", assessment)).content.decode()

    links = re.findall(
        r'<a href="([^"]+)">Change<span class="visually-hidden">([^<]+)</span>', html
    )
    texts = [text for _, text in links]
    # Age groups, each factor, five answers of each of 8 questions, 8 statements.
    assert len(links) == 1 + edition.factors.count() + 8 * 5 + 8
    assert len(set(texts)) == len(texts)
    assert " rating for Environment – Know" in texts and " rating for Content – Know" in texts
    assert all("?return=check#" in url for url, _ in links)
    assert "About the people you support (optional)</h2>" in html


def test_check_page_flags_passed_target_dates_and_sections_to_review(client, editor, copied):
    html = words(login(client, editor).get(assessment_url("check", copied)))

    assert html.count("The target date 31 March 2020 has passed") == 4
    assert html.count("<strong>Review needed.</strong>") == 3
    environment = assessment_url("domain_section", copied, "environment")
    assert f'<a class="alert-link" href="{environment}?return=check">Check them' in html


def test_check_page_of_a_completed_assessment_flags_no_passed_dates(client, viewer, previous):
    html = words(login(client, viewer).get(assessment_url("check", previous)))

    assert "31 March 2020" in html
    assert "has passed" not in html


def test_complete_is_refused_while_copied_sections_need_review(client, editor, copied):
    rate_everything(copied, editor)
    login(client, editor)

    refused = client.post(assessment_url("complete", copied))
    for key in ("people", "domain-environment", "checklist"):
        services.confirm_section_review(assessment=copied, section_key=key, user=editor)
    completed = client.post(assessment_url("complete", copied))

    html = words(refused)
    assert refused.status_code == 200
    assert "You need to check these before you can complete the assessment" in html
    checklist = assessment_url("checklist_section", copied)
    assert (
        f'<a class="alert-link" href="{checklist}?return=check">Self-assessment checklist: Check'
        in html
    )
    assert [item.section_key for item in refused.context["to_review"]] == [
        "people",
        "domain-environment",
        "checklist",
    ]
    assert completed.url == assessment_url("completed", copied)


def test_completed_page_says_what_happens_next(client, editor, owner, assessment):
    complete(assessment, owner, on=datetime(2026, 12, 3, 10))

    response = login(client, editor).get(assessment_url("completed", assessment))

    html = words(response)
    assert '<h1 class="display-6 fw-bold mb-3">Assessment complete</h1>' in html
    assert f'href="{assessment_url("report", assessment)}">View the report</a>' in html
    assert f'href="{assessment_url("report_pdf", assessment)}">Download the report as a PDF' in html
    assert ">3 December 2027</time>" in html
    create = reverse("assessments:create", args=[assessment.organisation.slug])
    assert f'href="{create}?based_on={assessment.pk}">Start a new assessment from this one' in html


def test_completed_page_tells_a_viewer_who_can_start_the_next_one(
    client, viewer, owner, assessment
):
    complete(assessment, owner)

    html = words(login(client, viewer).get(assessment_url("completed", assessment)))

    assert "Assessment complete" in html
    assert "an owner or editor of Hillside Academy can start the next one" in html
    assert "?based_on=" not in html


def test_completed_page_of_an_assessment_in_progress_goes_to_the_task_list(
    client, viewer, assessment
):
    response = login(client, viewer).get(assessment_url("completed", assessment))

    assert response.url == assessment_url("detail", assessment)


@pytest.mark.parametrize(("name", "page"), [("complete", "check"), ("reopen", "detail")])
def test_get_of_complete_or_reopen_goes_to_the_page_with_its_form(
    client, editor, assessment, name, page
):
    response = login(client, editor).get(assessment_url(name, assessment))

    assert response.status_code == 302
    assert response.url == assessment_url(page, assessment)
    assert not assessment.activity.exclude(kind=Activity.Kind.CREATED).exists()


def test_checklist_page_introduces_the_framework_guidance_in_its_own_words(
    client, editor, assessment, edition
):
    html = words(login(client, editor).get(assessment_url("checklist_section", assessment)))

    intro = html.index("This checklist follows the domain sections.")
    guidance = html.index(" ".join(edition.checklist_guidance.split()))
    assert intro < guidance
    assert html.index("<h1") < intro


def test_people_section_heading_says_it_is_optional(client, editor, assessment):
    html = words(login(client, editor).get(assessment_url("people_section", assessment)))

    assert re.search(r"<h1[^>]*>About the people you support \(optional\)</h1>", html)


def test_check_page_says_which_questions_changed_since_they_were_answered(
    client, editor, previous, reworded
):
    before = previous.question_answers.get(question__key="environment-know").question.text
    again = reworded

    html = words(login(client, editor).get(assessment_url("check", again)))

    assert html.count("The question has changed since you last answered it.") == 1
    assert f"It used to read: “{before}”" in html
