"""The records that flow between marsad's stages.

Every record is a frozen dataclass so stages stay plain functions over values: a distributed
engine can map them, a store can serialise them, and no stage can mutate another's output.
This module imports nothing of marsad's (it is the leaf of the package).

Offsets (`start`, `end`) are always Python string indexes (code points, end exclusive) into the
`text` of the document they name; `text` keeps the article's original characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EntityType = Literal["PER", "ORG", "LOC", "MISC"]
QuoteKind = Literal["direct", "indirect"]


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) in a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class RawRecord:
    """One article as a reader found it, before cleaning.

    `text` is already decoded (readers own encodings) but otherwise untouched: it may still start
    with a headline line, a dateline, a byline, and end with page furniture.
    """

    path: str | None                 # file path, or the record's url, or None
    text: str
    id: str | None = None            # the record's own id (JSON input) or the file stem
    title: str | None = None         # a headline given by metadata (JSON, HTML <title>)
    source: str | None = None        # outlet named by metadata
    url: str | None = None
    published: str | None = None     # as given by metadata; cleaned to ISO later
    author: str | None = None
    title_in_text: bool = True       # plain text: the first line may be the headline
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    """One cleaned article: the unit every later stage works on."""

    id: str
    path: str | None
    title: str | None
    source: str | None
    dateline: str | None
    byline: str | None
    published: str | None            # ISO date (YYYY-MM-DD or full timestamp) when known
    language: str                    # "ar", or another ISO 639-1 code, or "und"
    text: str                        # body with headline/dateline/byline/furniture removed
    removed: tuple[str, ...] = ()    # what was cut off, verbatim
    sentences: tuple[Span, ...] = ()
    duplicate_of: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mention:
    """One occurrence of a named entity in one document."""

    doc: str
    start: int
    end: int
    text: str
    type: EntityType


@dataclass(frozen=True)
class Entity:
    """Mentions across documents merged into one real-world entity."""

    id: str
    type: EntityType
    name: str                        # canonical display form
    aliases: tuple[str, ...]         # every surface form merged here (clitics stripped)
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class Quote:
    """A statement attributed to a speaker in one document.

    Extraction fills `speaker_mention` (the span in the article that names the speaker);
    linking later fills `speaker` with the entity id.
    """

    id: str
    doc: str
    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker_text: str | None
    cue: str | None
    speaker: str | None = None                  # entity id, or None when unknown/anonymous
    speaker_mention: Span | None = None


@dataclass(frozen=True)
class Quantity:
    """A number with what it counts, e.g. "4 آلاف طلعة" -> 4000 طلعة."""

    doc: str
    start: int
    end: int
    text: str
    value: float
    unit: str | None


@dataclass(frozen=True)
class DocumentAnalysis:
    """Everything the per-article stages found in one document.

    This is the output of the map side of the pipeline: computed once per article, stored, and
    never recomputed when other articles arrive.
    """

    document: Document
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    quantities: tuple[Quantity, ...] = ()


@dataclass(frozen=True)
class Event:
    """Articles reporting one real-world happening."""

    id: str
    title: str
    documents: tuple[str, ...]
    sources: tuple[str, ...]         # independent outlets (copies counted once)
    date: str | None
    story: str | None = None


@dataclass(frozen=True)
class Story:
    """Events that belong to one longer topic."""

    id: str
    title: str
    events: tuple[str, ...]


TimelineBasis = Literal["published", "text"]


@dataclass(frozen=True)
class TimelineEntry:
    """One event on its story's timeline; a story's entries are in time order, undated last.

    `basis` says where `date` (ISO day) came from: the articles' publication dates, or a date
    written in their text; both are None for an undated event.
    """

    story: str
    event: str
    date: str | None
    basis: TimelineBasis | None = None


@dataclass(frozen=True)
class Citation:
    doc: str
    start: int
    end: int


@dataclass(frozen=True)
class SummarySentence:
    """One summary sentence: `text` is the first citation's sentence as written, unless
    `repaired` is true: then an unresolved opener ("وأضاف أن") was given its speaker's name and
    `text` differs from the cited source sentence (the citation still points at the source)."""

    text: str
    citations: tuple[Citation, ...]
    repaired: bool = False


@dataclass(frozen=True)
class Summary:
    """The summary of one event (`event` set) or of one story (`story` set, `event` None)."""

    event: str | None
    sentences: tuple[SummarySentence, ...]
    story: str | None = None


FindingKind = Literal["quantity", "quote", "entity"]


@dataclass(frozen=True)
class Evidence:
    """Where one outlet says something: a span of one of its articles."""

    source: str | None               # the outlet (None: an article naming no outlet)
    doc: str
    start: int
    end: int
    text: str                        # text[start:end] of the document
    value: float | None = None       # the number, for quantity evidence
    quote: str | None = None         # the quote id, for quote evidence


@dataclass(frozen=True)
class Finding:
    """A fact compared across outlets: agreed by several, or where they differ.

    `subject` names what the fact is about: the counted thing for a quantity ("قتيل"), the
    speaker (entity id, or the words naming him, or "") for a quote, the entity id for an entity.
    """

    kind: FindingKind
    subject: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class OutletCoverage:
    """What one outlet reported about an event."""

    source: str | None
    documents: tuple[str, ...]       # its articles (its copies of other outlets' articles too)
    first_report: str | None         # earliest `published` of its articles
    quantities: tuple[Quantity, ...]
    quotes: tuple[str, ...]          # quote ids
    entities: tuple[str, ...]        # key entity ids, most mentioned first


@dataclass(frozen=True)
class Comparison:
    """How the outlets covering one event (or one story) differ and agree."""

    event: str | None
    outlets: tuple[OutletCoverage, ...]
    agreements: tuple[Finding, ...]
    disagreements: tuple[Finding, ...]
    story: str | None = None


@dataclass(frozen=True)
class Rejection:
    """An input that could not be processed, and why (reported, never fatal to the run)."""

    input: str                       # path (plus ":line N" for a JSON Lines record)
    code: str                        # stable machine code, e.g. "E_EMPTY"
    reason: str                      # human sentence naming what is wrong


@dataclass(frozen=True)
class Analysis:
    """The whole result of a run: what the analysis JSON file serialises."""

    documents: tuple[Document, ...]
    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    quantities: tuple[Quantity, ...]
    events: tuple[Event, ...]
    stories: tuple[Story, ...]
    summaries: tuple[Summary, ...]
    rejected: tuple[Rejection, ...] = ()
    comparisons: tuple[Comparison, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()


@dataclass(frozen=True)
class StoredPerson:
    """A stored person entity as the entity index returns it: its number and name words."""

    number: int
    words: tuple[str, ...]


@dataclass(frozen=True)
class StoredEntity:
    """An entity as the store keeps it: a stable number (shown as E<number>), the counts of the
    surface forms and types merged into it, its name words (people) and name keys."""

    number: int
    type: str
    name: str
    name_folded: str
    surfaces: Any                    # Counter[str]: surface form -> mentions
    words: tuple[str, ...]
    mention_count: int
    type_votes: Any                  # Counter[str]: mention type -> mentions
    first_seq: int | None
    keys: Any = frozenset()          # set[str]
