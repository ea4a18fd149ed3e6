"""Single-document summarisation on EASC: marsad against Lead, Random and four sumy systems.

Procedure (the reference procedure of shared/data/INDEX.md):
- every system gets the same sentences (marsad's `split_sentences`) and the same budget: the
  mean length in words of the topic's 5 human extracts; sentences are added in each system's
  rank order until the budget is reached, then shown in reading order;
- ROUGE-1, ROUGE-2 (F1 and recall) and ROUGE-L F1 (summary-level LCS over the whole token
  sequence), computed per reference and averaged over the 5 references, then over topics;
- ROUGE tokens are `\\w+` after removing diacritics and tatweel and normalising أإآٱ→ا, ى→ي,
  ة→ه; no stemming;
- sumy systems are fed sumy Document/Sentence objects built from our sentences, with our
  word tokens (sumy's own tokenizer drops Arabic), our stemmer and our stop words.

    .venv/bin/python benchmarks/summaries.py [--data DIR] [--limit N]

Also: 5-fold cross-validation over topics of marsad's one tuned knob (the share of the position
prior, `position_weight`): each fold picks the weight with the best mean R-2 on the other four
folds and is scored with it, so the CV figure is what the knob gives on unseen topics (tuning on
all 102 at once would flatter it). Multi-document summaries and speed: summaries_multidoc.py.

Prints tables and writes benchmarks/results/summaries.json. Note: the shared copy of EASC holds
102 of the 153 topics (every third one is held back), so figures are not exactly comparable
with anchors computed on all 153 topics.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from marsad.arabic.normalize import fold  # noqa: E402
from marsad.arabic.sentences import split_sentences  # noqa: E402
from marsad.arabic.stem import stem  # noqa: E402
from marsad.arabic.tokens import word_tokens  # noqa: E402
from marsad.explain.summaries import summarize_document  # noqa: E402
from marsad.group.features import STOPWORDS  # noqa: E402
from marsad.types import Span  # noqa: E402

RESULTS = HERE / "results" / "summaries.json"
SHARED = Path(os.environ.get("MARSAD_SHARED", HERE.parent.parent / "shared"))

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0640]")
_ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def rouge_tokens(text: str) -> list[str]:
    return re.findall(r"\w+", _DIACRITICS.sub("", text).translate(_ALEF))


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _prf(overlap: float, system: int, reference: int) -> tuple[float, float]:
    recall = overlap / reference if reference else 0.0
    precision = overlap / system if system else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, recall


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge(system: str, references: Sequence[str]) -> dict[str, float]:
    """Per-reference ROUGE averaged over references (F1 and recall, in %)."""
    sys_tokens = rouge_tokens(system)
    totals: Counter = Counter()
    for reference in references:
        ref_tokens = rouge_tokens(reference)
        for n in (1, 2):
            s, r = _ngrams(sys_tokens, n), _ngrams(ref_tokens, n)
            f1, recall = _prf(sum((s & r).values()), sum(s.values()), sum(r.values()))
            totals[f"R{n}_F"] += f1
            totals[f"R{n}_R"] += recall
        f1, _ = _prf(_lcs(sys_tokens, ref_tokens), len(sys_tokens), len(ref_tokens))
        totals["RL_F"] += f1
    return {k: 100 * v / len(references) for k, v in totals.items()}


# ---- systems: (text, sentences, budget in words) -> chosen spans --------------------------

def _words(text: str, span: Span) -> int:
    return len(word_tokens(text[span.start:span.end]))


def _fill(text: str, sentences: Sequence[Span], order: Sequence[int], budget: int) -> list[Span]:
    """Add sentences in rank order until the word budget is reached; reading order out."""
    chosen: list[int] = []
    total = 0
    for i in order:
        if total >= budget:
            break
        chosen.append(i)
        total += _words(text, sentences[i])
    return [sentences[i] for i in sorted(chosen)]


def marsad_system(text: str, sentences: Sequence[Span], budget: int) -> list[Span]:
    return summarize_document(text, sentences, n_words=budget)


def lead(text: str, sentences: Sequence[Span], budget: int) -> list[Span]:
    return _fill(text, sentences, range(len(sentences)), budget)


def random_system(seed: int = 0) -> Callable[[str, Sequence[Span], int], list[Span]]:
    rng = random.Random(seed)

    def summarize(text: str, sentences: Sequence[Span], budget: int) -> list[Span]:
        order = list(range(len(sentences)))
        rng.shuffle(order)
        return _fill(text, sentences, order, budget)
    return summarize


class _Tokenizer:
    """sumy tokenizer over our tokens (folded), so Arabic words are not dropped."""

    language = "arabic"

    def to_sentences(self, paragraph: str) -> list[str]:   # not used: sentences are given
        return [paragraph]

    def to_words(self, sentence: str) -> list[str]:
        return [fold(t.text) for t in word_tokens(sentence)]


def sumy_system(name: str) -> Callable[[str, Sequence[Span], int], list[Span]]:
    """A sumy summariser as a system: its rank order, filled to the word budget."""
    rank = sumy_ranker(name)

    def summarize(text: str, sentences: Sequence[Span], budget: int) -> list[Span]:
        return _fill(text, sentences, rank(text, sentences), budget)
    return summarize


def sumy_ranker(name: str) -> Callable[[str, Sequence[Span]], list[int]]:
    """Sentence indexes in a sumy summariser's rank order (best first)."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    classes = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer,
               "LSA": LsaSummarizer, "Luhn": LuhnSummarizer}
    summarizer = classes[name](stemmer=stem)
    summarizer.stop_words = STOPWORDS
    tokenizer = _Tokenizer()

    def rank(text: str, sentences: Sequence[Span]) -> list[int]:
        objects = [Sentence(text[s.start:s.end], tokenizer) for s in sentences]
        document = ObjectDocumentModel([Paragraph(objects)])
        scores: dict[int, float] = {}

        def capture(sumy_sentences, count, rating, *args, **kwargs):
            for i, sentence in enumerate(sumy_sentences):
                scores[i] = rating(sentence, *args, **kwargs) if callable(rating) else rating[sentence]
            return ()
        summarizer._get_best_sentences = capture        # read sumy's ratings of every sentence
        summarizer(document, len(objects))
        return sorted(range(len(sentences)), key=lambda i: (-scores.get(i, 0.0), i))
    return rank


# ---- corpus and run --------------------------------------------------------------------

def load_topics(root: Path) -> list[tuple[str, str, list[str]]]:
    base = root / "EASC-UTF-8"
    topics = sorted(os.listdir(base / "Articles"), key=lambda t: int(t[5:]))
    out = []
    for topic in topics:
        article = open(glob.glob(str(base / "Articles" / topic / "*"))[0], encoding="utf-8-sig").read()
        references = [open(p, encoding="utf-8-sig").read()
                      for p in sorted(glob.glob(str(base / "MTurk" / topic / "*")))]
        out.append((topic, article, references))
    return out


CV_WEIGHTS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0)
CV_FOLDS = 5


def cross_validate(topics: Sequence[tuple[str, str, list[str]]]) -> dict:
    """Per-topic R-2 for every candidate weight, then k-fold choice and held-out scores."""
    per_topic: dict[float, list[dict[str, float]]] = {w: [] for w in CV_WEIGHTS}
    for _, article, references in topics:
        sentences = split_sentences(article)
        budget = round(sum(len(rouge_tokens(r)) for r in references) / len(references))
        for weight in CV_WEIGHTS:
            spans = summarize_document(article, sentences, n_words=budget, position_weight=weight)
            per_topic[weight].append(rouge(" ".join(article[s.start:s.end] for s in spans),
                                           references))
    folds = [list(range(i, len(topics), CV_FOLDS)) for i in range(CV_FOLDS)]
    held_out: Counter = Counter()
    chosen = []
    for fold in folds:
        train = [i for i in range(len(topics)) if i not in set(fold)]
        best = max(CV_WEIGHTS, key=lambda w: (sum(per_topic[w][i]["R2_F"] for i in train), -w))
        chosen.append(best)
        for i in fold:
            held_out.update(per_topic[best][i])
    n = len(topics)
    return {"weights_tried": list(CV_WEIGHTS), "folds": CV_FOLDS, "chosen_per_fold": chosen,
            "cv": {k: round(v / n, 1) for k, v in sorted(held_out.items())},
            "all_topics_by_weight": {str(w): round(sum(r["R2_F"] for r in rows) / n, 2)
                                     for w, rows in per_topic.items()}}


def main(argv: Sequence[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED / "data" / "easc")
    parser.add_argument("--limit", type=int, default=0, help="first N topics only")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if not args.data.exists():
        parser.error(f"{args.data} not found: pass --data or set MARSAD_SHARED")
    topics = load_topics(args.data)[: args.limit or None]
    systems: dict[str, Callable] = {"marsad": marsad_system, "Lead": lead,
                                    "Random(seed 0)": random_system(0)}
    for name in ("LexRank", "TextRank", "LSA", "Luhn"):
        systems[name] = sumy_system(name)

    totals = {name: Counter() for name in systems}
    seconds = Counter()
    for _, article, references in topics:
        sentences = split_sentences(article)
        budget = round(sum(len(rouge_tokens(r)) for r in references) / len(references))
        for name, system in systems.items():
            started = time.perf_counter()
            spans = system(article, sentences, budget)
            seconds[name] += time.perf_counter() - started
            summary = " ".join(article[s.start:s.end] for s in spans)
            totals[name].update(rouge(summary, references))

    n = len(topics)
    results = {name: {**{k: round(v / n, 1) for k, v in sorted(total.items())},
                      "ms_per_doc": round(1000 * seconds[name] / n, 2)}
               for name, total in totals.items()}
    header = f"{'system':<16}{'R-1 F':>7}{'R-2 F':>7}{'R-L F':>7}{'R-1 R':>7}{'R-2 R':>7}{'ms/doc':>8}"
    print(f"EASC, {n} topics (shared copy), budget = mean reference length in words")
    print(header)
    for name, r in results.items():
        print(f"{name:<16}{r['R1_F']:>7}{r['R2_F']:>7}{r['RL_F']:>7}{r['R1_R']:>7}{r['R2_R']:>7}"
              f"{r['ms_per_doc']:>8}")
    cv = cross_validate(topics)
    lead_r = results["Lead"]
    print(f"\n{CV_FOLDS}-fold CV of position_weight (held-out folds), vs Lead on the same topics")
    print(f"{'system':<16}{'R-1 F':>7}{'R-2 F':>7}{'R-L F':>7}  weight chosen per fold")
    print(f"{'marsad (CV)':<16}{cv['cv']['R1_F']:>7}{cv['cv']['R2_F']:>7}{cv['cv']['RL_F']:>7}"
          f"  {cv['chosen_per_fold']}")
    print(f"{'Lead':<16}{lead_r['R1_F']:>7}{lead_r['R2_F']:>7}{lead_r['RL_F']:>7}")
    print("R-2 on all topics by weight (for reading, not for choosing):",
          cv["all_topics_by_weight"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": "easc-single-document", "topics": n,
               "procedure": "INDEX.md reference procedure; sentences from marsad split_sentences",
               "systems": results, "position_weight_cross_validation": cv}
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return payload


if __name__ == "__main__":
    main()
