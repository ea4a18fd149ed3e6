"""The commands of large and live inputs: `watch`, `spark`, `spark-watch` and `import` (thin
layers over marsad.watch and marsad.spark, with the helpers of marsad.cli)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from marsad.cli import (DEFAULT_DB, EXIT_OK, _ingested, _inputs, _progress_factory,
                        _report_rejections, _say, _settings)
from marsad.errors import UsageError
from marsad.ingest.paths import display_name


def _duration(text: str) -> float:
    from marsad.watch import parse_duration
    try:
        return parse_duration(text)
    except (ValueError, IndexError):
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (10m, 30s, 1h)") from None


def cmd_watch(args: argparse.Namespace) -> int:
    import signal
    from marsad.store import Store
    from marsad.watch import Watcher, describe
    feeds: list[str] = []
    if args.feeds:
        from marsad.ingest.fetch import feed_urls
        feeds = feed_urls(args.feeds)
    for folder in args.folders:
        if not Path(folder).is_dir():
            raise UsageError(f"{display_name(folder)}: not a folder", "marsad watch FOLDER...")

    def stop(_signum: int, _frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)   # one stop is enough
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)     # a service manager's stop: as Ctrl-C

    def report(outcome) -> None:  # type: ignore[no-untyped-def]
        _report_rejections(outcome.skipped, args)
        if outcome.result is not None:
            _report_rejections(outcome.result.rejected, args)
        line = describe(outcome, args.db)
        if line and not args.quiet:
            print(f"marsad watch: {line}", file=sys.stderr, flush=True)

    with Store(args.db) as store:
        watcher = Watcher(args.folders, store, _settings(args), feeds=feeds, every=args.every,
                          interval=args.interval, settle=0.0 if args.once else args.settle,
                          jobs=args.jobs)
        _say(args, f"marsad watch: watching {', '.join(display_name(f) for f in args.folders)}"
                   + (f" and {len(feeds)} feeds every {args.every:g} s" if feeds else "")
                   + f" into {args.db} (Ctrl-C stops)")
        try:
            watcher.run(report, once=args.once,
                        on_wait=lambda message: print(f"marsad: {message}", file=sys.stderr))
        except KeyboardInterrupt:
            _say(args, "marsad watch: stopped; stored articles are kept")
    return EXIT_OK


def cmd_spark(args: argparse.Namespace) -> int:
    from marsad.spark import run_spark
    from marsad.spark.session import spark_session
    inputs = _inputs(args)
    out = Path(args.out)
    session = spark_session(args.master)
    try:
        result = run_spark(inputs, out, _settings(args), session=session)
    finally:
        session.stop()
    _say(args, f"spark ({args.master}): {result.records} records in {result.shards} shards, "
               f"{result.analysed} articles analysed in {result.seconds:.1f} s: "
               f"{out / 'analyses'}")
    args.dir = str(out)
    args.db = args.db or str(out / "marsad.sqlite")
    code = cmd_import(args)
    if code == EXIT_OK and args.tables:
        from marsad.export.tables import TABLES, export_table
        from marsad.store import Store
        with Store(args.db, readonly=True) as store:
            for table in TABLES:
                count = export_table(store, table, "parquet", out / f"{table}.parquet")
                _say(args, f"{table}: {count} rows in {out / (table + '.parquet')}")
    return code


def cmd_spark_watch(args: argparse.Namespace) -> int:
    from marsad.spark.session import spark_session
    from marsad.spark.stream import stream_folder
    if not Path(args.folder).is_dir():
        raise UsageError(f"{display_name(args.folder)}: not a folder", "marsad spark-watch FOLDER")
    out = Path(args.out)
    db = args.db or str(out / "marsad.sqlite")

    def said(batch: int, files: int, result) -> None:  # type: ignore[no-untyped-def]
        _report_rejections(result.rejected, args)
        _say(args, f"marsad spark-watch: batch {batch}, {files} new files: {result.added} "
                   f"added, {result.unchanged} already stored, {len(result.rejected)} "
                   f"rejected; {result.total} articles in {db}")
    session = spark_session(args.master)
    try:
        query = stream_folder(args.folder, out, db, _settings(args), session=session,
                              every=args.every, once=args.once, on_batch=said)
        _say(args, f"marsad spark-watch: watching {display_name(args.folder)} on "
                   f"{args.master} into {db}" + ("" if args.once else " (Ctrl-C stops)"))
        try:
            query.awaitTermination()
        except KeyboardInterrupt:
            query.stop()
            _say(args, "marsad spark-watch: stopped; stored articles are kept")
        if query.exception() is not None:
            raise UsageError(f"the stream failed: {' '.join(str(query.exception()).split())[:300]}",
                             "see the Spark log; a restart resumes from the checkpoint")
    finally:
        session.stop()
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from marsad.spark import load_analyses
    from marsad.store import Store
    with Store(args.db) as store:
        result = load_analyses(args.dir, store, _settings(args), _progress_factory(args.quiet))
    return _ingested(result, args)


def add_parsers(sub: argparse._SubParsersAction, *, common: Callable, inputs: Callable,
                jobs: Callable) -> None:
    """The sub-commands of this module, with the option helpers of `build_parser`."""
    p = sub.add_parser("spark", help="the per-article stages on Spark, then a store and tables")
    inputs(p)
    p.add_argument("--out", required=True, metavar="DIR",
                   help="output folder: analyses/ (Parquet), marsad.sqlite, TABLE.parquet")
    p.add_argument("--master", default="local[2]", metavar="URL",
                   help="Spark master: local[N], spark://host:7077, yarn (default local[2])")
    p.add_argument("--db", metavar="PATH", help="store to keep the articles in "
                   "(default DIR/marsad.sqlite; an existing store is added to)")
    p.add_argument("--no-tables", dest="tables", action="store_false",
                   help="do not write the export tables as Parquet")
    common(p)
    p.set_defaults(func=cmd_spark)

    p = sub.add_parser("spark-watch", help="a folder as a live stream on Spark (Structured "
                       "Streaming)")
    p.add_argument("folder", metavar="FOLDER", help="folder every Spark node sees (recursive)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="checkpoint/ and stream/ (Parquet per batch), marsad.sqlite")
    p.add_argument("--db", metavar="PATH", help="store (default DIR/marsad.sqlite)")
    p.add_argument("--master", default="local[2]", metavar="URL", help="Spark master")
    p.add_argument("--every", type=_duration, default=10.0, metavar="DURATION",
                   help="micro-batch interval (default 10s)")
    p.add_argument("--once", action="store_true", help="take the files there now, then stop")
    common(p)
    p.set_defaults(func=cmd_spark_watch)

    p = sub.add_parser("import", help="keep articles analysed by `marsad spark` in a store")
    p.add_argument("dir", metavar="DIR", help="the --out folder of `marsad spark`")
    p.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"store file ({DEFAULT_DB})")
    common(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("watch", help="ingest each new or changed file of folders as it appears")
    p.add_argument("folders", nargs="+", metavar="FOLDER", help="folders to watch (recursive)")
    p.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"store file ({DEFAULT_DB})")
    p.add_argument("--feeds", metavar="FILE", help="a file of feed URLs, one a line, polled too")
    p.add_argument("--every", type=_duration, default=600.0, metavar="DURATION",
                   help="how often the feeds are fetched (10m, 1h, 90s; default 10m)")
    p.add_argument("--interval", type=_duration, default=2.0, metavar="DURATION",
                   help="how often the folders are scanned (default 2s)")
    p.add_argument("--settle", type=_duration, default=2.0, metavar="DURATION",
                   help="a file is read once unchanged for this long (default 2s)")
    p.add_argument("--once", action="store_true",
                   help="one pass over the folders (and feeds), then exit (for cron)")
    jobs(p)
    common(p)
    p.set_defaults(func=cmd_watch)
