import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.db import connection
from django.template import Context, Template
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.assessments.conftest import PASSWORD

NEW_PASSWORD = "a-quite-different-passphrase"


def signup_data(email: str = "New.Person@School.example", **overrides) -> dict[str, str]:
    return {
        "full_name": "Sam Patel",
        "job_title": "",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


def logged_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


# --- Signing up ------------------------------------------------------------------------------


def sign_up(client, data: dict, **extra):
    """Post the sign-up form; the emails it queues leave as the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("assessments:signup"), data, **extra)


def confirmation_path(mailoutbox) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+/)", mailoutbox[-1].body).group(
        1
    )


@pytest.mark.django_db
def test_signup_emails_a_link_and_the_account_works_once_confirmed(client, mailoutbox):
    response = sign_up(client, signup_data())

    assert response.url == reverse("assessments:signup_sent")
    user = User.objects.get()
    assert (user.username, user.email) == ("new.person@school.example",) * 2
    assert user.check_password(PASSWORD)
    assert not user.is_active
    assert logged_in_user_id(client) is None
    assert mailoutbox[0].to == ["new.person@school.example"]
    assert mailoutbox[0].subject == "Confirm your email address for Digital Resilience"
    assert "Check your email" in client.get(response.url).content.decode()

    link = confirmation_path(mailoutbox)
    page = client.get(link)
    assert "Confirm and log in</button>" in page.content.decode()
    user.refresh_from_db()
    assert not user.is_active  # a GET (a mail scanner following links) confirms nothing
    confirmed = client.post(link)

    user.refresh_from_db()
    assert user.is_active
    assert logged_in_user_id(client) == user.pk
    assert confirmed.url == reverse("assessments:organisation_create")


@pytest.mark.django_db
def test_signup_is_refused_login_until_confirmed(client, mailoutbox):
    sign_up(client, signup_data())

    response = client.post(
        reverse("login"), {"username": "new.person@school.example", "password": PASSWORD}
    )

    assert logged_in_user_id(client) is None
    assert "Enter the email address and password of your account." in response.content.decode()


def test_signup_with_an_existing_address_looks_the_same_and_tells_its_owner(
    client, make_user, mailoutbox
):
    owner = make_user("owner@hillside.example")
    new = sign_up(Client(), signup_data("someone.new@school.example"))
    existing = sign_up(client, signup_data("OWNER@Hillside.example"))

    assert existing.status_code == new.status_code == 302
    assert existing.url == new.url == reverse("assessments:signup_sent")
    assert User.objects.filter(email__iexact="owner@hillside.example").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert logged_in_user_id(client) is None
    mail = mailoutbox[-1]
    assert mail.to == ["owner@hillside.example"]
    assert mail.subject == "You already have a Digital Resilience account"
    assert "http://127.0.0.1:8000/accounts/password_reset/" in mail.body
    assert "/accounts/signup/confirm/" not in mail.body


@pytest.mark.django_db
def test_signing_up_again_before_confirming_replaces_the_link(client, mailoutbox):
    sign_up(client, signup_data())
    first = confirmation_path(mailoutbox)
    sign_up(
        client, signup_data(full_name="Sam Other", password1=NEW_PASSWORD, password2=NEW_PASSWORD)
    )
    second = confirmation_path(mailoutbox)

    old = client.post(first)
    assert old.status_code == 400
    assert "This confirmation link does not work" in old.content.decode()
    client.post(second)

    user = User.objects.get()
    assert user.is_active
    assert user.check_password(NEW_PASSWORD)
    assert user.profile.full_name == "Sam Other"


@pytest.mark.django_db
def test_signup_confirmation_link_tampered_or_expired_does_not_work(client, mailoutbox, settings):
    sign_up(client, signup_data())
    link = confirmation_path(mailoutbox)

    assert client.post(link[:-3] + "xx/").status_code == 400
    settings.SECRET_KEY = "another-key-so-every-signature-is-old"
    assert client.post(link).status_code == 400
    assert not User.objects.get().is_active


@pytest.mark.django_db
def test_signup_follows_safe_next(client, mailoutbox):
    next_url = reverse("assessments:accept_invitation", args=["some-token"])

    sign_up(client, signup_data(next=next_url))
    response = client.post(confirmation_path(mailoutbox))

    assert response.url == next_url


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "foo"])
def test_signup_ignores_next_to_another_site_or_not_a_path(client, mailoutbox, next_url):
    sign_up(client, signup_data(next=next_url))
    response = client.post(confirmation_path(mailoutbox))

    assert response.url == reverse("assessments:organisation_create")


@pytest.mark.django_db
def test_signup_per_client_is_rate_limited_keeping_what_was_typed(client, mailoutbox, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"signup-client": (2, 3600)}
    for number in range(2):
        sign_up(client, signup_data(f"person{number}@school.example"))

    response = sign_up(client, signup_data("person9@school.example", full_name="Nine"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "This has been asked for too many times. Nothing was sent." in html
    assert 'value="person9@school.example"' in html
    assert 'value="Nine"' in html
    assert len(mailoutbox) == 2
    assert not User.objects.filter(email="person9@school.example").exists()


@pytest.mark.django_db
def test_signup_weak_password_rejected(client):
    response = client.post(
        reverse("assessments:signup"),
        signup_data(password1="password", password2="password"),
    )

    assert not User.objects.exists()
    assert "This password is too common." in response.content.decode()


@pytest.mark.django_db
def test_signup_page_labels_every_field_with_a_hint(client):
    html = client.get(reverse("assessments:signup")).content.decode()

    for field in ("email", "password1", "password2"):
        assert re.search(rf'<label\s+for="id_{field}"', html)
        assert f'id="id_{field}_helptext"' in html


def test_signup_when_logged_in_goes_home(client, owner):
    client.force_login(owner)

    response = client.get(reverse("assessments:signup"))

    assert response.url == reverse("assessments:home")


@pytest.mark.parametrize("next_url", ["foo", "https://evil.example/", "//evil.example/x"])
def test_signup_when_logged_in_with_an_unsafe_next_goes_home(client, owner, next_url):
    client.force_login(owner)

    response = client.get(reverse("assessments:signup"), {"next": next_url})

    assert response.status_code == 302
    assert response.url == reverse("assessments:home")


@pytest.mark.parametrize("next_url", ["foo", "//evil.example/x"])
def test_login_ignores_a_next_that_is_not_a_local_path(client, owner, next_url):
    response = client.post(
        reverse("login"),
        {"username": "owner@hillside.example", "password": PASSWORD, "next": next_url},
    )

    assert response.url == reverse("assessments:home")


# --- Logging in and out ----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_form_asks_for_email_address(client):
    html = client.get(reverse("login")).content.decode()

    assert re.search(r'<label\s+for="id_username"[^>]*>\s*Email address', html)
    assert re.search(r'<input type="email" name="username"[^>]*autocomplete="email"', html)


def test_login_by_email_case_insensitively(client, owner):
    response = client.post(
        reverse("login"), {"username": "  Owner@HILLSIDE.example ", "password": PASSWORD}
    )

    assert logged_in_user_id(client) == owner.pk
    assert response.url == reverse("assessments:home")


def test_login_wrong_password_shows_error_summary(client, owner):
    response = client.post(
        reverse("login"), {"username": "owner@hillside.example", "password": "wrong"}
    )

    html = response.content.decode()
    assert logged_in_user_id(client) is None
    assert "<title>Error: Log in" in html
    assert "There is a problem" in html
    assert "Enter the email address and password of your account." in html
    assert 'value="owner@hillside.example"' in html


def test_login_follows_next(client, owner):
    next_url = reverse("assessments:accept_invitation", args=["some-token"])

    response = client.post(
        reverse("login"),
        {"username": "owner@hillside.example", "password": PASSWORD, "next": next_url},
    )

    assert response.url == next_url


def test_logout_by_post(client, owner):
    client.force_login(owner)

    response = client.post(reverse("logout"))

    assert logged_in_user_id(client) is None
    assert response.url == reverse("framework:home")


def test_logout_by_get_is_refused(client, owner):
    client.force_login(owner)

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert logged_in_user_id(client) == owner.pk


def log_in(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(
        reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_login_is_locked_after_five_wrong_passwords_even_with_the_right_one(client, owner):
    for attempt in range(4):
        assert log_in(client, "Owner@Hillside.example ", f"wrong-{attempt}").status_code == 200
    # The fifth failure, in another spelling of the same address, locks the account.
    assert log_in(client, "OWNER@hillside.example", "wrong-5").status_code == 429

    response = log_in(client, "owner@hillside.example", PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert "<title>Too many failed attempts to log in" in html
    assert "after 5 wrong passwords in a row" in html
    assert "Try again in 15 minutes" in html
    assert 'href="/static/css/site.css"' in html  # the site's layout, not a bare message
    assert logged_in_user_id(client) is None


def test_locked_account_is_refused_from_another_address_too(client, owner):
    for attempt in range(5):
        log_in(client, "owner@hillside.example", f"wrong-{attempt}", address="10.0.0.1")

    response = log_in(client, "owner@hillside.example", PASSWORD, address="10.9.9.9")

    assert response.status_code == 429
    assert logged_in_user_id(client) is None


def test_locked_address_refuses_every_account(client, owner, editor):
    for number in range(5):
        log_in(client, f"guess{number}@hillside.example", "wrong", address="10.0.0.7")

    response = log_in(client, "editor@hillside.example", PASSWORD, address="10.0.0.7")

    assert response.status_code == 429
    assert logged_in_user_id(client) is None
    log_in(client, "editor@hillside.example", PASSWORD, address="10.0.0.8")
    assert logged_in_user_id(client) == editor.pk


def test_lockout_ends_after_the_cool_off(client, owner):
    for attempt in range(5):
        log_in(client, "owner@hillside.example", f"wrong-{attempt}")
    assert log_in(client, "owner@hillside.example", PASSWORD).status_code == 429
    # Move the failures 16 minutes into the past (the cool-off is 15).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))

    response = log_in(client, "owner@hillside.example", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == owner.pk


def test_four_wrong_passwords_then_the_right_one_logs_in(client, owner):
    for attempt in range(4):
        log_in(client, "owner@hillside.example", f"wrong-{attempt}")

    log_in(client, "owner@hillside.example", PASSWORD)

    assert logged_in_user_id(client) == owner.pk


# --- Resetting a password --------------------------------------------------------------------


def ask_for_reset(client, email: str, **extra):
    """Ask for a reset link; the queued email leaves as the request's transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email}, **extra)


def reset_path(mail) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/reset/\S+/)", mail.body).group(1)


def test_password_reset_emails_a_link_that_sets_a_new_password(client, owner, mailoutbox):
    response = ask_for_reset(client, "Owner@Hillside.example")

    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["owner@hillside.example"]
    link = reset_path(mailoutbox[0])

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.url == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_password_reset_link_works_once(client, owner, mailoutbox):
    ask_for_reset(client, "owner@hillside.example")
    link = reset_path(mailoutbox[0])
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    again = client.get(link, follow=True)

    assert "This link does not work" in again.content.decode()


@pytest.mark.django_db
def test_password_reset_for_unknown_email_sends_nothing(client, mailoutbox):
    response = ask_for_reset(client, "nobody@example.org")

    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_reset_request_does_the_same_work_whether_or_not_the_address_has_an_account(
    client, owner, mailoutbox
):
    """What the request itself does (its queries, its answer) is the same for both addresses:
    looking up accounts and sending is left to the task queue, after the request."""
    answers, queries = [], []
    for email in ("owner@hillside.example", "nobody@hillside.example"):
        with CaptureQueriesContext(connection) as captured:
            answers.append(client.post(reverse("password_reset"), {"email": email}))
        queries.append([re.sub(r"'[^']*'|\d+", "?", q["sql"]) for q in captured])

    assert answers[0].status_code == answers[1].status_code == 302
    assert answers[0].url == answers[1].url
    assert queries[0] == queries[1]
    assert not any("auth_user" in sql for sql in queries[0])
    assert mailoutbox == []  # nothing is sent inside the request


def test_password_reset_per_address_is_limited_to_three_an_hour(client, owner, mailoutbox):
    for _ in range(3):
        ask_for_reset(client, "owner@hillside.example")

    response = ask_for_reset(client, "OWNER@hillside.example")

    html = response.content.decode()
    assert response.status_code == 200
    assert "This has been asked for too many times. Nothing was sent." in html
    assert "Try again in 60 minutes" in html
    assert 'value="OWNER@hillside.example"' in html
    assert len(mailoutbox) == 3
    # Another address from the same client is still fine, and the limit is the same for an
    # address without an account, so it tells nothing.
    assert ask_for_reset(client, "editor@hillside.example").status_code == 302
    for _ in range(3):
        ask_for_reset(client, "nobody@hillside.example")
    assert ask_for_reset(client, "nobody@hillside.example").status_code == 200


def test_password_reset_per_client_is_limited(client, owner, settings, mailoutbox):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"password-reset-client": (2, 3600)}
    ask_for_reset(client, "a@hillside.example", REMOTE_ADDR="10.1.1.1")
    ask_for_reset(client, "b@hillside.example", REMOTE_ADDR="10.1.1.1")

    refused = ask_for_reset(client, "owner@hillside.example", REMOTE_ADDR="10.1.1.1")
    elsewhere = ask_for_reset(client, "owner@hillside.example", REMOTE_ADDR="10.1.1.2")

    assert refused.status_code == 200
    assert elsewhere.status_code == 302
    assert len(mailoutbox) == 1


# --- Navigation ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nav_offers_login_and_signup_to_anonymous_users(client):
    html = client.get(reverse("login")).content.decode()

    assert f'href="{reverse("assessments:signup")}">Create an account</a>' in html
    assert f'href="{reverse("login")}">Log in</a>' in html


def test_nav_shows_account_menu_with_logout_button(client, owner):
    client.force_login(owner)

    html = client.get(reverse("assessments:organisation_create")).content.decode()

    assert "owner@hillside.example" in html
    assert f'action="{reverse("logout")}"' in html
    assert re.search(r'<button type="submit"[^>]*>Log out</button>', html)


# --- Names, job titles and the profile page ---------------------------------------------------


def summary_errors(html: str) -> list[str]:
    """The messages the error summary lists, in order."""
    summary = re.search(r'<div class="alert alert-danger error-summary.*?</ul>', html, re.S)
    assert summary, "The page has no error summary."
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    ]


@pytest.mark.django_db
def test_signup_stores_full_name_and_job_title(client, mailoutbox):
    sign_up(client, signup_data(full_name="  Sam Patel ", job_title="Designated Safeguarding Lead"))
    client.post(confirmation_path(mailoutbox))

    user = User.objects.get()
    assert (user.profile.full_name, user.profile.job_title) == (
        "Sam Patel",
        "Designated Safeguarding Lead",
    )
    menu = client.get(reverse("assessments:organisation_create")).content.decode()
    assert re.search(r"Logged in as<br><strong[^>]*>Sam Patel</strong>", menu)


@pytest.mark.django_db
def test_signup_without_a_job_title_is_fine_but_needs_a_name(client):
    response = client.post(reverse("assessments:signup"), signup_data(full_name=""))

    assert not User.objects.exists()
    assert summary_errors(response.content.decode()) == ["Enter your full name"]

    client.post(reverse("assessments:signup"), signup_data(job_title=""))
    assert User.objects.get().profile.job_title == ""


@pytest.mark.django_db
def test_signup_empty_form_lists_each_error_once(client):
    html = client.post(reverse("assessments:signup"), {}).content.decode()

    assert summary_errors(html) == [
        "Enter your full name",
        "Enter your email address",
        "Enter a password",
        "Confirm your password by typing it again",
    ]
    # Each message once in the summary and once by its field.
    for message in summary_errors(html):
        assert html.count(message) == 2, message


@pytest.mark.django_db
def test_signup_weak_password_error_is_on_the_password_typed_first(client):
    html = client.post(
        reverse("assessments:signup"), signup_data(password1="password", password2="password")
    ).content.decode()

    assert 'href="#id_password1">This password is too common.' in html
    assert 'href="#id_password2"' not in html


@pytest.mark.django_db
def test_signup_too_long_name_and_job_title_keep_what_was_typed(client):
    name, title = "N" * 151, "T" * 101

    html = client.post(
        reverse("assessments:signup"), signup_data(full_name=name, job_title=title)
    ).content.decode()

    assert summary_errors(html) == [
        "Full name must be 150 characters or fewer",
        "Job title must be 100 characters or fewer",
    ]
    assert f'value="{name}"' in html
    assert f'value="{title}"' in html


def profile_url() -> str:
    return reverse("assessments:profile")


def test_account_menu_links_to_the_profile(client, make_user):
    client.force_login(make_user("jo@hillside.example", full_name="Jo Bloggs"))

    html = client.get(reverse("assessments:home")).content.decode()

    assert f'<a href="{profile_url()}">Your profile</a>' in html
    assert "Jo Bloggs</strong><br>jo@hillside.example" in html


def test_profile_shows_and_saves_name_and_job_title(client, make_user):
    user = make_user("jo@hillside.example", full_name="Jo Bloggs", job_title="Head")
    client.force_login(user)

    page = client.get(profile_url()).content.decode()
    assert 'value="Jo Bloggs"' in page
    assert 'value="Head"' in page
    assert "jo@hillside.example" in page

    response = client.post(
        profile_url(), {"full_name": "Jo Bloggs-Smith", "job_title": "Deputy Head"}, follow=True
    )

    user.profile.refresh_from_db()
    assert (user.profile.full_name, user.profile.job_title) == ("Jo Bloggs-Smith", "Deputy Head")
    assert "Your name and job title have been saved." in response.content.decode()


def test_profile_errors_keep_typed_values(client, make_user):
    user = make_user("jo@hillside.example", full_name="Jo Bloggs", job_title="Head")
    client.force_login(user)

    response = client.post(profile_url(), {"full_name": "", "job_title": "Deputy Head of Year"})

    html = response.content.decode()
    assert "<title>Error: Your profile" in html
    assert summary_errors(html) == ["Enter your full name"]
    assert 'href="#id_full_name"' in html
    assert 'value="Deputy Head of Year"' in html
    user.profile.refresh_from_db()
    assert (user.profile.full_name, user.profile.job_title) == ("Jo Bloggs", "Head")


def test_profile_gives_an_account_without_one_a_name(client, owner):
    client.force_login(owner)
    name_input = re.search(
        r'<input [^>]*name="full_name"[^>]*>', client.get(profile_url()).content.decode()
    )
    assert "value=" not in name_input.group(0)

    client.post(profile_url(), {"full_name": "Olu Owner", "job_title": ""})

    owner.refresh_from_db()
    assert owner.profile.full_name == "Olu Owner"


@pytest.mark.django_db
def test_profile_needs_login(client):
    response = client.get(profile_url())

    assert response.url == f"{reverse('login')}?next={profile_url()}"


def test_display_falls_back_to_email_without_a_profile(owner, make_user):
    named = make_user("jo@hillside.example", full_name="Jo Bloggs", job_title="Head")
    template = Template("{% load assessments_ui %}{{ u|person }}|{{ u|job_title }}")

    assert template.render(Context({"u": owner})) == "owner@hillside.example|"
    assert template.render(Context({"u": named})) == "Jo Bloggs|Head"
    assert template.render(Context({"u": None})) == "A former member|"


def test_nav_falls_back_to_email_without_a_profile(client, owner):
    client.force_login(owner)

    html = client.get(reverse("assessments:organisation_create")).content.decode()

    assert re.search(r"Logged in as<br><strong[^>]*>owner@hillside.example</strong></p>", html)


# --- Changing a password ---------------------------------------------------------------------


def test_password_change_sets_the_new_password_and_keeps_the_user_logged_in(client, owner):
    client.force_login(owner)
    page = client.get(reverse("password_change")).content.decode()
    assert '<h1 class="mb-4">Change your password</h1>' in page
    assert 'href="/static/css/site.css"' in page  # the site's layout, not the admin's

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    assert logged_in_user_id(client) == owner.pk
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "Your password has been changed" in response.content.decode()


def test_password_change_errors_name_each_problem_once(client, owner):
    client.force_login(owner)

    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": "different"},
    )

    html = response.content.decode()
    assert "<title>Error: Change your password" in html
    assert summary_errors(html) == [
        "Your current password is not right. Check it and try again",
        "The passwords do not match. Type the same password in both boxes",
    ]
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_admin_password_change_keeps_its_own_templates(admin_client):
    html = admin_client.get(reverse("admin:password_change")).content.decode()

    assert "admin/css/base.css" in html
    assert 'href="/static/css/site.css"' not in html
