"""Token features for the entity taggers (neural and CRF), shared by training and tagging.

Training (scripts/train_ner_neural.py, scripts/train_ner.py) and run time must compute
exactly the same features, so everything that turns tokens into attributes lives here: the
tokeniser that matches ANERcorp's tokenisation, light clitic handling, and the word resources
shipped beside the model (word clusters with corpus counts, and a compact entity lexicon).
"""

from __future__ import annotations

import gzip
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator
from typing import ClassVar

from marsad.arabic.names import CLITIC_LETTER_NAMES
from marsad.arabic.normalize import fold
from marsad.arabic.tokens import Token, word_and_symbol_tokens

# Proclitic chains, longest first. Used for *features* (aggressive, the CRF weighs them);
# mention spans use the frequency-checked `mention_start` below.
_FEATURE_PREFIXES = ("وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "لل", "وب", "ول",
                     "وك", "فب", "فل", "ال", "و", "ف", "ب", "ل", "ك")
# Conjunction/preposition chains that may precede a name (no article: names keep their ال).
_SPAN_PREFIXES = ("وب", "ول", "وك", "فب", "فل", "و", "ف", "ب", "ل", "ك")
_ARABIC = re.compile(r"[\u0621-\u064A]")
_LATIN = re.compile(r"[a-z]")
_DIGIT = re.compile(r"\d")

# Words that announce an entity of a type right after them (folded, clitics stripped).
TRIGGERS: dict[str, str] = {}
for _type, _words in {
    "PER": "رءيس رءيسه الرءيس الرءيسه وزير وزيره الوزير الوزيره الملك الملكه الامير الاميره "
           "الشيخ الشيخه السيد السيده الدكتور الدكتوره الجنرال العقيد اللواء العميد المستشار "
           "النايب المتحدث الناطق الزعيم المرشح الرياضي اللاعب المدرب الفنان الكاتب الشاعر "
           "الاستاذ المهندس القاضي الامام البابا الرءيسان المبعوث السفير قال واضاف اكد ابن بن "
           "السناتور المستشاره الاعلامي الصحفي النجم المطرب الممثل",
    "LOC": "مدينه محافظه منطقه ولايه جزيره عاصمه بلده قريه اقليم دوله العاصمه مدينتي جمهوريه "
           "مملكه اماره بحر نهر جبل مطار ميناء شمال جنوب شرق غرب وسط حي",
    "ORG": "شركه وكاله جامعه حزب مجلس نادي منتخب منظمه هيءه وزاره بنك مصرف صحيفه جريده "
           "مجموعه اتحاد جمعيه مؤسسه مؤسسات حركه جبهه قناه معهد مركز محكمه لجنه تنظيم فريق",
}.items():
    for _w in _words.split():
        TRIGGERS[fold(_w)] = _type


def tokenize(text: str) -> list[Token]:
    """Tokens as ANERcorp has them: whitespace words with punctuation split off.

    Words are those of `word_tokens`; every other non-space character between words becomes
    its own token (ANERcorp writes `،`, `"`, `(` and `.` as separate tokens). Clitics stay
    attached.
    """
    return word_and_symbol_tokens(text)


def split_proclitics(folded: str) -> tuple[str, str]:
    """(prefix, stem) with the longest proclitic chain that leaves >= 2 letters (features)."""
    for prefix in _FEATURE_PREFIXES:
        if folded.startswith(prefix) and len(folded) - len(prefix) >= 2:
            return prefix, folded[len(prefix):]
    return "", folded


@dataclass
class Resources:
    """Word resources used as features: clusters + counts, and the entity lexicon."""

    # word -> (count in unlabelled news, cluster ids coarse to fine, trigger-context buckets)
    clusters: dict[str, tuple[int, tuple[str, ...], tuple[tuple[str, str], ...]]] = field(
        default_factory=dict)
    lexicon: dict[str, str] = field(default_factory=dict)   # folded stem -> "LOC|PER"

    @classmethod
    def load(cls, clusters_path: Path | None, lexicon_path: Path | None) -> Resources:
        resources = cls()
        if clusters_path is not None and clusters_path.exists():
            with gzip.open(clusters_path, "rt", encoding="utf-8") as lines:
                header = next(lines).lstrip("# ").rstrip("\n").split("\t")
                cluster_columns = [i for i, name in enumerate(header) if name.startswith("c")
                                   and name != "count"]
                trigger_columns = [(i, name) for i, name in enumerate(header)
                                   if name.startswith("t")]
                clusters = resources.clusters
                no_triggers = ["0"] * len(trigger_columns)
                trigger_slice = slice(trigger_columns[0][0], None) if trigger_columns else \
                    slice(0, 0)
                for line in lines.read().splitlines():
                    row = line.split("\t")
                    kinds = tuple(row[i] for i in cluster_columns)
                    triggers = () if row[trigger_slice] == no_triggers else \
                        tuple((name, row[i]) for i, name in trigger_columns if row[i] != "0")
                    clusters[row[0]] = (int(row[1]), kinds, triggers)
        if lexicon_path is not None and lexicon_path.exists():
            with gzip.open(lexicon_path, "rt", encoding="utf-8") as lines:
                for line in lines:
                    word, types = line.rstrip("\n").split("\t")
                    resources.lexicon[word] = types
        return resources

    def count(self, folded: str) -> int:
        entry = self.clusters.get(folded)
        return entry[0] if entry else 0


def mention_start(token: str, resources: Resources) -> int:
    """How many leading characters of an entity's first token are proclitics, not the name.

    A prefix is stripped only when the rest is a word seen more often than the whole token in
    the unlabelled news (`لداعش` -> `داعش`, `وبوتين` -> `بوتين`, but `لبنان`, `بيروت`,
    `فرنسا` stay whole), or when the token is unknown and starts with the conjunction و.
    """
    folded = fold(token)
    if len(folded) != len(token):       # diacritics or tatweel inside: map through fold
        return _mention_start_mapped(token, resources)
    return _strip_length(folded, resources)


def _strip_length(folded: str, resources: Resources) -> int:
    if folded in CLITIC_LETTER_NAMES:
        return 0                         # وليد, ليلى: the first letter is the name's
    whole = resources.count(folded)
    for prefix in _SPAN_PREFIXES:
        rest = folded[len(prefix):]
        if not folded.startswith(prefix) or len(rest) < 2:
            continue
        if rest.startswith("ال") and len(rest) >= 4:
            return len(prefix)
        rest_count = resources.count(rest)
        if rest_count >= 5 and rest_count > 2 * whole:
            return len(prefix)
    if whole < 5 and folded[:1] == "و" and len(folded) >= 5 and folded[1:2] not in "وا":
        return 1
    if folded.startswith("لل") and len(folded) >= 5 and resources.count("ا" + folded[1:]) > whole:
        return 2                         # لل = ل + ال: the name keeps no article here
    return 0


def _mention_start_mapped(token: str, resources: Resources) -> int:
    """`mention_start` for a token whose folded form is shorter (diacritics, tatweel)."""
    kept = [i for i, ch in enumerate(token) if fold(ch)]
    folded = "".join(fold(token[i]) for i in kept)
    n = _strip_length(folded, resources)
    return kept[n] if 0 < n < len(kept) else 0


# Document evidence names; bit k of an evidence mask is EVIDENCE_FLAGS[k], then docrep, docfirst.
EVIDENCE_FLAGS = ("doctrig=PER", "doctrig=LOC", "doctrig=ORG", "docprevpn", "docnextpn")
_TRIGGER_BITS = {"PER": 1, "LOC": 2, "ORG": 4}
# Per-process caches of word and slot features: news vocabulary is Zipfian, so the first tens of
# thousands of words take most lookups; 200k/300k entries made each tagging worker ~800 MB.
_WORD_CACHE = 50_000
_SLOT_CACHE = 80_000
_PREV_PN, _NEXT_PN, _REP, _FIRST = 8, 16, 32, 64


class Featurizer:
    """Turns a token sequence into CRF attribute lists (cached per word and position)."""

    def __init__(self, resources: Resources, *, lexical_only: bool = False) -> None:
        self.resources = resources
        self.lexical_only = lexical_only
        self._word_cache: dict[str, dict[str, str]] = {}
        self._slot_cache: dict[tuple[str, int], list[str]] = {}
        self._evidence_cache: dict[str, tuple[str | None, int, bool]] = {}

    def word_properties(self, token: str) -> dict[str, str]:
        cached = self._word_cache.get(token)
        if cached is not None:
            return cached
        folded = fold(token) or token
        prefix, stem = split_proclitics(folded)
        props: dict[str, str] = {"w": folded, "s": stem, "p": prefix}
        for n in (1, 2, 3, 4):
            if len(stem) > n:
                props[f"pre{n}"] = stem[:n]
            if len(folded) > n:
                props[f"suf{n}"] = folded[-n:]
        if _DIGIT.search(folded):
            props["shape"] = "num" if folded.isdigit() else "hasnum"
        elif _LATIN.search(folded):
            props["shape"] = "latin"
        elif not _ARABIC.search(folded):
            props["shape"] = "punct"
        else:
            props["shape"] = "ar"
        props["len"] = str(min(len(stem), 8))
        if not self.lexical_only:
            entry = self.resources.clusters.get(folded)
            stem_entry = self.resources.clusters.get(stem) if stem != folded else None
            # Cluster ids coarse to fine: c0, c1, ... (the stem's: sc0, sc1, ...).
            for source, tag in ((entry, "c"), (stem_entry, "sc")):
                if source:
                    for level, cluster in enumerate(source[1]):
                        props[f"{tag}{level}"] = cluster
            count = entry[0] if entry else 0
            props["freq"] = str(int(math.log2(count + 1)))
            for name, bucket in (entry or stem_entry or (0, (), ()))[2]:
                props[name] = bucket
            # "Properness": names rarely take the article (no البنفيكا), common nouns often do.
            bare = stem.removeprefix("ال")
            with_article = self.resources.count("ال" + bare)
            without = self.resources.count(bare)
            if with_article + without >= 5:
                props["art"] = str(min(4, int(5 * with_article / (with_article + without))))
            for key in (stem, folded):
                types = self.resources.lexicon.get(key)
                if types:
                    # "N" marks a person-name word (Wikidata name transliterations); the rest
                    # are entity types from the gazetteers and the training sentences.
                    kinds, name_word = types.rstrip("N").rstrip("|"), types.endswith("N")
                    if kinds:
                        props["lex"] = kinds
                    if name_word:
                        props["pn"] = "1"
                    break
            trigger = TRIGGERS.get(stem) or TRIGGERS.get(folded)
            if trigger:
                props["trig"] = trigger
        if len(self._word_cache) < _WORD_CACHE:
            self._word_cache[token] = props
        return props

    # Which properties each relative position contributes.
    _CLUSTERS = tuple(f"c{i}" for i in range(8)) + tuple(f"sc{i}" for i in range(8))
    _SLOTS: ClassVar[dict[int, tuple[str, ...] | None]] = {
        0: None,   # all
        -1: ("w", "s", "p", "suf1", "suf2", "suf3", "shape", "lex", "pn", "trig", "art", "tPER",
             "tLOC", "tORG") + _CLUSTERS,
        1: ("w", "s", "p", "suf1", "suf2", "suf3", "shape", "lex", "pn", "trig", "art", "tPER",
            "tLOC", "tORG") + _CLUSTERS,
        -2: ("s", "suf2", "trig", "lex", "pn", "c1", "c3", "sc3"),
        2: ("s", "suf2", "lex", "pn", "c1", "c3", "sc3"),
    }

    def _slot(self, token: str, offset: int) -> list[str]:
        key = (token, offset)
        cached = self._slot_cache.get(key)
        if cached is not None:
            return cached
        props = self.word_properties(token)
        names = self._SLOTS[offset]
        items = props.items() if names is None else ((n, props[n]) for n in names if n in props)
        features = [f"{offset}:{name}={value}" for name, value in items]
        if len(self._slot_cache) < _SLOT_CACHE:
            self._slot_cache[key] = features
        return features

    def sequence(self, tokens: list[str]) -> list[list[str]]:
        """CRF attributes for every token of one sentence."""
        n = len(tokens)
        props = [self.word_properties(t) for t in tokens]
        result: list[list[str]] = []
        for i in range(n):
            features = ["bias"]
            if i == 0:
                features.append("BOS")
            if i == n - 1:
                features.append("EOS")
            for offset in (-2, -1, 0, 1, 2):
                j = i + offset
                if 0 <= j < n:
                    features.extend(self._slot(tokens[j], offset))
            here = props[i]
            if i > 0:
                features.append(f"b-1={props[i - 1]['s']}|{here['s']}")
                if not self.lexical_only and "c3" in props[i - 1] and "c3" in here:
                    features.append(f"cb-1={props[i - 1]['c3']}|{here['c3']}")
            if i + 1 < n:
                features.append(f"b+1={here['s']}|{props[i + 1]['s']}")
            # A title or place word up to four tokens back ("وزير الخارجية الأمريكي جون كيري").
            for j in range(max(0, i - 4), i - 2):
                trigger = props[j].get("trig")
                if trigger:
                    features.append(f"trigwin={trigger}")
            result.append(features)
        return result

    def document_evidence(self, sentences: list[list[str]]
                          ) -> Iterator[tuple[int, int, list[str], str]]:
        """For each repeated content word of a document: (sentence, token, evidence seen at its
        other occurrences, "docfirst" or "docrep"). Evidence: a title or trigger word 1-2
        tokens before ("doctrig=..."), a person-name word just before or after."""
        for si, i, mask in self.evidence_masks(sentences):
            others = sorted(name for bit, name in enumerate(EVIDENCE_FLAGS) if mask >> bit & 1)
            yield si, i, others, ("docfirst" if mask & _FIRST else "docrep")

    def evidence_masks(self, sentences: list[list[str]]) -> Iterator[tuple[int, int, int]]:
        """`document_evidence` as bit masks: (sentence, token, mask) where bit k stands for
        EVIDENCE_FLAGS[k], then "docrep", then "docfirst" (the neural tagger's flag columns)."""
        occurrences: dict[str, list[tuple[int, int, int]]] = {}
        entries = self._evidence_cache
        for si, tokens in enumerate(sentences):
            rows = [entries.get(t) or self._evidence_entry(t) for t in tokens]
            last = len(rows) - 1
            for i, (stem, _, _) in enumerate(rows):
                if stem is None:
                    continue
                evidence = 0
                if i:
                    before = rows[i - 1]
                    evidence = before[1] | (_PREV_PN if before[2] else 0)
                    if i > 1:
                        evidence |= rows[i - 2][1]
                if i < last and rows[i + 1][2]:
                    evidence |= _NEXT_PN
                occurrences.setdefault(stem, []).append((si, i, evidence))
        for found in occurrences.values():
            if len(found) < 2:
                continue
            # Occurrence k gets the evidence of all *other* occurrences: every bit seen twice or
            # more, and the bits seen once, unless that once was k itself.
            seen = twice = 0
            for _, _, evidence in found:
                twice |= seen & evidence
                seen |= evidence
            once = seen & ~twice
            for k, (si, i, evidence) in enumerate(found):
                yield si, i, (seen & ~(evidence & once)) | (_REP if k else _FIRST)

    def _evidence_entry(self, token: str) -> tuple[str | None, int, bool]:
        """(stem if the token is a content word that document evidence follows, else None;
        its trigger bit; whether it is a person-name word), cached per token."""
        here = self.word_properties(token)
        stem: str | None = here["s"]
        if here["shape"] not in ("ar", "latin") or len(here["s"]) < 3 or \
                int(here.get("freq", "0")) >= 14:
            stem = None
        trigger = here.get("trig")
        entry = (stem, _TRIGGER_BITS[trigger] if trigger else 0, "pn" in here)
        if len(self._evidence_cache) < 200_000:
            self._evidence_cache[token] = entry
        return entry

    def document(self, sentences: list[list[str]]) -> list[list[list[str]]]:
        """CRF attributes for every sentence of one document.

        Adds document evidence to the sentence features: a name is often introduced once with
        a title ("المدرب جوزيه", "نادي بنفيكا") or a first name, then repeated bare; each
        occurrence of a word learns what preceded and surrounded its other occurrences.
        """
        result = [self.sequence(tokens) for tokens in sentences]
        if self.lexical_only or len(sentences) == 0:
            return result
        for si, i, others, position in self.document_evidence(sentences):
            result[si][i].extend(others)
            result[si][i].append(position)
        return result


# --- Corpus reading and the development split (one definition for training and benchmark) ---

Sentence = tuple[list[str], list[str]]
_TAG_FIXES = {"PER": "PERS", "MIS": "MISC", "MIS0": "MISC", "MIS1": "MISC", "MIS2": "MISC",
              "MIS3": "MISC", "MISS1": "MISC", "MIS-1": "MISC", "MIS-2": "MISC",
              "MIS1`": "MISC", "-ORG": "ORG"}
_TYPES = {"PERS", "LOC", "ORG", "MISC"}


def clean_tag(tag: str) -> str:
    """ANERcorp-style IOB2 tag (B-/I- PERS/LOC/ORG/MISC or O); AQMAR's MIS* become MISC."""
    if len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI":
        return "O"
    kind = _TAG_FIXES.get(tag[2:], tag[2:])
    return f"{tag[0]}-{kind}" if kind in _TYPES else "O"


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of a CoNLL file (`token TAG` per line, blank line between sentences)."""
    sentences: list[Sentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if tokens:
                sentences.append((tokens, tags))
                tokens, tags = [], []
            continue
        tokens.append(parts[0])
        tags.append(clean_tag(parts[-1]) if len(parts) > 1 else "O")
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def dev_split(sentences: list[Sentence], fraction: float = 0.1) -> tuple[list[Sentence],
                                                                          list[Sentence]]:
    """(train, dev): dev is the last `fraction` of sentences, i.e. unseen later articles.

    ANERcorp sentences are in article order, so a contiguous tail is the closest thing to
    unseen articles (the same way CAMeL cut the official test split off the end).
    """
    cut = len(sentences) - round(len(sentences) * fraction)
    return sentences[:cut], sentences[cut:]


PSEUDO_DOCUMENT = 20          # sentences per stand-in document (ANERcorp has no article breaks)


def pseudo_documents(sentences: list[Sentence]) -> list[list[Sentence]]:
    """Blocks of consecutive sentences that stand in for articles in training and scoring."""
    return [sentences[i:i + PSEUDO_DOCUMENT] for i in range(0, len(sentences), PSEUDO_DOCUMENT)]
