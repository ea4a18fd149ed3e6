"""Entity-linking benchmark: merge precision/recall/F1 on hand-annotated mention pairs.

Gold: `benchmarks/gold/entity_pairs.jsonl` (pairs of mentions in real SaudiNewsNet articles,
labelled same/different real-world entity; see benchmarks/gold/README.md). A pair is predicted
*same* when `link_entities`, run over all annotated documents together, puts both mentions in
one entity. The documents are re-read from ../shared/data/saudinewsnet-sample and re-analysed
with the current cleaner, and the linker is given the mentions stored with the gold (the NER
output at annotation time, a surface and a type per span): the benchmark scores linking alone
and does not move when the NER is retrained. `--ner` uses the live NER instead (annotated
mentions replace overlapping NER mentions).

A second set scores name-variant matching on Wikidata transliterations (CC0): Arabic forms of
English names that are romanisation variants of each other (sergei/sergey, georgi/georgy) are
positives; another name starting with the same two Arabic letters is a negative. Pairs come
from the paper's 20% test split only (`wd_arabic_20`); the letter table is learnt from the 80%.

Baseline in the same run: two mentions are the same entity iff their texts are equal after
`fold()` (exact match, no clitic or variant handling).

    .venv/bin/python benchmarks/entities.py            # dev pairs and held-out pairs
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import random
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from marsad.arabic.normalize import fold
from marsad.extract.linking import link_entities
from marsad.ingest.clean import clean_record
from marsad.pipeline import analyze_record
from marsad.settings import Settings
from marsad.types import DocumentAnalysis, Mention, RawRecord

PROJECT = Path(__file__).resolve().parents[1]
GOLD = PROJECT / "benchmarks" / "gold" / "entity_pairs.jsonl"
# Independent gold of 2026-12-03: annotator-marked mentions, offsets into the raw `content`.
MORE_GOLD = PROJECT / "benchmarks" / "gold" / "entity_pairs_more.jsonl"
RESULTS = PROJECT / "benchmarks" / "results" / "entities.json"
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
SAMPLE = SHARED / "data" / "saudinewsnet-sample"
MORE = SHARED / "data" / "saudinewsnet-more"
WIKIDATA = SHARED / "data" / "wikidata-en-ar-name-transliteration"

Key = tuple[str, int, int]          # (doc id, start, end)


def read_gold(path: Path = GOLD) -> tuple[list[dict], dict[str, dict]]:
    """(pairs, document records by doc id) of the gold file."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    pairs = [r for r in records if r["record"] == "pair"]
    return pairs, {r["doc"]: r for r in records if r["record"] == "document"}


def load_articles(urls: Iterable[str], sample: Path = SAMPLE) -> dict[str, dict]:
    """The sample's JSON records of `urls`, by url."""
    wanted = set(urls)
    found: dict[str, dict] = {}
    for path in sorted(sample.glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            if record.get("url") in wanted:
                found[record["url"]] = record
    return found


def load_more_articles(urls: Iterable[str], days: Iterable[str], more: Path = MORE
                       ) -> dict[str, dict]:
    """The saudinewsnet-more records of `urls` (read from the zips of `days`), by url."""
    import zipfile
    wanted = set(urls)
    found: dict[str, dict] = {}
    for day in sorted(set(days)):
        with zipfile.ZipFile(more / f"{day}.zip") as archive:
            for record in json.loads(archive.read(f"{day}.json").decode("utf-8")):
                if record.get("url") in wanted:
                    found[record["url"]] = record
    return found


def _raw_record(record: dict, doc_id: str) -> RawRecord:
    return RawRecord(path=record["url"], text=record["content"].replace("\r\n", "\n"),
                     id=doc_id, title=record.get("title"), source=record.get("source"),
                     url=record["url"], published=record.get("date_extracted"),
                     title_in_text=False)


def map_raw_span(raw: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of `raw[start:end]` in the cleaned `text`: the occurrence of the surface whose
    left and right context best match the raw context (cleaning drops bylines and furniture and
    changes whitespace, so offsets move but the words around a name stay)."""
    surface = raw[start:end]
    starts = [m.start() for m in re.finditer(re.escape(surface), text)]
    if not starts:
        return None
    def squeeze(value: str) -> str:
        return re.sub(r"\s+", " ", value)
    left, right = squeeze(raw[max(0, start - 40):start]), squeeze(raw[end:end + 40])
    expected = start / max(1, len(raw)) * len(text)

    def agreement(s: int) -> tuple[int, float]:
        before, after = squeeze(text[max(0, s - 40):s]), squeeze(text[s + len(surface):s + len(surface) + 40])
        common_left = len(os.path.commonprefix([before[::-1], left[::-1]]))
        common_right = len(os.path.commonprefix([after, right]))
        return common_left + common_right, -abs(s - expected)
    best = max(starts, key=agreement)
    return best, best + len(surface)


def analyse_more_articles(pairs: list[dict], documents: dict[str, dict], live_ner: bool = True,
                          more: Path = MORE) -> tuple[list[DocumentAnalysis], dict[Key, Key]]:
    """The new gold's articles cleaned and analysed (live NER), and each annotated raw span
    (doc, start, end) mapped to its span in the cleaned text. With `live_ner` False the
    annotator's mentions replace the NER mentions they overlap (linking alone); with it True the
    NER's mentions are all the linker sees (end to end)."""
    records = load_more_articles({d["url"] for d in documents.values()},
                                 {d["date"] for d in documents.values()}, more)
    settings = Settings()
    analyses: list[DocumentAnalysis] = []
    spans: dict[Key, Key] = {}
    needed = {(side["doc"], side["start"], side["end"]) for p in pairs for side in (p["a"], p["b"])}
    for doc_id, doc in documents.items():
        record = records[doc["url"]]
        if hashlib.sha1(record["content"].encode("utf-8")).hexdigest() != doc["content_sha1"]:
            raise ValueError(f"{doc['url']}: the article's text changed since it was annotated")
        raw_text = record["content"]
        analysis = analyze_record(_raw_record(record, doc_id), settings)
        text = analysis.document.text
        marked = [(start, end, kind) for start, end, kind, _ in doc["mentions"]]
        marked += [(s, e, "") for d, s, e in needed if d == doc_id]
        gold: dict[Key, Mention] = {}
        for start, end, kind in marked:
            mapped = map_raw_span(raw_text, text, start, end)
            if mapped is None:
                continue
            spans[(doc_id, start, end)] = (doc_id, *mapped)
            if kind:
                gold[(doc_id, *mapped)] = Mention(doc_id, mapped[0], mapped[1],
                                                  text[mapped[0]:mapped[1]], kind)
        if not live_ner:
            kept = [m for m in analysis.mentions
                    if not any(m.start < e and s < m.end for _, s, e in gold)]
            mentions = tuple(sorted(kept + list(gold.values()), key=lambda m: (m.start, m.end)))
            analysis = replace(analysis, mentions=mentions)
        analyses.append(analysis)
    return analyses, spans


def more_predictor(analyses: list[DocumentAnalysis], spans: dict[Key, Key]
                   ) -> Callable[[dict, dict], bool]:
    """Same entity iff both annotated spans overlap mentions of one linked entity (an
    annotated span the mentions miss, or that did not map into the cleaned text, is merged
    with nothing)."""
    entities, _ = link_entities(analyses)
    by_doc: dict[str, list[tuple[int, int, str]]] = collections.defaultdict(list)
    for entity in entities:
        for m in entity.mentions:
            by_doc[m.doc].append((m.start, m.end, entity.id))

    def entity_of(side: dict) -> str | None:
        mapped = spans.get((side["doc"], side["start"], side["end"]))
        if mapped is None:
            return None
        _, start, end = mapped
        overlapping = [(min(e, end) - max(s, start), eid) for s, e, eid in by_doc[side["doc"]]
                       if s < end and start < e]
        return max(overlapping)[1] if overlapping else None

    def same(a: dict, b: dict) -> bool:
        ea = entity_of(a)
        return ea is not None and ea == entity_of(b)
    return same


def analyse_articles(pairs: list[dict], documents: dict[str, dict], live_ner: bool = False,
                     sample: Path = SAMPLE) -> list[DocumentAnalysis]:
    """Each annotated article cleaned, with the stored (or live NER) and annotated mentions."""
    sides = [side for pair in pairs for side in (pair["a"], pair["b"])]
    by_doc: dict[str, list[dict]] = collections.defaultdict(list)
    for side in sides:
        by_doc[side["doc"]].append(side)
    records = load_articles({s["url"] for s in sides}, sample)
    settings = Settings()
    analyses = []
    for doc_id, doc_sides in by_doc.items():
        record = records[doc_sides[0]["url"]]
        raw = RawRecord(path=record["url"], text=record["content"].replace("\r\n", "\n"),
                        id=doc_id, title=record.get("title"), source=record.get("source"),
                        url=record["url"], published=record.get("date_extracted"),
                        title_in_text=False)
        if live_ner:
            analysis = analyze_record(raw, settings)
        else:
            analysis = DocumentAnalysis(clean_record(raw, settings),
                                        _stored_mentions(documents[doc_id]))
        text = analysis.document.text
        gold: dict[Key, Mention] = {}
        for side in doc_sides:
            start, end = _locate(text, side)
            gold[(doc_id, start, end)] = Mention(doc_id, start, end, side["text"], side["type"])
        kept = [m for m in analysis.mentions
                if not any(m.start < e and s < m.end for _, s, e in gold)]
        mentions = tuple(sorted(kept + list(gold.values()), key=lambda m: (m.start, m.end)))
        analyses.append(replace(analysis, mentions=mentions))
    return analyses


def _stored_mentions(record: dict) -> tuple[Mention, ...]:
    return tuple(Mention(record["doc"], start, end, surface, kind)
                 for start, end, kind, surface in record["mentions"])


def _locate(text: str, side: dict) -> tuple[int, int]:
    """The annotated span; if the cleaned text changed, the nearest copy of the surface."""
    if text[side["start"]:side["end"]] == side["text"]:
        return side["start"], side["end"]
    starts = [m.start() for m in re.finditer(re.escape(side["text"]), text)]
    if not starts:
        raise ValueError(f"{side['doc']}: {side['text']!r} not found in the cleaned text")
    start = min(starts, key=lambda s: abs(s - side["start"]))
    return start, start + len(side["text"])


def linked_predictor(analyses: list[DocumentAnalysis]) -> Callable[[dict, dict], bool]:
    entities, _ = link_entities(analyses)
    entity_of = {(m.doc, m.start, m.end): e.id for e in entities for m in e.mentions}
    texts = {a.document.id: a.document.text for a in analyses}

    def same(a: dict, b: dict) -> bool:
        ka = (a["doc"], *_locate(texts[a["doc"]], a))
        kb = (b["doc"], *_locate(texts[b["doc"]], b))
        return ka in entity_of and entity_of.get(ka) == entity_of.get(kb)
    return same


def baseline_same(a: dict, b: dict) -> bool:
    return fold(a["text"]) == fold(b["text"])


def score(pairs: list[dict], same: Callable[[dict, dict], bool]) -> dict:
    tp = fp = fn = tn = 0
    errors = []
    for pair in pairs:
        predicted, gold = same(pair["a"], pair["b"]), pair["label"] == "same"
        tp += predicted and gold
        fp += predicted and not gold
        fn += gold and not predicted
        tn += not predicted and not gold
        if predicted != gold:
            errors.append(f"{'FP' if predicted else 'FN'} {pair['a']['text']} ~ "
                          f"{pair['b']['text']} ({pair['scope']}; {pair.get('note') or ''})")
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(pairs), "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": round(100 * precision, 1), "recall": round(100 * recall, 1),
            "f1": round(100 * f1, 1), "errors": errors}


# -- Wikidata transliteration variants --------------------------------------------------------
def english_key(token: str) -> str:
    """A romanisation-insensitive key: sergei/sergey/serguei, georgi/georgy, mikhail/mihail."""
    token = "".join(c for c in unicodedata.normalize("NFKD", token.lower())
                    if not unicodedata.combining(c))
    token = re.sub(r"[^a-z]", "", token)
    for old, new in (("ph", "f"), ("ck", "k"), ("c", "k"), ("q", "k"), ("w", "v"), ("ou", "u"),
                     ("oo", "u"), ("ee", "i"), ("y", "i"), ("kh", "h"), ("dj", "j"),
                     ("sch", "sh"), ("tch", "ch")):
        token = token.replace(old, new)
    token = re.sub(r"(.)\1+", r"\1", token)
    if len(token) > 4 and token.endswith("e"):
        token = token[:-1]
    return re.sub(r"(ie|ei|ii)$", "i", token)


def variant_groups(path: Path) -> dict[str, list[str]]:
    """English key -> the distinct (folded) Arabic forms of its romanisations, when several."""
    groups: dict[str, set[str]] = collections.defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        english, arabic, _ = line.split("\t")
        arabic = fold(arabic.replace(" ", ""))
        if len(arabic) >= 3 and not arabic.startswith("ال"):
            groups[english_key(english)].add(arabic)
    return {k: sorted(v) for k, v in groups.items() if len(v) > 1}


def wikidata_pairs(path: Path, seed: int = 13) -> list[tuple[str, str, bool]]:
    """(arabic, arabic, same) pairs: variants of one name, and same-prefix other names.

    Alignment noise (morocco -> محمد) is cut by keeping variants that share their first letter
    and differ in length by at most two letters."""
    groups = variant_groups(path)
    rng = random.Random(seed)
    names = sorted({a for v in groups.values() for a in v})
    by_prefix: dict[str, list[str]] = collections.defaultdict(list)
    for name in names:
        by_prefix[name[:2]].append(name)
    owner = {a: k for k, v in groups.items() for a in v}
    pairs: list[tuple[str, str, bool]] = []
    for key in sorted(groups):
        forms = groups[key]
        for i, first in enumerate(forms):
            for second in forms[i + 1:]:
                if first[0] != second[0] or abs(len(first) - len(second)) > 2:
                    continue
                pairs.append((first, second, True))
                others = [n for n in by_prefix[first[:2]] if owner[n] != key]
                if others:
                    pairs.append((first, rng.choice(others), False))
    return pairs


def wikidata_scores(pairs: list[tuple[str, str, bool]]) -> dict[str, dict]:
    """Both systems on name pairs, each name used as the family name of one person."""
    def as_side(doc: str, name: str) -> dict:
        return {"doc": doc, "text": name}

    def linked(a: dict, b: dict) -> bool:
        analyses = []
        for side in (a, b):
            text = "قال أحمد " + side["text"] + " كلاما."
            mention = Mention(side["doc"], 4, 9 + len(side["text"]), "أحمد " + side["text"], "PER")
            analyses.append(DocumentAnalysis(_bare_document(side["doc"], text), (mention,)))
        entities, _ = link_entities(analyses)
        return len(entities) == 1

    gold = [{"a": as_side("x", a), "b": as_side("y", b), "label": "same" if s else "different",
             "scope": "wikidata"} for a, b, s in pairs]
    return {"marsad": score(gold, linked), "baseline": score(gold, baseline_same)}


def _bare_document(doc_id: str, text: str):
    from marsad.types import Document
    return Document(doc_id, None, None, None, None, None, None, "ar", text)


# -- report -----------------------------------------------------------------------------------
def run(gold_path: Path = GOLD, live_ner: bool = False) -> dict:
    pairs, documents = read_gold(gold_path)
    analyses = analyse_articles(pairs, documents, live_ner)
    ours = linked_predictor(analyses)
    result: dict = {"gold": str(gold_path.relative_to(PROJECT)), "documents": len(analyses),
                    "mentions": "live NER" if live_ner else "stored with the gold",
                    "pairs": len(pairs), "sets": {}}
    for split in ("dev", "test"):
        for scope in ("within", "cross", "all"):
            chosen = [p for p in pairs if p["split"] == split and scope in ("all", p["scope"])]
            result["sets"][f"{split}/{scope}"] = {"marsad": score(chosen, ours),
                                                  "baseline": score(chosen, baseline_same)}
    wiki = wikidata_pairs(WIKIDATA / "wd_arabic_20")
    result["sets"]["wikidata/variants"] = wikidata_scores(wiki)
    return result


def run_more(score_test: bool = False, more_gold: Path = MORE_GOLD) -> dict:
    """The independent gold (entity_pairs_more): dev always, the frozen test half only when
    asked (it is scored once, at the end of the work). Two modes: `gold spans` (the annotator's
    mentions replace the NER's: linking alone) and `end to end` (the live NER's mentions)."""
    pairs, documents = read_gold(more_gold)
    splits = ("dev", "test") if score_test else ("dev",)
    result: dict = {"gold": str(more_gold.relative_to(PROJECT)), "documents": len(documents),
                    "pairs": len(pairs), "sets": {}}
    for mode, live in (("gold spans", False), ("end to end", True)):
        analyses, spans = analyse_more_articles(pairs, documents, live_ner=live)
        unmapped = sum((side["doc"], side["start"], side["end"]) not in spans
                       for p in pairs for side in (p["a"], p["b"]))
        result.setdefault("unmapped_sides", unmapped)
        ours = more_predictor(analyses, spans)
        for split in splits:
            chosen = [p for p in pairs if p["split"] == split]
            groups = {"all": chosen, "must-not-merge": [p for p in chosen if p["label"] == "different"]}
            for kind in sorted({p["error_type"] for p in chosen}):
                groups[kind] = [p for p in chosen if p["error_type"] == kind]
            for group, members in groups.items():
                entry = result["sets"].setdefault(f"more-{split}/{group}", {})
                entry[mode] = score(members, ours)
                if mode == "gold spans":
                    entry["baseline"] = score(members, baseline_same)
    return result


def print_table(result: dict) -> None:
    print(f"{'set':<34}{'pairs':>6}  {'system':<11}{'P':>6}{'R':>6}{'F1':>6}{'fp':>4}{'fn':>4}")
    for name, systems in result["sets"].items():
        for system, s in systems.items():
            print(f"{name:<34}{s['pairs']:>6}  {system:<11}{s['precision']:>6}{s['recall']:>6}"
                  f"{s['f1']:>6}{s['fp']:>4}{s['fn']:>4}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="print the dev-set errors")
    parser.add_argument("--ner", action="store_true", help="use the live NER's mentions")
    parser.add_argument("--score-test", action="store_true",
                        help="also score the frozen test half of entity_pairs_more (once, at the end)")
    args = parser.parse_args()
    result = run(live_ner=args.ner)
    result["more"] = run_more(score_test=args.score_test)
    print_table(result)
    print(f"\nindependent gold ({result['more']['gold']}; {result['more']['unmapped_sides']} "
          "annotated spans not found in the cleaned text; must-not-merge: F1 of merging is "
          "0, read fp = wrongly merged)")
    print_table(result["more"])
    if args.errors:
        for name in ("dev/all",):
            print(f"\n{name} errors:")
            print("\n".join(result["sets"][name]["marsad"]["errors"]))
        for mode in ("gold spans", "end to end"):
            print(f"\nmore-dev/all errors ({mode}):")
            print("\n".join(result["more"]["sets"]["more-dev/all"][mode]["errors"]))
    for systems in [*result["sets"].values(), *result["more"]["sets"].values()]:
        for s in systems.values():
            s["errors"] = s["errors"][:40] if s is not systems.get("baseline") else []
    # the held-out errors are not printed: they are read once, at the end
    for name, systems in [*result["sets"].items(), *result["more"]["sets"].items()]:
        if name.startswith(("test", "more-test")):
            for s in systems.values():
                s["errors"] = []
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    digest = hashlib.sha1(RESULTS.read_bytes()).hexdigest()[:8]
    print(f"\nwrote {RESULTS.relative_to(PROJECT)} ({digest})")


if __name__ == "__main__":
    main()
