"""NER benchmark: the shipped neural tagger against a plain lexical CRF, on the ANERcorp dev split.

The shipped model is trained on train-minus-dev (see scripts/train_ner_neural.py), so its score on the
dev split (the last 10% of ANERcorp train sentences, `ner_features.dev_split`) is honest. The
baseline (word + affixes + context words, no clusters/lexicon) is trained in this run on the
same 90%. Scoring: seqeval default (CoNLL-style exact span and type, lenient IOB2), PERS->PER.

    .venv/bin/python benchmarks/ner.py                    # dev split
    .venv/bin/python benchmarks/ner.py --test FILE.txt    # any CoNLL file; last line micro-F1
    .venv/bin/python benchmarks/ner.py --no-baseline

Speed is tokens/s on one core (BLAS limited to one thread) for a first pass over the data
(cold per-word caches) and a second pass (warm caches: the steady state of a long-running
pipeline).
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")     # one core: set before numpy is imported

import argparse
import importlib.util
import json
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
RESULTS = PROJECT / "benchmarks" / "results" / "ner.json"
SHARED = Path(os.environ.get("MARSAD_SHARED", PROJECT.parent / "shared"))


def _train_script():
    spec = importlib.util.spec_from_file_location("train_ner", PROJECT / "scripts" / "train_ner.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _to_marsad(tags: list[str]) -> list[str]:
    return [t.replace("-PERS", "-PER") for t in tags]


def evaluate(tag_document, sentences) -> dict:
    """Per-class and micro P/R/F1 (seqeval default) and tokens/s of `tag_document`, fed the
    same stand-in documents (blocks of consecutive sentences) as in training."""
    from seqeval.metrics import classification_report

    from marsad.extract.ner_features import pseudo_documents

    gold = [_to_marsad(tags) for _, tags in sentences]
    blocks = [[tokens for tokens, _ in block] for block in pseudo_documents(sentences)]
    timings = []
    for _ in range(2):   # first pass: cold per-word caches; second: steady state
        started = time.perf_counter()
        predicted = [_to_marsad(tags) for block in blocks for tags in tag_document(block)]
        timings.append(time.perf_counter() - started)
    report = classification_report(gold, predicted, output_dict=True)
    classes = {name: {"precision": round(100 * v["precision"], 1),
                      "recall": round(100 * v["recall"], 1),
                      "f1": round(100 * v["f1-score"], 1), "support": int(v["support"])}
               for name, v in report.items() if name not in ("macro avg", "weighted avg")}
    tokens = sum(len(t) for t, _ in sentences)
    return {"classes": classes, "tokens": tokens,
            "tokens_per_second_cold": round(tokens / timings[0]),
            "tokens_per_second": round(tokens / timings[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", type=Path, help="score this CoNLL file instead of dev")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()

    from marsad.extract.ner import EntityTagger
    from marsad.extract.ner_features import Featurizer, Resources, dev_split, read_conll

    meta_path = PROJECT / "marsad" / "models" / "ner.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    train_file = SHARED / "data" / "anercorp-camellab" / "ANERCorp_CamelLab_train.txt"
    train_part, dev = dev_split(read_conll(train_file))
    if args.test:
        sentences, name = read_conll(args.test), str(args.test)
    else:
        sentences, name = dev, "ANERcorp dev split (last 10% of train sentences)"
        if meta.get("trained_on") == "train":
            print("WARNING: the shipped model was trained on all of train (--final): "
                  "it has seen the dev split, so this score is not a held-out figure.")

    started = time.perf_counter()
    tagger = EntityTagger.pretrained()
    load_seconds = time.perf_counter() - started
    systems = {"marsad neural": evaluate(tagger.tag_document, sentences)}

    if not args.no_baseline:
        import pycrfsuite

        train_ner = _train_script()
        featurizer = Featurizer(Resources(), lexical_only=True)
        features = [featurizer.sequence(tokens) for tokens, _ in train_part]
        path = Path(tempfile.mkdtemp(prefix="marsad-ner-")) / "baseline.crfsuite"
        train_ner.train(train_part, features, path, c1=0.05, c2=0.02, iterations=150)
        baseline = pycrfsuite.Tagger()
        baseline.open(str(path))
        systems["lexical CRF"] = evaluate(
            lambda block: [baseline.tag(featurizer.sequence(tokens)) for tokens in block],
            sentences)

    kinds = sorted({k for r in systems.values() for k in r["classes"]} - {"micro avg"})
    print(f"\nNER on {name}: {len(sentences)} sentences, {systems['marsad neural']['tokens']} tokens")
    print(f"{'class':<11}" + "".join(f"{s:>24}" for s in systems))
    print(f"{'':<11}" + "".join(f"{'P':>8}{'R':>8}{'F1':>8}" for _ in systems))
    for kind in kinds + ["micro avg"]:
        row = f"{kind:<11}"
        for result in systems.values():
            c = result["classes"].get(kind, {"precision": 0, "recall": 0, "f1": 0})
            row += f"{c['precision']:>8.1f}{c['recall']:>8.1f}{c['f1']:>8.1f}"
        print(row)
    print("tok/s cold " + "".join(f"{r['tokens_per_second_cold']:>24,}" for r in systems.values()))
    print("tok/s warm " + "".join(f"{r['tokens_per_second']:>24,}" for r in systems.values()))
    from marsad.extract import ner
    model_mb = sum((PROJECT / "marsad" / "models" / name).stat().st_size for name in
                   (ner.MODEL_FILE, ner.VECTORS_FILE, ner.CLUSTERS_FILE, ner.LEXICON_FILE)) / 1e6
    print(f"model load {load_seconds:.2f} s, model files {model_mb:.1f} MB, shipped model: {meta}")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"data": name, "scoring": "seqeval default (CoNLL), PERS->PER",
                                    "model": meta, "model_mb": round(model_mb, 2),
                                    "load_seconds": round(load_seconds, 2),
                                    "systems": systems}, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"micro-F1 {systems['marsad neural']['classes']['micro avg']['f1']:.1f}")


if __name__ == "__main__":
    main()
