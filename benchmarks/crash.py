"""Crash safety, proven (issue 11, item 3): `marsad ingest` killed with SIGKILL 100 times.

    .venv/bin/python benchmarks/crash.py [--day 2015-07-23] [--kills 100] [--seed 11]

A real day of news (one SaudiNewsNet day, unzipped to a temporary folder) is ingested once without
interruption (the reference), then again into a new store as a chain: start `marsad ingest`
(alternately `--jobs 2` and `--jobs 1`), SIGKILL it at a random moment (seeded), check the store,
start it again, ... so the whole chain costs about one ingest plus the restarts. The kill moments
are drawn so that kills land in every phase of an ingest: reading (start-up, skipping what is
stored), analysis, storing (inside an article's write transaction: some kills are timed from
outside on the moment an article starts being written, some are made by the process itself
after the `documents` row and before the layer rows), grouping (copies, events, entities) and
summaries (stories, summaries, comparisons: the end of the refresh transaction), and finishing
(the run log's last write). The phase each process died in is read from a byte it keeps in a
memory-mapped file (benchmarks/_crash_child.py, the same code as `marsad ingest` with the phases
recorded).

After every kill (`check_store`):
- the store opens read-only with `marsad.store.Store` and `PRAGMA integrity_check` says ok;
- every article is whole or absent: each stored document has its analysis and exactly the
  sentences, mentions, quotes and quantities rows its analysis holds; no layer row points at a
  missing document; every stored article is one of the reference's (same id, same text digest,
  same record digest);
- nothing is duplicated: ids, record digests, sentence numbers and mention/quote/quantity spans
  are unique per article;
- the collection layers are a whole prefix: the linked articles are the first ones in arrival
  order (a refresh chunk is committed whole or not at all), every placed article's event exists,
  nothing unlinked is placed;
- the run log is consistent: one row per process that got as far as starting its run, in start
  order, with the pid of that process; a killed process's run is unfinished (unless it died after
  writing its end), every run that ended normally is finished with its counts.

Same final state: after the last kill, one more `marsad ingest` completes the work, and then every
table of the store equals the reference's row for row (columns that are wall-clock times --
`ingested_at`, `updated_at`, `at` -- and the `runs` log left out; rejections compared as
(input, code, reason)), which covers documents with their copy and event decisions, sentences,
mentions with their entity, entities with aliases, name keys and merges, quotes (ids `Q<seq>`
included) with speakers, quantities, events, stories with their members, summaries with their
citations, comparisons with findings, the grouping state (terms, clusters, meta); and the
analysis JSON of `marsad report` (streamed from the store) equals the reference's. Grouping does
depend on refresh chunk boundaries (the idf and open events are those of the chunk's start), but
the chunks are the pending articles cut every 2,000 in arrival order, and a killed chunk is
redone whole by the next run, so an interrupted chain cuts the same chunks as the uninterrupted
run: exact equality is what must hold, and it is what is checked.

Prints the kills per phase and the checks passed; writes benchmarks/results/crash.json.
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
import threading
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
CHILD = Path(__file__).resolve().parent / "_crash_child.py"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _crash_child import PHASES  # noqa: E402

TIME_COLUMNS = {"ingested_at", "updated_at", "at"}
LAYERS = ("sentences", "mentions", "quotes", "quantities")


# ------------------------------------------------------------------------------ processes
class Ingest:
    """One `marsad ingest` process with its phase markers (read from its stdout by a thread)."""

    def __init__(self, inputs: list[Path], db: Path, jobs: int, workdir: Path, number: int,
                 crash_in_add: int = 0) -> None:
        self.phase_file = workdir / f"phase-{number}"
        self.phase_file.write_bytes(bytes(16))
        self.stderr_path = workdir / f"stderr-{number}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("MARSAD_CRASH_IN_ADD", None)
        if crash_in_add:
            env["MARSAD_CRASH_IN_ADD"] = str(crash_in_add)
        self.started = time.monotonic()
        with open(self.stderr_path, "w", encoding="utf-8") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, str(CHILD), str(self.phase_file), "ingest", *map(str, inputs),
                 "--db", str(db), "--jobs", str(jobs), "-q"],
                stdout=subprocess.PIPE, stderr=stderr, text=True, env=env)
        self.pid = self.process.pid
        self.jobs = jobs
        self.marks: list[tuple[str, float]] = []
        self.children: list[int] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            parts = line.split()
            if len(parts) == 2 and parts[0] in PHASES:
                with self._changed:
                    self.marks.append((parts[0], float(parts[1])))
                    self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, phase: str, occurrence: int = 1, timeout: float = 900.0) -> bool:
        """Block until the process has entered `phase` `occurrence` times (False: it ended or
        the timeout passed first)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while sum(p == phase for p, _ in self.marks) < occurrence:
                if not self._reader.is_alive() or time.monotonic() > deadline:
                    return False
                self._changed.wait(0.05)
        return True

    def kill(self) -> None:
        """SIGKILL the ingest process only (as `kill -9 PID` does): its workers must go by
        themselves."""
        if self.process.poll() is None:
            self.children = descendants(self.pid)
            os.kill(self.pid, signal.SIGKILL)

    def finish(self, timeout: float = 1800.0) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code

    def died_in(self) -> str:
        return PHASES[self.phase_file.read_bytes()[0]]

    def duration(self, phase: str) -> float | None:
        """Seconds spent in the first stretch of `phase` (None if never entered or not left)."""
        for k, (p, at) in enumerate(self.marks):
            if p == phase:
                later = [t for q, t in self.marks[k + 1:] if q != phase]
                return (later[0] - at) if later else None
        return None

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (its worker pool and the pool's resource tracker)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    children = [int(c) for c in handle.read().split()]
                found += children
                todo += children
        except OSError:
            continue
    return found


def alive(pids: list[int]) -> list[int]:
    """The pids still running (not zombies)."""
    out = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        if stat[stat.rfind(")") + 2:].split()[0] != "Z":
            out.append(pid)
    return out


# --------------------------------------------------------------------------------- checks
@dataclass
class Reference:
    """What the uninterrupted run stored: documents by id, for the after-kill checks."""

    documents: dict[str, tuple[str, str | None]]   # id -> (text digest, record digest)
    tables: dict[str, list[tuple]]
    analysis_json: dict[str, Any]


@dataclass
class Checker:
    """The after-kill checks, with what they have already verified (stored articles never
    change, so each one's layer counts are compared once against its analysis)."""

    reference: Reference
    counts_of: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    passed: Counter = field(default_factory=Counter)

    def check(self, db: Path, runs: list[tuple[int, bool, str]], stored_before: int) -> list[str]:
        """Every check on the store at `db`; `runs`: (pid, ended normally, phase it died in) of
        every process started on it so far, in order; `stored_before`: the articles stored
        before the last process started (none may be lost). Returns the failures."""
        from marsad.store import Store
        from marsad.store.codec import decode_analysis
        failures: list[str] = []

        def expect(name: str, ok: bool, detail: str = "") -> None:
            if ok:
                self.passed[name] += 1
            else:
                failures.append(f"{name}: {detail}")

        if not db.exists():
            # killed before it created the store: fine while nothing was ever stored
            expect("store opens", stored_before == 0, "the store file is gone")
            return failures
        try:
            store = Store(db, readonly=True)
        except Exception as exc:  # noqa: BLE001 - a failure to open is what is being checked
            if "empty file" in str(exc):
                # killed while creating a brand-new store (its schema is one transaction)
                expect("store opens", stored_before == 0, str(exc))
                return failures
            expect("store opens", False, f"{type(exc).__name__}: {exc}")
            return failures
        expect("store opens", True)
        with store:
            db_ = store.db
            one = lambda sql, *a: db_.execute(sql, a).fetchone()[0]  # noqa: E731
            expect("integrity_check ok", one("PRAGMA integrity_check") == "ok",
                   one("PRAGMA integrity_check"))
            docs = db_.execute("SELECT seq, id, text_sha1, raw_sha1, layers, analysis IS NOT NULL,"
                               " linked, event FROM documents ORDER BY seq").fetchall()
            counted = {table: dict(db_.execute(
                f"SELECT doc_seq, COUNT(*) FROM {table} GROUP BY doc_seq").fetchall())
                for table in LAYERS}
            seqs = {d[0] for d in docs}
            bad = []
            for seq, doc_id, digest, raw, layers, has_analysis, _, _ in docs:
                if seq not in self.counts_of:
                    if not has_analysis:
                        bad.append(f"{doc_id}: no analysis")
                        continue
                    analysis = decode_analysis(one("SELECT analysis FROM documents WHERE seq=?",
                                                   seq))
                    self.counts_of[seq] = (len(analysis.document.sentences),
                                           len(analysis.mentions), len(analysis.quotes),
                                           len(analysis.quantities))
                found = tuple(counted[t].get(seq, 0) for t in LAYERS)
                if layers != 1 or found != self.counts_of[seq]:
                    bad.append(f"{doc_id}: layers={layers} rows {found} != "
                               f"analysis {self.counts_of[seq]}")
            expect("every article whole", not bad, "; ".join(bad[:5]))
            expect("no stored article lost", len(docs) >= stored_before,
                   f"{len(docs)} < {stored_before}")
            strays = [t for t in LAYERS if set(counted[t]) - seqs]
            expect("no layer row without its article", not strays, ", ".join(strays))
            foreign = [d[1] for d in docs
                       if self.reference.documents.get(d[1]) != (d[2], d[3])]
            expect("every article one of the day's, unaltered", not foreign,
                   ", ".join(foreign[:5]))
            duplicated = (len({d[1] for d in docs}) != len(docs)
                          or len({d[3] for d in docs}) != len(docs))
            for table in ("mentions", "quotes", "quantities"):
                duplicated |= one(f'SELECT COUNT(*) FROM (SELECT 1 FROM {table} GROUP BY doc_seq,'
                                  f' start, "end", text HAVING COUNT(*) > 1)') > 0
            duplicated |= one("SELECT COUNT(*) FROM (SELECT 1 FROM rejections GROUP BY input,"
                              " code, reason HAVING COUNT(*) > 1)") > 0
            expect("nothing duplicated", not duplicated)
            linked = [d[6] for d in docs]
            prefix = linked == sorted(linked, reverse=True)
            placed_unlinked = any(d[7] is not None and not d[6] for d in docs)
            missing_events = one("SELECT COUNT(*) FROM documents WHERE event IS NOT NULL AND"
                                 " event NOT IN (SELECT number FROM clusters)")
            expect("collection layers a whole prefix", prefix and not placed_unlinked
                   and missing_events == 0,
                   f"prefix={prefix} placed_unlinked={placed_unlinked} "
                   f"missing_events={missing_events}")
            rows = db_.execute("SELECT seq, pid, started, finished, added FROM runs"
                               " ORDER BY seq").fetchall()
            expect("runs log consistent", self._runs_ok(rows, runs), f"{rows} vs {runs}")
        return failures

    @staticmethod
    def _runs_ok(rows: list[tuple], runs: list[tuple[int, bool, str]]) -> bool:
        pids = [r[1] for r in rows]
        started = [pid for pid, _, _ in runs]
        if len(set(pids)) != len(pids) or [p for p in started if p in pids] != pids:
            return False                          # one row per process, in start order
        if [r[2] for r in rows] != sorted(r[2] for r in rows):
            return False
        how = {pid: (normal, died) for pid, normal, died in runs}
        for _, pid, _, finished, added in rows:
            normal, died = how[pid]
            if normal and (finished is None or added is None):
                return False                      # a run that ended normally is closed
            if not normal and died not in ("finishing", "done") and finished is not None:
                return False                      # a run killed before its end is not
        return all(pid in pids for pid, normal, _ in runs if normal)


def table_rows(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows without wall-clock columns (and without the runs log), sorted."""
    out: dict[str, list[tuple]] = {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        tables = [r[0] for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        for table in tables:
            if table in ("runs", "sqlite_sequence"):
                continue
            columns = [r[1] for r in connection.execute(f"PRAGMA table_info({table})")
                       if r[1] not in TIME_COLUMNS and not (table == "rejections" and r[1] == "seq")]
            quoted = ", ".join(f'"{c}"' for c in columns)
            out[table] = sorted(connection.execute(f"SELECT {quoted} FROM {table}").fetchall(),
                                key=repr)
    return out


def report_json(db: Path, workdir: Path) -> dict[str, Any]:
    out = workdir / f"report-{db.stem}.json"
    subprocess.run([sys.executable, "-m", "marsad.cli", "report", "--db", str(db), "--json",
                    str(out), "-q"], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    data = json.loads(out.read_text(encoding="utf-8"))
    data.pop("generator", None)
    return data


def differences(reference: dict[str, list[tuple]], other: dict[str, list[tuple]]) -> list[str]:
    found = []
    for table in sorted(set(reference) | set(other)):
        a, b = reference.get(table, []), other.get(table, [])
        if a != b:
            only_a = len(set(map(repr, a)) - set(map(repr, b)))
            only_b = len(set(map(repr, b)) - set(map(repr, a)))
            found.append(f"{table}: {len(a)} vs {len(b)} rows ({only_a} only in the reference,"
                         f" {only_b} only after the kills)")
            # the first differing rows of each side, to read what differs
            in_a, in_b = set(map(repr, a)), set(map(repr, b))
            found += [f"    reference: {r[:1500]}" for r in sorted(in_a - in_b)[:2]]
            found += [f"    after kills: {r[:1500]}" for r in sorted(in_b - in_a)[:2]]
    return found


# ---------------------------------------------------------------------------- the chain
@dataclass
class Timing:
    """Phase lengths (seconds) of the uninterrupted run and the analysis rate seen so far: the
    kill moments are drawn on them."""

    seconds: dict[str, float]
    rate: float                                      # articles stored per second of analysis
    lag: dict[int, float] = field(default_factory=dict)   # analysis start -> first article stored

    @classmethod
    def of_run(cls, run: Ingest, articles: int) -> "Timing":
        seconds = {p: run.duration(p) or 1.0 for p in ("reading", "grouping", "summaries")}
        analysed = run.duration("analysis") or 1.0
        return cls(seconds, max(1.0, articles / analysed), {1: 1.0, 2: 5.0})

    def learn(self, run: Ingest, stored: int) -> None:
        marks = dict(reversed(run.marks))            # first time each phase was entered
        if "analysis" in marks and "storing" in marks:
            self.lag[run.jobs] = marks["storing"] - marks["analysis"]
            last = [t for p, t in run.marks if p == "storing"]
            if stored > 1 and len(last) > 1 and last[-1] > last[0]:
                self.rate = max(1.0, (len(last) - 1) / (last[-1] - last[0]))


def plan(kills: int, rng: random.Random) -> list[str]:
    """The phase each kill aims at: while articles remain, reading, analysis and storing (some
    kills from inside the write transaction); then reading, grouping and summaries in random
    order; the last few at the run's end (the first of those lets the refresh commit)."""
    first = max(1, round(kills * 0.6))
    finishing = max(1, round(kills * 0.04)) if kills > 2 else 0
    second = max(0, kills - first - finishing)
    a = ["reading"] * round(first * 0.15) + ["storing"] * round(first * 0.15) + \
        ["self-storing"] * round(first * 0.15)
    a += ["analysis"] * (first - len(a))
    b = ["reading"] * round(second * 0.15) + ["summaries"] * round(second * 0.42)
    b += ["grouping"] * (second - len(b))
    rng.shuffle(a)
    rng.shuffle(b)
    return a + b + ["finishing"] * finishing


STAGE_A = ("analysis", "storing", "self-storing")


def chain(inputs: list[Path], db: Path, workdir: Path, reference: Reference, timing: Timing,
          kills: int, seed: int, jobs_cycle: tuple[int, ...], say=print) -> dict[str, Any]:
    """The chain of killed ingests, each followed by the checks, then the completing run."""
    rng = random.Random(seed)
    checker = Checker(reference)
    total = len(reference.documents)
    runs: list[tuple[int, bool, str]] = []
    log: list[dict[str, Any]] = []
    failures: list[str] = []
    aims = plan(kills, rng)
    stored = 0
    for number, aim in enumerate(aims):
        jobs = jobs_cycle[number % len(jobs_cycle)]
        remaining = total - stored
        if aim in STAGE_A and remaining == 0:
            aim = "grouping"                        # every article is in: kill the refresh
        left_a = max(1, sum(1 for a in aims[number:] if a in STAGE_A))
        per_kill = max(1, remaining // left_a)      # articles one kill of this stage lets in
        upto = max(1, min(2 * per_kill, remaining))
        crash_in_add = rng.randint(1, upto) if aim == "self-storing" else 0
        run = Ingest(inputs, db, jobs, workdir, number, crash_in_add)
        delay = 0.0
        if aim == "reading":
            delay = rng.uniform(0, timing.seconds["reading"])
            time.sleep(delay)
        elif aim == "analysis":
            if run.wait_for("analysis"):
                delay = rng.uniform(0, timing.lag.get(jobs, 1.0) + 2 * per_kill / timing.rate)
                time.sleep(delay)
        elif aim == "storing":
            run.wait_for("storing", rng.randint(1, upto))
            delay = rng.uniform(0, 0.002)
            time.sleep(delay)
        elif aim in ("grouping", "summaries"):
            if run.wait_for(aim):
                delay = rng.uniform(0, 0.9 * timing.seconds[aim])
                time.sleep(delay)
        elif aim == "finishing":
            run.wait_for("finishing")
        if aim != "self-storing":
            run.kill()
        code = run.finish()
        died = run.died_in()
        normal = code == 0
        runs.append((run.pid, normal, died))
        # the pool's workers must end by themselves once their parent is gone
        deadline = time.monotonic() + 10
        while alive(run.children) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = alive(run.children)
        before = stored
        problems = checker.check(db, runs, before)
        if left:
            problems.append(f"worker processes left behind: {left}")
            for pid in left:
                os.kill(pid, signal.SIGKILL)
        elif run.children:
            checker.passed["workers ended with their parent"] += 1
        if db.exists():
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as peek:
                try:
                    stored = peek.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
                except sqlite3.Error:
                    stored = 0
        timing.learn(run, stored - before)
        entry = {"kill": number + 1, "jobs": jobs, "aimed_at": aim, "died_in": died,
                 "exit": code, "after_s": round(time.monotonic() - run.started, 2),
                 "delay_s": round(delay, 4), "stored_before": before, "stored_after": stored,
                 "workers": len(run.children), "failures": problems}
        if crash_in_add:
            entry["crash_in_add"] = crash_in_add
        log.append(entry)
        failures += [f"kill {number + 1}: {p}" for p in problems]
        say(f"kill {number + 1:3d}/{len(aims)} jobs {jobs} aimed {aim:12s} died in {died:9s} "
            f"exit {code:4d} after {entry['after_s']:6.2f} s  stored {before:5d} -> {stored:5d}"
            f"  {'ok' if not problems else 'FAIL ' + '; '.join(problems)}")
    final = Ingest(inputs, db, 1, workdir, len(aims))
    final_code = final.finish()
    runs.append((final.pid, final_code == 0, final.died_in()))
    failures += [f"final run: {p}" for p in checker.check(db, runs, stored)]
    if final_code != 0:
        failures.append(f"final run exit {final_code}: {final.stderr()[-500:]}")
    return {"log": log, "checker": checker, "final_exit": final_code,
            "failures": failures, "runs": runs}


def unzip_day(day: str, folder: Path, limit: int | None = None) -> list[Path]:
    with zipfile.ZipFile(SHARED / "saudinewsnet-more" / f"{day}.zip") as archive:
        name = archive.namelist()[0]
        data = archive.read(name)
    target = folder / name
    if limit is not None:
        data = json.dumps(json.loads(data)[:limit], ensure_ascii=False).encode("utf-8")
    target.write_bytes(data)
    return [target]


def reference_run(inputs: list[Path], db: Path, workdir: Path) -> tuple[Reference, Timing, float]:
    """The uninterrupted ingest (`--jobs 1`), its tables, its report and its phase lengths."""
    run = Ingest(inputs, db, 1, workdir, 10_000)
    code = run.finish()
    if code != 0:
        raise SystemExit(f"the uninterrupted ingest failed (exit {code}): {run.stderr()[-800:]}")
    seconds = time.monotonic() - run.started
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        documents = {r[0]: (r[1], r[2]) for r in connection.execute(
            "SELECT id, text_sha1, raw_sha1 FROM documents")}
    reference = Reference(documents, table_rows(db), report_json(db, workdir))
    return reference, Timing.of_run(run, len(documents)), seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--day", default="2015-07-23", help="SaudiNewsNet day (saudinewsnet-more)")
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--jobs", default="2,1", help="jobs of the restarts, in turn")
    parser.add_argument("--limit", type=int, default=None, help="first N records of the day")
    parser.add_argument("--out", type=Path, default=RESULTS / "crash.json")
    args = parser.parse_args(argv)
    jobs_cycle = tuple(int(j) for j in args.jobs.split(","))
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="marsad-crash-") as folder:
        work = Path(folder)
        (work / "day").mkdir()
        inputs = unzip_day(args.day, work / "day", args.limit)
        reference, timing, reference_s = reference_run(inputs, work / "reference.sqlite", work)
        print(f"reference: uninterrupted ingest of {len(reference.documents)} articles "
              f"({args.day}) in {reference_s:.1f} s; phases "
              + ", ".join(f"{p} {s:.1f} s" for p, s in timing.seconds.items())
              + f", {timing.rate:.0f} articles/s")
        chained_began = time.monotonic()
        result = chain(inputs, work / "killed.sqlite", work, reference, timing, args.kills,
                       args.seed, jobs_cycle)
        chain_s = time.monotonic() - chained_began
        tables = table_rows(work / "killed.sqlite")
        table_diff = differences(reference.tables, tables)
        report_same = report_json(work / "killed.sqlite", work) == reference.analysis_json
    log = result["log"]
    died = Counter(e["died_in"] for e in log)
    aimed = Counter(e["aimed_at"] for e in log)
    checker: Checker = result["checker"]
    same = not table_diff and report_same and result["final_exit"] == 0
    print()
    print(f"{'phase':12s} {'aimed':>6s} {'died in':>8s}")
    for phase in PHASES:
        if aimed.get(phase) or died.get(phase):
            print(f"{phase:12s} {aimed.get(phase, 0):6d} {died.get(phase, 0):8d}")
    print(f"{'self-storing':12s} {aimed.get('self-storing', 0):6d} {'':>8s}  (SIGKILL from inside "
          "an article's transaction)")
    print()
    print(f"{'check':42s} passed")
    for name, count in sorted(checker.passed.items()):
        print(f"{name:42s} {count:6d}")
    print(f"final run exit {result['final_exit']}; every table equal to the reference: "
          f"{not table_diff}; report JSON equal: {report_same}")
    for line in table_diff:
        print("  differs:", line)
    for line in result["failures"]:
        print("  FAILED:", line)
    print(f"chain of {len(log)} kills + final run: {chain_s:.0f} s "
          f"({chain_s / reference_s:.1f}x the uninterrupted ingest, {reference_s:.0f} s)")
    summary = {
        "benchmark": "crash",
        "command": "benchmarks/crash.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "day": args.day, "articles": len(reference.documents), "kills": len(log),
        "seed": args.seed, "jobs_cycle": list(jobs_cycle),
        "kills_aimed_at": dict(aimed), "kills_died_in": dict(died),
        "kills_per_jobs": dict(Counter(str(e["jobs"]) for e in log)),
        "checks_passed": dict(checker.passed), "failures": result["failures"],
        "final_exit": result["final_exit"], "same_final_state": same,
        "tables_differing": table_diff, "report_json_equal": report_same,
        "reference_seconds": round(reference_s, 1), "chain_seconds": round(chain_s, 1),
        "chain_to_reference": round(chain_s / reference_s, 2),
        "total_seconds": round(time.monotonic() - began, 1),
        "log": log,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if same and not result["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
