"""Answers kept for someone whose save could not happen: signed out (the session ended, or they
logged out in another tab) or refused by the CSRF check (they signed in again elsewhere).

What they posted is kept in that browser's session, server-side (the session store, never a URL),
for an hour, and put back in the form when the same person opens the page again, signed in.
Nothing is ever saved on their behalf: they check what is back in the form and save it.

Every section form carries its author, signed with the site's secret. The answers come back only
to that person, never to someone else who signs in on the same browser, and a cross-site post
cannot plant text in someone's form (it cannot sign their id).
"""

from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.http import HttpRequest, QueryDict
from django.utils import timezone

SALT = "assessments.walkthrough.kept"
SESSION_KEY = "kept_answers"
KEEP_FOR = timedelta(hours=1)
# A domain section at every limit posts about 45 KB; anything far larger is not a real form.
MAX_CHARACTERS = 200_000
NOT_KEPT = {"csrfmiddlewaretoken", "author", "action"}
# The URL names of the pages whose posts are kept (see assessments/urls.py).
SECTION_URL_NAMES = {"people_section", "domain_section", "checklist_section"}


def author_token(user: AbstractBaseUser) -> str:
    """The signed author to put in a section form."""
    return signing.dumps(user.pk, salt=SALT)


def keep(request: HttpRequest) -> bool:
    """Keep the posted answers of a section page for its author. False when the post has no
    valid author or is too large to be a real form; then nothing is kept."""
    try:
        author = signing.loads(request.POST.get("author", ""), salt=SALT)
    except signing.BadSignature:
        return False
    data = {key: request.POST.getlist(key) for key in request.POST if key not in NOT_KEPT}
    if sum(len(key) + sum(len(value) for value in values) for key, values in data.items()) > (
        MAX_CHARACTERS
    ):
        return False
    kept = _fresh(request.session.get(SESSION_KEY, {}))
    kept[request.path] = {"author": author, "at": timezone.now().isoformat(), "data": data}
    request.session[SESSION_KEY] = kept
    return True


def take(request: HttpRequest) -> QueryDict | None:
    """The answers kept for this page and the signed-in user, removed from the session once
    taken; None if there are none (or they are someone else's, or older than KEEP_FOR)."""
    kept = request.session.get(SESSION_KEY)
    if not kept or request.path not in kept:
        return None
    entry = kept.pop(request.path)
    request.session[SESSION_KEY] = _fresh(kept)
    if entry["author"] != request.user.pk or _expired(entry):
        return None
    data = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        data.setlist(key, values)
    return data


def _fresh(kept: dict) -> dict:
    return {path: entry for path, entry in kept.items() if not _expired(entry)}


def _expired(entry: dict) -> bool:
    return datetime.fromisoformat(entry["at"]) < timezone.now() - KEEP_FOR
