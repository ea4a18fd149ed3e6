"""The analysis JSON file (`marsad analyze ... --json FILE`): build it, write it, read it, check it.

The file is marsad's contract with its users, so this module is the only place that knows its
shape. Additions to the published contract (all optional for readers):

- top level: `generator` {name, version} and `rejected` [{input, code, reason}];
- documents: `metadata` (the reader's metadata, JSON-safe);
- entity mentions: `text` (always) and `type` (only when it differs from the entity's type);
- quotes: `speaker_start` / `speaker_end`, the span naming the speaker (null when unknown);
  the internal `speaker_mention` field is not emitted under its own name;
- quantities: `value` is null when it is not a finite number (JSON has no NaN);
- summaries: an entry has `story` instead of `event` for a story summary; a sentence whose
  unresolved opener was given its speaker's name has `repaired: true` (its `text` then differs
  from the first citation's text);
- top level: `comparisons`, the cross-outlet comparison of events and stories;
- top level: `timeline`, each story's events in time order with the basis of their dates.

`validate` checks what JSON Schema can (analysis.schema.json) and what it cannot: offsets inside
their document's text, `text` fields equal to the text they point at, unique ids, and references
that resolve.
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

from marsad.types import (
    Analysis, Citation, Comparison, Document, Entity, Event, Evidence, Finding, Mention,
    OutletCoverage, Quantity, Quote, Rejection, Span, Story, Summary, SummarySentence,
    TimelineEntry,
)

SCHEMA_ID = "marsad.analysis/1"
GENERATOR_NAME = "marsad"


def generator_version() -> str:
    """The installed marsad version, or "unknown" when running from an uninstalled checkout."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("marsad")
    except PackageNotFoundError:
        return "unknown"


# ---------------------------------------------------------------------------------------------
# Analysis -> dict

def _json_safe(value: Any) -> Any:
    """Metadata comes from readers and may hold tuples, sets, dates: make it plain JSON."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(item) for item in value]
    return str(value)


def _number(value: float) -> int | float | None:
    if not math.isfinite(value):
        return None
    return int(value) if float(value).is_integer() else value


def _document_to_dict(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id, "path": doc.path, "title": doc.title, "source": doc.source,
        "dateline": doc.dateline, "byline": doc.byline, "published": doc.published,
        "language": doc.language, "text": doc.text, "removed": list(doc.removed),
        "sentences": [[span.start, span.end] for span in doc.sentences],
        "duplicate_of": doc.duplicate_of, "metadata": _json_safe(doc.metadata),
    }


def _mention_to_dict(mention: Mention, entity_type: str) -> dict[str, Any]:
    out: dict[str, Any] = {"doc": mention.doc, "start": mention.start, "end": mention.end,
                           "text": mention.text}
    if mention.type != entity_type:
        out["type"] = mention.type
    return out


def _entity_to_dict(entity: Entity) -> dict[str, Any]:
    return {"id": entity.id, "type": entity.type, "name": entity.name,
            "aliases": list(entity.aliases),
            "mentions": [_mention_to_dict(m, entity.type) for m in entity.mentions]}


def _quote_to_dict(quote: Quote) -> dict[str, Any]:
    named = quote.speaker_mention
    return {"id": quote.id, "doc": quote.doc, "start": quote.start, "end": quote.end,
            "text": quote.text, "kind": quote.kind, "speaker": quote.speaker,
            "speaker_text": quote.speaker_text, "cue": quote.cue,
            "speaker_start": named.start if named else None,
            "speaker_end": named.end if named else None}


def _quantity_to_dict(quantity: Quantity) -> dict[str, Any]:
    return {"doc": quantity.doc, "start": quantity.start, "end": quantity.end,
            "text": quantity.text, "value": _number(quantity.value), "unit": quantity.unit}


def _citation_to_dict(citation: Citation) -> dict[str, Any]:
    return {"doc": citation.doc, "start": citation.start, "end": citation.end}


def _summary_to_dict(summary: Summary) -> dict[str, Any]:
    target = {"event": summary.event} if summary.story is None else {"story": summary.story}
    sentences = []
    for sentence in summary.sentences:
        out: dict[str, Any] = {"text": sentence.text,
                               "citations": [_citation_to_dict(c) for c in sentence.citations]}
        if sentence.repaired:
            out["repaired"] = True
        sentences.append(out)
    return {**target, "sentences": sentences}


def _evidence_to_dict(evidence: Evidence) -> dict[str, Any]:
    out: dict[str, Any] = {"source": evidence.source, "doc": evidence.doc,
                           "start": evidence.start, "end": evidence.end, "text": evidence.text}
    if evidence.value is not None:
        out["value"] = _number(evidence.value)
    if evidence.quote is not None:
        out["quote"] = evidence.quote
    return out


def _finding_to_dict(finding: Finding) -> dict[str, Any]:
    return {"kind": finding.kind, "subject": finding.subject,
            "evidence": [_evidence_to_dict(e) for e in finding.evidence]}


def _comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    target = ({"event": comparison.event} if comparison.story is None
              else {"story": comparison.story})
    return {**target,
            "outlets": [{"source": o.source, "documents": list(o.documents),
                         "first_report": o.first_report,
                         "quantities": [_quantity_to_dict(q) for q in o.quantities],
                         "quotes": list(o.quotes), "entities": list(o.entities)}
                        for o in comparison.outlets],
            "agreements": [_finding_to_dict(f) for f in comparison.agreements],
            "disagreements": [_finding_to_dict(f) for f in comparison.disagreements]}


def _timeline_to_list(entries: tuple[TimelineEntry, ...]) -> list[dict[str, Any]]:
    """[{story, events: [{event, date, basis}]}]: one item per story, in first-entry order."""
    stories: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        stories.setdefault(entry.story, []).append(
            {"event": entry.event, "date": entry.date, "basis": entry.basis})
    return [{"story": story, "events": events} for story, events in stories.items()]


# Public names for the records the store keeps in contract form (summaries, comparisons).
summary_to_dict = _summary_to_dict
comparison_to_dict = _comparison_to_dict
finding_to_dict = _finding_to_dict


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """The analysis as the plain JSON object of the contract (schema marsad.analysis/1)."""
    return {
        "schema": SCHEMA_ID,
        "generator": {"name": GENERATOR_NAME, "version": generator_version()},
        "documents": [_document_to_dict(doc) for doc in analysis.documents],
        "entities": [_entity_to_dict(entity) for entity in analysis.entities],
        "quotes": [_quote_to_dict(quote) for quote in analysis.quotes],
        "quantities": [_quantity_to_dict(quantity) for quantity in analysis.quantities],
        "events": [{"id": event.id, "title": event.title, "documents": list(event.documents),
                    "sources": list(event.sources), "date": event.date, "story": event.story}
                   for event in analysis.events],
        "stories": [{"id": story.id, "title": story.title, "events": list(story.events)}
                    for story in analysis.stories],
        "summaries": [_summary_to_dict(summary) for summary in analysis.summaries],
        "comparisons": [_comparison_to_dict(c) for c in analysis.comparisons],
        "timeline": _timeline_to_list(analysis.timeline),
        "rejected": [{"input": r.input, "code": r.code, "reason": r.reason}
                     for r in analysis.rejected],
    }


# ---------------------------------------------------------------------------------------------
# dict -> Analysis

def analysis_from_dict(data: dict[str, Any]) -> Analysis:
    """Rebuild an Analysis from an analysis file's object (the inverse of `analysis_to_dict`).

    Raises ValueError for another schema; unknown additions are ignored. Run `validate` first on
    files you did not write.
    """
    if data.get("schema") != SCHEMA_ID:
        raise ValueError(f"not a {SCHEMA_ID} analysis file (schema is {data.get('schema')!r}); "
                         "it was written by another marsad version")
    documents = tuple(
        Document(id=d["id"], path=d["path"], title=d["title"], source=d["source"],
                 dateline=d["dateline"], byline=d["byline"], published=d["published"],
                 language=d["language"], text=d["text"], removed=tuple(d["removed"]),
                 sentences=tuple(Span(start, end) for start, end in d["sentences"]),
                 duplicate_of=d["duplicate_of"], metadata=dict(d.get("metadata") or {}))
        for d in data["documents"])
    texts = {doc.id: doc.text for doc in documents}

    def span_text(item: dict[str, Any]) -> str:
        text = item.get("text")
        return text if text is not None else texts.get(item["doc"], "")[item["start"]:item["end"]]

    entities = tuple(
        Entity(id=e["id"], type=e["type"], name=e["name"], aliases=tuple(e["aliases"]),
               mentions=tuple(Mention(doc=m["doc"], start=m["start"], end=m["end"],
                                      text=span_text(m), type=m.get("type", e["type"]))
                              for m in e["mentions"]))
        for e in data["entities"])
    quotes = tuple(
        Quote(id=q["id"], doc=q["doc"], start=q["start"], end=q["end"], text=q["text"],
              kind=q["kind"], speaker_text=q["speaker_text"], cue=q["cue"], speaker=q["speaker"],
              speaker_mention=(Span(q["speaker_start"], q["speaker_end"])
                               if q.get("speaker_start") is not None
                               and q.get("speaker_end") is not None else None))
        for q in data["quotes"])
    quantities = tuple(_quantity_from_dict(q) for q in data["quantities"])
    events = tuple(
        Event(id=e["id"], title=e["title"], documents=tuple(e["documents"]),
              sources=tuple(e["sources"]), date=e["date"], story=e["story"])
        for e in data["events"])
    stories = tuple(Story(id=s["id"], title=s["title"], events=tuple(s["events"]))
                    for s in data["stories"])
    summaries = tuple(
        Summary(event=s.get("event"), story=s.get("story"), sentences=tuple(
            SummarySentence(text=sentence["text"], repaired=bool(sentence.get("repaired")),
                            citations=tuple(Citation(doc=c["doc"], start=c["start"], end=c["end"])
                                            for c in sentence["citations"]))
            for sentence in s["sentences"]))
        for s in data["summaries"])
    rejected = tuple(Rejection(input=r["input"], code=r["code"], reason=r["reason"])
                     for r in data.get("rejected", ()))
    comparisons = tuple(_comparison_from_dict(c) for c in data.get("comparisons", ()))
    timeline = tuple(TimelineEntry(story=t["story"], event=e["event"], date=e["date"],
                                   basis=e["basis"])
                     for t in data.get("timeline", ()) for e in t["events"])
    return Analysis(documents=documents, entities=entities, quotes=quotes, quantities=quantities,
                    events=events, stories=stories, summaries=summaries, rejected=rejected,
                    comparisons=comparisons, timeline=timeline)


def _quantity_from_dict(q: dict[str, Any]) -> Quantity:
    return Quantity(doc=q["doc"], start=q["start"], end=q["end"], text=q["text"],
                    value=float(q["value"]) if q["value"] is not None else math.nan,
                    unit=q["unit"])


def _comparison_from_dict(c: dict[str, Any]) -> Comparison:
    def findings(items: list[dict[str, Any]]) -> tuple[Finding, ...]:
        return tuple(Finding(kind=f["kind"], subject=f["subject"], evidence=tuple(
            Evidence(source=e["source"], doc=e["doc"], start=e["start"], end=e["end"],
                     text=e["text"],
                     value=float(e["value"]) if e.get("value") is not None else None,
                     quote=e.get("quote"))
            for e in f["evidence"])) for f in items)
    outlets = tuple(
        OutletCoverage(source=o["source"], documents=tuple(o["documents"]),
                       first_report=o["first_report"],
                       quantities=tuple(_quantity_from_dict(q) for q in o["quantities"]),
                       quotes=tuple(o["quotes"]), entities=tuple(o["entities"]))
        for o in c["outlets"])
    return Comparison(event=c.get("event"), story=c.get("story"), outlets=outlets,
                      agreements=findings(c["agreements"]),
                      disagreements=findings(c["disagreements"]))


# ---------------------------------------------------------------------------------------------
# Writing

@contextmanager
def open_atomic(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """Open a UTF-8 text file (or, with `binary`, a byte file) that replaces `path` only when
    the block finishes without error.

    Writes go to a temporary file beside `path` (same file system, so os.replace is atomic); a
    crash or exception leaves any previous `path` untouched and removes the temporary file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    # os.open with 0o666 lets the umask decide the final mode, like a plain open() would.
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with (os.fdopen(descriptor, "wb") if binary else
              os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_json(analysis: Analysis, path: Path) -> None:
    """Write the analysis file: UTF-8, Arabic kept as Arabic, indent=1, atomically."""
    data = analysis_to_dict(analysis)
    with open_atomic(Path(path)) as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1, allow_nan=False)
        handle.write("\n")


# ---------------------------------------------------------------------------------------------
# Checking

@cache
def _schema_text() -> str:
    return resources.files("marsad.export").joinpath("analysis.schema.json").read_text("utf-8")


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the analysis file, shipped as analysis.schema.json."""
    return json.loads(_schema_text())


def _pointer(path: Iterator[Any] | list[Any]) -> str:
    return "/".join(str(part) for part in path) or "(root)"


def _schema_problems(data: Any, schema: dict[str, Any]) -> list[str]:
    try:
        from jsonschema import Draft202012Validator
    except ImportError:  # a dev dependency: without it, walk the schema's simple subset ourselves
        return _fallback_schema_problems(data, schema, schema, [])
    validator = Draft202012Validator(schema)
    return [f"{_pointer(error.absolute_path)}: {error.message}"
            for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))]


_JSON_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "null": lambda v: v is None,
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def _fallback_schema_problems(value: Any, node: dict[str, Any], root: dict[str, Any],
                              path: list[Any]) -> list[str]:
    """The keywords analysis.schema.json uses, checked without jsonschema."""
    if "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _fallback_schema_problems(value, target, root, path)
    where = _pointer(path)
    types = node.get("type")
    if types is not None:
        wanted = [types] if isinstance(types, str) else types
        if not any(_JSON_TYPES[name](value) for name in wanted):
            return [f"{where}: {value!r:.60} is not of type {' or '.join(wanted)}"]
    problems: list[str] = []
    if "const" in node and value != node["const"]:
        problems.append(f"{where}: {node['const']!r} was expected")
    if "enum" in node and value not in node["enum"]:
        problems.append(f"{where}: {value!r:.60} is not one of {node['enum']}")
    if "minimum" in node and _JSON_TYPES["number"](value) and value < node["minimum"]:
        problems.append(f"{where}: {value} is less than the minimum of {node['minimum']}")
    if "minLength" in node and isinstance(value, str) and len(value) < node["minLength"]:
        problems.append(f"{where}: {value!r} is too short")
    if isinstance(value, dict):
        problems += [f"{where}: {key!r} is a required property"
                     for key in node.get("required", ()) if key not in value]
        for key, child in node.get("properties", {}).items():
            if key in value:
                problems += _fallback_schema_problems(value[key], child, root, path + [key])
    if isinstance(value, list):
        if not node.get("minItems", 0) <= len(value) <= node.get("maxItems", len(value)):
            problems.append(f"{where}: has {len(value)} items, expected "
                            f"{node.get('minItems', 0)} to {node.get('maxItems', 'any')}")
        prefix = node.get("prefixItems", [])
        for index, item in enumerate(value):
            child = prefix[index] if index < len(prefix) else node.get("items")
            if child is not None:
                problems += _fallback_schema_problems(item, child, root, path + [index])
    return problems


def _objects(data: dict[str, Any], key: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, item) for the well-formed items of a top-level list; the schema reports the rest."""
    items = data.get(key)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                label = f" ({item['id']})" if isinstance(item.get("id"), str) else ""
                yield f"{key}/{index}{label}", item


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _semantic_problems(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    texts: dict[str, str] = {}
    ids: dict[str, set[str]] = {}
    for key in ("documents", "entities", "quotes", "events", "stories"):
        seen = ids.setdefault(key, set())
        for where, item in _objects(data, key):
            item_id = item.get("id")
            if isinstance(item_id, str):
                if item_id in seen:
                    problems.append(f"{where}: id {item_id!r} is used twice in {key}")
                seen.add(item_id)
                if key == "documents" and isinstance(item.get("text"), str):
                    texts.setdefault(item_id, item["text"])

    def check_span(where: str, doc_id: Any, start: Any, end: Any, text: Any = None) -> None:
        if not isinstance(doc_id, str):
            return  # the schema reports a missing or mistyped doc
        if doc_id not in texts:
            problems.append(f"{where}: document {doc_id!r} is not in documents")
            return
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, end)):
            return  # the schema reports the type
        length = len(texts[doc_id])
        if not 0 <= start <= end <= length:
            problems.append(f"{where}: offsets [{start}, {end}) are outside document {doc_id!r} "
                            f"(0 <= start <= end <= {length})")
        elif isinstance(text, str) and text != texts[doc_id][start:end]:
            problems.append(f"{where}: text {text!r:.60} differs from the document's text at "
                            f"[{start}, {end}): {texts[doc_id][start:end]!r:.60}")

    def check_ref(where: str, field: str, value: Any, key: str) -> None:
        if isinstance(value, str) and value not in ids[key]:
            problems.append(f"{where}: {field} {value!r} is not an id in {key}")

    for where, doc in _objects(data, "documents"):
        if isinstance(doc.get("sentences"), list) and isinstance(doc.get("id"), str):
            for index, span in enumerate(doc["sentences"]):
                if isinstance(span, list) and len(span) == 2:
                    check_span(f"{where}/sentences/{index}", doc["id"], *span)
        check_ref(where, "duplicate_of", doc.get("duplicate_of"), "documents")
        if doc.get("duplicate_of") is not None and doc.get("duplicate_of") == doc.get("id"):
            problems.append(f"{where}: a document cannot be a duplicate of itself")
    for where, entity in _objects(data, "entities"):
        for index, mention in enumerate(_list(entity.get("mentions"))):
            if isinstance(mention, dict):
                check_span(f"{where}/mentions/{index}", mention.get("doc"), mention.get("start"),
                           mention.get("end"), mention.get("text"))
    for where, quote in _objects(data, "quotes"):
        check_span(where, quote.get("doc"), quote.get("start"), quote.get("end"), quote.get("text"))
        check_ref(where, "speaker", quote.get("speaker"), "entities")
        if quote.get("speaker_start") is not None or quote.get("speaker_end") is not None:
            check_span(f"{where} speaker", quote.get("doc"), quote.get("speaker_start"),
                       quote.get("speaker_end"))
    for where, quantity in _objects(data, "quantities"):
        check_span(where, quantity.get("doc"), quantity.get("start"), quantity.get("end"),
                   quantity.get("text"))
    story_events: dict[str, set[Any]] = {}
    for where, story in _objects(data, "stories"):
        for event_id in _list(story.get("events")):
            check_ref(where, "event", event_id, "events")
        if isinstance(story.get("id"), str):
            listed = _list(story.get("events"))
            story_events[story["id"]] = {item for item in listed if isinstance(item, str)}
    for where, event in _objects(data, "events"):
        for doc_id in _list(event.get("documents")):
            check_ref(where, "document", doc_id, "documents")
        check_ref(where, "story", event.get("story"), "stories")
        story_id = event.get("story")
        if isinstance(story_id, str) and story_id in story_events \
                and event.get("id") not in story_events[story_id]:
            problems.append(f"{where}: names story {story_id!r}, which does not list it")
    def _target(where: str, item: dict[str, Any], found: list[str]) -> tuple[str, str] | None:
        """The event or the story an entry is about (exactly one of the two)."""
        event_id, story_id = item.get("event"), item.get("story")
        if (event_id is None) == (story_id is None):
            found.append(f"{where}: needs exactly one of 'event' and 'story'")
            return None
        if event_id is not None:
            check_ref(where, "event", event_id, "events")
            return ("event", event_id) if isinstance(event_id, str) else None
        check_ref(where, "story", story_id, "stories")
        return ("story", story_id) if isinstance(story_id, str) else None

    summarised: set[Any] = set()
    for where, summary in _objects(data, "summaries"):
        target = _target(where, summary, problems)
        if target is not None:
            if target in summarised:
                problems.append(f"{where}: a second summary for {target[0]} {target[1]!r}")
            summarised.add(target)
        for s_index, sentence in enumerate(_list(summary.get("sentences"))):
            citations = sentence.get("citations") if isinstance(sentence, dict) else None
            for c_index, citation in enumerate(_list(citations)):
                if isinstance(citation, dict):
                    check_span(f"{where}/sentences/{s_index}/citations/{c_index}",
                               citation.get("doc"), citation.get("start"), citation.get("end"))
    compared: set[Any] = set()
    for where, comparison in _objects(data, "comparisons"):
        target = _target(where, comparison, problems)
        if target is not None:
            if target in compared:
                problems.append(f"{where}: a second comparison for {target[0]} {target[1]!r}")
            compared.add(target)
        for o_index, outlet in enumerate(_list(comparison.get("outlets"))):
            if not isinstance(outlet, dict):
                continue
            here = f"{where}/outlets/{o_index}"
            for doc_id in _list(outlet.get("documents")):
                check_ref(here, "document", doc_id, "documents")
            for q_index, quantity in enumerate(_list(outlet.get("quantities"))):
                if isinstance(quantity, dict):
                    check_span(f"{here}/quantities/{q_index}", quantity.get("doc"),
                               quantity.get("start"), quantity.get("end"), quantity.get("text"))
            for quote_id in _list(outlet.get("quotes")):
                check_ref(here, "quote", quote_id, "quotes")
            for entity_id in _list(outlet.get("entities")):
                check_ref(here, "entity", entity_id, "entities")
        for key in ("agreements", "disagreements"):
            for f_index, finding in enumerate(_list(comparison.get(key))):
                if not isinstance(finding, dict):
                    continue
                here = f"{where}/{key}/{f_index}"
                if finding.get("kind") == "entity":
                    check_ref(here, "subject", finding.get("subject"), "entities")
                for e_index, evidence in enumerate(_list(finding.get("evidence"))):
                    if isinstance(evidence, dict):
                        check_span(f"{here}/evidence/{e_index}", evidence.get("doc"),
                                   evidence.get("start"), evidence.get("end"),
                                   evidence.get("text"))
                        check_ref(f"{here}/evidence/{e_index}", "quote", evidence.get("quote"),
                                  "quotes")
    timed: set[Any] = set()
    for where, line in _objects(data, "timeline"):
        story_id = line.get("story")
        story_id = story_id if isinstance(story_id, str) else None
        check_ref(where, "story", story_id, "stories")
        if story_id is not None and story_id in timed:
            problems.append(f"{where}: a second timeline for story {story_id!r}")
        timed.add(story_id)
        for e_index, item in enumerate(_list(line.get("events"))):
            if not isinstance(item, dict):
                continue
            here, event_id = f"{where}/events/{e_index}", item.get("event")
            check_ref(here, "event", event_id, "events")
            if story_id in story_events and isinstance(event_id, str) \
                    and event_id not in story_events[story_id]:
                problems.append(f"{here}: event {event_id!r} is not in story {story_id!r}")
            if (item.get("date") is None) != (item.get("basis") is None):
                problems.append(f"{here}: 'date' and 'basis' must both be set or both be null")
    return problems


def validate(data: dict[str, Any]) -> list[str]:
    """Problems in an analysis file's object, one sentence each ([] when it is valid).

    JSON-schema errors first (jsonschema when installed, else a built-in check of the same
    schema), then what a schema cannot say: offsets inside their document, `text` fields equal to
    the text they point at, unique ids, and references that resolve.
    """
    problems = _schema_problems(data, load_schema())
    if isinstance(data, dict):
        problems += _semantic_problems(data)
    return problems
