"""Crash safety of the live stream (issues 11 and 15): `marsad watch` killed with SIGKILL 100 times.

A real day of news (one SaudiNewsNet day) is split into JSON Lines files of `--per-file`
articles. The reference is one uninterrupted `marsad ingest` of all the files. The chain: an
empty drop folder is watched; the files are dropped into it one after another (written under a
hidden name, then renamed, as a copying tool does), and at random moments after a drop the
watcher is killed with SIGKILL, the store checked, and the watcher started again. After each
kill (the checks of benchmarks/crash.py): the store opens, `PRAGMA integrity_check` is ok,
every stored article is whole (its layer rows match its analysis), no stored article is lost,
none is foreign or altered, nothing is duplicated, the collection layers cover a prefix of the
articles, and the runs log has, per process, closed runs except perhaps the last one of a killed
process. At the end a `marsad watch --once` completes the work: the articles, their layers
(sentences, mentions, quotes, quantities) and the rejections must equal the reference's. Copies,
events and stories are placed a batch at a time (a watcher's cycle; within a batch in order of
publication), so where the kills cut the stream changes the batches: their agreement with the
reference is reported as B-cubed.

    .venv/bin/python benchmarks/crash_watch.py                 # 100 kills over 2015-07-23
    .venv/bin/python benchmarks/crash_watch.py --kills 10 --limit 300

Prints the counts and writes benchmarks/results/crash_watch.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from crash import LAYERS, SHARED, Checker, Reference, differences  # noqa: E402
from grouping import bcubed  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
PER_ARTICLE = (*LAYERS, "rejections")


def per_article(db: Path) -> dict[str, list[tuple]]:
    """What must be equal whatever the batches: the articles, their layers, the rejections."""
    rows = {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        for table in PER_ARTICLE:
            # entity numbers and surfaces (linking, clitics told by the names the store knows)
            # are collection-level: entities are compared as a partition below
            columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")
                       if r[1] not in ("entity", "speaker", "surface", "at", "seq" if table == "rejections"
                                       else "")]
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows[table] = sorted(connection.execute(f"SELECT {quoted} FROM {table}").fetchall(),
                                 key=repr)
        rows["documents"] = sorted(connection.execute(
            "SELECT seq, id, text_sha1, raw_sha1, analysis FROM documents").fetchall())
    return rows


def partitions(db: Path) -> tuple[dict[str, str], ...]:
    """article -> event, story, its copy's original (or itself); mention -> entity."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT d.id, d.event, e.story, d.duplicate_of FROM documents d"
                                  " LEFT JOIN events e ON e.number = d.event").fetchall()
        mentions = connection.execute("SELECT doc_seq, start, entity FROM mentions").fetchall()
    return ({i: f"e{v}" for i, v, _, _ in rows}, {i: f"s{s}" for i, _, s, _ in rows},
            {i: o or i for i, _, _, o in rows},
            {f"{d}:{start}": f"n{e}" for d, start, e in mentions})


class WatchChecker(Checker):
    """crash.Checker with the runs rule of a watcher: one run per cycle with new files."""

    @staticmethod
    def _runs_ok(rows: list[tuple], runs: list[tuple[int, bool, str]]) -> bool:
        order = [pid for pid, _, _ in runs]
        pids = [r[1] for r in rows]
        if [p for p in order if p in pids] != list(dict.fromkeys(pids)):
            return False                          # processes' runs in their start order
        if [r[2] for r in rows] != sorted(r[2] for r in rows):
            return False
        for pid in set(pids):
            mine = [r for r in rows if r[1] == pid]
            # every run of a process is closed, but the one a kill interrupted (its last)
            if any(r[3] is None for r in mine[:-1]):
                return False
        return True


def split_day(day: str, folder: Path, per_file: int, limit: int | None) -> list[Path]:
    with zipfile.ZipFile(SHARED / "saudinewsnet-more" / f"{day}.zip") as archive:
        records = [r for name in sorted(archive.namelist()) if name.endswith(".json")
                   for r in json.loads(archive.read(name))]
    records = records[:limit] if limit else records
    folder.mkdir(parents=True)
    files = []
    for n in range(0, len(records), per_file):
        path = folder / f"part-{n // per_file:04d}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n"
                                for r in records[n:n + per_file]), encoding="utf-8")
        files.append(path)
    return files


def start_watch(folder: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "marsad.cli", "watch", str(folder), "--db",
                             str(db), "--interval", "0.2", "--settle", "0.2", "-q"],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
            return connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.DatabaseError:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--day", default="2015-07-23")
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--per-file", type=int, default=25)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--out", type=Path, default=RESULTS / "crash_watch.json")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="marsad-crash-watch-") as tmp:
        work = Path(tmp)
        files = split_day(args.day, work / "files", args.per_file, args.limit)
        drop, db = work / "drop", work / "live.sqlite"
        drop.mkdir()
        reference_db = work / "reference.sqlite"
        # The reference reads the files where the watcher will find them: a record's input
        # name (kept in its metadata) is its file's path.
        for path in files:
            (drop / path.name).write_bytes(path.read_bytes())
        began = time.monotonic()
        subprocess.run([sys.executable, "-m", "marsad.cli", "ingest", str(drop),
                        "--db", str(reference_db), "-q"], env=ENV, check=True)
        reference_seconds = time.monotonic() - began
        for path in files:
            (drop / path.name).unlink()
        with sqlite3.connect(reference_db) as connection:
            documents = {r[0]: (r[1], r[2]) for r in connection.execute(
                "SELECT id, text_sha1, raw_sha1 FROM documents")}
        reference = Reference(documents, per_article(reference_db), {})
        seconds_each = reference_seconds / max(1, len(documents))
        print(f"reference: {len(documents)} articles in {len(files)} files, ingested in "
              f"{reference_seconds:.1f} s", flush=True)

        checker = WatchChecker(reference)
        runs: list[tuple[int, bool, str]] = []
        failures: list[str] = []
        when = Counter()
        dropped = 0
        chain_began = time.monotonic()
        # The kills are spread over the drops: after some drops, one or more kills.
        drops_at = sorted(rng.randrange(len(files)) for _ in range(args.kills))
        for kill in range(args.kills):
            watch = start_watch(drop, db)
            before = stored(db)
            while dropped <= drops_at[kill] and dropped < len(files):
                hidden = drop / f".{files[dropped].name}"
                hidden.write_bytes(files[dropped].read_bytes())
                os.rename(hidden, drop / files[dropped].name)
                dropped += 1
            # a moment in start-up, in the ingest of the dropped file(s), or idle after
            delay = rng.uniform(0.0, 5.0 + args.per_file * seconds_each * 3)
            time.sleep(delay)
            after = stored(db)
            when["while storing" if before < after < len(documents) and watch.poll() is None
                 else "start-up or idle"] += 1
            os.killpg(watch.pid, signal.SIGKILL)
            watch.wait()
            runs.append((watch.pid, False, "killed"))
            failures += [f"kill {kill + 1}: {f}" for f in checker.check(db, runs, before)]
            if kill % 10 == 9:
                print(f"  {kill + 1} kills, {stored(db)} articles stored, "
                      f"{len(failures)} failures", flush=True)
        for path in files[dropped:]:
            (drop / path.name).write_bytes(path.read_bytes())
        final = subprocess.run([sys.executable, "-m", "marsad.cli", "watch", str(drop), "--db",
                                str(db), "--once", "-q"], env=ENV, capture_output=True,
                               text=True)
        runs.append((-1, True, "done"))
        chain_seconds = time.monotonic() - chain_began
        failures += [f"final: {f}" for f in checker.check(db, runs[:-1], len(documents))
                     if not f.startswith("runs log")]
        differing = differences(reference.tables, per_article(db))
        # Events, stories and copies are placed a batch at a time, and the batches are the
        # watcher's cycles (where the kills fell): how close to one ingest of everything?
        agreement = {name: {k: round(v, 4) for k, v in bcubed(ours, theirs).items()}
                     for name, ours, theirs in zip(("events", "stories", "copies", "entities"),
                                                   partitions(db), partitions(reference_db))}
    result = {
        "benchmark": "crash_watch", "day": args.day, "articles": len(documents),
        "files": len(files), "kills": args.kills, "seed": args.seed,
        "kills_landed": dict(when), "checks_passed": dict(checker.passed),
        "failures": failures[:50], "final_exit": final.returncode,
        "same_final_state": not differing, "tables_differing": differing[:20],
        "bcubed_vs_one_ingest": agreement, "reference_seconds": round(reference_seconds, 1),
        "chain_seconds": round(chain_seconds, 1),
        "total_seconds": round(time.monotonic() - started, 1),
        "command": "benchmarks/crash_watch.py " + " ".join(sys.argv[1:]),
    }
    print(f"\n{args.kills} kills of marsad watch over {len(documents)} articles "
          f"({len(files)} files): landed {dict(when)}")
    for name, count in sorted(checker.passed.items()):
        print(f"  {name:45} passed {count}")
    print(f"failures: {len(failures)}; final watch --once exit {final.returncode}; articles, "
          f"layers and rejections equal to one ingest: {not differing}")
    for name, scores in agreement.items():
        print(f"  {name} B-cubed against one ingest of everything: P {scores['p']:.4f} "
              f"R {scores['r']:.4f} F1 {scores['f1']:.4f}")
    for line in differing[:10]:
        print("  " + line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    print(f"results: {args.out}")
    return 0 if not failures and not differing and final.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
