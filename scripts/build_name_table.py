"""Learn which Arabic letters transliterate one Latin sound in names, from Wikidata (CC0).

Reads `wd_arabic_80` (the paper's training split; the benchmark scores on `wd_arabic_20`),
groups English tokens that are romanisation variants of one name (sergei/sergey, georgi/georgy:
`benchmarks/entities.english_key`), aligns their distinct Arabic spellings letter by letter and
counts one-letter substitutions between consonants. Frequent pairs become letter classes,
greedily by count, with at most two letters per learnt class so that chains (س-ز, س-ش, ش-ك ...)
cannot collapse the alphabet. Long vowels (ا و ي ه ء) and ع are left to the skeleton rules.

    .venv/bin/python scripts/build_name_table.py     # writes marsad/models/name_letters.tsv.gz
"""

from __future__ import annotations

import collections
import difflib
import gzip
import importlib.util
import itertools
import os
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
DATA = SHARED / "data" / "wikidata-en-ar-name-transliteration" / "wd_arabic_80"
OUTPUT = PROJECT / "marsad" / "models" / "name_letters.tsv.gz"
MIN_COUNT = 15
MAX_CLASS = 2
SKIPPED = set("اويهءع")
# ج/غ/ق/ك for a Latin g is fixed by hand (issue #3); learnt classes may join it.
SEED_CLASSES = [set("جغقك")]


def _benchmark():
    spec = importlib.util.spec_from_file_location("entities_bench",
                                                  PROJECT / "benchmarks" / "entities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def substitution_counts(path: Path) -> collections.Counter[tuple[str, str]]:
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    for forms in _benchmark().variant_groups(path).values():
        for first, second in itertools.combinations(forms, 2):
            matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
            for op, i1, i2, j1, j2 in matcher.get_opcodes():
                if op == "replace" and i2 - i1 == 1 and j2 - j1 == 1:
                    a, b = sorted((first[i1], second[j1]))
                    if a not in SKIPPED and b not in SKIPPED:
                        counts[(a, b)] += 1
    return counts


def letter_classes(counts: collections.Counter[tuple[str, str]]) -> list[set[str]]:
    classes = [set(c) for c in SEED_CLASSES]
    for (a, b), count in counts.most_common():
        if count < MIN_COUNT:
            break
        ca = next((c for c in classes if a in c), None)
        cb = next((c for c in classes if b in c), None)
        if ca is not None and ca is cb:
            continue
        if ca is None and cb is None:
            classes.append({a, b})
        elif ca is not None and cb is None and len(ca) < MAX_CLASS:
            ca.add(b)
        elif cb is not None and ca is None and len(cb) < MAX_CLASS:
            cb.add(a)
    return classes


def main() -> None:
    counts = substitution_counts(DATA)
    classes = letter_classes(counts)
    lines = ["# letter\tclass representative\tsubstitutions seen (wd_arabic_80)"]
    for group in classes:
        representative = min(group)
        for letter in sorted(group):
            seen = sum(n for pair, n in counts.items() if letter in pair and set(pair) <= group)
            lines.append(f"{letter}\t{representative}\t{seen}")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUTPUT, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"wrote {OUTPUT.relative_to(PROJECT)}")


if __name__ == "__main__":
    main()
