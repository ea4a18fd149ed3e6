"""Named-entity recognition (PER, ORG, LOC, MISC) for Arabic news with a shipped neural model.

The model (marsad/models/ner_model.npz) is a BiLSTM-CRF over character CNNs, word vectors
learnt from unlabelled news (ner_vectors.npz) and the sparse features of `ner_features` (word
clusters with corpus counts in ner_clusters.tsv.gz, a derived entity lexicon in
ner_lexicon.tsv.gz), trained on ANERcorp by scripts/train_ner_neural.py with torch and run
here in plain numpy (`ner_neural`). Everything runs offline on CPU; torch is not needed.

    from marsad.extract.ner import find_mentions
    mentions = find_mentions(document)      # tuple[Mention, ...] with original offsets
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources as importlib_resources
from pathlib import Path

from marsad.errors import ModelError
from marsad.extract.ner_features import Featurizer, Resources, mention_start, tokenize
from marsad.extract.ner_neural import NeuralTagger
from marsad.arabic.tokens import Token
from marsad.types import Document, EntityType, Mention

MODEL_FILE = "ner_model.npz"
VECTORS_FILE = "ner_vectors.npz"
CLUSTERS_FILE = "ner_clusters.tsv.gz"
LEXICON_FILE = "ner_lexicon.tsv.gz"
_TYPE_NAMES: dict[str, EntityType] = {"PERS": "PER", "PER": "PER", "LOC": "LOC", "ORG": "ORG",
                                      "MISC": "MISC"}
# Without sentence spans, cut lines further after sentence-final punctuation: the model was
# trained on sentences and long sequences only cost time.
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")
_MAX_TOKENS = 400


class EntityTagger:
    """Tags token sequences with BIO entity tags and finds entity mentions in documents."""

    def __init__(self, model_path: Path, vectors_path: Path, resources: Resources) -> None:
        for path in (model_path, vectors_path):
            if not path.exists():
                raise ModelError(f"NER model not found: {path}",
                                 "reinstall marsad, or rebuild it with scripts/train_ner_neural.py")
        self._tagger = NeuralTagger(model_path, vectors_path, Featurizer(resources))
        self._resources = resources

    @classmethod
    def pretrained(cls) -> EntityTagger:
        """The tagger shipped in marsad/models (raises ModelError when a file is missing)."""
        folder = importlib_resources.files("marsad") / "models"
        paths = {name: Path(str(folder / name))
                 for name in (MODEL_FILE, VECTORS_FILE, CLUSTERS_FILE, LEXICON_FILE)}
        for path in paths.values():
            if not path.is_file():
                raise ModelError(f"NER model file missing: {path}",
                                 "reinstall marsad (package data), or rebuild with "
                                 "scripts/train_clusters.py, scripts/train_vectors.py and "
                                 "scripts/train_ner_neural.py")
        resources = Resources.load(paths[CLUSTERS_FILE], paths[LEXICON_FILE])
        return cls(paths[MODEL_FILE], paths[VECTORS_FILE], resources)

    def tag_tokens(self, tokens: list[str]) -> list[str]:
        """BIO tags (B-PER, I-LOC, ..., O) for one sentence of tokens (ANERcorp tokenisation:
        punctuation as separate tokens, clitics attached)."""
        return self.tag_document([tokens])[0]

    def tag_document(self, sentences: list[list[str]]) -> list[list[str]]:
        """BIO tags for every sentence of one document; repeated names share evidence
        (a title or first name seen with one occurrence helps the bare repeats)."""
        return self.tag_documents([sentences])[0]

    def tag_documents(self, documents: list[list[list[str]]]) -> list[list[list[str]]]:
        """`tag_document` for several documents in one pass through the network (the same
        tags; many short sentences share each LSTM step, which is where the time goes)."""
        results = []
        for sentences, tag_lists in zip(documents, self._tagger.tag_documents(documents)):
            tag_lists = [self._convert(tags) for tags in tag_lists]
            for tokens, tags in zip(sentences, tag_lists):
                self._split_coordinated_names(tokens, tags)
            results.append(tag_lists)
        return results

    def _split_coordinated_names(self, tokens: list[str], tags: list[str]) -> None:
        """`أوباما وبوتين` is two people: a person name never goes on with a word that carries
        the conjunction و (`mention_start` tells `وبوتين` from names such as `وليد`)."""
        for i in range(1, len(tags)):
            if tags[i] == "I-PER" and tokens[i][:1] == "و" and \
                    mention_start(tokens[i], self._resources) > 0:
                tags[i] = "B-PER"

    def find_mentions(self, document: Document) -> tuple[Mention, ...]:
        """Entity mentions of `document` with offsets into `document.text`."""
        return self.find_mentions_in([document])[0]

    def find_mentions_in(self, documents: Sequence[Document]) -> list[tuple[Mention, ...]]:
        """`find_mentions` of several documents, tagged together (faster, same mentions)."""
        pieces_of = [self._pieces(document) for document in documents]
        tag_lists_of = self.tag_documents([[[t.text for t in tokens] for _, tokens in pieces]
                                           for pieces in pieces_of])
        return [self._mentions(document, pieces, tag_lists)
                for document, pieces, tag_lists in zip(documents, pieces_of, tag_lists_of)]

    def _pieces(self, document: Document) -> list[tuple[int, list[Token]]]:
        """(segment start, tokens of one sentence chunk) of a document, empty chunks left out."""
        text = document.text
        pieces = []
        for start, end in self._segments(document):
            tokens = tokenize(text[start:end])
            for chunk in range(0, len(tokens), _MAX_TOKENS):
                pieces.append((start, tokens[chunk:chunk + _MAX_TOKENS]))
        return [(start, tokens) for start, tokens in pieces if tokens]

    def _mentions(self, document: Document, pieces: list[tuple[int, list[Token]]],
                  tag_lists: list[list[str]]) -> tuple[Mention, ...]:
        text = document.text
        mentions: list[Mention] = []
        for (start, tokens), tags in zip(pieces, tag_lists):
            for first, last, kind in _chunks(tags):
                token = tokens[first]
                begin = start + token.start + mention_start(token.text, self._resources)
                finish = start + tokens[last].end
                mentions.append(Mention(document.id, begin, finish, text[begin:finish], kind))
        return tuple(mentions)

    @staticmethod
    def _convert(tags: list[str]) -> list[str]:
        return [tag if tag == "O" else f"{tag[:2]}{_TYPE_NAMES.get(tag[2:], 'MISC')}"
                for tag in tags]

    @staticmethod
    def _segments(document: Document) -> list[tuple[int, int]]:
        if document.sentences:
            return [(span.start, span.end) for span in document.sentences]
        segments = []
        position = 0
        for line in document.text.split("\n"):
            line_start = position
            position += len(line) + 1
            piece_start = 0
            for match in _SENTENCE_END.finditer(line):
                segments.append((line_start + piece_start, line_start + match.start()))
                piece_start = match.end()
            if piece_start < len(line):
                segments.append((line_start + piece_start, line_start + len(line)))
        return segments


def _chunks(tags: list[str]) -> list[tuple[int, int, EntityType]]:
    """(first, last, type) of every entity; a stray I- starts an entity (as seqeval does)."""
    found: list[tuple[int, int, EntityType]] = []
    current: list = []
    for i, tag in enumerate(tags):
        if tag == "O":
            current = []
            continue
        kind = tag[2:]
        if tag.startswith("I-") and current and current[2] == kind:
            current[1] = i
            found[-1] = (current[0], i, kind)
        else:
            current = [i, i, kind]
            found.append((i, i, kind))
    return found


@lru_cache(maxsize=1)
def _default_tagger() -> EntityTagger:
    return EntityTagger.pretrained()


def find_mentions(document: Document) -> tuple[Mention, ...]:
    """Entity mentions of `document`, with the shipped tagger (loaded once, on first use)."""
    return _default_tagger().find_mentions(document)


def find_mentions_in(documents: Sequence[Document]) -> list[tuple[Mention, ...]]:
    """`find_mentions` of several documents at once (the shipped tagger; faster per document)."""
    return _default_tagger().find_mentions_in(documents)
