"""The systems `benchmarks/search.py` compares, all over the same stored articles (title + the
cleaned text marsad keeps), each returning a ranked list of article ids for a query text.

- `marsad`: `marsad.search.search` (its analyser, AND-then-OR, variants), copies not collapsed
  (each article is judged on its own); `marsad-collapsed` is the CLI's default;
- `marsad-novariants`: the same without the entity-alias expansion;
- `light-norm` (ablation): the same engine with the analyser cut down to `normalize.fold` of
  each word (hamza, harakat, ya/ta marbuta, digits folded; no clitics, no stems), no variants;
- `tantivy-default`: tantivy's default tokenizer (split on non-alphanumerics, lower-case) and
  its query parser, OR, title boosted 2;
- `fts5-unicode61`: SQLite FTS5 with the unicode61 tokenizer, words OR'ed (phrases and `x*`
  passed as FTS5 phrases and prefixes), ranked by bm25(title 2, body 1);
- `bm25s-default`: bm25s with its default tokenizer (scikit-learn's `\\b\\w\\w+\\b`, English stop
  words), title + body as one text.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from marsad.search import SearchQuery, search
from marsad.store import Store

Ranker = Callable[[str, int], list[str]]


@dataclass(frozen=True)
class Article:
    id: str
    url: str
    title: str
    text: str


def load_articles(db: Path) -> list[Article]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return [Article(r[0], r[1] or "", r[2] or "", r[3] or "") for r in con.execute(
            "SELECT id, url, title, json_extract(analysis, '$.document.text') FROM documents"
            " ORDER BY seq")]


# --------------------------------------------------------------------------- marsad
def marsad_ranker(db: Path, *, collapse: bool = False, variants: bool = True) -> Ranker:
    store = Store(db, readonly=True)

    def rank(text: str, k: int) -> list[str]:
        results = search(store, SearchQuery(text, limit=k, collapse_copies=collapse,
                                            facets=False, expand_variants=variants))
        return [h.id for h in results.hits]
    return rank


class LightAnalyser:
    """Patches the analyser's per-word function to fold only (a context manager: the engine,
    index and snippets all call it, so index and queries both get the light terms)."""

    def __enter__(self) -> None:
        from marsad.arabic.normalize import fold
        from marsad.search import analyzer
        self._saved = analyzer._terms_of
        analyzer._terms_of = lambda token: (fold(token), fold(token))   # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        from marsad.search import analyzer
        analyzer._terms_of = self._saved


def light_ranker(db: Path, workdir: Path) -> Ranker:
    """The ablation: a copy of the store whose index is built with the light analyser."""
    copy = workdir / "light.sqlite"
    if not copy.exists():
        shutil.copy(db, copy)
    store = Store(copy, readonly=True)

    def rank(text: str, k: int) -> list[str]:
        with LightAnalyser():
            results = search(store, SearchQuery(text, limit=k, collapse_copies=False,
                                                facets=False, expand_variants=False))
        return [h.id for h in results.hits]
    return rank


# --------------------------------------------------------------------------- tantivy default
def tantivy_default_ranker(articles: list[Article], workdir: Path) -> Ranker:
    import tantivy
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title")
    builder.add_text_field("body")
    schema = builder.build()
    path = workdir / "tantivy-default"
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    index = tantivy.Index(schema, path=str(path))
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for a in articles:
        writer.add_document(tantivy.Document(id=a.id, title=a.title, body=a.text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def rank(text: str, k: int) -> list[str]:
        query, _errors = index.parse_query_lenient(text, ["title", "body"],
                                                   field_boosts={"title": 2.0})
        hits = searcher.search(query, k).hits
        return [searcher.doc(address)["id"][0] for _, address in hits]
    return rank


# --------------------------------------------------------------------------- SQLite FTS5
_FTS_UNIT = re.compile(r'"[^"]*"|\S+')


def fts5_query(text: str) -> str:
    parts = []
    for unit in _FTS_UNIT.findall(text):
        if unit.startswith('"'):
            inner = unit.strip('"').replace('"', " ").strip()
            if inner:
                parts.append(f'"{inner}"')
        elif unit.endswith("*") and unit.strip("*"):
            parts.append('"' + unit.strip("*").replace('"', " ") + '"*')
        else:
            parts.append('"' + unit.replace('"', " ") + '"')
    return " OR ".join(parts)


def fts5_ranker(articles: list[Article], workdir: Path) -> Ranker:
    path = workdir / "fts5.sqlite"
    path.unlink(missing_ok=True)
    con = sqlite3.connect(str(path), check_same_thread=False)
    con.execute("CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, title, body,"
                " tokenize='unicode61')")
    con.executemany("INSERT INTO f (id, title, body) VALUES (?,?,?)",
                    ((a.id, a.title, a.text) for a in articles))
    con.commit()

    def rank(text: str, k: int) -> list[str]:
        query = fts5_query(text)
        if not query:
            return []
        try:
            return [r[0] for r in con.execute(
                "SELECT id FROM f WHERE f MATCH ? ORDER BY bm25(f, 0.0, 2.0, 1.0) LIMIT ?",
                (query, k))]
        except sqlite3.OperationalError:
            return []
    return rank


# --------------------------------------------------------------------------- bm25s
def bm25s_ranker(articles: list[Article]) -> Ranker:
    import bm25s
    corpus = [f"{a.title}\n{a.text}" for a in articles]
    tokens = bm25s.tokenize(corpus, show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    ids = [a.id for a in articles]

    def rank(text: str, k: int) -> list[str]:
        query = bm25s.tokenize([text], show_progress=False)
        if not query.ids or not query.ids[0]:
            return []
        vocabulary = {i: t for t, i in query.vocab.items()}
        known = [[vocabulary[i] for i in query.ids[0] if vocabulary[i] in retriever.vocab_dict]]
        if not known[0]:
            return []
        docs, scores = retriever.retrieve(known, k=min(k, len(ids)), show_progress=False)
        return [ids[int(d)] for d, s in zip(docs[0], scores[0]) if s > 0]
    return rank


def temporary_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="marsad-search-bench-"))
