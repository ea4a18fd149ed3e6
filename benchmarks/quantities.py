"""Quantities benchmark: spans, values and units against hand annotations of real articles.

Gold: `benchmarks/gold/quantities.jsonl`, one line per SaudiNewsNet article (economy, disasters,
sports, official statistics): the quantities in marsad's cleaned `Document.text` (offsets,
value, unit) and the tricky not-quantities (years, dates, times, phone and reference numbers,
scores, model and index names), with the url and the sha1 of the cleaned text. No article text
is stored: the articles are re-read from ../shared/data/saudinewsnet-sample and re-cleaned.

Scoring: a predicted span matches a gold quantity when they overlap (one-to-one, in order);
precision, recall and F1 of spans; value accuracy and unit accuracy over matched spans; and how
many not-quantities were reported as quantities ("traps hit"). Units compare after folding,
without the article or an accusative alif, and a unit that starts the other counts (كيلو /
كيلومتر). Baseline in the same run: every digit string (ASCII or Arabic-Indic) is a quantity,
with its numeric value and no unit.

    .venv/bin/python benchmarks/quantities.py
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from marsad.arabic.normalize import fold
from marsad.arabic.numbers import parse_numeral
from marsad.extract.quantities import find_quantities
from marsad.ingest.clean import clean_record
from marsad.settings import Settings
from marsad.types import Document, Quantity, RawRecord

PROJECT = Path(__file__).resolve().parents[1]
GOLD = PROJECT / "benchmarks" / "gold" / "quantities.jsonl"
RESULTS = PROJECT / "benchmarks" / "results" / "quantities.json"
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
SAMPLE = SHARED / "data" / "saudinewsnet-sample"
_DIGITS = re.compile(r"[0-9٠-٩]+(?:[.,٫٬][0-9٠-٩]+)*")


def read_gold(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def documents(gold: list[dict], sample: Path = SAMPLE) -> dict[str, Document]:
    """The gold articles re-read from the sample and cleaned, checked against their sha1."""
    wanted = {g["url"]: g for g in gold}
    found: dict[str, Document] = {}
    for path in sorted(sample.glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            entry = wanted.get(record.get("url"))
            if entry is None:
                continue
            raw = RawRecord(path=record["url"], text=record["content"].replace("\r\n", "\n"),
                            id=entry["doc"], title=record.get("title"),
                            source=record.get("source"), url=record["url"],
                            published=record.get("date_extracted"), title_in_text=False)
            document = clean_record(raw, Settings())
            if hashlib.sha1(document.text.encode()).hexdigest() != entry["sha1"]:
                raise ValueError(f"{entry['doc']}: the cleaned text changed since annotation "
                                 "(offsets would be wrong); re-annotate or pin the cleaner")
            found[entry["doc"]] = document
    return found


def baseline(document: Document) -> tuple[Quantity, ...]:
    found = []
    for match in _DIGITS.finditer(document.text):
        value = parse_numeral(match.group())
        if value is not None:
            found.append(Quantity(document.id, match.start(), match.end(), match.group(),
                                  value, None))
    return tuple(found)


def _unit_key(unit: str | None) -> str:
    if unit is None:
        return ""
    key = fold(unit).replace(" ", "")
    key = key[2:] if key.startswith("ال") and len(key) > 4 else key
    return key[:-1] if key.endswith("ا") and len(key) > 3 else key


def same_unit(predicted: str | None, gold: str | None) -> bool:
    a, b = _unit_key(predicted), _unit_key(gold)
    return a == b or (bool(a) and bool(b) and (a.startswith(b) or b.startswith(a)))


def score(gold: list[dict], docs: dict[str, Document],
          system: Callable[[Document], tuple[Quantity, ...]]) -> dict:
    matched = predicted_n = gold_n = values_ok = units_ok = traps_hit = 0
    errors: list[str] = []
    for entry in gold:
        document = docs[entry["doc"]]
        predicted = list(system(document))
        quantities = [g for g in entry["items"] if g["quantity"]]
        traps = [g for g in entry["items"] if not g["quantity"]]
        predicted_n += len(predicted)
        gold_n += len(quantities)
        used: set[int] = set()
        for q in predicted:
            hit = next((i for i, g in enumerate(quantities) if i not in used
                        and q.start < g["end"] and g["start"] < q.end), None)
            if hit is None:
                if any(q.start < t["end"] and t["start"] < q.end for t in traps):
                    traps_hit += 1
                errors.append(f"FP {entry['doc']} {q.text!r}")
                continue
            used.add(hit)
            g = quantities[hit]
            matched += 1
            values_ok += abs(q.value - g["value"]) <= 1e-6 * max(1.0, abs(g["value"]))
            unit_ok = same_unit(q.unit, g["unit"])
            units_ok += unit_ok
            if not unit_ok or abs(q.value - g["value"]) > 1e-6 * max(1.0, abs(g["value"])):
                errors.append(f"VAL/UNIT {entry['doc']} {q.text!r}: {q.value:g} {q.unit} "
                              f"(gold {g['value']:g} {g['unit']})")
        for i, g in enumerate(quantities):
            if i not in used:
                errors.append(f"FN {entry['doc']} {document.text[g['start']:g['end']]!r}")
    precision = matched / predicted_n if predicted_n else 0.0
    recall = matched / gold_n if gold_n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    trap_n = sum(1 for e in gold for g in e["items"] if not g["quantity"])
    return {"gold": gold_n, "predicted": predicted_n, "matched": matched,
            "precision": round(100 * precision, 1), "recall": round(100 * recall, 1),
            "f1": round(100 * f1, 1),
            "value_accuracy": round(100 * values_ok / matched, 1) if matched else 0.0,
            "unit_accuracy": round(100 * units_ok / matched, 1) if matched else 0.0,
            "traps": trap_n, "traps_hit": traps_hit, "errors": errors}


def run(gold_path: Path = GOLD) -> dict:
    gold = read_gold(gold_path)
    docs = documents(gold)
    return {"gold": str(gold_path.relative_to(PROJECT)), "articles": len(gold),
            "systems": {"marsad": score(gold, docs, find_quantities),
                        "digits baseline": score(gold, docs, baseline)}}


def main() -> None:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="print marsad's errors")
    args = parser.parse_args()
    result = run()
    print(f"{'system':<17}{'P':>6}{'R':>6}{'F1':>6}{'value':>7}{'unit':>6}{'traps hit':>11}")
    for name, s in result["systems"].items():
        print(f"{name:<17}{s['precision']:>6}{s['recall']:>6}{s['f1']:>6}"
              f"{s['value_accuracy']:>7}{s['unit_accuracy']:>6}{s['traps_hit']:>7}/{s['traps']}")
    if args.errors:
        print("\n".join(result["systems"]["marsad"]["errors"]))
    result["systems"]["digits baseline"]["errors"] = []
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(PROJECT)}")


if __name__ == "__main__":
    main()
