"""Saving that forgives: nothing typed on a section page is lost, whatever happens on the way.

Each way of losing work found in testing is a test here: a validation error elsewhere on the page,
a session that ended before the save, a form refused by the CSRF check, a double submission, and
Back followed by a different submission.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.walkthrough import kept
from assessments.walkthrough.forms import CURRENT_PRACTICE_LIMIT, NEXT_STEPS_LIMIT
from tests.assessments.conftest import PASSWORD
from tests.assessments.factories import assessment_url, page_data

# Near the most "What you do now" takes, and one more than "What you will do next" takes.
LONG = ("Evidence. " * (CURRENT_PRACTICE_LIMIT // 10))[: CURRENT_PRACTICE_LIMIT - 1]
TOO_LONG = "x" * (NEXT_STEPS_LIMIT + 1)


@pytest.fixture
def section_url(assessment) -> str:
    return assessment_url("domain_section", assessment, "environment")


def answers(assessment) -> dict:
    """The environment answers by stage key."""
    rows = assessment.question_answers.filter(question__domain__key="environment")
    return {row.question.stage.key: row for row in rows.select_related("question__stage")}


def field_name(answer, name: str) -> str:
    return f"q{answer.question_id}-{name}"


def sign_in(client: Client, user) -> None:
    """Sign in through the real login form, as a person does (the session is cycled)."""
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


# --- A validation error elsewhere on the page ------------------------------------------------


def test_a_problem_in_one_answer_saves_the_others_and_shows_it_as_typed(
    client, editor, assessment, section_url
):
    sign_in(client, editor)
    rows = answers(assessment)
    data = page_data(client.get(section_url)) | {
        field_name(rows["understand"], "current_practice"): LONG,
        field_name(rows["understand"], "rating"): "2",
        field_name(rows["know"], "next_steps"): TOO_LONG,
        field_name(rows["know"], "current_practice"): "Typed beside the problem",
    }

    response = client.post(section_url, data)

    html = response.content.decode()
    assert response.status_code == 200
    rows = answers(assessment)
    assert rows["understand"].current_practice == LONG
    assert rows["understand"].rating == 2
    assert rows["know"].current_practice == ""  # its row has a problem: not saved
    assert "We saved your other answers on this page" in html
    assert re.search(r"This answer has a problem, so it is not saved yet:\s*</p>", html)
    assert "<li>Environment – Know</li>" in html
    assert TOO_LONG in html and "Typed beside the problem" in html
    assert "data-unsaved" in html
    assert response.context["section_forms"].version["version"].value() == "1"


def test_correcting_the_problem_then_saves_it_without_a_conflict(
    client, editor, assessment, section_url
):
    sign_in(client, editor)
    rows = answers(assessment)
    data = page_data(client.get(section_url)) | {
        field_name(rows["understand"], "rating"): "3",
        field_name(rows["know"], "next_steps"): TOO_LONG,
    }
    first = client.post(section_url, data)

    fixed = page_data(first) | {field_name(rows["know"], "next_steps"): "Shorter now"}
    second = client.post(section_url, fixed)

    assert second.status_code == 302
    rows = answers(assessment)
    assert (rows["understand"].rating, rows["know"].next_steps) == (3, "Shorter now")


def test_leaving_the_error_page_keeps_the_valid_answers(client, editor, assessment, section_url):
    sign_in(client, editor)
    rows = answers(assessment)
    data = page_data(client.get(section_url)) | {
        field_name(rows["learn"], "current_practice"): LONG,
        field_name(rows["recover"], "action_owner"): "y" * 201,
    }
    client.post(section_url, data)

    page = client.get(assessment_url("detail", assessment))  # the breadcrumb

    assert page.status_code == 200
    assert answers(assessment)["learn"].current_practice == LONG


# --- The session ended before the save ------------------------------------------------------


def test_answers_posted_after_signing_out_come_back_after_signing_in(
    client, editor, assessment, section_url
):
    sign_in(client, editor)
    rows = answers(assessment)
    data = page_data(client.get(section_url)) | {
        field_name(rows["understand"], "current_practice"): "Typed before the session ended"
    }
    client.post(reverse("logout"))  # e.g. in another tab

    refused = client.post(section_url, data, follow=True)

    assert refused.redirect_chain[-1][0].startswith(reverse("login"))
    assert "what you typed is kept" in refused.content.decode()
    assert answers(assessment)["understand"].current_practice == ""
    sign_in(client, editor)
    back = client.get(section_url)
    html = back.content.decode()
    assert "Your answers are not saved yet" in html
    assert "Typed before the session ended" in html
    assert answers(assessment)["understand"].current_practice == ""  # never saved for them
    saved = client.post(section_url, page_data(back))
    assert saved.status_code == 302
    assert answers(assessment)["understand"].current_practice == "Typed before the session ended"


def test_kept_answers_come_back_once(client, editor, assessment, section_url):
    sign_in(client, editor)
    data = page_data(client.get(section_url)) | {
        field_name(answers(assessment)["know"], "next_steps"): "Kept once"
    }
    client.post(reverse("logout"))
    client.post(section_url, data)
    sign_in(client, editor)

    assert "Kept once" in client.get(section_url).content.decode()
    assert "Kept once" not in client.get(section_url).content.decode()


def test_kept_answers_never_come_back_to_someone_else(
    client, editor, owner, assessment, section_url
):
    sign_in(client, editor)
    data = page_data(client.get(section_url)) | {
        field_name(answers(assessment)["know"], "next_steps"): "Only for the editor"
    }
    client.post(reverse("logout"))
    client.post(section_url, data)

    sign_in(client, owner)  # someone else on the same browser

    assert "Only for the editor" not in client.get(section_url).content.decode()


def test_a_post_without_a_genuine_author_is_not_kept(client, editor, assessment, section_url):
    sign_in(client, editor)
    data = page_data(client.get(section_url)) | {
        field_name(answers(assessment)["know"], "next_steps"): "Planted text",
        "author": "1:forged-signature",
    }
    client.post(reverse("logout"))
    client.post(section_url, data)
    sign_in(client, editor)

    assert "Planted text" not in client.get(section_url).content.decode()
    assert kept.SESSION_KEY not in client.session or not client.session[kept.SESSION_KEY]


# --- The CSRF check refused the form -----------------------------------------------------


def test_a_refused_csrf_token_shows_our_page_and_keeps_the_answers(editor, assessment, section_url):
    client = Client(enforce_csrf_checks=True)
    sign_in_response = client.get(reverse("login"))
    token = sign_in_response.cookies["csrftoken"].value
    client.post(
        reverse("login"),
        {"username": editor.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    page = client.get(section_url)
    data = page_data(page) | {
        field_name(answers(assessment)["know"], "next_steps"): "Typed before signing in again",
        "csrfmiddlewaretoken": "stale-token-from-before-signing-in-again" * 2,
    }

    refused = client.post(section_url, data)

    html = refused.content.decode()
    assert refused.status_code == 403
    assert "Your page had expired, so nothing was saved" in html
    assert "We kept what you typed" in html
    assert 'class="skip-link' in html  # the site's layout
    assert answers(assessment)["know"].next_steps == ""
    assert "Typed before signing in again" in client.get(section_url).content.decode()


# --- Sent twice, or sent again after Back ---------------------------------------------------


def test_the_same_form_sent_twice_saves_once(client, editor, assessment, section_url):
    sign_in(client, editor)
    data = page_data(client.get(section_url)) | {
        field_name(answers(assessment)["know"], "rating"): "2"
    }

    first = client.post(section_url, data)
    second = client.post(section_url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert assessment.sections.get(key="domain-environment").version == 1
    assert assessment.activity.filter(field_name="rating").count() == 1


def test_back_then_a_different_answer_is_caught_as_a_conflict(
    client, editor, assessment, section_url
):
    sign_in(client, editor)
    know = field_name(answers(assessment)["know"], "rating")
    opened = page_data(client.get(section_url))
    client.post(section_url, opened | {know: "2"})

    again = client.post(section_url, opened | {know: "3"})  # the old page, after Back

    assert again.status_code == 200
    assert "Someone else saved this section" in again.content.decode() or (
        "saved this section while you were editing" in again.content.decode()
    )
    assert answers(assessment)["know"].rating == 2


# --- Change links from check your answers -------------------------------------------------


def test_a_change_link_from_check_your_answers_returns_there_after_saving(
    client, editor, assessment, section_url
):
    sign_in(client, editor)
    page = client.get(section_url, {"return": "check"})
    assert 'name="return" value="check"' in page.content.decode()

    response = client.post(section_url, page_data(page) | {"return": "check"})

    assert response.url == assessment_url("check", assessment)


def test_a_date_someone_else_saved_survives_the_conflict_merge(
    client, editor, owner, assessment, section_url
):
    sign_in(client, editor)
    know = answers(assessment)["know"]
    opened = page_data(client.get(section_url))
    other = Client()
    other.force_login(owner)
    other_page = page_data(other.get(section_url))
    day, month, year = (field_name(know, f"target_date_{part}") for part in range(3))
    other.post(section_url, other_page | {day: "31", month: "3", year: "2031"})

    stopped = client.post(section_url, opened | {field_name(know, "next_steps"): "Mine"})
    saved = client.post(section_url, page_data(stopped))

    assert saved.status_code == 302
    know = answers(assessment)["know"]
    assert (know.next_steps, know.target_date.isoformat()) == ("Mine", "2031-03-31")


def test_the_conflict_page_says_so_in_its_title_and_marks_the_answers_changed(
    client, editor, owner, assessment, section_url
):
    sign_in(client, editor)
    know = answers(assessment)["know"]
    opened = page_data(client.get(section_url))
    other = Client()
    other.force_login(owner)
    other.post(section_url, page_data(other.get(section_url)) | {field_name(know, "rating"): "1"})

    stopped = client.post(section_url, opened | {field_name(know, "next_steps"): "Mine"})

    html = stopped.content.decode()
    assert "<title>Conflict: Environment" in html
    assert re.search(r'id="conflict" tabindex="-1" autofocus', html)
    assert html.count("Changed by someone else</span>") == 1
    assert "changed rating to “Poorly”" in html
    rows = stopped.context["section_forms"].conflicting_rows
    assert [row.answer.pk for row in rows] == [know.pk]
