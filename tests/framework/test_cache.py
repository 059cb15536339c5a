"""The in-process cache of a released edition's content (framework/cache.py)."""

from collections.abc import Callable

import pytest

from framework import cache
from framework.models import Edition
from framework.services import publish_edition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def counting_loader(calls: list) -> Callable[[], str]:
    def load() -> str:
        calls.append(1)
        return f"content {len(calls)}"

    return load


def test_released_edition_content_is_loaded_once_and_shared(published_edition):
    calls = []
    load = counting_loader(calls)

    first = cache.released(published_edition, "members", load)
    again = cache.released(Edition.objects.get(pk=published_edition.pk), "members", load)

    assert first == again == "content 1"
    assert len(calls) == 1


def test_draft_edition_content_is_loaded_every_time(make_edition):
    draft = make_edition()
    calls = []
    load = counting_loader(calls)

    assert cache.released(draft, "members", load) == "content 1"
    assert cache.released(draft, "members", load) == "content 2"


def test_a_draft_read_before_it_was_published_is_not_served_after(make_edition):
    draft = make_edition()
    calls = []
    load = counting_loader(calls)
    cache.released(draft, "members", load)

    publish_edition(edition=draft)
    draft.refresh_from_db()

    assert cache.released(draft, "members", load) == "content 2"
    assert cache.released(draft, "members", load) == "content 2"


def test_entries_are_kept_apart_by_name_and_edition(published_edition, make_edition):
    other = make_edition(status=Edition.Status.PUBLISHED, version="2.0")

    assert cache.released(published_edition, "a", lambda: "a1") == "a1"
    assert cache.released(published_edition, "b", lambda: "b1") == "b1"
    assert cache.released(other, "a", lambda: "a2") == "a2"
    assert cache.released(published_edition, "a", lambda: "changed") == "a1"
