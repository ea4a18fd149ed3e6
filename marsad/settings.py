"""Settings declared as data, with help text: one source for the API, the CLI and the docs.

Build one `Settings` (defaults, or `Settings.from_overrides(...)`) and pass it down; no stage
reads globals or the environment.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("max_record_bytes", 20 * 1024 * 1024,
            "Largest single article in bytes: a .txt or .html file, a JSON document that is not "
            "an array, one JSON Lines line or one element of a JSON array; larger ones are "
            "rejected (E_TOO_LARGE) before being read into memory. JSON Lines and JSON arrays "
            "are streamed, so this limit applies to each record, not to the file."),
    Setting("max_file_bytes", 16 * 1024 ** 3,
            "Hard limit on the bytes read from one streamed file (JSON Lines, JSON array) or "
            "archive (uncompressed members added up); above it the rest is rejected "
            "(E_ARCHIVE for archives, E_TOO_LARGE otherwise)."),
    Setting("max_archive_members", 100_000,
            "Members read from one .zip/.tar archive; the rest is rejected (E_ARCHIVE)."),
    Setting("max_compression_ratio", 100.0,
            "An archive member that expands more than this many times (past its first MB) is "
            "refused as a compression bomb (E_ARCHIVE); news text compresses 3-10 times."),
    Setting("max_article_chars", 200_000,
            "A single article longer than this is rejected as not being a news article."),
    Setting("min_article_chars", 20,
            "An article whose body is shorter than this after cleaning is rejected as empty."),
    Setting("languages", ("ar",),
            "Languages accepted; an article detected as another language is rejected "
            "(E_LANGUAGE). Empty: accept every language."),
    Setting("duplicate_threshold", 0.7,
            "Estimated Jaccard similarity of normalised word 5-shingles above which an article "
            "is a near-duplicate (wire copy) of an earlier one."),
    Setting("agency_copy_threshold", 0.5,
            "Lower near-duplicate similarity for two articles credited to the same news agency "
            "(an outlet's rewrite of one wire dispatch is a copy, not independent reporting)."),
    Setting("copy_window_days", 7,
            "In a store, a new article is checked for near copies among the articles of the last "
            "this many days (exact copies of older ones are still found)."),
    Setting("event_threshold", 0.38,
            "Cosine similarity (tf-idf of normalised stems) above which an article joins an event "
            "(0.38: near the best events B-cubed F1 on the dev half of the 2015-08-08 labels "
            "while still merging a paraphrase of one happening; 0.25 merged different happenings "
            "of one topic)."),
    Setting("story_threshold", 0.18,
            "Mean cosine similarity between an event's centroid and those of a story's events "
            "above which the event joins the story (average link; one event of the same day at "
            "0.3 or more also takes it); two stories that link this much on average merge."),
    Setting("story_window_days", 7,
            "A story with no new event for this many days is closed: later events start a new "
            "story (it keeps the memory and the cost of placing an event bounded on a long "
            "archive)."),
    Setting("event_window_days", 3,
            "An event with no new article for this many days is closed: later articles start a new "
            "event (they may still join its story)."),
    Setting("event_span_days", 1,
            "An article published more than this many days after an event's first report starts a "
            "new event (tomorrow's market session, the next daily bulletin), though it may join "
            "the same story."),
    Setting("event_name_conflict_margin", 0.25,
            "Extra similarity an article needs to join an event whose leads name other people or "
            "organisations than its own lead (two emirs' condolences, two wedding notices)."),
    Setting("background_idf", True,
            "Weigh grouping terms with document frequencies from 22.5k background news articles as "
            "well as the collection's own (steadier on small collections and early in a stream)."),
    Setting("summary_sentences", 3, "Sentences per event summary."),
    Setting("summary_words", 0, "Word budget per event summary (0: use summary_sentences)."),
    Setting("story_summary_sentences", 2,
            "Sentences per story summary (a story gathers related events; 0: no story summaries)."),
)


@dataclass(frozen=True)
class Settings:
    max_record_bytes: int = 20 * 1024 * 1024
    max_file_bytes: int = 16 * 1024 ** 3
    max_archive_members: int = 100_000
    max_compression_ratio: float = 100.0
    max_article_chars: int = 200_000
    min_article_chars: int = 20
    languages: tuple[str, ...] = ("ar",)
    duplicate_threshold: float = 0.7
    agency_copy_threshold: float = 0.5
    copy_window_days: int = 7
    event_threshold: float = 0.38
    story_threshold: float = 0.18
    story_window_days: int = 7
    event_window_days: int = 3
    event_span_days: int = 1
    event_name_conflict_margin: float = 0.25
    background_idf: bool = True
    summary_sentences: int = 3
    summary_words: int = 0
    story_summary_sentences: int = 2

    @classmethod
    def from_overrides(cls, **overrides: Any) -> "Settings":
        """Defaults with some values replaced; unknown names raise a clear error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            from marsad.errors import UsageError
            raise UsageError(f"unknown setting(s): {', '.join(unknown)}",
                             f"known settings: {', '.join(sorted(known))}")
        return replace(cls(), **{k: v for k, v in overrides.items() if v is not None})


def help_text() -> str:
    """One line per setting, for `marsad settings` and the README."""
    return "\n".join(f"{s.name} (default {s.default!r}): {s.help}" for s in SETTINGS)
