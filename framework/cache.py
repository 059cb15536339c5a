"""What a released edition says, read once per process and shared by every request.

A published or archived edition never changes (the model layer refuses; see `Edition`), so its
content can be kept for the life of the process instead of being read, and its relations
prefetched, on every page. Entries are keyed by the edition's id and publication time, so a
database built again (a restore, the test suite) never gets another edition's content under a
reused id. A draft is read afresh every time: it is being edited.
"""

from collections.abc import Callable

from framework.models import Edition

_released: dict[tuple[str, int, object], object] = {}


def released[T](edition: Edition, name: str, load: Callable[[], T]) -> T:
    """`load()` once per process for a released edition (under `name`), every time for a draft.
    The value is shared between requests: read it, never change it."""
    if edition.is_draft or edition.published_at is None:
        return load()
    key = (name, edition.pk, edition.published_at)
    try:
        return _released[key]
    except KeyError:
        value = _released[key] = load()
        return value


def clear() -> None:
    """Forget everything cached (tests that rebuild editions under the same ids)."""
    _released.clear()
