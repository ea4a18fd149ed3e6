"""The web app and API under load (issue 10; issue 11's 200 clients): `marsad serve` over a copy
of a store, loaded over loopback by concurrent clients, latency per page type and endpoint.

The server is the real command (`python -m marsad.cli serve --db COPY --port P --quiet
--workers N`; N = 2 by default, one process per core of the 2-core machine, `--workers 1` for
one process) in a subprocess; the clients run in this process (asyncio + httpx, one
connection each), on the same 2 cores, so their own cost is inside the figures. Each client
starts after a random delay (uniform over twice the mean think time: arrivals spread out, not
one burst of every client at the same instant), then loops for `--seconds`: it picks the next
request type (every type in turn, a different starting
point per client), a random id of that type from the store (events with two or more articles,
their stories, entities mentioned three times or more, speakers of quotes, events with an
outlet comparison, articles, the judged search queries),
sends it, waits for the whole body, then "reads" for a random think time (exponential, mean
`--think` seconds; 0 for a closed loop that saturates the server). A request is an error when it
fails, times out (10 s) or answers anything but 200.

The peer in the same run is the server's static stylesheet (`/static/style.css`): what serving
any response costs this server under the same load; each type's p95 is also given as a ratio to
it.

    .venv/bin/python benchmarks/serve.py --db /work/stores/full31k.sqlite           # 50 x 30 s
    .venv/bin/python benchmarks/serve.py --db ... --clients 200 --seconds 60 --out benchmarks/results/serve_200.json

Writes benchmarks/results/serve.json (and .txt, the printed table).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import httpx

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "benchmarks"))
from _stats import percentile  # noqa: E402

RESULTS = PROJECT / "benchmarks" / "results"
GOLD = PROJECT / "benchmarks" / "gold" / "search_queries.jsonl"
TIMEOUT = 10.0
SAMPLE = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _copy(source: Path, target: Path) -> None:
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
            sqlite3.connect(target) as dst:
        src.backup(dst)
    index = Path(f"{source}.search")
    if index.exists():
        shutil.copytree(index, Path(f"{target}.search"))


def sample_ids(db: Path, seed: int) -> dict[str, list[str]]:
    """Random ids of each kind from the store (read once before the load starts)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rng = random.Random(seed)

    def pick(sql: str, fmt) -> list[str]:
        rows = [r[0] for r in con.execute(sql)]
        rng.shuffle(rows)
        return [fmt(r) for r in rows[:SAMPLE]]
    ids = {
        "event": pick("SELECT number FROM events WHERE n_documents >= 2", lambda n: f"V{n + 1}"),
        "story": pick("SELECT DISTINCT story FROM events WHERE n_documents >= 2 AND story IS NOT"
                      " NULL", lambda n: f"S{n + 1}"),
        "entity": pick("SELECT number FROM entities WHERE merged_into IS NULL AND"
                       " mention_count >= 3", lambda n: f"E{n}"),
        "document": pick("SELECT id FROM documents", str),
        "day": pick("SELECT DISTINCT day FROM documents WHERE day IS NOT NULL", str),
        "prefix": pick("SELECT substr(name, 1, 2) FROM entities WHERE mention_count >= 3", str),
        "compared": pick("SELECT event FROM comparisons WHERE event IS NOT NULL",
                         lambda n: f"V{n + 1}"),
        "speaker": pick("SELECT DISTINCT speaker FROM quotes WHERE speaker IS NOT NULL",
                        lambda n: f"E{n}"),
    }
    con.close()
    ids["query"] = [json.loads(line)["text"] for line in
                    GOLD.read_text(encoding="utf-8").splitlines() if line]
    return ids


def request_types(ids: dict[str, list[str]]) -> dict[str, callable]:
    def one(kind: str):
        return lambda rng: rng.choice(ids[kind])

    ev, st, en, doc, day, q, pre, cmp, spk = (
        one(k) for k in ("event", "story", "entity", "document", "day", "query", "prefix",
                         "compared", "speaker"))
    return {
        "page home (latest day)": lambda r: "/",
        "page home (a day)": lambda r: f"/?since={day(r)}",
        "page story": lambda r: f"/story/{st(r)}",
        "page event": lambda r: f"/event/{ev(r)}",
        "page entity": lambda r: f"/entity/{en(r)}",
        "page article": lambda r: "/article/" + quote(doc(r), safe=""),
        "page search": lambda r: "/search?q=" + quote(q(r)),
        "api stories": lambda r: "/api/stories?limit=20",
        "api story": lambda r: f"/api/stories/{st(r)}",
        "api events (a day)": lambda r: "/api/events?since={0}&until={0}&limit=50".format(day(r)),
        "api event": lambda r: f"/api/events/{ev(r)}",
        "api documents (a day)": lambda r: "/api/documents?since={0}&until={0}&limit=50".format(
            day(r)),
        "api document": lambda r: "/api/documents/" + quote(doc(r), safe=""),
        "api entities (prefix)": lambda r: "/api/entities?q=" + quote(pre(r)) + "&limit=20",
        "api entity": lambda r: f"/api/entities/{en(r)}",
        "api quotes (speaker)": lambda r: f"/api/quotes?entity={spk(r)}&limit=20",
        "api quantities (a day)": lambda r: "/api/quantities?since={0}&until={0}&limit=50".format(
            day(r)),
        "api comparison": lambda r: f"/api/comparisons/{cmp(r)}",
        "api timeline (story)": lambda r: f"/api/timeline?story={st(r)}",
        "api outlets": lambda r: "/api/outlets",
        "api search": lambda r: "/api/search?q=" + quote(q(r)) + "&limit=20",
        "floor: static css": lambda r: "/static/style.css",
    }


async def client(n: int, base: str, types: dict, until: float, think: float, seed: int,
                 record: list) -> None:
    rng = random.Random(seed * 1000 + n)
    names = list(types)
    turn = n % len(names)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT,
                                 limits=httpx.Limits(max_connections=1)) as http:
        if think:                 # clients arrive spread out, not in one burst at t = 0
            await asyncio.sleep(rng.uniform(0, 2 * think))
        while time.monotonic() < until:
            name = names[turn % len(names)]
            turn += 1
            path = types[name](rng)
            started = time.perf_counter()
            try:
                response = await http.get(path)
                await response.aread()
                status = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            record.append((name, (time.perf_counter() - started) * 1000.0, status, path))
            if think:
                await asyncio.sleep(rng.expovariate(1.0 / think))


def summarise(record: list, seconds: float) -> dict:
    by_type: dict[str, list] = defaultdict(list)
    for row in record:
        by_type[row[0]].append(row)
    floor = [ms for _, ms, status, _ in by_type.get("floor: static css", []) if status == 200]
    floor_p95 = percentile(floor, 0.95) if floor else None
    out: dict = {}
    for name, rows in by_type.items():
        ok = [ms for _, ms, status, _ in rows if status == 200]
        errors = [(status, path) for _, _, status, path in rows if status != 200]
        out[name] = {"requests": len(rows), "errors": len(errors),
                     "error_examples": [f"{s} {p}" for s, p in errors[:3]],
                     "p50_ms": round(percentile(ok, 0.5), 1),
                     "p95_ms": round(percentile(ok, 0.95), 1),
                     "max_ms": round(max(ok), 1) if ok else None,
                     "p95_vs_floor": (round(percentile(ok, 0.95) / floor_p95, 1)
                                      if floor_p95 and ok else None)}
    return {"types": out, "requests": len(record),
            "errors": sum(v["errors"] for v in out.values()),
            "requests_per_second": round(len(record) / seconds, 1)}


def start_server(db: Path, workers: int = 1) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "marsad.cli", "serve", "--db", str(db),
                                "--port", str(port), "--quiet", "--workers", str(workers)],
                               cwd=PROJECT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/outlets", timeout=5).status_code == 200:
                return process, base
        except httpx.HTTPError:
            if process.poll() is not None:
                raise SystemExit("marsad serve exited: " + process.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    process.kill()
    raise SystemExit("marsad serve did not answer within 120 s")


def _tree(pid: int) -> list[int]:
    """pid and its descendants (uvicorn's workers, with --workers N)."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except OSError:
            pass
    return out


def _rss_mb(pid: int) -> float:
    """The sum of the peak resident sizes (VmHWM) of the server's processes: an upper bound
    of what they held at once (shared pages counted per process)."""
    total = 0
    for member in _tree(pid):
        try:
            with open(f"/proc/{member}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def table(result: dict) -> str:
    load = result["load"]
    lines = [f"{load['clients']} clients x {load['seconds']} s, think {load['think']} s,"
             f" {load.get('server_workers', 1)} server process(es):"
             f" {result['summary']['requests']:,} requests"
             f" ({result['summary']['requests_per_second']}/s), errors"
             f" {result['summary']['errors']}; server peak RSS {result['server_peak_rss_mb']} MB;"
             f" store {result['store']['documents']:,} articles",
             "", "| request | n | errors | p50 ms | p95 ms | max ms | p95 / floor |",
             "|---|---|---|---|---|---|---|"]
    for name, row in result["summary"]["types"].items():
        lines.append(f"| {name} | {row['requests']} | {row['errors']} | {row['p50_ms']} |"
                     f" {row['p95_ms']} | {row['max_ms']} | {row['p95_vs_floor']} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a store (copied, never written)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=0.5,
                        help="mean think time between a client's requests (0: closed loop)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2,
                        help="marsad serve --workers N (default 2: one per core here)")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--out", type=Path, default=RESULTS / "serve.json")
    args = parser.parse_args()
    if not args.db.exists():
        raise SystemExit(f"{args.db}: no such store")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="marsad-serve-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "serve.sqlite"
    if not db.exists():
        _copy(args.db, db)
    ids = sample_ids(db, args.seed)
    types = request_types(ids)
    process, base = start_server(db, args.workers)
    try:
        # Warm-up: every type once (first search opens the index, first page loads templates).
        rng = random.Random(args.seed)
        for name, make in types.items():
            httpx.get(base + make(rng), timeout=60)
        record: list = []
        until = time.monotonic() + args.seconds

        async def load() -> None:
            await asyncio.gather(*(client(n, base, types, until, args.think, args.seed, record)
                                   for n in range(args.clients)))
        started = time.monotonic()
        asyncio.run(load())
        elapsed = time.monotonic() - started
        peak = _rss_mb(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        documents = int(con.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        events = int(con.execute("SELECT COUNT(*) FROM events").fetchone()[0])
    result = {"machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
              "store": {"source": str(args.db), "documents": documents, "events": events},
              "load": {"clients": args.clients, "seconds": args.seconds, "think": args.think,
                       "elapsed": round(elapsed, 1), "seed": args.seed,
                       "server_workers": args.workers},
              "server_peak_rss_mb": peak, "summary": summarise(record, elapsed)}
    printed = table(result)
    print(printed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.with_suffix(".txt").write_text(printed + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
