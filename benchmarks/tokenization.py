"""Tokenisation benchmark: word tokens, clitic segmentation and sentence ends on UD Arabic-PUD.

Gold comes from the FORM column: forms joined by `SpaceAfter=No` rebuild `# text`, so each form
has exact character offsets. Scores are span matches (start and end must both agree):
(a) orthographic words: maximal runs of forms with a letter or digit, joined without a space
    (punctuation forms separate words, as in our tokenizer);
(b) syntactic words: every form with a letter or digit (UD splits و ب ل ك, pronoun suffixes,
    and writes لل as ل + ل...; it keeps ال in the word);
(c) sentence ends: the 1,000 sentences joined with one space, as if one article (PUD is one
    sentence per document, so this only tests the end-mark, quote and abbreviation rules).
Baselines in the same run: pyarabic `araby.tokenize` and a plain `\\w+` regex for tokens (neither
splits clitics, so their (b) is the "no segmentation" floor); for sentence ends, pyarabic's
`sentence_tokenize` rule (end marks, commas and colons before a space) and a naive
`[.!?؟]+ space` split. PUD is translated news and Wikipedia, and the clitic rules were checked
against it: read (b) as a development figure, not a blind test.

    .venv/bin/python benchmarks/tokenization.py [--data PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from marsad.arabic import tokens as marsad_tokens
from marsad.arabic.sentences import split_sentences

PROJECT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))
DATA = SHARED / "data" / "ud-arabic-pud" / "ar_pud-ud-test.conllu"
RESULTS = PROJECT / "benchmarks" / "results" / "tokenization.json"

Spans = list[tuple[int, int]]


@dataclass(frozen=True)
class Sentence:
    text: str
    forms: Spans          # every form with a letter or digit
    words: Spans          # orthographic words


def _has_word_char(form: str) -> bool:
    return any(ch.isalnum() for ch in form)


def read_conllu(path: Path) -> list[Sentence]:
    """Sentences of a CoNLL-U file with gold form and word offsets into `# text`."""
    sentences: list[Sentence] = []
    text = ""
    rows: list[tuple[str, bool]] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("# text = "):
            text = line[len("# text = "):]
        elif line and not line.startswith("#"):
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue   # multiword ranges and empty nodes (none in PUD, kept for PADT)
            rows.append((cols[1], "SpaceAfter=No" in cols[9]))
        elif not line and rows:
            sentences.append(_align(text, rows))
            rows = []
    return sentences


def _align(text: str, rows: list[tuple[str, bool]]) -> Sentence:
    forms: Spans = []
    words: Spans = []
    pos = 0
    word_start: int | None = None
    for form, glued in rows:
        start = text.index(form, pos)   # forms rebuild the text, so this is exact
        end = start + len(form)
        pos = end
        if _has_word_char(form):
            forms.append((start, end))
            if word_start is None:
                word_start = start
            if not glued:
                words.append((word_start, end))
                word_start = None
        elif word_start is not None:
            words.append((word_start, start))
            word_start = None
    if word_start is not None:
        words.append((word_start, pos))
    return Sentence(text, forms, words)


def _located(text: str, pieces: Iterable[str]) -> Spans:
    """Offsets of `pieces` found in order in `text` (for tokenizers that return strings)."""
    spans: Spans = []
    pos = 0
    for piece in pieces:
        start = text.find(piece, pos)
        if start < 0:
            continue
        spans.append((start, start + len(piece)))
        pos = start + len(piece)
    return spans


def marsad_words(text: str) -> Spans:
    return [(t.start, t.end) for t in marsad_tokens.word_tokens(text)]


def marsad_segments(text: str) -> Spans:
    spans: Spans = []
    for token in marsad_tokens.word_tokens(text):
        start = token.start
        for piece in marsad_tokens.segment(token.text):
            spans.append((start, start + len(piece)))
            start += len(piece)
    return spans


def pyarabic_words(text: str) -> Spans:
    from pyarabic import araby
    return [s for s in _located(text, araby.tokenize(text)) if _has_word_char(text[s[0]:s[1]])]


_REGEX = re.compile(r"\w+")


def regex_words(text: str) -> Spans:
    return [m.span() for m in _REGEX.finditer(text)]


def prf(gold: int, predicted: int, correct: int) -> dict[str, float]:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(100 * precision, 2), "recall": round(100 * recall, 2),
            "f1": round(100 * f1, 2)}


def score(sentences: list[Sentence], system: Callable[[str], Spans], gold_of: str
          ) -> tuple[dict[str, float], float, int]:
    """P/R/F1 of `system` spans against `gold_of` ('words' or 'forms'), tokens/s, tokens."""
    started = time.perf_counter()
    predicted = [system(s.text) for s in sentences]
    seconds = time.perf_counter() - started
    n_gold = n_pred = n_correct = 0
    for sentence, spans in zip(sentences, predicted):
        gold = set(getattr(sentence, gold_of))
        n_gold += len(gold)
        n_pred += len(spans)
        n_correct += len(gold.intersection(spans))
    return prf(n_gold, n_pred, n_correct), n_pred / seconds, n_pred


# pyarabic's sentence_tokenize rule, applied without its bug: it passes re.UNICODE as the
# `count` argument of re.sub, so it stops after 32 splits in any text.
_PYARABIC_SPLIT = re.compile(r"([.,:;،؟?\n])+([\n\t\r ])+")
_NAIVE_SPLIT = re.compile(r"[.!?؟]+(?=\s)")


def sentence_scores(sentences: list[Sentence]) -> dict[str, dict]:
    """Sentence-end P/R/F1 over the PUD sentences joined into one text."""
    text = " ".join(s.text for s in sentences)
    gold_ends: set[int] = set()
    pos = 0
    for s in sentences:
        pos += len(s.text)
        gold_ends.add(pos)
        pos += 1
    results = {}
    systems: dict[str, Callable[[str], list[int]]] = {
        "marsad": lambda t: [span.end for span in split_sentences(t)],
        "pyarabic rule": lambda t: [m.start(2) for m in _PYARABIC_SPLIT.finditer(t)] + [len(t)],
        "naive [.!?؟]+ space": lambda t: [m.end() for m in _NAIVE_SPLIT.finditer(t)] + [len(t)],
    }
    for name, system in systems.items():
        started = time.perf_counter()
        ends = system(text)
        seconds = time.perf_counter() - started
        results[name] = {**prf(len(gold_ends), len(ends), len(gold_ends.intersection(ends))),
                         "sentences_per_second": round(len(ends) / seconds)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="a CoNLL-U file with # text")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"{args.data} not found: pass --data PATH to a CoNLL-U file, or set "
                         "MARSAD_SHARED to the shared data folder")
    sentences = read_conllu(args.data)
    marsad_tokens._analyse.cache_clear()   # time segmentation cold, as on fresh text
    systems: dict[str, tuple[Callable[[str], Spans], Callable[[str], Spans]]] = {
        "marsad": (marsad_words, marsad_segments),
        "pyarabic tokenize": (pyarabic_words, pyarabic_words),
        r"regex \w+": (regex_words, regex_words),
    }
    table: dict[str, dict] = {}
    for name, (words, segments) in systems.items():
        word_prf, word_speed, _ = score(sentences, words, "words")
        seg_prf, seg_speed, _ = score(sentences, segments, "forms")
        table[name] = {"words": {**word_prf, "tokens_per_second": round(word_speed)},
                       "syntactic_words": {**seg_prf, "tokens_per_second": round(seg_speed)}}
    sentence_table = sentence_scores(sentences)

    print(f"UD Arabic-PUD: {len(sentences)} sentences, "
          f"{sum(len(s.words) for s in sentences)} words, "
          f"{sum(len(s.forms) for s in sentences)} syntactic words")
    header = f"{'system':<22}{'task':<18}{'P':>7}{'R':>7}{'F1':>7}{'items/s':>11}"
    print(header)
    print("-" * len(header))
    for name, row in table.items():
        for task in ("words", "syntactic_words"):
            r = row[task]
            print(f"{name:<22}{task:<18}{r['precision']:>7.2f}{r['recall']:>7.2f}{r['f1']:>7.2f}"
                  f"{r['tokens_per_second']:>11,}")
    for name, r in sentence_table.items():
        print(f"{name:<22}{'sentence ends':<18}{r['precision']:>7.2f}{r['recall']:>7.2f}"
              f"{r['f1']:>7.2f}{r['sentences_per_second']:>11,}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {"data": str(args.data), "sentences": len(sentences), "systems": table,
              "sentence_ends": sentence_table}
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
