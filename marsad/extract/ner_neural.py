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
from pathlib import Path

import numpy as np

from marsad.arabic.normalize import fold
from marsad.errors import ModelError
from marsad.extract.ner_features import Featurizer, split_proclitics

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
    column = {name: k for k, name in enumerate(DOC_FLAGS)}
    for si, i, others, position in featurizer.document_evidence(sentences):
        for name in (*others, position):
            flags[si][i, column[name]] = 1.0
    return flags


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


class _Member:
    """One trained network of the ensemble (numpy forward pass)."""

    def __init__(self, weights: dict[str, np.ndarray], tagger: NeuralTagger) -> None:
        self.w = weights
        self.tagger = tagger
        self._cache: dict[str, np.ndarray] = {}
        hidden = self._hidden = weights["lstm_hh_f"].shape[1]
        # Gate rows reordered from torch's (i, f, g, o) to (i, f, o, g), and the sigmoid gates
        # scaled by 1/2: one tanh over all gates then gives sigmoid(x) = (1 + tanh(x/2)) / 2.
        rows = np.r_[0:2 * hidden, 3 * hidden:4 * hidden, 2 * hidden:3 * hidden]
        scale = np.r_[np.full(3 * hidden, 0.5), np.ones(hidden)].astype(np.float32)

        def gate_rows(name: str) -> np.ndarray:
            return (weights[name][rows].T * scale).T

        weights["lstm_ih"] = np.ascontiguousarray(
            np.concatenate([gate_rows("lstm_ih_f"), gate_rows("lstm_ih_b")]).T)
        weights["lstm_b"] = np.concatenate([gate_rows("lstm_b_f"), gate_rows("lstm_b_b")])
        weights["lstm_hh"] = np.stack([gate_rows("lstm_hh_f").T, gate_rows("lstm_hh_b").T])

    # -- token representations (cached per token string: they do not depend on context) --
    def token_vectors(self, tokens: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(tokens) if t not in self._cache]
        if missing:
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache.update(zip(missing, self._compute(missing)))
        return np.stack([self._cache[t] for t in tokens])

    def _compute(self, tokens: list[str]) -> np.ndarray:
        w, encoder = self.w, self.tagger.encoder
        folded = [fold(t) or t for t in tokens]
        words = self.tagger.vectors[[encoder.word_id(f) for f in folded]]
        char_lists = [encoder.char_ids(f) for f in folded]
        width = max(len(c) for c in char_lists)
        chars = np.zeros((len(tokens), width + 2), np.int64)         # one pad on each side
        for i, ids in enumerate(char_lists):
            chars[i, 1:1 + len(ids)] = ids
        embedded = w["char_emb"][chars]                                # N x (W+2) x C
        windows = np.concatenate([embedded[:, k:k + width] for k in range(3)], axis=2)
        conv = windows @ w["char_conv"] + w["char_conv_b"]             # N x W x F
        lengths = np.array([len(c) for c in char_lists])
        conv[np.arange(width)[None, :] >= lengths[:, None]] = -1e4
        char_vectors = np.tanh(conv.max(axis=1))
        props = [self.tagger.featurizer.word_properties(t) for t in tokens]
        feature_ids = np.array([encoder.feature_ids(p) for p in props], np.int64)
        features = [w[f"feat_{key}"][feature_ids[:, k]] for k, key in enumerate(FEATURE_KEYS)]
        return np.concatenate([words, char_vectors, *features], axis=1)

    def emissions(self, tokens: list[str], flags: np.ndarray, batch: _Batch) -> np.ndarray:
        """Tag scores (tokens x tags) of the batch's tokens, flat in batch order.

        Both LSTM directions run in one loop over time steps (batched matmuls over the
        direction axis); the backward direction reads every sentence reversed in place.
        """
        w, hidden = self.w, self._hidden
        inputs = np.concatenate([self.token_vectors(tokens), flags], axis=1)
        gates_flat = inputs @ w["lstm_ih"] + w["lstm_b"]              # N x 8H (both sides)
        gates = np.zeros((batch.steps, 2, batch.size, 4 * hidden), np.float32)  # time-major
        gates[batch.times, 0, batch.rows] = gates_flat[:, :4 * hidden]
        gates[batch.reversed_times, 1, batch.rows] = gates_flat[:, 4 * hidden:]
        h = np.zeros((2, batch.size, hidden), np.float32)
        c = np.zeros((2, batch.size, hidden), np.float32)
        states = np.zeros((batch.steps, 2, batch.size, hidden), np.float32)
        recurrent = w["lstm_hh"]                                        # 2 x H x 4H
        for t in range(batch.steps):
            active = batch.active[t]
            g = gates[t, :, :active]
            g += np.matmul(h[:, :active], recurrent)
            np.tanh(g, out=g)
            sig = g[..., :3 * hidden] * 0.5 + 0.5                        # i, f, o
            cell = sig[..., hidden:2 * hidden] * c[:, :active] + sig[..., :hidden] * g[..., 3 * hidden:]
            c[:, :active] = cell
            out = sig[..., 2 * hidden:] * np.tanh(cell)
            h[:, :active] = out
            states[t, :, :active] = out
        both = np.concatenate([states[batch.times, 0, batch.rows],
                               states[batch.reversed_times, 1, batch.rows]], axis=1)
        return both @ w["out"].T + w["out_b"]


class _Batch:
    """Index arrays of a batch of sentences sorted longest first, tokens flattened in order."""

    def __init__(self, lengths: list[int]) -> None:
        self.lengths = np.array(lengths)
        self.size, self.steps = len(lengths), int(self.lengths.max())
        self.rows = np.repeat(np.arange(self.size), self.lengths)
        starts = np.repeat(np.cumsum(self.lengths) - self.lengths, self.lengths)
        self.times = np.arange(len(self.rows)) - starts
        self.reversed_times = self.lengths[self.rows] - 1 - self.times
        self.active = [int((self.lengths > t).sum()) for t in range(self.steps)]


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
            self.members.append(_Member(weights, self))
        self.crf = [np.mean([m.w[name] for m in self.members], axis=0)
                    for name in ("crf_start", "crf_trans", "crf_end")]

    def tag_document(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags (training labels, e.g. B-PERS) for every sentence of one document."""
        kept = [k for k, tokens in enumerate(sentences) if tokens]
        result: list[list[str]] = [[] for _ in sentences]
        if not kept:
            return result
        order = sorted(kept, key=lambda k: -len(sentences[k]))
        # Flags in document order ("docfirst" is the first use), then in batch order.
        by_sentence = dict(zip(kept, document_flags(self.featurizer,
                                                    [sentences[k] for k in kept])))
        tokens = [t for k in order for t in sentences[k]]
        batch = _Batch([len(sentences[k]) for k in order])
        flags = np.concatenate([by_sentence[k] for k in order])
        scores = np.mean([m.emissions(tokens, flags, batch) for m in self.members], axis=0)
        padded = np.zeros((batch.size, batch.steps, len(self.tags)), np.float32)
        padded[batch.rows, batch.times] = scores
        for row, path in enumerate(batch_viterbi(padded, batch.lengths, *self.crf)):
            result[order[row]] = [self.tags[i] for i in path]
        return result


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
