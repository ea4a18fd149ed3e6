"""A live stream: `marsad watch FOLDER...` ingests each new or changed file as it appears.

The folders are polled (every `interval` seconds: portable, and a network share or a bind mount
that inotify cannot see works the same). A file is taken once it has settled (the same size and
modification time at two scans, or untouched for `settle` seconds, so a file still being
copied is never read half), and only when the store has not ingested it at that size and time
(the `watched` table). Feeds (`--feeds FILE`) are fetched every `every` seconds; their entries
already stored are skipped before analysis.

Crash safety comes from the store: each batch goes through `pipeline.ingest` (the writer lock,
one transaction per article, a record already stored skipped by its digest), and files are
marked as watched only after their articles are stored. A `kill -9` at any moment leaves a
store that opens; the next start reads the unmarked files again and adds only what is missing,
so no article is stored twice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from marsad.errors import E_EMPTY
from marsad.ingest.paths import display_name, walk_inputs
from marsad.pipeline import IngestResult, ingest
from marsad.settings import Settings
from marsad.store import Store
from marsad.types import Rejection

Stat = tuple[int, int]                      # (size, mtime_ns)


@dataclass
class Cycle:
    """What one pass of the watcher did."""

    files: int = 0
    feeds: int = 0
    result: IngestResult | None = None
    skipped: list[Rejection] = field(default_factory=list)   # unreadable paths seen this pass


class Watcher:
    """Polls `folders` (and `feeds`) and ingests what is new into `store`."""

    def __init__(self, folders: Sequence[str | Path], store: Store,
                 settings: Settings | None = None, *, feeds: Sequence[str] = (),
                 every: float = 600.0, interval: float = 2.0, settle: float = 2.0,
                 jobs: int = 1, clock: Callable[[], float] = time.time) -> None:
        # Absolute: the watched table means the same files from any working directory.
        self.folders = [Path(os.path.abspath(f)) for f in folders]
        self.store, self.settings = store, settings or Settings()
        self.feeds, self.every, self.interval = list(feeds), every, interval
        self.settle, self.jobs, self.clock = settle, jobs, clock
        self._ingested = store.watched_files()
        self._last_seen: dict[bytes, Stat] = {}
        self._reported: set[tuple[str, str]] = set()
        self._feeds_due = 0.0

    def ready(self) -> tuple[list[tuple[bytes, Stat]], list[Rejection]]:
        """Settled files not yet ingested at their size and time, and paths that cannot be
        read (each reported once)."""
        now = self.clock()
        found: list[tuple[bytes, Stat]] = []
        problems: list[Rejection] = []
        seen: dict[bytes, Stat] = {}
        for item in walk_inputs(self.folders):
            if isinstance(item, Rejection):
                # An empty folder is the normal state of a watched drop folder.
                key = (item.input, item.code)
                if item.code != E_EMPTY and key not in self._reported:
                    self._reported.add(key)
                    problems.append(item)
                continue
            try:
                info = os.stat(item)
            except OSError:
                continue                            # gone since the walk
            path, stat = os.fsencode(item), (info.st_size, info.st_mtime_ns)
            seen[path] = stat
            if self._ingested.get(path) == stat:
                continue
            settled = (self._last_seen.get(path) == stat
                       or now - info.st_mtime_ns / 1e9 >= self.settle)
            if settled:
                found.append((path, stat))
        self._last_seen = seen
        return found, problems

    def cycle(self, *, on_wait: Callable[[str], None] | None = None) -> Cycle:
        """One pass: ingest the ready files, and the feeds when they are due."""
        files, problems = self.ready()
        inputs: list[str | Path] = [Path(os.fsdecode(path)) for path, _ in files]
        due = bool(self.feeds) and self.clock() >= self._feeds_due
        if due:
            inputs += self.feeds
            self._feeds_due = self.clock() + self.every
        outcome = Cycle(files=len(files), feeds=len(self.feeds) if due else 0,
                        skipped=problems)
        if inputs:
            outcome.result = ingest(inputs, self.store, self.settings, jobs=self.jobs,
                                    on_wait=on_wait)
            # Marked only now that their articles are stored (see the module docstring).
            if files:
                self.store.mark_watched([(path, *stat) for path, stat in files])
                self._ingested.update(files)
        return outcome

    def run(self, report: Callable[[Cycle], None], *, once: bool = False,
            on_wait: Callable[[str], None] | None = None) -> None:
        """Poll until interrupted (KeyboardInterrupt/SIGTERM, raised between cycles by the
        caller's handler), or one pass with `once`."""
        while True:
            started = self.clock()
            outcome = self.cycle(on_wait=on_wait)
            report(outcome)
            if once:
                return
            time.sleep(max(0.0, self.interval - (self.clock() - started)))


def describe(outcome: Cycle, store_name: str) -> str | None:
    """The one line a cycle prints, or None when nothing happened."""
    result = outcome.result
    if result is None:
        return None
    what = []
    if outcome.files:
        what.append(f"{outcome.files} new or changed file{'s' * (outcome.files != 1)}")
    if outcome.feeds:
        what.append(f"{outcome.feeds} feed{'s' * (outcome.feeds != 1)}")
    return (f"{', '.join(what)}: {result.added} added, {result.unchanged} already stored, "
            f"{len(result.rejected)} rejected; {result.total} articles in "
            f"{display_name(store_name)}")


def parse_duration(text: str) -> float:
    """Seconds of '10m', '30s', '1h', '1.5' (seconds); ValueError otherwise."""
    text = text.strip().lower()
    units = {"s": 1.0, "m": 60.0, "h": 3600.0}
    number, unit = (text[:-1], units[text[-1]]) if text[-1:] in units else (text, 1.0)
    value = float(number) * unit
    if not value > 0:
        raise ValueError(f"not a positive duration: {text!r}")
    return value
