"""Train a CRF entity tagger on ANERcorp (CAMeL train split) and score it on dev: experiments.

The shipped tagger is the neural one (scripts/train_ner_neural.py), which reuses the lexicon
helpers here (gazetteers, Wikidata name words, the out-of-fold training lexicon) and the same
clusters. This script keeps the CRF for comparison: benchmarks/ner.py trains its lexical
baseline with `train`, and the full-feature CRF (dev micro-F1 75.1, the previous shipped
model) can be rebuilt and scored with it. It never writes into marsad/models.

Trained on train-minus-dev (the first 90% of sentences), scored on the dev split (the last
10%, see `marsad.extract.ner_features.dev_split`). Needs marsad/models/ner_clusters.tsv.gz.

    .venv/bin/python scripts/train_ner.py                          # full CRF, ~3 min
    .venv/bin/python scripts/train_ner.py --save /tmp/ner.crfsuite # keep the model file
    .venv/bin/python scripts/train_ner.py --baseline               # lexical CRF only
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import pycrfsuite

from marsad.arabic.normalize import fold
from marsad.extract.ner_features import (
    Featurizer,
    Resources,
    Sentence,
    dev_split,
    pseudo_documents,
    read_conll,
    split_proclitics,
)

PROJECT = Path(__file__).resolve().parents[1]
MODELS = PROJECT / "marsad" / "models"
LEXICON_FOLDS = 5


def gazetteer_lexicon(shared: Path) -> dict[str, set[str]]:
    """Folded words (and their clitic-stripped stems) of the Benajiba gazetteers -> types."""
    lexicon: dict[str, set[str]] = defaultdict(set)
    folder = shared / "data" / "anergazet"
    for kind, name in (("LOC", "Loc"), ("ORG", "Org"), ("PERS", "Pers")):
        path = folder / f"Aligned{name}Gazetteer.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            if "====" in line or "****" in line:
                continue
            for word in line.split():
                folded = fold(word)
                if len(folded) >= 2:
                    lexicon[folded].add(kind)
                    lexicon[split_proclitics(folded)[1]].add(kind)
    return lexicon


def name_words(shared: Path) -> set[str]:
    """Folded Arabic person-name words of the Wikidata transliteration pairs (CC0)."""
    path = shared / "data" / "wikidata-en-ar-name-transliteration" / "wd_arabic.normalized.aligned.tokens"
    words: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            word = fold(parts[1].replace(" ", ""))
            if len(word) >= 2:
                words.add(word)
    return words


def training_lexicon(sentences: list[Sentence]) -> dict[str, set[str]]:
    """Stems that are mostly (>= half of their uses, >= 2 times) part of one entity type."""
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    total: Counter[str] = Counter()
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags):
            stem = split_proclitics(fold(token))[1]
            total[stem] += 1
            if tag != "O":
                by_type[stem][tag[2:]] += 1
    lexicon: dict[str, set[str]] = {}
    for stem, kinds in by_type.items():
        chosen = {k for k, c in kinds.items() if c >= 2 and c * 2 >= total[stem]}
        if chosen:
            lexicon[stem] = chosen
    return lexicon


def merge(*lexicons: dict[str, set[str]], names: set[str] = frozenset()) -> dict[str, str]:
    """One lexicon: word -> "LOC|PERS" types, with a trailing "N" for person-name words."""
    merged: dict[str, set[str]] = defaultdict(set)
    for lexicon in lexicons:
        for word, kinds in lexicon.items():
            merged[word] |= kinds
    for word in names:
        merged[word]
    return {word: "|".join(sorted(kinds) + (["N"] if word in names else []))
            for word, kinds in merged.items()}


def featurize(sentences: list[Sentence], gazetteer: dict[str, set[str]], clusters: dict,
              baseline: bool, jackknife: bool, names: set[str] = frozenset()) -> list[list[list[str]]]:
    """Attributes of every sentence; the training-data lexicon is built out-of-fold so the CRF
    does not learn to trust a lexicon that already contains the answers."""
    if baseline:
        featurizer = Featurizer(Resources(), lexical_only=True)
        return [featurizer.sequence(tokens) for tokens, _ in sentences]
    if not jackknife:
        raise ValueError("featurize with resources needs jackknife=True for training data")
    size = (len(sentences) + LEXICON_FOLDS - 1) // LEXICON_FOLDS
    result: list[list[list[str]]] = []
    for fold_start in range(0, len(sentences), size):
        held = sentences[fold_start:fold_start + size]
        rest = sentences[:fold_start] + sentences[fold_start + size:]
        resources = Resources(clusters=clusters,
                              lexicon=merge(gazetteer, training_lexicon(rest), names=names))
        featurizer = Featurizer(resources)
        result.extend(document_features(featurizer, held))
    return result


def document_features(featurizer: Featurizer, sentences: list[Sentence]) -> list[list[list[str]]]:
    """Features with document evidence; ANERcorp has no article breaks, so blocks of
    consecutive sentences stand in for documents."""
    result: list[list[list[str]]] = []
    for block in pseudo_documents(sentences):
        result.extend(featurizer.document([tokens for tokens, _ in block]))
    return result


def train(sentences: list[Sentence], features: list[list[list[str]]], path: Path, *,
          c1: float, c2: float, iterations: int) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for x, (_, tags) in zip(features, sentences):
        trainer.append(x, tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations,
                        "feature.possible_transitions": True})
    trainer.train(str(path))


def score(tagger: pycrfsuite.Tagger, featurizer: Featurizer, sentences: list[Sentence]) -> dict:
    """seqeval (default, CoNLL-style) per-class and micro P/R/F1, plus tagging speed."""
    from seqeval.metrics import classification_report

    gold = [tags for _, tags in sentences]
    started = time.perf_counter()
    predicted = [tagger.tag(x) for x in document_features(featurizer, sentences)]
    seconds = time.perf_counter() - started
    report = classification_report(gold, predicted, output_dict=True, digits=4)
    table = {name: {"precision": round(100 * v["precision"], 1),
                    "recall": round(100 * v["recall"], 1),
                    "f1": round(100 * v["f1-score"], 1), "support": int(v["support"])}
             for name, v in report.items() if name not in ("macro avg", "weighted avg")}
    tokens = sum(len(t) for t, _ in sentences)
    return {"classes": table, "tokens": tokens, "tokens_per_second": round(tokens / seconds),
            "predicted": predicted}


def print_table(title: str, result: dict) -> None:
    print(f"\n{title}")
    print(f"{'class':<10}{'P':>7}{'R':>7}{'F1':>7}{'n':>7}")
    for name, row in result["classes"].items():
        print(f"{name:<10}{row['precision']:>7.1f}{row['recall']:>7.1f}{row['f1']:>7.1f}"
              f"{row['support']:>7}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared")
    parser.add_argument("--final", action="store_true", help="train on all of train (no dev)")
    parser.add_argument("--baseline", action="store_true", help="lexical features only")
    parser.add_argument("--aqmar", action="store_true", help="add AQMAR Wikipedia NER to train")
    parser.add_argument("--c1", type=float, default=0.03)
    parser.add_argument("--c2", type=float, default=0.05)
    parser.add_argument("--iterations", type=int, default=250)
    parser.add_argument("--save", type=Path, help="write the CRF model file here")
    parser.add_argument("--clusters", type=Path, default=MODELS / "ner_clusters.tsv.gz")
    parser.add_argument("--no-names", action="store_true", help="no Wikidata person-name words")
    parser.add_argument("--dump", type=Path, help="write dev tokens, gold and predicted tags here")
    args = parser.parse_args()

    started = time.time()
    corpus = read_conll(args.shared / "data" / "anercorp-camellab" / "ANERCorp_CamelLab_train.txt")
    train_part, dev = (corpus, []) if args.final else dev_split(corpus)
    extra: list[Sentence] = []
    if args.aqmar:
        for path in sorted((args.shared / "data" / "aqmar-wikipedia-ner" / "articles").glob("*.txt")):
            extra.extend(read_conll(path))
    gazetteer = gazetteer_lexicon(args.shared)
    clusters = Resources.load(args.clusters, None).clusters
    if not clusters and not args.baseline:
        raise SystemExit("marsad/models/ner_clusters.tsv.gz is missing: run "
                         "scripts/train_clusters.py first")
    train_sentences = train_part + extra
    names = set() if args.no_names else name_words(args.shared)
    features = featurize(train_sentences, gazetteer, clusters, args.baseline, jackknife=True,
                         names=names)
    print(f"{len(train_sentences)} training sentences featurised ({time.time() - started:.0f}s)")

    model_path = args.save or Path(tempfile.mkdtemp(prefix="marsad-ner-")) / "model.crfsuite"
    train(train_sentences, features, model_path, c1=args.c1, c2=args.c2,
          iterations=args.iterations)
    print(f"trained ({time.time() - started:.0f}s), model {model_path.stat().st_size / 1e6:.1f} MB")

    lexicon = merge(gazetteer, training_lexicon(train_part), names=names)
    if dev:
        tagger = pycrfsuite.Tagger()
        tagger.open(str(model_path))
        resources = Resources() if args.baseline else Resources(clusters=clusters, lexicon=lexicon)
        result = score(tagger, Featurizer(resources, lexical_only=args.baseline), dev)
        print_table(f"dev ({len(dev)} sentences, {result['tokens']} tokens)", result)
        micro = result["classes"]["micro avg"]["f1"]
        if args.dump:
            with args.dump.open("w", encoding="utf-8") as out:
                for (tokens, tags), predicted in zip(dev, result["predicted"]):
                    for token, gold, guess in zip(tokens, tags, predicted):
                        out.write(f"{token}\t{gold}\t{guess}\n")
                    out.write("\n")
        print(f"micro-F1 {micro:.1f}")

if __name__ == "__main__":
    main()
