"""Learn word vectors for the neural entity tagger from unlabelled Arabic news (SaudiNewsNet).

Positional PPMI (left-2, left-1, right-1, right-2 contexts over the most frequent words, with
context-distribution smoothing) reduced with truncated SVD (singular values weighted by their
square root), rows L2-normalised. Words are folded surface forms, tokenised with
`ner_features.tokenize` so punctuation is split the way ANERcorp has it. The vectors are
stored as int8 with one float scale per row (quantisation costs nothing measurable here and
keeps the shipped file near 10 MB); the article text itself is not stored.

Writes marsad/models/ner_vectors.npz: `words` (UTF-8, newline-joined), `vectors` (int8,
words x dims), `scales` (float32, one per word).

    .venv/bin/python scripts/train_vectors.py          # ~3 minutes on one core
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.decomposition import TruncatedSVD

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_clusters import positional_ppmi, read_corpus

from marsad.extract.ner_features import tokenize

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "marsad" / "models" / "ner_vectors.npz"


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 rows and one scale per row (value = int8 * scale)."""
    scales = np.abs(vectors).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    return np.round(vectors / scales[:, None]).astype(np.int8), scales.astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared")
    parser.add_argument("--vocab", type=int, default=100_000, help="words kept (freq >= 3)")
    parser.add_argument("--contexts", type=int, default=20_000, help="context words per position")
    parser.add_argument("--dims", type=int, default=100)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    started = time.time()
    docs, counts = read_corpus(args.shared, tokenize)
    vocab, ppmi = positional_ppmi(docs, counts, args.vocab, 3, args.contexts)
    svd = TruncatedSVD(args.dims, random_state=0, n_iter=7)
    left = svd.fit_transform(ppmi) / svd.singular_values_      # U
    vectors = left * np.sqrt(svd.singular_values_)
    vectors /= np.maximum(1e-8, np.linalg.norm(vectors, axis=1, keepdims=True))
    print(f"vectors {vectors.shape} ({time.time() - started:.0f}s)")

    quantised, scales = quantise(vectors.astype(np.float32))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    words = np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8)
    np.savez_compressed(args.out, words=words, vectors=quantised, scales=scales)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {len(vocab)} words, "
          f"{time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
