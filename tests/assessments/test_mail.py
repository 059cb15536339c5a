import pytest
from django.tasks import task_backends
from django.test import override_settings
from django.urls import reverse

from assessments.mail import enqueue_email

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.mark.django_db
def test_an_email_leaves_only_once_its_transaction_commits(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_email(
            to="sam@example.org",
            subject="Hello\r\nBcc: everyone@example.org",
            template="assessments/email/account_exists.txt",
            context={"email": "sam@example.org", "login_link": "L", "reset_link": "R"},
        )
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert mailoutbox[0].to == ["sam@example.org"]
    assert mailoutbox[0].subject == "Hello Bcc: everyone@example.org"
    assert mailoutbox[0].bcc == []


@pytest.mark.django_db
def test_an_email_rolled_back_is_never_sent(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_email(to="sam@example.org", subject="Hi", template="400.html", context={})

    assert len(callbacks) == 1
    assert mailoutbox == []


@override_settings(TASKS=DUMMY_TASKS)
@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("password_reset", {"email": "owner@hillside.example"}),
        ("assessments:member_invite", {"email": "new@hillside.example", "role": "viewer"}),
        (
            "assessments:signup",
            {
                "full_name": "Sam",
                "email": "sam@school.example",
                "password1": "correct-horse-battery-staple",
                "password2": "correct-horse-battery-staple",
            },
        ),
    ],
)
def test_requests_queue_their_email_for_the_worker_instead_of_sending_it(
    client, organisation, owner, mailoutbox, django_capture_on_commit_callbacks, url_name, data
):
    task_backends["default"].clear()
    args = []
    if url_name == "assessments:member_invite":
        client.force_login(owner)
        args = [organisation.slug]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(url_name, args=args), data)

    assert response.status_code == 302
    assert mailoutbox == []
    queued = task_backends["default"].results
    assert len(queued) == 1
    assert queued[0].task.name in ("send_email", "send_password_reset")
