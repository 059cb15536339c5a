import re

import pytest
from django.contrib.auth.models import User
from django.template import Context, Template
from django.urls import reverse

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


@pytest.mark.django_db
def test_signup_creates_user_and_logs_in(client):
    response = client.post(reverse("assessments:signup"), signup_data())

    user = User.objects.get()
    assert user.username == "new.person@school.example"
    assert user.email == "new.person@school.example"
    assert user.check_password(PASSWORD)
    assert logged_in_user_id(client) == user.pk
    assert response.url == reverse("assessments:organisation_create")


@pytest.mark.django_db
def test_signup_follows_safe_next(client):
    next_url = reverse("assessments:accept_invitation", args=["some-token"])

    response = client.post(reverse("assessments:signup"), signup_data(next=next_url))

    assert response.url == next_url


@pytest.mark.django_db
def test_signup_ignores_next_to_another_site(client):
    response = client.post(reverse("assessments:signup"), signup_data(next="https://evil.example/"))

    assert response.url == reverse("assessments:organisation_create")


def test_signup_duplicate_email_rejected_with_message(client, make_user):
    make_user("owner@hillside.example")

    response = client.post(reverse("assessments:signup"), signup_data("OWNER@Hillside.example"))

    assert User.objects.count() == 1
    assert logged_in_user_id(client) is None
    html = response.content.decode()
    assert "An account with this email address already exists" in html
    assert "<title>Error: Create an account" in html
    assert 'href="#id_email"' in html
    assert 'value="OWNER@Hillside.example"' in html


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


# --- Resetting a password --------------------------------------------------------------------


def test_password_reset_emails_a_link_that_sets_a_new_password(client, owner, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "Owner@Hillside.example"})

    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["owner@hillside.example"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)

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
    client.post(reverse("password_reset"), {"email": "owner@hillside.example"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    again = client.get(link, follow=True)

    assert "This link does not work" in again.content.decode()


@pytest.mark.django_db
def test_password_reset_for_unknown_email_sends_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


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
def test_signup_stores_full_name_and_job_title(client):
    client.post(
        reverse("assessments:signup"),
        signup_data(full_name="  Sam Patel ", job_title="Designated Safeguarding Lead"),
    )

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
