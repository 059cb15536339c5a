"""Every email the site sends goes through the task queue.

A request only enqueues its mail, once its transaction commits, so a rolled-back change sends
nothing, a slow mail server never holds a web worker, and a request takes as long whether or not
it sends mail: password reset and sign-up give nothing away by their timing.
"""

from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string

from assessments.validators import single_line


@task
def send_email(*, to: list[str], subject: str, body: str) -> None:
    """Send one plain-text email (run by the task worker)."""
    send_mail(subject=single_line(subject), message=body, from_email=None, recipient_list=to)


def enqueue_email(*, to: str, subject: str, template: str, context: dict) -> None:
    """Queue an email, rendered now from `template`, to go once the current transaction commits.

    The subject is made one line here: a line break in an organisation's name (saved before names
    were checked) must not break the mail header.
    """
    body = render_to_string(template, context)
    kwargs = {"to": [to], "subject": single_line(subject), "body": body}
    transaction.on_commit(lambda: send_email.enqueue(**kwargs))
