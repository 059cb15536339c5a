import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.assessments.conftest import PASSWORD

NEW_PASSWORD = "a-quite-different-passphrase"


def signup_data(email: str = "New.Person@School.example", **overrides) -> dict[str, str]:
    return {"email": email, "password1": PASSWORD, "password2": PASSWORD} | overrides


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
