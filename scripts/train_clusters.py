"""Learn word clusters for the NER tagger from unlabelled Arabic news (SaudiNewsNet).

Vectors: positional PPMI (left-2, left-1, right-1, right-2 contexts over the most frequent
words) reduced with truncated SVD, then k-means at seven granularities (32 ... 2048), so
the tagger gets Brown-like coarse-to-fine word classes. Words are folded surface forms (no
clitic stripping: the tagger looks up both the surface and the stripped form, and the
counts double as the frequency table that decides clitic stripping of mention spans).

Writes marsad/models/ner_clusters.tsv.gz: `word TAB count TAB c32 ... c2048 TAB tPER tLOC tORG`
(t*: 0-4 bucket of how often the word follows a title/place/organisation trigger word).
The article text itself is not stored.

    .venv/bin/python scripts/train_clusters.py [--shared ../shared] [--vocab 100000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.preprocessing import normalize as l2_normalize

from marsad.arabic.normalize import fold
from marsad.arabic.tokens import word_tokens
from marsad.extract.ner_features import TRIGGERS, split_proclitics

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "marsad" / "models" / "ner_clusters.tsv.gz"
GRANULARITIES = (32, 64, 128, 256, 512, 1024, 2048)
TRIGGER_KINDS = ("PER", "LOC", "ORG")


def iter_articles(shared: Path):
    """Contents of every SaudiNewsNet article (sample JSON files and the zipped days)."""
    for path in sorted((shared / "data" / "saudinewsnet-sample").glob("*.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            yield record.get("content") or ""
    yield from iter_more_days(shared)


def iter_more_days(shared: Path):
    """Contents of every article of the zipped SaudiNewsNet days (not the sample days)."""
    for path in sorted((shared / "data" / "saudinewsnet-more").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".json"):
                    for record in json.loads(archive.read(name).decode("utf-8")):
                        yield record.get("content") or ""


def read_corpus(shared: Path, tokenize: Callable[[str], list]) -> tuple[list[list[str]], Counter]:
    """Folded word lists of the unlabelled articles (each text once: wire copies repeat)."""
    started = time.time()
    docs: list[list[str]] = []
    counts: Counter[str] = Counter()
    seen: set[str] = set()
    for content in iter_articles(shared):
        key = content[:300]
        if key in seen or len(content) < 50:
            continue
        seen.add(key)
        words = [t.text for t in tokenize(fold(content))]
        docs.append(words)
        counts.update(words)
    print(f"{len(docs)} articles, {sum(counts.values())} tokens, {len(counts)} types "
          f"({time.time() - started:.0f}s)")
    return docs, counts


def token_ids(docs: list[list[str]], index: dict[str, int]) -> np.ndarray:
    """All tokens as vocabulary ids (-1 out of vocabulary), a -1 separator after each article."""
    return np.fromiter((index.get(w, -1) for words in docs for w in words + ["\0"]),
                       dtype=np.int64)


def positional_ppmi(docs: list[list[str]], counts: Counter, vocab_size: int, min_count: int,
                    contexts: int) -> tuple[list[str], sparse.csr_matrix]:
    """The vocabulary and its positional PPMI matrix (left-2, left-1, right-1, right-2 contexts
    over the `contexts` most frequent words; context-distribution smoothing, alpha 0.75)."""
    vocab = [w for w, c in counts.most_common(vocab_size) if c >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    n_ctx = min(contexts, len(vocab))
    ids = token_ids(docs, index)
    rows, cols = [], []
    for slot, offset in enumerate((-2, -1, 1, 2)):
        if offset > 0:
            target, context = ids[:-offset], ids[offset:]
        else:
            target, context = ids[-offset:], ids[:offset]
        keep = (target >= 0) & (context >= 0) & (context < n_ctx)
        rows.append(target[keep])
        cols.append(context[keep] + slot * n_ctx)
    rows_all, cols_all = np.concatenate(rows), np.concatenate(cols)
    matrix = sparse.coo_matrix((np.ones(len(rows_all), dtype=np.float32), (rows_all, cols_all)),
                               shape=(len(vocab), 4 * n_ctx)).tocsr()
    matrix.sum_duplicates()
    total = matrix.sum()
    row_sum = np.asarray(matrix.sum(axis=1)).ravel()
    col_sum = np.asarray(matrix.sum(axis=0)).ravel() ** 0.75
    col_sum /= col_sum.sum()
    coo = matrix.tocoo()
    pmi = np.log(coo.data * 1.0 / total / (row_sum[coo.row] / total) / col_sum[coo.col])
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=matrix.shape)
    return vocab, ppmi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared")
    parser.add_argument("--vocab", type=int, default=100_000, help="words kept (freq >= 5)")
    parser.add_argument("--contexts", type=int, default=10_000, help="context words per position")
    parser.add_argument("--dims", type=int, default=128)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    started = time.time()
    docs, counts = read_corpus(args.shared, word_tokens)
    vocab, ppmi = positional_ppmi(docs, counts, args.vocab, 5, args.contexts)
    index = {w: i for i, w in enumerate(vocab)}
    ids = token_ids(docs, index)
    vectors = TruncatedSVD(args.dims, random_state=0).fit_transform(ppmi)
    vectors = l2_normalize(vectors)
    print(f"vectors {vectors.shape} ({time.time() - started:.0f}s)")

    # How often each word follows (1-2 tokens back) a title/place/organisation trigger word
    # ("الرئيس X", "مدينة X", "نادي X"): a distant-supervision hint of its entity type.
    trigger_of = np.zeros(len(vocab) + 1, dtype=np.int64)      # last slot: out of vocabulary
    for word, i in index.items():
        kind = TRIGGERS.get(split_proclitics(word)[1]) or TRIGGERS.get(word)
        if kind:
            trigger_of[i] = TRIGGER_KINDS.index(kind) + 1
    after = np.zeros((len(vocab), len(TRIGGER_KINDS) + 1), dtype=np.int64)
    for offset in (1, 2):
        context, target = ids[:-offset], ids[offset:]
        keep = target >= 0
        kinds = trigger_of[context[keep]]          # -1 (out of vocabulary) reads the last slot
        np.add.at(after, (target[keep], kinds), 1)
    ratios = after[:, 1:] / np.maximum(1, np.array([counts[w] for w in vocab]))[:, None]
    buckets = np.searchsorted(np.array([0.005, 0.02, 0.08, 0.25]), ratios, side="right")

    labels = []
    for k in GRANULARITIES:
        model = MiniBatchKMeans(k, random_state=0, batch_size=4096, n_init=3, max_iter=100)
        labels.append(model.fit_predict(vectors))
        print(f"k-means {k} ({time.time() - started:.0f}s)")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("# word\tcount\t" + "\t".join(f"c{k}" for k in GRANULARITIES) + "\t"
                  + "\t".join(f"t{kind}" for kind in TRIGGER_KINDS) + "\n")
        for i, word in enumerate(vocab):
            ids_text = "\t".join(str(int(lab[i])) for lab in labels)
            trigger_text = "\t".join(str(int(b)) for b in buckets[i])
            out.write(f"{word}\t{counts[word]}\t{ids_text}\t{trigger_text}\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {len(vocab)} words)")


if __name__ == "__main__":
    main()
