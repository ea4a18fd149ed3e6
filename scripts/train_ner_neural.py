"""Train marsad's neural entity tagger (char-CNN + word vectors + CRF features, BiLSTM-CRF).

Training needs torch (`pip install -e .[train]`, i.e. torch==2.13.0, CPU); the result is
exported to numpy arrays (marsad/models/ner_model.npz) and tagging runs without torch
(`marsad.extract.ner_neural`). By default the model is trained on train-minus-dev (the first
90% of ANERcorp CAMeL train sentences) and scored on the dev split (the last 10%), so the dev
figure of the shipped model is honest; the epoch count and every other setting are fixed in
advance (no early stopping on dev). `--final` trains on all of train instead.

Rebuild everything from ../shared, in order (one free core each; about 25 minutes in all):

    .venv/bin/pip install torch==2.13.0              # training only (the `train` extra)
    .venv/bin/python scripts/train_clusters.py       # ner_clusters.tsv.gz   (~3 min)
    .venv/bin/python scripts/train_vectors.py        # ner_vectors.npz       (~2 min)
    .venv/bin/python scripts/train_ner_neural.py     # ner_model.npz, ner_lexicon.tsv.gz,
                                                     # ner.json (~10 min per seed on a free
                                                     # core; two seeds run in two processes)

The shipped model averages two networks (seeds 0 and 1: emission scores and CRF transitions
averaged, one Viterbi pass). Network dev micro-F1: 79.5 and 78.0 alone, 79.4 together; the
average is kept for its lower variance, not for its dev score. Deterministic per seed.
`--seeds 1 --jobs 1` trains one network (half the tagging time).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

try:
    import torch
    from torch import nn
except ImportError as error:          # a training-only dependency
    raise SystemExit("training needs torch: .venv/bin/pip install torch==2.13.0 "
                     "(or pip install -e '.[train]')") from error

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_ner import gazetteer_lexicon, merge, name_words, training_lexicon

from marsad.arabic.normalize import fold
from marsad.extract.ner_features import (
    Featurizer,
    Resources,
    Sentence,
    dev_split,
    pseudo_documents,
    read_conll,
)
from marsad.extract.ner_neural import (
    DOC_FLAGS,
    FEATURE_KEYS,
    TokenEncoder,
    document_flags,
    load_vectors,
    viterbi,
)

PROJECT = Path(__file__).resolve().parents[1]
MODELS = PROJECT / "marsad" / "models"
TAGS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
LEXICON_FOLDS = 5


def feature_dim(key: str) -> int:
    return 16 if key[:1] in "cs" and key[1:].isdigit() else 6


# --------------------------------------------------------------------------- data


def fold_featurizers(sentences: list[Sentence], gazetteer, clusters, names) -> list[Featurizer]:
    """One featurizer per training sentence; the training-data lexicon is built out-of-fold so
    the network does not learn to trust a lexicon that already contains the answers."""
    size = (len(sentences) + LEXICON_FOLDS - 1) // LEXICON_FOLDS
    result: list[Featurizer] = []
    for start in range(0, len(sentences), size):
        rest = sentences[:start] + sentences[start + size:]
        resources = Resources(clusters=clusters,
                              lexicon=merge(gazetteer, training_lexicon(rest), names=names))
        featurizer = Featurizer(resources)
        result.extend([featurizer] * len(sentences[start:start + size]))
    return result


def build_encoder(sentences: list[Sentence], featurizers: list[Featurizer],
                  word_index: dict[str, int]) -> TokenEncoder:
    """Character and feature-value vocabularies: what occurs at least twice in training."""
    chars: Counter[str] = Counter()
    values: dict[str, Counter[str]] = {key: Counter() for key in FEATURE_KEYS}
    for (tokens, _), featurizer in zip(sentences, featurizers):
        for token in tokens:
            chars.update(fold(token) or token)
            props = featurizer.word_properties(token)
            for key in FEATURE_KEYS:
                if key in props:
                    values[key][props[key]] += 1

    def vocabulary(counter: Counter[str]) -> dict[str, int]:
        return {v: i + 2 for i, v in enumerate(sorted(v for v, c in counter.items() if c >= 2))}

    return TokenEncoder(word_index, vocabulary(chars),
                        {key: vocabulary(counter) for key, counter in values.items()})


def encode(sentences: list[Sentence], featurizers: list[Featurizer],
           encoder: TokenEncoder) -> list[dict]:
    """Integer inputs and gold tag ids of every sentence (document flags per stand-in doc)."""
    encoded: list[dict] = []
    position = 0
    for block in pseudo_documents(sentences):
        featurizer = featurizers[position]
        flags = document_flags(featurizer, [tokens for tokens, _ in block])
        for (tokens, tags), flag in zip(block, flags):
            folded = [fold(t) or t for t in tokens]
            encoded.append({
                "words": [encoder.word_id(f) for f in folded],
                "chars": [encoder.char_ids(f) for f in folded],
                "features": [encoder.feature_ids(featurizers[position].word_properties(t))
                             for t in tokens],
                "flags": flag, "tags": [TAGS.index(t) for t in tags]})
            position += 1
    return encoded


def batch_tensors(items: list[dict]) -> dict[str, torch.Tensor]:
    lengths = [len(item["words"]) for item in items]
    steps = max(lengths)
    width = max(len(c) for item in items for c in item["chars"])
    words = torch.zeros(len(items), steps, dtype=torch.long)
    chars = torch.zeros(len(items), steps, width + 2, dtype=torch.long)
    features = torch.zeros(len(items), steps, len(FEATURE_KEYS), dtype=torch.long)
    flags = torch.zeros(len(items), steps, len(DOC_FLAGS))
    tags = torch.zeros(len(items), steps, dtype=torch.long)
    for b, item in enumerate(items):
        n = lengths[b]
        words[b, :n] = torch.tensor(item["words"])
        for t, ids in enumerate(item["chars"]):
            chars[b, t, 1:1 + len(ids)] = torch.tensor(ids)
        features[b, :n] = torch.tensor(item["features"])
        flags[b, :n] = torch.from_numpy(item["flags"])
        tags[b, :n] = torch.tensor(item["tags"])
    return {"words": words, "chars": chars, "features": features, "flags": flags, "tags": tags,
            "lengths": torch.tensor(lengths)}


# --------------------------------------------------------------------------- model


class Tagger(nn.Module):
    def __init__(self, vectors: np.ndarray, encoder: TokenEncoder, *, char_dim: int = 32,
                 char_filters: int = 64, hidden: int = 128, dropout: float = 0.5,
                 word_dropout: float = 0.1) -> None:
        super().__init__()
        self.words = nn.Embedding.from_pretrained(torch.from_numpy(vectors), freeze=True)
        self.char_emb = nn.Embedding(len(encoder.chars) + 2, char_dim, padding_idx=0)
        self.char_conv = nn.Conv1d(char_dim, char_filters, 3)
        self.features = nn.ModuleList(
            nn.Embedding(len(encoder.features[key]) + 2, feature_dim(key), padding_idx=0)
            for key in FEATURE_KEYS)
        width = vectors.shape[1] + char_filters + sum(map(feature_dim, FEATURE_KEYS)) \
            + len(DOC_FLAGS)
        self.dropout = nn.Dropout(dropout)
        self.word_dropout = word_dropout
        self.lstm = nn.LSTM(width, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, len(TAGS))
        self.crf_start = nn.Parameter(torch.zeros(len(TAGS)))
        self.crf_end = nn.Parameter(torch.zeros(len(TAGS)))
        self.crf_trans = nn.Parameter(torch.zeros(len(TAGS), len(TAGS)))

    def emissions(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        words = batch["words"]
        if self.training and self.word_dropout:
            words = words.masked_fill(torch.rand(words.shape) < self.word_dropout, 0)
        chars = batch["chars"]
        b, t, w = chars.shape
        embedded = self.char_emb(chars.view(b * t, w)).transpose(1, 2)      # N x C x W
        conv = self.char_conv(embedded)                                       # N x F x W-2
        char_lengths = (chars.view(b * t, w) > 0).sum(1).clamp(min=1)
        invalid = torch.arange(w - 2)[None, :] >= char_lengths[:, None]
        conv = conv.masked_fill(invalid[:, None, :], -1e4)
        char_vectors = torch.tanh(conv.max(dim=2).values).view(b, t, -1)
        parts = [self.words(words), char_vectors]
        parts += [emb(batch["features"][:, :, k]) for k, emb in enumerate(self.features)]
        parts.append(batch["flags"])
        inputs = self.dropout(torch.cat(parts, dim=2))
        packed = nn.utils.rnn.pack_padded_sequence(inputs, batch["lengths"], batch_first=True,
                                                   enforce_sorted=False)
        states, _ = self.lstm(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True,
                                                     total_length=t)
        return self.out(self.dropout(states))

    def loss(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        scores = self.emissions(batch)
        tags, lengths = batch["tags"], batch["lengths"]
        mask = torch.arange(scores.shape[1])[None, :] < lengths[:, None]
        rows = torch.arange(scores.shape[0])
        gold = self.crf_start[tags[:, 0]] + scores[rows, 0, tags[:, 0]]
        alpha = self.crf_start[None, :] + scores[:, 0]
        for t in range(1, scores.shape[1]):
            step = self.crf_trans[tags[:, t - 1], tags[:, t]] + scores[rows, t, tags[:, t]]
            gold = gold + step * mask[:, t]
            following = torch.logsumexp(alpha[:, :, None] + self.crf_trans[None]
                                        + scores[:, t, None, :], dim=1)
            alpha = torch.where(mask[:, t, None], following, alpha)
        gold = gold + self.crf_end[tags[rows, lengths - 1]]
        log_z = torch.logsumexp(alpha + self.crf_end[None, :], dim=1)
        return (log_z - gold).sum()

    def export(self) -> dict[str, np.ndarray]:
        """The weights `ner_neural.NeuralTagger` reads (float16 except the LSTM and CRF)."""
        def array(tensor: torch.Tensor) -> np.ndarray:
            return tensor.detach().cpu().numpy().astype(np.float32)

        lstm = self.lstm
        weights = {
            "char_emb": array(self.char_emb.weight).astype(np.float16),
            "char_conv": array(self.char_conv.weight.permute(2, 1, 0).reshape(
                -1, self.char_conv.out_channels)),
            "char_conv_b": array(self.char_conv.bias),
            "lstm_ih_f": array(lstm.weight_ih_l0), "lstm_hh_f": array(lstm.weight_hh_l0),
            "lstm_b_f": array(lstm.bias_ih_l0 + lstm.bias_hh_l0),
            "lstm_ih_b": array(lstm.weight_ih_l0_reverse),
            "lstm_hh_b": array(lstm.weight_hh_l0_reverse),
            "lstm_b_b": array(lstm.bias_ih_l0_reverse + lstm.bias_hh_l0_reverse),
            "out": array(self.out.weight), "out_b": array(self.out.bias),
            "crf_start": array(self.crf_start), "crf_end": array(self.crf_end),
            "crf_trans": array(self.crf_trans),
        }
        for key, emb in zip(FEATURE_KEYS, self.features):
            weights[f"feat_{key}"] = array(emb.weight).astype(np.float16)
        return weights


def decode(model: Tagger, encoded: list[dict], batch_size: int = 64) -> list[list[str]]:
    model.eval()
    start, trans, end = (p.detach().numpy() for p in (model.crf_start, model.crf_trans,
                                                      model.crf_end))
    predicted: list[list[str]] = []
    with torch.no_grad():
        for first in range(0, len(encoded), batch_size):
            items = encoded[first:first + batch_size]
            scores = model.emissions(batch_tensors(items)).numpy()
            for row, item in enumerate(items):
                n = len(item["words"])
                predicted.append([TAGS[i] for i in viterbi(scores[row, :n], start, trans, end)])
    return predicted


def micro_f1(gold: list[list[str]], predicted: list[list[str]]) -> float:
    from seqeval.metrics import f1_score
    return 100 * f1_score(gold, predicted)


def train_one(seed: int, vectors: np.ndarray, encoder: TokenEncoder, train: list[dict],
              dev: list[dict], dev_gold: list[list[str]], args) -> Tagger:
    torch.manual_seed(seed)
    random.seed(seed)
    model = Tagger(vectors, encoder, hidden=args.hidden, dropout=args.dropout)
    optimiser = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda epoch: 1.0 / (1.0 + 0.05 * epoch))
    order = sorted(range(len(train)), key=lambda k: len(train[k]["words"]))
    batches = [order[i:i + args.batch] for i in range(0, len(order), args.batch)]
    started = time.time()
    for epoch in range(args.epochs):
        model.train()
        random.shuffle(batches)
        total = 0.0
        for indices in batches:
            loss = model.loss(batch_tensors([train[k] for k in indices]))
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimiser.step()
            total += loss.item()
        schedule.step()
        report = ""
        if dev and (epoch + 1) % args.report_every == 0:
            report = f" dev F1 {micro_f1(dev_gold, decode(model, dev)):.1f}"
        print(f"seed {seed} epoch {epoch + 1}: loss {total / len(train):.3f}{report} "
              f"({time.time() - started:.0f}s)", flush=True)
    return model


def _train_and_export(*job) -> dict[str, np.ndarray]:
    torch.set_num_threads(1)
    return train_one(*job).export()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared")
    parser.add_argument("--final", action="store_true", help="train on all of train (no dev)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--dropout", type=float, default=0.5)
    parser.add_argument("--seeds", type=int, default=2, help="networks averaged")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="train seeds in N processes")
    parser.add_argument("--report-every", type=int, default=5, help="dev F1 every N epochs "
                        "(for the log only: nothing is chosen on it)")
    parser.add_argument("--vectors", type=Path, default=MODELS / "ner_vectors.npz")
    parser.add_argument("--clusters", type=Path, default=MODELS / "ner_clusters.tsv.gz")
    parser.add_argument("--out", type=Path, default=MODELS, help="folder for the model files")
    parser.add_argument("--no-save", action="store_true", help="experiment: keep nothing")
    args = parser.parse_args()
    torch.set_num_threads(1)

    started = time.time()
    corpus = read_conll(args.shared / "data" / "anercorp-camellab" / "ANERCorp_CamelLab_train.txt")
    train_part, dev = (corpus, []) if args.final else dev_split(corpus)
    gazetteer = gazetteer_lexicon(args.shared)
    names = name_words(args.shared)
    clusters = Resources.load(args.clusters, None).clusters
    if not clusters:
        raise SystemExit(f"{args.clusters} is missing: run scripts/train_clusters.py first")
    word_index, vectors = load_vectors(args.vectors)

    featurizers = fold_featurizers(train_part, gazetteer, clusters, names)
    encoder = build_encoder(train_part, featurizers, word_index)
    train_encoded = encode(train_part, featurizers, encoder)
    lexicon = merge(gazetteer, training_lexicon(train_part), names=names)
    dev_featurizer = Featurizer(Resources(clusters=clusters, lexicon=lexicon))
    dev_encoded = encode(dev, [dev_featurizer] * len(dev), encoder) if dev else []
    dev_gold = [tags for _, tags in dev]
    print(f"{len(train_part)} training sentences encoded ({time.time() - started:.0f}s)")

    jobs = [(seed, vectors, encoder, train_encoded, dev_encoded, dev_gold, args)
            for seed in range(args.first_seed, args.first_seed + args.seeds)]
    if args.jobs > 1:                  # seeds in parallel processes, one thread each
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(min(args.jobs, args.seeds)) as pool:
            weights = pool.starmap(_train_and_export, jobs)
    else:
        weights = [_train_and_export(*job) for job in jobs]
    shipped = {"meta": np.frombuffer(json.dumps(
        {"tags": TAGS, "seeds": len(weights), **json.loads(encoder.to_json())},
        ensure_ascii=False).encode("utf-8"), dtype=np.uint8)}
    for k, w in enumerate(weights):            # member k: every array name gets suffix _k
        shipped.update({f"{name}_{k}": value for name, value in w.items()})

    micro = None
    if dev:
        from marsad.extract.ner_neural import NeuralTagger
        path = Path("/tmp") / "marsad-ner-check.npz"
        np.savez(path, **shipped)
        tagger = NeuralTagger(path, args.vectors, dev_featurizer)
        predicted = []
        for block in pseudo_documents(dev):
            predicted.extend(tagger.tag_document([tokens for tokens, _ in block]))
        micro = round(micro_f1(dev_gold, predicted), 1)
        from seqeval.metrics import classification_report
        print(classification_report(dev_gold, predicted, digits=3))
        print(f"micro-F1 {micro:.1f} (numpy inference)")
    if not args.no_save:
        args.out.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(args.out / "ner_model.npz", **shipped)
        with gzip.open(args.out / "ner_lexicon.tsv.gz", "wt", encoding="utf-8",
                       compresslevel=9) as out:
            for word in sorted(lexicon):
                out.write(f"{word}\t{lexicon[word]}\n")
        meta = {"model": "char-CNN + word vectors + CRF features, BiLSTM-CRF (numpy inference)",
                "trained_on": "train" if args.final else "train-minus-dev",
                "sentences": len(train_part), "epochs": args.epochs, "batch": args.batch,
                "lr": args.lr, "hidden": args.hidden, "dropout": args.dropout,
                "seeds": args.seeds, "dev_micro_f1": micro}
        (args.out / "ner.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        print(f"saved to {args.out} ({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
