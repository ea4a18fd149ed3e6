"""Table exports at scale: `marsad export` of every table in every format from a large store,
against a floor in the same run.

For each table, each run a subprocess measured by `benchmarks/_proc.py` (wall time, peak PSS):
- floor: a bare Python process that runs the table's own SELECT (the exact query the export
  runs, same joins and order) with the sqlite3 module and drops the rows: what reading costs;
- `marsad export --db COPY --table T --format F --out FILE --quiet` for jsonl, csv, parquet:
  rows/s, seconds and peak memory, each as a ratio to the floor, and the file size.
The fixed cost of the command (start-up, imports: pyarrow alone is ~100 MB) is measured by an
export of 0 rows (`--since 9999-12-31`) in each format. Memory flatness: the documents table
(the largest rows: whole article texts) is also exported with `--until` cut to the first third
of the store's days; a streamed export has about the same peak on a third of the rows as on
all of them (`flat_ratio` = peak all / peak part).

At scale, the Parquet files of all tables are then checked for dangling references (every
foreign key of docs/export.md: a mention's entity, a quote's speaker, a document's event...).

The store is copied first (SQLite backup from a read-only connection: the source is never
written), then every export reads the copy.

    .venv/bin/python benchmarks/export.py --store /work/stores/full31k.sqlite
    .venv/bin/python benchmarks/export.py --store small.sqlite --out /tmp/export.json  # a check

Writes benchmarks/results/export.json (and prints a table).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "benchmarks"))
RESULTS = PROJECT / "benchmarks" / "results" / "export.json"
MIB = 1024 * 1024
MARSAD = str(Path(sys.executable).with_name("marsad"))

from _proc import Measurement, measure  # noqa: E402

from marsad.export.tables import FORMATS, TABLES  # noqa: E402

FLOOR = """
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
n = 0
for row in db.execute(sys.argv[2]):
    n += 1
print(n)
"""


def copy_store(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    src.backup(dst)
    dst.close()
    src.close()


def _figures(m: Measurement) -> dict[str, float | int | str]:
    if m.returncode != 0:
        raise SystemExit(f"command failed ({m.returncode}): {m.stderr_tail}")
    return {"seconds": round(m.seconds, 3), "peak_mb": round(m.peak_bytes / MIB, 1),
            "memory_kind": m.memory_kind}


def _rows(db: Path, table: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        sql = TABLES[table].select.format(where="1=1")
        return int(con.execute(f"SELECT COUNT(*) FROM ({sql})").fetchone()[0])


def days_of(db: Path) -> list[str]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return [d for (d,) in con.execute(
            "SELECT DISTINCT day FROM documents WHERE day IS NOT NULL ORDER BY day")]


def run(store: Path, folder: Path, tables: list[str]) -> dict:
    db = folder / "store.sqlite"
    started = time.perf_counter()
    copy_store(store, db)
    copy_seconds = time.perf_counter() - started
    results: dict = {"tables": {}, "empty_export": {}}
    # the fixed cost of the command (interpreter, marsad, pyarrow for Parquet): 0 rows exported
    for fmt in FORMATS:
        out = folder / f"empty.{fmt}"
        results["empty_export"][fmt] = _figures(measure(interval=0.05, cmd=[
            MARSAD, "export", "--db", str(db), "--table", "documents", "--format", fmt,
            "--out", str(out), "--since", "9999-12-31", "--quiet"]))
        out.unlink()
    for table in tables:
        rows = _rows(db, table)
        sql = TABLES[table].select.format(where="1=1")
        floor = _figures(measure(interval=0.05,
                                 cmd=[sys.executable, "-c", FLOOR, str(db), sql]))
        entry: dict = {"rows": rows, "floor": floor, "formats": {}}
        for fmt in FORMATS:
            out = folder / f"{table}.{fmt}"
            m = _figures(measure(interval=0.05, cmd=[
                MARSAD, "export", "--db", str(db), "--table", table, "--format", fmt,
                "--out", str(out), "--quiet"]))
            m.update(rows_per_s=round(rows / max(float(m["seconds"]), 1e-9)),
                     time_ratio=round(float(m["seconds"]) / max(float(floor["seconds"]), 1e-9), 2),
                     memory_ratio=round(float(m["peak_mb"]) / max(float(floor["peak_mb"]), 0.1), 2),
                     file_mb=round(out.stat().st_size / MIB, 2))
            if fmt != "parquet":
                out.unlink()       # the Parquet files stay for the reference check
            entry["formats"][fmt] = m
        results["tables"][table] = entry
        print(f"  {table}: {rows} rows", file=sys.stderr)
    days = days_of(db)
    if len(days) >= 3 and "documents" in tables:
        cut = days[len(days) // 3 - 1]
        part_rows = sum(1 for _ in sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute(
            "SELECT 1 FROM documents WHERE day <= ?", (cut,)))
        flat: dict = {"until": cut, "rows_part": part_rows,
                      "rows_all": results["tables"]["documents"]["rows"], "formats": {}}
        for fmt in ("jsonl", "parquet"):
            out = folder / f"part.{fmt}"
            m = _figures(measure(interval=0.05, cmd=[
                MARSAD, "export", "--db", str(db), "--table", "documents", "--format", fmt,
                "--out", str(out), "--until", cut, "--quiet"]))
            out.unlink()
            peak_all = results["tables"]["documents"]["formats"][fmt]["peak_mb"]
            flat["formats"][fmt] = {"peak_mb_part": m["peak_mb"], "peak_mb_all": peak_all,
                                    "flat_ratio": round(float(peak_all) / float(m["peak_mb"]), 2)}
        results["memory_flatness"] = flat
    if set(FOREIGN_KEYS_TABLES) <= set(tables):
        results["dangling_references"] = dangling(folder)
    results["copy_seconds"] = round(copy_seconds, 1)
    return results


# (table, column) -> (table, column) it refers to
FOREIGN_KEYS = {("mentions", "document"): ("documents", "id"),
                ("mentions", "entity"): ("entities", "id"),
                ("quotes", "document"): ("documents", "id"),
                ("quotes", "speaker"): ("entities", "id"),
                ("quantities", "document"): ("documents", "id"),
                ("documents", "copy_of"): ("documents", "id"),
                ("documents", "event"): ("events", "id"),
                ("documents", "story"): ("stories", "id"),
                ("events", "story"): ("stories", "id"),
                ("entities", "first_document"): ("documents", "id")}
FOREIGN_KEYS_TABLES = sorted({t for pair in FOREIGN_KEYS.items() for t, _ in pair})


def dangling(folder: Path) -> dict[str, dict[str, int]]:
    """For each foreign key of the exported Parquet files: references, and those that do not
    resolve (the export's joins at scale; 0 expected)."""
    import pyarrow.parquet as pq

    def column(table: str, name: str) -> set[str]:
        values = pq.read_table(folder / f"{table}.parquet", columns=[name]).column(0)
        return {v for v in values.to_pylist() if v is not None}

    out: dict[str, dict[str, int]] = {}
    for (table, name), (target, key) in FOREIGN_KEYS.items():
        refs = pq.read_table(folder / f"{table}.parquet", columns=[name]).column(0).to_pylist()
        keys = column(target, key)
        present = [r for r in refs if r is not None]
        out[f"{table}.{name}"] = {"references": len(present),
                                  "dangling": sum(1 for r in present if r not in keys)}
    return out


def print_table(results: dict) -> None:
    print(f"{'table':<11} {'rows':>9} {'floor s':>8} {'floor MB':>8} | "
          + " | ".join(f"{f:>7} rows/s  x floor  MB  x floor" for f in FORMATS))
    for table, entry in results["tables"].items():
        cells = []
        for fmt in FORMATS:
            m = entry["formats"][fmt]
            cells.append(f"{m['rows_per_s']:>14,} {m['time_ratio']:>7.1f} {m['peak_mb']:>5.0f} "
                         f"{m['memory_ratio']:>7.1f}")
        print(f"{table:<11} {entry['rows']:>9,} {entry['floor']['seconds']:>8.2f} "
              f"{entry['floor']['peak_mb']:>8.0f} | " + " | ".join(cells))
    for fmt, m in results["empty_export"].items():
        print(f"empty {fmt} export (fixed cost): {m['seconds']} s, {m['peak_mb']} MB")
    for key, counts in results.get("dangling_references", {}).items():
        print(f"{key}: {counts['references']:,} references, {counts['dangling']} dangling")
    flat = results.get("memory_flatness")
    if flat:
        for fmt, f in flat["formats"].items():
            print(f"documents {fmt}: peak {f['peak_mb_part']} MB for {flat['rows_part']:,} rows "
                  f"(until {flat['until']}), {f['peak_mb_all']} MB for {flat['rows_all']:,} rows "
                  f"(ratio {f['flat_ratio']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a marsad store (read only)")
    parser.add_argument("--tables", default=",".join(TABLES), help="comma-separated tables")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    tables = [t for t in args.tables.split(",") if t]
    with tempfile.TemporaryDirectory(prefix="marsad-export-bench-") as folder:
        results = run(args.store, Path(folder), tables)
    with sqlite3.connect(f"file:{args.store}?mode=ro", uri=True) as con:
        articles = int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    report = {"benchmark": "export", "store": str(args.store), "articles": articles,
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
              "floor": "a bare Python sqlite3 process running the table's own SELECT and "
                       "dropping the rows", **results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n",
                        encoding="utf-8")
    print_table(report)
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
