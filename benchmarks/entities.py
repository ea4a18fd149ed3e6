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
RESULTS = PROJECT / "benchmarks" / "results" / "entities.json"
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
SAMPLE = SHARED / "data" / "saudinewsnet-sample"
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


def print_table(result: dict) -> None:
    print(f"{'set':<20}{'pairs':>6}  {'system':<9}{'P':>6}{'R':>6}{'F1':>6}")
    for name, systems in result["sets"].items():
        for system, s in systems.items():
            print(f"{name:<20}{s['pairs']:>6}  {system:<9}{s['precision']:>6}{s['recall']:>6}"
                  f"{s['f1']:>6}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="print the dev-set errors")
    parser.add_argument("--ner", action="store_true", help="use the live NER's mentions")
    args = parser.parse_args()
    result = run(live_ner=args.ner)
    print_table(result)
    if args.errors:
        for name in ("dev/all",):
            print(f"\n{name} errors:")
            print("\n".join(result["sets"][name]["marsad"]["errors"]))
    for systems in result["sets"].values():
        for s in systems.values():
            s["errors"] = s["errors"][:40] if s is systems.get("marsad") else []
    # the held-out errors are not printed: they are read once, at the end
    for name, systems in result["sets"].items():
        if name.startswith("test"):
            systems["marsad"]["errors"] = []
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    digest = hashlib.sha1(RESULTS.read_bytes()).hexdigest()[:8]
    print(f"\nwrote {RESULTS.relative_to(PROJECT)} ({digest})")


if __name__ == "__main__":
    main()
