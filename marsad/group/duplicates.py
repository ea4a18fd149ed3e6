"""Exact and near-duplicate articles (wire copies), found one article at a time.

Exact copies: same SHA-1 of the folded text with whitespace collapsed (so a copy that differs
only in hamza spelling, diacritics or line breaks is exact).

Near copies: MinHash over folded word 5-shingles, with LSH banding to find candidates and a
verification of each candidate. An article is a near copy of an earlier one when

    max(Jaccard(A, B), containment of the shorter in the longer) >= threshold

Containment matters for news: an outlet that trims a wire story to its first paragraphs, or adds
its own paragraph (and a new headline) to it, has a low Jaccard with the original but keeps most
of the shorter text inside the longer one. Containment is derived from the MinHash Jaccard
estimate and the exact shingle counts: |A∩B| = J·(|A|+|B|)/(1+J).

All hashing is deterministic across processes (datasketch's SHA-1 based MinHash with a fixed
seed; never Python's `hash()`), so signatures can be stored and compared later.

Agency copies: outlets rewrite a wire story more freely than they copy it (new headline, cut and
reordered paragraphs), but keep the agency's credit (`واس`, `رويترز`, `أ ف ب`...). An article
credited to an agency is also a copy of an earlier article credited to the *same* agency when
their similarity reaches the lower `agency_threshold` (0.5 by default; on 2015-08-08 the same-
credit pairs between 0.5 and 0.7 were rewrites of one dispatch, below 0.5 different dispatches
of one topic appear).

Limits: LSH bands of 3 rows find pairs with Jaccard above ~0.3 reliably (0.94 at J=0.4); a short
excerpt of less than about a quarter of a long article is not found even though its containment
is high.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash

from marsad.arabic.normalize import fold
from marsad.arabic.tokens import word_tokens

SHINGLE_WORDS = 5
NUM_PERM = 128
_SEED = 1
_SCHEME = "affine32"       # datasketch >= 2.0 permutation scheme (32-bit values), fixed: stored
                           # signatures must be compared with signatures of the same scheme
_BANDS, _ROWS = 42, 3      # 126 of the 128 permutations; P(candidate | J) = 1 - (1 - J^3)^42
_MIN_JACCARD_FOR_CONTAINMENT = 0.2
_MIN_SHINGLES_FOR_CONTAINMENT = 10
_SPACE = re.compile(r"\s+")
_RECENT_PER_AGENCY = 300   # an agency's dispatches compared directly (about two busy days)
# LSH candidates compared per article, the earliest first: in real news a text has a handful; a
# flood of one template (thousands of near-identical records) would make every new one compare
# with all before it. The earliest are the originals the flood copies.
MAX_CANDIDATES = 64
_PERMUTATIONS: list = []   # datasketch's permutations for (NUM_PERM, _SEED, _SCHEME), made once


def _minhash() -> MinHash:
    """An empty MinHash; its permutations are made once per process, not for every article
    (they are a pure function of the seed, and were most of the cost of a short text)."""
    if not _PERMUTATIONS:
        _PERMUTATIONS.append(MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations)
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, permutations=_PERMUTATIONS[0])


class _Bands:
    """LSH banding: an article is a candidate of another when one band of `_ROWS` hash values
    is equal in both (the candidates datasketch's MinHashLSH with params (_BANDS, _ROWS) finds,
    at a tenth of its cost to insert: one dict per band, keyed by the band's bytes)."""

    _WIDTH = 4 * _ROWS

    def __init__(self) -> None:
        self._bands: list[dict[bytes, dict[str, None]]] = [{} for _ in range(_BANDS)]

    def _keys(self, hashvalues: np.ndarray) -> list[bytes]:
        data = hashvalues[:_BANDS * _ROWS].astype("<u4").tobytes()
        width = self._WIDTH
        return [data[i:i + width] for i in range(0, len(data), width)]

    def insert(self, doc_id: str, hashvalues: np.ndarray) -> None:
        for band, key in zip(self._bands, self._keys(hashvalues)):
            band.setdefault(key, {})[doc_id] = None

    def remove(self, doc_id: str, hashvalues: np.ndarray) -> None:
        for band, key in zip(self._bands, self._keys(hashvalues)):
            docs = band.get(key)
            if docs is not None:
                docs.pop(doc_id, None)
                if not docs:
                    del band[key]

    def query(self, hashvalues: np.ndarray) -> set[str]:
        found: set[str] = set()
        for band, key in zip(self._bands, self._keys(hashvalues)):
            docs = band.get(key)
            if docs:
                found.update(docs)
        return found


def _shingles(text: str) -> set[bytes]:
    """Folded word 5-shingles (a text shorter than 5 words is one shingle)."""
    words = [t.text for t in word_tokens(fold(text))]
    if not words:
        return set()
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode("utf-8")
            for i in range(len(words) - SHINGLE_WORDS + 1)}


def exact_key(text: str) -> str:
    """Key equal for texts that differ only in normalisation and whitespace."""
    return hashlib.sha1(_SPACE.sub(" ", fold(text)).strip().encode("utf-8")).hexdigest()


class DuplicateIndex:
    """Incremental duplicate finder: `add` each article in arrival order."""

    def __init__(self, threshold: float, agency_threshold: float | None = None) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"duplicate threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.agency_threshold = min(threshold, agency_threshold or threshold)
        self._agency: dict[str, str] = {}
        self._recent: dict[str, deque[str]] = {}   # agency -> its latest articles (candidates)
        self._lsh = _Bands()
        self._exact: dict[str, str] = {}
        self._signatures: dict[str, np.ndarray] = {}     # MinHash values (uint32)
        self._sizes: dict[str, int] = {}
        self._order: dict[str, int] = {}
        self._keys: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._order)

    def add(self, doc_id: str, text: str, agency: str | None = None) -> str | None:
        """Index one article; return the id of an earlier article it copies, else None.

        When several earlier articles qualify, the most similar wins (ties: the earliest), so a
        copy points at its closest version. `agency` is the article's wire credit, if any.
        Adding the same id twice raises ValueError.
        """
        if doc_id in self._order:
            raise ValueError(f"document id {doc_id!r} was already added")
        self._order[doc_id] = len(self._order)
        if agency:
            self._agency[doc_id] = agency
        if not text.strip():
            return None
        key = exact_key(text)
        self._keys[doc_id] = key
        original = self._exact.get(key)
        if original is not None:
            return original
        self._exact[key] = doc_id

        shingles = _shingles(text)
        signature = _minhash()
        signature.update_batch(list(shingles))
        best: tuple[float, int, str] | None = None
        candidates = self._lsh.query(signature.hashvalues)
        if len(candidates) > MAX_CANDIDATES:
            candidates = set(sorted(candidates, key=self._order.__getitem__)[:MAX_CANDIDATES])
        if agency:
            # LSH misses a pair at Jaccard 0.3 one time in four: an agency's own recent
            # dispatches are always compared (a cheap 128-value comparison each).
            candidates.update(self._recent.get(agency, ()))
        for candidate in sorted(candidates, key=self._order.__getitem__):
            score = self._similarity(signature, len(shingles), candidate)
            needed = (self.agency_threshold if agency and self._agency.get(candidate) == agency
                      else self.threshold)
            if score >= needed and (best is None or score > best[0]):
                best = (score, self._order[candidate], candidate)
        self._lsh.insert(doc_id, signature.hashvalues)
        self._signatures[doc_id] = signature.hashvalues
        self._sizes[doc_id] = len(shingles)
        if agency:
            self._remember(agency, doc_id)
        return best[2] if best else None

    def is_candidate(self, doc_id: str) -> bool:
        """Whether later articles are compared with this one as a near copy."""
        return doc_id in self._signatures

    def forget_near(self, doc_ids: Iterable[str]) -> None:
        """No longer compare later articles with these as near copies (exact copies of them
        are still found): the index becomes what `restore` with `near=False` for them makes."""
        agencies = set()
        for doc_id in doc_ids:
            values = self._signatures.pop(doc_id, None)
            if values is None:
                continue
            self._lsh.remove(doc_id, values)
            self._sizes.pop(doc_id, None)
            agency = self._agency.get(doc_id)
            if agency:
                agencies.add(agency)
        for agency in agencies:
            # an agency's recent dispatches, as a restore rebuilds them: its last candidates
            kept = [d for d in self._signatures if self._agency.get(d) == agency]
            kept.sort(key=self._order.__getitem__)
            self._recent[agency] = deque(kept[-_RECENT_PER_AGENCY:], maxlen=_RECENT_PER_AGENCY)

    def _remember(self, agency: str, doc_id: str) -> None:
        recent = self._recent.get(agency)
        if recent is None:
            recent = self._recent[agency] = deque(maxlen=_RECENT_PER_AGENCY)
        recent.append(doc_id)

    def export(self, doc_id: str) -> tuple[str | None, bytes | None, int, str | None]:
        """What a store keeps to rebuild the index: (exact key, MinHash bytes, shingle count,
        agency credit).

        The key is None for an empty text; the signature None for an exact copy (exact copies are
        found by key and never enter the LSH index).
        """
        signature = self._signatures.get(doc_id)
        key = self._keys.get(doc_id)
        return (key, signature.astype("<u4").tobytes() if signature is not None
                else None, self._sizes.get(doc_id, 0), self._agency.get(doc_id))

    def restore(self, doc_id: str, key: str | None, signature: bytes | None, size: int,
                agency: str | None = None, *, near: bool = True) -> None:
        """Put back an article `export` described, in the original arrival order.

        With `near=False` only its exact key comes back: later exact copies of it are still
        found, near copies no longer (a store keeps near-copy candidates for recent articles).
        """
        if doc_id in self._order:
            raise ValueError(f"document id {doc_id!r} was already added")
        self._order[doc_id] = len(self._order)
        if agency:
            self._agency[doc_id] = agency
        if key is not None:
            self._exact.setdefault(key, doc_id)
            self._keys[doc_id] = key
        if signature is not None and near:
            # The values alone: no MinHash object (permutations) to rebuild.
            values = np.frombuffer(signature, dtype="<u4").astype(np.uint32)
            self._lsh.insert(doc_id, values)
            self._signatures[doc_id] = values
            self._sizes[doc_id] = size
            if agency:
                self._remember(agency, doc_id)

    def _similarity(self, signature: MinHash, size: int, candidate: str) -> float:
        """max(estimated Jaccard, estimated containment of the shorter shingle set)."""
        # datasketch's MinHash.jaccard: the share of equal values
        jaccard = float(np.count_nonzero(signature.hashvalues == self._signatures[candidate])
                        / np.float64(NUM_PERM))
        other = self._sizes[candidate]
        shorter = min(size, other)
        # Containment is estimated from J, which is noisy when J is small: only trust it when
        # the sets overlap visibly and the shorter text is not a mere phrase.
        if jaccard < _MIN_JACCARD_FOR_CONTAINMENT or shorter < _MIN_SHINGLES_FOR_CONTAINMENT:
            return jaccard
        intersection = jaccard * (size + other) / (1.0 + jaccard)
        return max(jaccard, min(1.0, intersection / shorter))
