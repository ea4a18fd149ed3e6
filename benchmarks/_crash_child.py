"""`marsad ingest` that says which phase it is in, for benchmarks/crash.py and tests/test_crash.py.

    python benchmarks/_crash_child.py PHASE_FILE ingest INPUT... --db DB [--jobs N] -q

The very code of `marsad ingest` (`marsad.cli.main`), with a few functions wrapped to record the
phase the process is in (nothing else changes: the wrappers call the original with the same
arguments and return its result):

- the phase as one byte in PHASE_FILE through a shared memory map: the page belongs to the file,
  so after a SIGKILL the file holds exactly the phase the process died in;
- a line `PHASE MONOTONIC_SECONDS` on stdout as each phase begins, which crash.py waits for to
  time its kills (CLOCK_MONOTONIC is one clock for every process of the machine).

`MARSAD_CRASH_IN_ADD=N`: the process SIGKILLs itself inside the write transaction of the N-th
article it stores, after the `documents` row and before its layer rows: the worst moment for
"every article whole or absent", which a kill from outside hits only by luck.
"""

from __future__ import annotations

import mmap
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

PHASES = ("start", "reading", "analysis", "storing", "grouping", "summaries", "finishing", "done")

_map: mmap.mmap | None = None
_current = "start"


def _enter(phase: str) -> None:
    global _current
    if _map is not None:
        _map[0] = PHASES.index(phase)
    if phase != _current:
        _current = phase
        sys.stdout.write(f"{phase} {time.monotonic():.6f}\n")
        sys.stdout.flush()


def _wrap(owner: Any, name: str, before: str, after: str | None = None) -> None:
    original: Callable = getattr(owner, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _enter(before)
        try:
            return original(*args, **kwargs)
        finally:
            if after is not None:
                _enter(after)
    setattr(owner, name, wrapped)


def _instrument() -> None:
    import marsad.pipeline as pipeline
    import marsad.refresh as refresh
    from marsad.store.sqlite import Store

    batches = pipeline._batches

    def phased_batches(records: Any) -> Iterator[Any]:
        # the first batch of new records is handed to analysis: reading (and skipping what is
        # already stored) is over for the records before it
        for batch in batches(records):
            _enter("analysis")
            yield batch
    pipeline._batches = phased_batches  # type: ignore[assignment]
    _wrap(Store, "add", "storing", "analysis")
    _wrap(refresh.Grouping, "__init__", "grouping")
    _wrap(refresh, "_write_stories", "summaries")          # as the package calls it
    _wrap(Store, "finish_run", "finishing")

    crash_at = int(os.environ.get("MARSAD_CRASH_IN_ADD", "0") or 0)
    if crash_at > 0:
        add_layers = Store._add_layers
        count = [0]

        def dying_add_layers(self: Store, seq: int, analysis: Any) -> None:
            count[0] += 1
            if count[0] == crash_at:
                os.kill(os.getpid(), signal.SIGKILL)   # inside the article's transaction
            add_layers(self, seq, analysis)
        Store._add_layers = dying_add_layers  # type: ignore[method-assign]


def main() -> int:
    global _map
    phase_file, argv = sys.argv[1], sys.argv[2:]
    with open(phase_file, "r+b") as handle:
        _map = mmap.mmap(handle.fileno(), 16)
    _enter("reading")
    _instrument()
    from marsad.cli import main as marsad_main
    code = marsad_main(argv)
    _enter("done")
    return code


if __name__ == "__main__":
    sys.exit(main())
