"""The `marsad` command: thin wrappers that parse arguments, call the library, print.

Exit codes: 0 the work was done (even if some inputs were rejected); 1 nothing could be
processed (the analysis file is still written, with its `rejected` section), or an internal
error (one line, no traceback; MARSAD_DEBUG=1 prints it); 2 wrong arguments or an unusable
store/output path; 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path

from marsad import __version__
from marsad.errors import REPORT_HINT, MarsadError, UsageError
from marsad.ingest.paths import display_name
from marsad.settings import Settings, help_text

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2
DEFAULT_DB = "marsad.sqlite"
HTML_ALL_EVENTS = 500        # above this, an HTML report without a selection shows the top stories
HTML_TOP_STORIES = 50


def _progress_factory(quiet: bool):
    """A tqdm progress bar on stderr, or nothing with --quiet."""
    def progress(items: Iterable, label: str) -> Iterable:
        if quiet:
            return items
        from tqdm import tqdm
        return tqdm(items, desc=label, file=sys.stderr, mininterval=0.5,
                    dynamic_ncols=True, leave=False)
    return progress


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(message, file=sys.stderr)


def _report_rejections(rejected: Sequence, args: argparse.Namespace) -> None:
    # Rejections are printed even with --quiet: a script must be able to see what was skipped.
    for rejection in rejected:
        line = f"marsad: rejected {rejection.input}: {rejection.reason} [{rejection.code}]"
        print(" ".join(line.splitlines()), file=sys.stderr)  # one line per rejection, always


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_overrides(
        summary_sentences=getattr(args, "summary_sentences", None),
        max_record_bytes=getattr(args, "max_input_mb", None) and args.max_input_mb * 1024 * 1024,
    )


def _inputs(args: argparse.Namespace) -> list[str]:
    """The INPUT arguments (files, folders, URLs) and the URLs of `--feeds FILE`."""
    inputs = list(args.inputs)
    if getattr(args, "feeds", None):
        from marsad.ingest.fetch import feed_urls
        inputs += feed_urls(args.feeds)
    if not inputs:
        raise UsageError("no input", "give files, folders or URLs, or --feeds FILE")
    return inputs


def cmd_analyze(args: argparse.Namespace) -> int:
    import tempfile
    from marsad.pipeline import run_to_store
    from marsad.store import Store
    if not args.json and not args.html:
        raise UsageError("nothing to write", "pass --json FILE and/or --html DIR")
    # The articles go through a temporary store (memory stays flat on a large input) and the
    # outputs are streamed from it: the same work as `ingest` followed by `report`.
    with tempfile.TemporaryDirectory(prefix="marsad-") as folder:
        with Store(Path(folder) / "analysis.sqlite") as store:
            result = run_to_store(_inputs(args), store, _settings(args),
                                  _progress_factory(args.quiet), jobs=args.jobs)
            _report_rejections(result.rejected, args)
            _say(args, _store_summary(store, len(result.rejected)))
            _write_store_outputs(store, args, None)
            if result.total == 0:
                print("marsad: no article could be processed", file=sys.stderr)
                return EXIT_NOTHING
    return EXIT_OK


def _store_summary(store, rejected: int) -> str:
    counts = store.counts()
    return (f"{counts['documents']} articles, {rejected} rejected, "
            f"{counts['entities']} entities, {counts['quotes']} quotes, "
            f"{counts['events']} events in {counts['stories']} stories")


def _write_store_outputs(store, args: argparse.Namespace, selection) -> None:
    if args.json:
        from marsad.export.store_json import write_store_json
        write_store_json(store, Path(args.json), selection)
        _say(args, f"analysis: {args.json}")
    if args.html:
        from marsad.export.html_report import write_html
        from marsad.pipeline import store_analysis
        from marsad.store.reads import Selection
        if (selection is None or selection == Selection()) and \
                store.counts()["events"] > HTML_ALL_EVENTS:
            # one self-contained page of a whole archive is unreadable (86 MB for 4 days)
            selection = Selection(top=HTML_TOP_STORIES)
            _say(args, f"report: the {HTML_TOP_STORIES} stories with the most outlets "
                       "(--top N, --story ID, --since/--until choose others)")
        index = write_html(store_analysis(store, selection), Path(args.html))
        _say(args, f"report: {index}")


def cmd_ingest(args: argparse.Namespace) -> int:
    from marsad.pipeline import ingest
    from marsad.store import Store
    with Store(args.db) as store:
        result = ingest(_inputs(args), store, _settings(args), _progress_factory(args.quiet),
                        jobs=args.jobs, on_wait=lambda message: print(f"marsad: {message}",
                                                                      file=sys.stderr))
    return _ingested(result, args)


def _ingested(result, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    """Say what an ingest (or import) did; its exit code (1 when nothing was processed)."""
    _report_rejections(result.rejected, args)
    _say(args, f"{result.added} added, {result.unchanged} already stored, "
               f"{len(result.rejected)} rejected; {result.total} articles in {args.db}")
    if result.added + result.unchanged == 0:
        print("marsad: no article could be processed", file=sys.stderr)
        return EXIT_NOTHING
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from marsad.pipeline import needs_refresh
    from marsad.refresh import refresh
    from marsad.search import ensure_index
    from marsad.store import Store
    from marsad.store.reads import Selection
    if not Path(args.db).exists():
        raise UsageError(f"{args.db}: no such store", "run `marsad ingest INPUT... --db PATH` first")
    if not args.json and not args.html:
        raise UsageError("nothing to write", "pass --json FILE and/or --html DIR")
    settings = _settings(args)
    selection = Selection(since=args.since, until=args.until, story=args.story, top=args.top)
    with Store(args.db) as store:
        if needs_refresh(store, settings):       # an interrupted ingest, new settings
            with store.writer_lock(lambda m: print(f"marsad: {m}", file=sys.stderr)):
                refresh(store, settings, progress=_progress_factory(args.quiet))
                ensure_index(store)
        if store.count() == 0:
            print(f"marsad: the store {args.db} holds no article", file=sys.stderr)
            return EXIT_NOTHING
        _write_store_outputs(store, args, selection)
        _say(args, _store_summary(store, len(store.rejections())))
    return EXIT_OK


def cmd_upgrade(args: argparse.Namespace) -> int:
    from marsad.pipeline import needs_refresh
    from marsad.refresh import refresh
    from marsad.search import ensure_index
    from marsad.store import Store
    if not Path(args.db).exists():
        raise UsageError(f"{args.db}: no such store", "pass --db the store to upgrade")
    with Store(args.db) as store:                  # opening upgrades the schema in place
        with store.writer_lock(lambda m: print(f"marsad: {m}", file=sys.stderr)):
            if needs_refresh(store, _settings(args)):
                refresh(store, _settings(args), progress=_progress_factory(args.quiet))
            ensure_index(store)              # an old store gets its search index here too
        _say(args, f"{args.db}: schema {store.meta_value('schema')}, {store.count()} articles")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from marsad.export.tables import (ExportError, check_format, default_stream, export_table,
                                      table_spec)
    from marsad.store import Store
    table_spec(args.table)                      # wrong arguments are said before the store opens
    check_format(args.format)
    if args.format == "parquet" and not args.out:
        raise ExportError("Parquet is not written to standard output",
                          "pass --out FILE.parquet", code="E_EXPORT_OUT")
    with Store(args.db, readonly=True) as store:  # read-only: runs beside an ingest
        count = export_table(store, args.table, args.format,
                             Path(args.out) if args.out else default_stream(),
                             since=args.since, until=args.until)
    _say(args, f"{args.table}: {count} rows written to {args.out or 'standard output'}")
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    import json
    from marsad.ingest.outlets import outlet_name, spellings
    from marsad.search import SearchQuery, parse_day, search
    if not Path(args.db).exists():
        raise UsageError(f"{args.db}: no such store", "run `marsad ingest INPUT... --db PATH` first")
    # an outlet by any of its names (--source عكاظ finds the articles stored as okaz)
    sources = tuple(dict.fromkeys(name for source in (args.source or ())
                                  for name in spellings(source.strip())))
    query = SearchQuery(
        text=args.query, limit=args.limit, offset=args.offset, sources=sources,
        since=parse_day(args.since, "--since") if args.since else None,
        until=parse_day(args.until, "--until") if args.until else None,
        entity=args.entity, event=args.event, story=args.story, language=args.language,
        sort=args.sort, facets=not args.json)
    results = search(args.db, query)
    if args.json:
        for hit in results.hits:
            print(json.dumps({
                "id": hit.id, "title": hit.title, "source": hit.source,
                "source_name": outlet_name(hit.source), "published": hit.published,
                "score": hit.score, "snippet": hit.snippet,
                "highlights": [list(span) for span in hit.highlights], "event": hit.event,
                "story": hit.story, "copies": list(hit.copies), "url": hit.url,
                "language": hit.language}, ensure_ascii=False))
        return EXIT_OK
    print(f"{results.total} results for {args.query} ({results.took_ms:.0f} ms)")
    for typed, spellings in results.expansions:
        print(f"  also searched: {typed} -> {' / '.join(spellings)}")
    for n, hit in enumerate(results.hits, start=args.offset + 1):
        where = " ".join(x for x in (outlet_name(hit.source) if hit.source else "",
                                     (hit.published or "")[:10], hit.event or "") if x)
        copies = f" (+{len(hit.copies)} copies)" if hit.copies else ""
        print(f"{n}. {hit.title} [{where}] {hit.id}{copies}")
        print(f"   {hit.snippet}")
    return EXIT_OK


def cmd_summarize(args: argparse.Namespace) -> int:
    from marsad.api import summarize_file
    settings = _settings(args)
    sentences = summarize_file(args.file, settings, n_sentences=args.sentences,
                               n_words=args.words)
    for sentence in sentences:
        print(sentence)
    return EXIT_OK if sentences else EXIT_NOTHING


def cmd_serve(args: argparse.Namespace) -> int:
    """The HTTP API and web pages over a store, with uvicorn (127.0.0.1 unless told)."""
    try:
        import uvicorn
        from marsad.web import create_app
    except ImportError as exc:
        raise UsageError(f"the web app needs a package that is not installed ({exc.name})",
                         "reinstall marsad (pip install -e .): fastapi, uvicorn and jinja2 are its dependencies") from None
    token = args.token or os.environ.get("MARSAD_TOKEN") or None
    settings = _settings(args)
    app = create_app(args.db, token=token, settings=settings)     # checks the store now
    writes = "on (POST /api/articles with the token)" if token else "off (no token)"
    workers = f", {args.workers} worker processes" if args.workers > 1 else ""
    _say(args, f"marsad: serving {args.db} on http://{args.host}:{args.port}/ "
               f"(API docs /docs; writes {writes}{workers})")
    options = dict(host=args.host, port=args.port, log_level="warning" if args.quiet
                   else "info", access_log=not args.quiet, server_header=False)
    if args.workers > 1:
        from marsad.web import asgi
        os.environ[asgi.ENV_DB] = str(Path(args.db).resolve())
        os.environ[asgi.ENV_TOKEN] = token or ""
        os.environ[asgi.ENV_SETTINGS] = asgi.settings_to_env(settings)
        uvicorn.run("marsad.web.asgi:app", factory=True, workers=args.workers, **options)
    else:
        uvicorn.run(app, **options)
    return EXIT_OK


def cmd_settings(_args: argparse.Namespace) -> int:
    print(help_text())
    return EXIT_OK


def _day(value: str) -> str:
    from datetime import date
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {value!r}") from None


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marsad", description="Arabic news, understood: entities, quotes, events, "
        "stories and cited summaries from many outlets, offline.")
    parser.add_argument("--version", action="version", version=f"marsad {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--quiet", "-q", action="store_true", help="no progress bar or summary")
        p.add_argument("--summary-sentences", type=int, metavar="N",
                       help="sentences per event summary")
        p.add_argument("--max-input-mb", type=int, metavar="MB",
                       help="reject an article (a file, or one JSON record) larger than "
                       "this (default 20; JSON Lines files of any size are streamed)")

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("inputs", nargs="*", metavar="INPUT",
                       help="files or folders (recursive), or http(s) URLs of feeds or pages")
        p.add_argument("--feeds", metavar="FILE",
                       help="a file of feed URLs, one a line (fetched with your network)")

    def jobs(p: argparse.ArgumentParser) -> None:
        p.add_argument("--jobs", "-j", type=_positive, default=1, metavar="N",
                       help="analyse articles in N processes (default 1; results are the same)")

    p = sub.add_parser("analyze", help="analyse articles and write the analysis file/report")
    inputs(p)
    p.add_argument("--json", metavar="FILE", help="write the analysis JSON here")
    p.add_argument("--html", metavar="DIR", help="write the HTML report (DIR/index.html)")
    jobs(p)
    common(p)
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("ingest", help="analyse articles into an embedded store (incremental)")
    inputs(p)
    p.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"store file ({DEFAULT_DB})")
    jobs(p)
    common(p)
    p.set_defaults(func=cmd_ingest)

    from marsad.cli_live import add_parsers
    add_parsers(sub, common=common, inputs=inputs, jobs=jobs)

    p = sub.add_parser("report", help="analysis file/report of a store (read, not recomputed)")
    p.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"store file ({DEFAULT_DB})")
    p.add_argument("--json", metavar="FILE", help="write the analysis JSON here")
    p.add_argument("--html", metavar="DIR", help="write the HTML report (DIR/index.html)")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD", help="events dated on or after this day")
    p.add_argument("--until", type=_day, metavar="YYYY-MM-DD", help="events dated on or before this day")
    p.add_argument("--story", metavar="ID", help="one story (e.g. S12)")
    p.add_argument("--top", type=_positive, metavar="N",
                   help="the N stories reported by the most independent outlets")
    common(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("upgrade", help="upgrade a store written by an older marsad, in place")
    p.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"store file ({DEFAULT_DB})")
    common(p)
    p.set_defaults(func=cmd_upgrade)

    p = sub.add_parser("export", help="one table of the store as JSON Lines, CSV or Parquet")
    p.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"store file ({DEFAULT_DB})")
    # not argparse choices: a wrong name gets marsad's coded error, like every other mistake
    p.add_argument("--table", required=True, metavar="TABLE",
                   help="documents, entities, mentions, quotes, quantities, events or stories")
    p.add_argument("--format", required=True, metavar="FORMAT",
                   help="jsonl, csv (UTF-8 with a BOM, for Excel) or parquet (needs --out)")
    p.add_argument("--out", metavar="PATH", help="file to write (default: standard output)")
    p.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                   help="rows of articles published (events dated) on or after this day")
    p.add_argument("--until", type=_day, metavar="YYYY-MM-DD",
                   help="rows of articles published (events dated) on or before this day")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary line")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("search", help="search a store's articles (any spelling of a name)")
    p.add_argument("query", metavar="QUERY",
                   help='words, "a phrase" in quotes, a prefix such as ارهاب*')
    p.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"store file ({DEFAULT_DB})")
    p.add_argument("--limit", type=_positive, default=20, metavar="N", help="results (20)")
    p.add_argument("--offset", type=int, default=0, metavar="N", help="skip the first N results")
    p.add_argument("--source", action="append", metavar="S",
                   help="only this outlet (repeat for several)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after this day")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before this day")
    p.add_argument("--entity", metavar="NAME", help="articles naming this entity (name or E12)")
    p.add_argument("--event", metavar="V", help="articles of this event (e.g. V12)")
    p.add_argument("--story", metavar="S", help="articles of this story (e.g. S3)")
    p.add_argument("--language", metavar="LANG", help="articles in this language (ar)")
    p.add_argument("--sort", choices=("relevance", "date"), default="relevance",
                   help="relevance (default) or date (newest first)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per hit and line (id, title, source, published, score,"
                   " snippet, event, story...)")
    p.set_defaults(func=cmd_search, quiet=True)

    p = sub.add_parser("serve", help="the HTTP API and web pages over a store")
    p.add_argument("--db", default=DEFAULT_DB, metavar="PATH", help=f"store file ({DEFAULT_DB})")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (127.0.0.1: this machine only)")
    p.add_argument("--port", type=_positive, default=8000, help="port (8000)")
    p.add_argument("--workers", type=_positive, default=1, metavar="N",
                   help="serve from N processes (default 1; one per core for many users)")
    p.add_argument("--token", metavar="T", help="allow writes (POST /api/articles) with "
                   "`Authorization: Bearer T` (or set MARSAD_TOKEN); none: writes are off")
    common(p)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("summarize", help="extractive summary of one article, a sentence a line")
    p.add_argument("file", help="one article (.txt, .html, or a one-record .json)")
    budget = p.add_mutually_exclusive_group()
    budget.add_argument("--sentences", type=int, metavar="N", help="number of sentences")
    budget.add_argument("--words", type=int, metavar="N", help="word budget")
    common(p)
    p.set_defaults(func=cmd_summarize)

    p = sub.add_parser("settings", help="list the settings with their defaults and help")
    p.set_defaults(func=cmd_settings, quiet=False)
    return parser


def _safe_streams() -> None:
    """Never crash while printing: stderr may be a pipe with a C locale, a name may hold bytes
    that are not UTF-8; unencodable characters are written as escapes instead."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            pass  # replaced by a test harness or closed: leave it


def _doing(args: argparse.Namespace) -> str:
    """What the command was doing, for the last-resort message ("analyze on a.json, b/")."""
    inputs = getattr(args, "inputs", None) or getattr(args, "folders", None) or [
        next((getattr(args, name) for name in ("folder", "dir", "file", "db")
              if getattr(args, name, None) is not None), None)]
    shown = ", ".join(display_name(str(i)) for i in inputs if i is not None)
    if len(shown) > 200:
        shown = shown[:200] + "..."
    return f"{args.command} on {shown}" if shown else str(args.command)


def main(argv: Sequence[str] | None = None) -> int:
    _safe_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        coded = f" [{exc.code}]" if exc.code != UsageError.code else ""   # E_QUERY
        print(f"marsad: {exc}{coded}", file=sys.stderr)
        return EXIT_USAGE
    except MarsadError as exc:
        print(f"marsad: {exc} [{exc.code}]", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("marsad: interrupted; stored articles are kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `marsad summarize F | head`: the reader went away; nothing more to say to it.
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_NOTHING
    except Exception as exc:  # noqa: BLE001 - the last handler: one line, never a traceback
        if os.environ.get("MARSAD_DEBUG") == "1":
            traceback.print_exc()
        message = " ".join(str(exc).split())[:500]
        print(f"marsad: internal error while running {_doing(args)}: {type(exc).__name__}: "
              f"{message} — {REPORT_HINT}", file=sys.stderr)
        return EXIT_NOTHING


if __name__ == "__main__":
    sys.exit(main())
