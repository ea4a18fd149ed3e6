"""The analysis file (contract `marsad.analysis/1`) streamed from a store.

A report never holds the store in memory: each section is written item by item from the store's
tables (`Store.select` first chooses the events; the documents, entities, quotes and quantities
are those of the selected events' articles). Summaries and comparisons are stored in contract
form already; nothing is recomputed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from marsad.export.json_contract import (GENERATOR_NAME, SCHEMA_ID, _document_to_dict,
                                         generator_version, open_atomic)
from marsad.store import Store
from marsad.store.reads import Selection


def _entities(store: Store) -> Iterator[dict[str, Any]]:
    for entity_id, etype, name, aliases, mentions in store.iter_entities():
        yield {"id": entity_id, "type": etype, "name": name, "aliases": aliases,
               "mentions": mentions}


def _rejected(store: Store) -> Iterator[dict[str, Any]]:
    for r in store.iter_rejections():
        yield {"input": r.input, "code": r.code, "reason": r.reason}


def sections(store: Store) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """(key, items) of every list section, in the contract's order, over the selection."""
    yield "documents", (_document_to_dict(doc) for doc in store.iter_documents())
    yield "entities", _entities(store)
    yield "quotes", store.iter_quotes()
    yield "quantities", store.iter_quantities()
    yield "events", store.iter_events()
    yield "stories", store.iter_stories()
    yield "summaries", store.iter_bodies("summaries")
    yield "comparisons", store.iter_bodies("comparisons")
    yield "timeline", store.iter_timeline()
    yield "rejected", _rejected(store)


def _head() -> dict[str, Any]:
    return {"schema": SCHEMA_ID, "generator": {"name": GENERATOR_NAME,
                                               "version": generator_version()}}


def store_dict(store: Store, selection: Selection | None = None) -> dict[str, Any]:
    """The whole analysis object in memory (small stores, tests, the Python API)."""
    store.select(selection)
    data = _head()
    for key, items in sections(store):
        data[key] = list(items)
    return data


def write_store_json(store: Store, path: Path, selection: Selection | None = None) -> int:
    """Write the analysis file of the selection, streamed and atomic; the number of events."""
    selected = store.select(selection)
    with open_atomic(Path(path)) as handle:
        _write(handle, sections(store))
    return selected


def _write(handle: IO[str], parts: Iterator[tuple[str, Iterator[dict[str, Any]]]]) -> None:
    head = _head()
    handle.write("{\n")
    for key, value in head.items():
        handle.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    first_section = True
    for key, items in parts:
        handle.write(("" if first_section else ",\n") + f" {json.dumps(key)}: [")
        first_section = False
        first = True
        for item in items:
            handle.write(("\n  " if first else ",\n  ")
                         + json.dumps(item, ensure_ascii=False, allow_nan=False))
            first = False
        handle.write("]" if first else "\n ]")
    handle.write("\n}\n")
