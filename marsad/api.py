"""The library API that the CLI (and notebooks, scripts, the web layer) call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from marsad.arabic.sentences import split_sentences
from marsad.errors import InputError
from marsad.explain.summaries import summarize_document
from marsad.ingest import read_inputs
from marsad.ingest.clean import clean_record
from marsad.pipeline import IngestResult, run
from marsad.settings import Settings
from marsad.types import Analysis, Document, Rejection


def analyze(inputs: Sequence[str | Path], settings: Settings | None = None, *,
            jobs: int = 1) -> Analysis:
    """Read files/folders of articles and return the whole analysis (no progress output);
    `jobs` > 1 runs the per-article stages in that many processes (same result)."""
    return run(inputs, settings or Settings(), jobs=jobs)


def read_document(path: str | Path, settings: Settings | None = None) -> Document:
    """The first article of one input file, cleaned and split into sentences."""
    settings = settings or Settings()
    for item in read_inputs([path], settings):
        if isinstance(item, Rejection):
            raise InputError(item.input, item.reason, code=item.code)
        document = clean_record(item, settings)
        return replace(document, sentences=tuple(split_sentences(document.text)))
    raise InputError(str(path), "no article found")


def summarize_file(path: str | Path, settings: Settings | None = None, *,
                   n_sentences: int | None = None, n_words: int | None = None) -> list[str]:
    """Single-document extractive summary: the chosen sentences in reading order."""
    settings = settings or Settings()
    document = read_document(path, settings)
    if n_sentences is None and n_words is None:
        n_sentences = settings.summary_sentences
    spans = summarize_document(document.text, document.sentences,
                               n_sentences=n_sentences, n_words=n_words)
    return [" ".join(document.text[s.start:s.end].split()) for s in spans]


def ingest_records(records: Sequence[Mapping[str, Any]], db_path: str | Path,
                   settings: Settings | None = None) -> IngestResult:
    """Analyse article records (the fields of a JSON input: `id`, `title`, `text`, `source`,
    `url`, `published`...) into the store at `db_path`, exactly as `marsad ingest` reads a JSON
    Lines file of them (same readers, limits and rejections). A rejection names the record as
    `articles[i]`."""
    import json
    import tempfile
    import time
    from marsad.pipeline import ingest
    from marsad.store import Store
    settings = settings or Settings()
    with tempfile.TemporaryDirectory(prefix="marsad-post-") as folder:
        # a name of its own per call: records without an id get ids from it
        path = Path(folder) / f"post-{time.time_ns()}.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        with Store(db_path) as store:
            result = ingest([path], store, settings)
        prefix = str(path)

        def renamed(rejection: Rejection) -> Rejection:
            where = rejection.input
            if where.startswith(prefix + ":") and where[len(prefix) + 1:].isdigit():
                where = f"articles[{int(where[len(prefix) + 1:]) - 1}]"
            elif where.startswith(prefix):
                where = "articles" + where[len(prefix):]
            return replace(rejection, input=where)
        return replace(result, rejected=tuple(renamed(r) for r in result.rejected))
