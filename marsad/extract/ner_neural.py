"""Neural entity tagger (char-CNN + word vectors + CRF-style features -> BiLSTM -> CRF), numpy only.

Trained with torch by scripts/train_ner_neural.py, run here in plain numpy so users do not
need torch. Each token is represented by
- its word vector (PPMI+SVD from unlabelled news, scripts/train_vectors.py; frozen in
  training): the folded word, else its clitic-stripped stem, else nothing;
- a character CNN over the folded word (max-pooled over the word's own characters only);
- small embeddings of the sparse CRF properties of `ner_features.Featurizer`: proclitic,
  shape, word clusters at three granularities (word and stem), frequency, trigger-context
  buckets, article ratio, lexicon types, person-name flag, trigger type;
- document evidence (the same word elsewhere in the document after a title, beside a name).
A bidirectional LSTM reads the sentence and a CRF layer (Viterbi here) picks the tags.

`TokenEncoder` turns tokens into the integer ids of those inputs; training and run time share
it, so the two cannot drift apart.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from pathlib import Path

import numpy as np

from marsad.arabic.normalize import fold
from marsad.errors import ModelError
from marsad.extract.ner_features import EVIDENCE_FLAGS, Featurizer, split_proclitics

# Featurizer properties fed to the network, each through its own small embedding.
FEATURE_KEYS = ("p", "shape", "len", "c2", "c4", "c6", "sc2", "sc4", "sc6", "freq", "tPER",
                "tLOC", "tORG", "art", "lex", "pn", "trig")
# Document evidence flags (see `document_flags`).
DOC_FLAGS = ("doctrig=PER", "doctrig=LOC", "doctrig=ORG", "docprevpn", "docnextpn", "docrep",
             "docfirst")
MAX_WORD_CHARS = 24
UNKNOWN = 1                      # id 0 pads, id 1 is "unknown" in every vocabulary


def load_vectors(path: Path) -> tuple[dict[str, int], np.ndarray]:
    """(word -> row, float32 matrix with a zero row 0 for unknown words) from ner_vectors.npz."""
    with np.load(path) as data:
        words = data["words"].tobytes().decode("utf-8").split("\n")
        matrix = data["vectors"].astype(np.float32) * data["scales"][:, None]
    index = {word: i + 1 for i, word in enumerate(words)}
    return index, np.vstack([np.zeros((1, matrix.shape[1]), np.float32), matrix])


class TokenEncoder:
    """Tokens -> (word id, char ids, feature ids) and document flags, for training and tagging."""

    def __init__(self, word_index: dict[str, int], chars: dict[str, int],
                 features: dict[str, dict[str, int]]) -> None:
        self.word_index = word_index
        self.chars = chars
        self.features = features

    def word_id(self, folded: str) -> int:
        found = self.word_index.get(folded)
        if found is None:
            found = self.word_index.get(split_proclitics(folded)[1], 0)
        return found

    def char_ids(self, folded: str) -> list[int]:
        return [self.chars.get(ch, UNKNOWN) for ch in folded[:MAX_WORD_CHARS]] or [UNKNOWN]

    def feature_ids(self, props: dict[str, str]) -> list[int]:
        return [self.features[key].get(props[key], UNKNOWN) if key in props else 0
                for key in FEATURE_KEYS]

    def to_json(self) -> str:
        return json.dumps({"chars": self.chars, "features": self.features}, ensure_ascii=False)


def document_flags(featurizer: Featurizer, sentences: list[list[str]]) -> list[np.ndarray]:
    """0/1 flags per token of DOC_FLAGS: evidence from the word's other uses in the document
    (after a title word, beside a person-name word; repeated; first of several uses)."""
    flags = [np.zeros((len(tokens), len(DOC_FLAGS)), np.float32) for tokens in sentences]
    for si, i, mask in featurizer.evidence_masks(sentences):
        flags[si][i] = _MASK_ROWS[mask]
    return flags


# Evidence bit k of `Featurizer.evidence_masks` is column k of DOC_FLAGS.
assert DOC_FLAGS == (*EVIDENCE_FLAGS, "docrep", "docfirst")
# Row of DOC_FLAGS for every evidence bit mask (a table: no per-token bit unpacking).
_MASK_ROWS = ((np.arange(1 << len(DOC_FLAGS))[:, None] >> np.arange(len(DOC_FLAGS))) & 1
              ).astype(np.float32)


class _Member:
    """One trained network of the ensemble (numpy forward pass)."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.w = weights
        hidden = self.hidden = weights["lstm_hh_f"].shape[1]
        # Gate rows reordered from torch's (i, f, g, o) to (i, f, o, g), and the sigmoid gates
        # scaled by 1/2: one tanh over all gates then gives sigmoid(x) = (1 + tanh(x/2)) / 2.
        rows = np.r_[0:2 * hidden, 3 * hidden:4 * hidden, 2 * hidden:3 * hidden]
        scale = np.r_[np.full(3 * hidden, 0.5), np.ones(hidden)].astype(np.float32)

        def gate_rows(name: str) -> np.ndarray:
            return (weights[name][rows].T * scale).T

        input_weights = np.concatenate([gate_rows("lstm_ih_f"), gate_rows("lstm_ih_b")]).T
        # The input projection splits in two: the token's own part (context-free, so it is
        # computed once per distinct token and cached) and the per-occurrence document flags.
        n_flags = len(DOC_FLAGS)
        self.ih_token = np.ascontiguousarray(input_weights[:-n_flags])   # D x 8H
        self.ih_flags = np.ascontiguousarray(input_weights[-n_flags:])   # flags x 8H
        self.bias = np.concatenate([gate_rows("lstm_b_f"), gate_rows("lstm_b_b")])
        self.recurrent = np.stack([gate_rows("lstm_hh_f").T, gate_rows("lstm_hh_b").T])

    def token_projections(self, encoded: _Encoded, vectors: np.ndarray) -> np.ndarray:
        """The token part of the LSTM input projection (N x 8H, both directions, no bias)."""
        w = self.w
        width = encoded.chars.shape[1] - 2
        embedded = w["char_emb"][encoded.chars]                        # N x (W+2) x C
        windows = np.concatenate([embedded[:, k:k + width] for k in range(3)], axis=2)
        conv = windows @ w["char_conv"] + w["char_conv_b"]             # N x W x F
        conv[np.arange(width)[None, :] >= encoded.lengths[:, None]] = -1e4
        char_vectors = np.tanh(conv.max(axis=1))
        features = [w[f"feat_{key}"][encoded.features[:, k]]
                    for k, key in enumerate(FEATURE_KEYS)]
        token_vectors = np.concatenate([vectors[encoded.words], char_vectors, *features], axis=1)
        return token_vectors @ self.ih_token


class _Encoded:
    """Integer inputs of distinct tokens: word-vector rows, padded char ids, feature ids."""

    def __init__(self, tokens: list[str], tagger: NeuralTagger) -> None:
        encoder, featurizer = tagger.encoder, tagger.featurizer
        folded = [fold(t) or t for t in tokens]
        self.words = np.array([encoder.word_id(f) for f in folded], np.int64)
        char_lists = [encoder.char_ids(f) for f in folded]
        self.lengths = np.array([len(c) for c in char_lists])
        chars = np.zeros((len(tokens), int(self.lengths.max()) + 2), np.int64)  # one pad a side
        for i, ids in enumerate(char_lists):
            chars[i, 1:1 + len(ids)] = ids
        self.chars = chars
        self.features = np.array([encoder.feature_ids(featurizer.word_properties(t))
                                  for t in tokens], np.int64)


class _Batch:
    """Index arrays of a batch of sentences sorted longest first, tokens flattened in order.

    The LSTM runs over a *packed* time-major layout: the tokens at time t of the still-running
    sentences (the first `active[t]`, as they are sorted longest first) are consecutive rows
    from `offsets[t]`, so a time step is one slice and there is no padding to compute or store.
    """

    def __init__(self, lengths: list[int]) -> None:
        self.lengths = np.array(lengths)
        self.size, self.steps = len(lengths), int(self.lengths.max())
        self.rows = np.repeat(np.arange(self.size), self.lengths)
        starts = np.repeat(np.cumsum(self.lengths) - self.lengths, self.lengths)
        self.times = np.arange(len(self.rows)) - starts
        self.reversed_times = self.lengths[self.rows] - 1 - self.times
        self.active = np.searchsorted(-self.lengths, -np.arange(self.steps), side="left")
        self.offsets = np.concatenate([[0], np.cumsum(self.active)])
        self.forward = self.offsets[self.times] + self.rows            # packed row of token j
        self.backward = self.offsets[self.reversed_times] + self.rows  # ... read backwards


# Distinct tokens whose input projections are kept (rows of 8H floats per member): the
# frequent words of news, admitted on their second use so one-off words do not crowd them out.
_CACHE_ROWS = 16_384
# Tokens per LSTM run: bounds the per-run scratch rows and state buffers.
_BATCH_TOKENS = 6_000


class NeuralTagger:
    """The numpy forward pass of the trained networks (averaged) and Viterbi decoding."""

    def __init__(self, model_path: Path, vectors_path: Path, featurizer: Featurizer) -> None:
        try:
            with np.load(model_path) as data:
                arrays = {name: data[name] for name in data.files}
            meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
            word_index, self.vectors = load_vectors(vectors_path)
        except (OSError, ValueError, KeyError) as error:
            raise ModelError(f"NER model unreadable: {model_path} ({error})",
                             "reinstall marsad, or rebuild it with scripts/train_ner_neural.py") \
                from error
        self.tags: list[str] = meta["tags"]
        self.encoder = TokenEncoder(word_index, meta["chars"], meta["features"])
        self.featurizer = featurizer
        self.members = []
        for k in range(meta["seeds"]):
            suffix = f"_{k}"
            weights = {name[:-len(suffix)]: value.astype(np.float32)
                       for name, value in arrays.items() if name.endswith(suffix)}
            self.members.append(_Member(weights))
        self.crf = [np.mean([m.w[name] for m in self.members], axis=0)
                    for name in ("crf_start", "crf_trans", "crf_end")]
        self._hidden = self.members[0].hidden
        # All members and both directions step together: one batched matmul per time step.
        self._recurrent = np.concatenate([m.recurrent for m in self.members])  # 2M x H x 4H
        self._lanes = 2 * len(self.members)                                  # member x direction
        self._bias = np.concatenate([m.bias for m in self.members])          # lanes*4H
        self._flag_weights = np.concatenate([m.ih_flags for m in self.members], axis=1)
        # Input projections (bias included) by row: rows below _CACHE_ROWS are kept for the
        # cached tokens; the rows above are scratch for one run (uncached tokens, and tokens
        # whose document flags add to their row). Pages are touched only as rows are used, and
        # the buffers are reused: fresh large arrays per run cost more in page faults here
        # than the arithmetic.
        self._rows: dict[str, int] = {}
        self._seen: dict[str, int] = {}
        self._table = np.empty((_CACHE_ROWS + 2 * _BATCH_TOKENS, self._lanes, 4 * self._hidden),
                               np.float32)
        self._states = np.empty((self._lanes, _BATCH_TOKENS, self._hidden), np.float32)

    def tag_document(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags (training labels, e.g. B-PERS) for every sentence of one document."""
        return self.tag_documents([sentences])[0]

    def tag_documents(self, documents: list[list[list[str]]]) -> list[list[list[str]]]:
        """`tag_document` for several documents at once: their sentences share LSTM steps
        (document evidence stays within each document)."""
        with _one_blas_thread():
            return self._tag_documents(documents)

    def _tag_documents(self, documents: list[list[list[str]]]) -> list[list[list[str]]]:
        results: list[list[list[str]]] = [[[] for _ in sentences] for sentences in documents]
        pending: list[tuple[int, int, list[str], np.ndarray]] = []
        for d, sentences in enumerate(documents):
            kept = [k for k, tokens in enumerate(sentences) if tokens]
            # Flags in document order ("docfirst" is the first use).
            flags = document_flags(self.featurizer, [sentences[k] for k in kept])
            pending.extend((d, k, sentences[k], f) for k, f in zip(kept, flags))
        pending.sort(key=lambda item: -len(item[2]))      # stable: ties keep document order
        start = 0
        while start < len(pending):
            end, tokens = start, 0
            while end < len(pending) and (end == start or tokens + len(pending[end][2])
                                          <= _BATCH_TOKENS):
                tokens += len(pending[end][2])
                end += 1
            part = pending[start:end]
            paths = self._tag_sorted([p[2] for p in part], np.concatenate([p[3] for p in part]))
            for (d, k, _, _), path in zip(part, paths):
                results[d][k] = [self.tags[i] for i in path]
            start = end
        return results

    def _tag_sorted(self, sentences: list[list[str]], flags: np.ndarray) -> list[list[int]]:
        """Tag ids of sentences sorted longest first (flags: their tokens' rows, in order)."""
        tokens = [t for sentence in sentences for t in sentence]
        batch = _Batch([len(s) for s in sentences])
        scores = self._emissions(tokens, flags, batch)
        padded = np.zeros((batch.size, batch.steps, len(self.tags)), np.float32)
        padded[batch.rows, batch.times] = scores
        return batch_viterbi(padded, batch.lengths, *self.crf)

    def _token_rows(self, tokens: list[str], flags: np.ndarray) -> np.ndarray:
        """Row of `_table` holding the input projection of every token occurrence: its cached
        row, or a scratch row (a token not cached, or an occurrence with document flags)."""
        cached, seen = self._rows, self._seen
        row_of: dict[str, int] = {}
        missing = []
        for token in dict.fromkeys(tokens):
            row = cached.get(token)
            if row is None:
                missing.append(token)
            else:
                row_of[token] = row
        flagged = np.flatnonzero(flags.any(axis=1))
        scratch = _CACHE_ROWS
        if len(missing) + len(flagged) > len(self._table) - _CACHE_ROWS:    # a huge run
            grown = np.empty((_CACHE_ROWS + len(missing) + len(flagged), *self._table.shape[1:]),
                             np.float32)
            grown[:_CACHE_ROWS] = self._table[:_CACHE_ROWS]
            self._table = grown
        table = self._table.reshape(len(self._table), -1)
        if missing:
            if len(seen) > 1_000_000:
                seen.clear()
            targets = []
            for token in missing:
                if seen.get(token) and len(cached) < _CACHE_ROWS:
                    row = cached[token] = len(cached)
                else:
                    seen[token] = 1
                    row, scratch = scratch, scratch + 1
                row_of[token] = row
                targets.append(row)
            encoded = _Encoded(missing, self)
            projected = np.concatenate([m.token_projections(encoded, self.vectors)
                                        for m in self.members], axis=1)
            projected += self._bias
            table[targets] = projected
        rows = np.array([row_of[t] for t in tokens], np.int64)
        if len(flagged):
            extra = np.arange(scratch, scratch + len(flagged))
            table[extra] = table[rows[flagged]] + flags[flagged] @ self._flag_weights
            rows[flagged] = extra
        return rows

    def _emissions(self, tokens: list[str], flags: np.ndarray, batch: _Batch) -> np.ndarray:
        """Tag scores (tokens x tags) of the batch's tokens, flat in batch order, averaged
        over the members.

        Every member and both LSTM directions run in one loop over time steps (one batched
        matmul over the member x direction "lanes"); the backward direction reads every
        sentence reversed, through the packed layout of `_Batch`. A step gathers its input
        projections straight from the table rows of its tokens.
        """
        hidden, lanes, members = self._hidden, self._lanes, self.members
        rows = self._token_rows(tokens, flags)
        sources = np.empty((lanes, len(tokens)), np.int64)   # table row per lane, packed order
        sources[0::2, batch.forward] = rows
        sources[1::2, batch.backward] = rows
        lane = np.arange(lanes)[:, None]
        if len(tokens) > self._states.shape[1]:
            self._states = np.empty((lanes, len(tokens), hidden), np.float32)
        states = self._states
        # The packed layout also holds the hidden state: the first active[t] rows of step t-1
        # are the sentences still running at step t. Gates, cell and output are updated in
        # place (the same float operations as `f * c + i * g`, `o * tanh(c)`, fewer passes).
        c = np.zeros((lanes, batch.size, hidden), np.float32)
        table, recurrent = self._table, self._recurrent
        previous = 0
        for begin, active in zip(batch.offsets.tolist(), batch.active.tolist()):
            g = table[sources[:, begin:begin + active], lane]             # lanes x a x 4H
            if begin:                                        # h is zero before the first step
                g += np.matmul(states[:, previous:previous + active], recurrent)
            np.tanh(g, out=g)
            sig = g[..., :3 * hidden]                                      # i, f, o
            sig *= 0.5
            sig += 0.5
            cell = c[:, :active]
            cell *= sig[..., hidden:2 * hidden]
            cell += sig[..., :hidden] * g[..., 3 * hidden:]
            out = states[:, begin:begin + active]
            np.tanh(cell, out=out)
            out *= sig[..., 2 * hidden:]
            previous = begin
        scores = [np.concatenate([states[2 * m, batch.forward], states[2 * m + 1, batch.backward]],
                                 axis=1) @ member.w["out"].T + member.w["out_b"]
                  for m, member in enumerate(members)]
        return np.mean(scores, axis=0)


@lru_cache(maxsize=1)
def _blas_controller() -> object | None:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:                     # optional: without it BLAS keeps its own threads
        return None
    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager:
    """BLAS on one thread while tagging: the network's matrices are small, and OpenBLAS's
    threads cost more in hand-offs than they save (a 2-thread BLAS on 2 busy cores made the
    tagger 10x slower). Only for the duration of a call: the caller's numpy is left as it was."""
    controller = _blas_controller()
    if controller is None:
        return nullcontext()
    return controller.limit(limits=1, user_api="blas")  # type: ignore[attr-defined]


def viterbi(scores: np.ndarray, start: np.ndarray, transitions: np.ndarray,
            end: np.ndarray) -> list[int]:
    """Best tag sequence (indices) under emission `scores` (T x K) and CRF transition scores
    (`transitions[from, to]`, plus start and end scores)."""
    best = start + scores[0]
    back = np.zeros(scores.shape, np.int64)
    for t in range(1, len(scores)):
        total = best[:, None] + transitions
        back[t] = total.argmax(axis=0)
        best = total.max(axis=0) + scores[t]
    best = best + end
    path = [int(best.argmax())]
    for t in range(len(scores) - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return path[::-1]


def batch_viterbi(scores: np.ndarray, lengths: np.ndarray, start: np.ndarray,
                  transitions: np.ndarray, end: np.ndarray) -> list[list[int]]:
    """`viterbi` for a padded batch (B x T x K) of sentences sorted longest first."""
    size, steps, _ = scores.shape
    best = start + scores[:, 0]
    back = np.zeros(scores.shape, np.int64)
    finals = np.zeros_like(best)
    ending = lengths == 1
    finals[ending] = best[ending]
    for t in range(1, steps):
        active = int((lengths > t).sum())
        total = best[:active, :, None] + transitions
        back[:active, t] = total.argmax(axis=1)
        best = total.max(axis=1) + scores[:active, t]
        ending = lengths[:active] == t + 1
        finals[:active][ending] = best[ending]
    current = (finals + end).argmax(axis=1)
    paths = np.zeros((size, steps), np.int64)
    rows = np.arange(size)
    for t in range(steps - 1, -1, -1):
        inside = lengths > t
        paths[inside, t] = current[inside]
        if t:
            current = np.where(inside, back[rows, t, current], current)
    return [paths[row, :n].tolist() for row, n in enumerate(lengths)]
