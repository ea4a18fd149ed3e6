"""Query parameters of the API and the pages, checked once: bad ones raise `BadParameter`
(HTTP 422, code E_USAGE, naming the parameter and what it expects).

Limits are data (`Limits`), so the tests and docs read the same numbers the server uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from marsad.errors import E_USAGE, UsageError
from marsad.ingest.outlets import spellings
from marsad.store import Store
from marsad.store.browse import Filters
from marsad.store.layers import number_of


@dataclass(frozen=True)
class Limits:
    """What one request may ask for (bounded work per request)."""

    default_limit: int = 20
    max_limit: int = 100
    max_offset: int = 10_000          # deeper pages: narrow the filters instead
    max_query_bytes: int = 2_048      # the URL's query string
    max_path_bytes: int = 1_024
    max_body_bytes: int = 5 * 1024 * 1024   # POST /api/articles
    max_search_chars: int = 200
    max_period_days: int = 93         # the home page ranks at most a quarter at once


class BadParameter(UsageError):
    code = E_USAGE
    http_status = 422

    def __init__(self, name: str, message: str, hint: str | None = None) -> None:
        super().__init__(f"parameter {name!r}: {message}", hint)
        self.parameter = name


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def day(name: str, value: str | None) -> str | None:
    """A YYYY-MM-DD day, or None when not given."""
    if value is None or value == "":
        return None
    if not _DAY.fullmatch(value):
        raise BadParameter(name, f"{value[:40]!r} is not a day", "write it as YYYY-MM-DD")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadParameter(name, f"{value!r} is not a real day", "write it as YYYY-MM-DD") \
            from None


def page(limits: Limits, limit: int | None, offset: int | None) -> tuple[int, int]:
    limit = limits.default_limit if limit is None else limit
    offset = 0 if offset is None else offset
    if not 1 <= limit <= limits.max_limit:
        raise BadParameter("limit", f"must be between 1 and {limits.max_limit}, got {limit}")
    if not 0 <= offset <= limits.max_offset:
        raise BadParameter("offset", f"must be between 0 and {limits.max_offset}, got {offset}",
                           "narrow the list with since/until/source instead of paging deeper")
    return limit, offset


def public_number(name: str, value: str, prefix: str) -> int:
    number = number_of(value, prefix)
    if number is None or number < 0:
        raise BadParameter(name, f"{value[:40]!r} is not an id of the form {prefix}12")
    return number


def filters(store: Store, *, since: str | None = None, until: str | None = None,
            source: str | None = None, story: str | None = None, event: str | None = None,
            entity: str | None = None) -> Filters:
    """The checked filters, ids resolved (through recorded merges) to internal numbers; an
    unknown story or entity raises NotFound (404)."""
    first, last = day("since", since), day("until", until)
    if first and last and first > last:
        raise BadParameter("since", f"{first} is after until ({last})")
    story_number = None
    if story:
        public_number("story", story, "S")
        story_number = store.resolve_story(story)
    event_number = public_number("event", event, "V") if event else None
    entity_number = None
    if entity:
        public_number("entity", entity, "E")
        entity_number = store.resolve_entity(entity)
    sources = spellings(source.strip()) if source and source.strip() else ()
    return Filters(first, last, sources, story_number, event_number, entity_number)
