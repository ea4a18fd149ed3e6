"""JSON encoding of the per-document records kept in the store (types only, no other layer)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from marsad.types import (Document, DocumentAnalysis, Mention, Quantity, Quote, Rejection,
                          Span)


def encode_analysis(analysis: DocumentAnalysis) -> str:
    """One DocumentAnalysis as compact JSON text."""
    return json.dumps(asdict(analysis), ensure_ascii=False, separators=(",", ":"))


def _span(value: Any) -> Span | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return Span(int(value["start"]), int(value["end"]))
    return Span(int(value[0]), int(value[1]))


def decode_analysis(text: str) -> DocumentAnalysis:
    """Inverse of `encode_analysis`."""
    data = json.loads(text)
    doc = dict(data["document"])
    doc["removed"] = tuple(doc.get("removed") or ())
    doc["sentences"] = tuple(_span(s) for s in doc.get("sentences") or ())
    document = Document(**doc)
    mentions = tuple(Mention(**m) for m in data.get("mentions") or ())
    quotes = tuple(Quote(**{**q, "speaker_mention": _span(q.get("speaker_mention"))})
                   for q in data.get("quotes") or ())
    quantities = tuple(Quantity(**q) for q in data.get("quantities") or ())
    return DocumentAnalysis(document, mentions, quotes, quantities)


def encode_rejection(rejection: Rejection) -> tuple[str, str, str]:
    return rejection.input, rejection.code, rejection.reason
