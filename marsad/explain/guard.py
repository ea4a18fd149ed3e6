"""Per-item error handling for the collection stages: one event that breaks a summary or a
comparison loses that event's derived output (reported as a Rejection), never the run.

spaCy's `Language.pipe(..., error_handler=...)` is the model: the batch logs the bad item and
goes on. A failure here is a marsad bug, so the message asks for a report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from marsad.errors import E_STAGE, ModelError
from marsad.types import Rejection

Item = TypeVar("Item")
Result = TypeVar("Result")


def per_item(fn: Callable[[Item], Result], items: Iterable[Item], stage: str,
             name: Callable[[Item], str], failed: list[Rejection]) -> Iterator[Result]:
    """`fn(item)` for each item; an item whose call raises is skipped and a Rejection naming it
    (`name(item)`) and the stage is appended to `failed`."""
    for item in items:
        try:
            yield fn(item)
        except ModelError:
            raise  # a broken install is not one bad item: stop with the fix in the message
        except Exception as exc:  # noqa: BLE001 - a bug on one event must not lose the others
            failed.append(Rejection(name(item), E_STAGE,
                                    f"stage '{stage}' failed: {type(exc).__name__}: {exc}; its "
                                    "output is left out (a marsad bug: please report it)"))


def whole_or_each(whole: Callable[[], tuple[Result, ...]],
                  each: Callable[[Item], Result | None], items: Iterable[Item], stage: str,
                  name: Callable[[Item], str], failed: list[Rejection]) -> tuple[Result, ...]:
    """`whole()` (a stage over all items at once); when it raises, `each` item alone, so only
    the items that fail on their own lose their output."""
    try:
        return whole()
    except ModelError:
        raise
    except Exception:  # noqa: BLE001 - find the failing items instead of losing all
        results = per_item(each, items, stage, name, failed)
        return tuple(r for r in results if r is not None)
