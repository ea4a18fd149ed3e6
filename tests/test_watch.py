"""`marsad watch`: new and changed files are ingested once settled, once only, and a kill -9
at any moment leaves a store the next start completes without storing an article twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from marsad.settings import Settings
from marsad.store import Store
from marsad.watch import Watcher, describe, parse_duration

SETTINGS = Settings()
CITIES = ["الرياض", "جدة", "الدمام", "أبها", "تبوك", "حائل", "جازان", "نجران", "الطائف",
          "بريدة"]
TOPICS = ["مستشفى", "مدرسة", "جسر", "مطار", "ملعب", "مكتبة", "حديقة", "متحف"]


def article(n: int) -> dict[str, str]:
    """A distinct short news article (numbers and places vary, so none is a copy)."""
    city, topic = CITIES[n % len(CITIES)], TOPICS[n // len(CITIES) % len(TOPICS)]
    return {"id": f"w{n}", "title": f"افتتاح {topic} في {city} رقم {n}",
            "text": (f"افتتح أمير منطقة {city} اليوم {topic} جديدا بتكلفة {n * 7 + 11} مليون "
                     f"ريال، وقال في كلمته إن المشروع رقم {n} يخدم {n * 13 + 500} مواطن. "
                     f"وأضاف أن العمل بدأ قبل {n % 9 + 2} سنوات بمشاركة {n % 5 + 3} شركات."),
            "published": f"2015-07-{n % 28 + 1:02d}T10:00:00+03:00", "source": "spa"}


def write_jsonl(path: Path, numbers: range) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        for n in numbers:
            out.write(json.dumps(article(n), ensure_ascii=False) + "\n")
    return path


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_files_are_taken_once_settled_and_once_only(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    write_jsonl(drop / "a.jsonl", range(3))
    clock = Clock()
    with Store(tmp_path / "s.sqlite") as store:
        watcher = Watcher([drop], store, SETTINGS, settle=60.0, clock=clock)
        assert watcher.cycle().result is None          # just written: not settled yet
        outcome = watcher.cycle()                      # the same size and time a scan later
        assert outcome.files == 1 and outcome.result is not None
        assert (outcome.result.added, store.count()) == (3, 3)
        assert describe(outcome, "s.sqlite").startswith("1 new or changed file: 3 added")
        assert watcher.cycle().result is None          # nothing new
        write_jsonl(drop / "a.jsonl", range(3, 5))    # appended: read again, only new kept
        clock.now += 120
        outcome = watcher.cycle()
        assert outcome.result is not None
        assert (outcome.result.added, outcome.result.unchanged) == (2, 3)
        write_jsonl(drop / "sub" / "b.jsonl", range(5, 6))
        clock.now += 120
        assert watcher.cycle().result.added == 1      # type: ignore[union-attr]
    # A new watcher on the same store (a restart) takes nothing already ingested.
    with Store(tmp_path / "s.sqlite") as store:
        again = Watcher([drop], store, SETTINGS, settle=0.0)
        assert again.cycle().result is None and store.count() == 6


def test_unreadable_paths_are_reported_once_and_empty_folder_is_quiet(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    with Store(tmp_path / "s.sqlite") as store:
        watcher = Watcher([drop], store, SETTINGS, settle=0.0)
        assert watcher.cycle().skipped == []           # an empty drop folder is normal
        os.mkfifo(drop / "pipe.txt")
        (drop / "loop").symlink_to(drop / "loop")
        first = watcher.cycle()
        assert sorted(r.code for r in first.skipped) == ["E_LINK", "E_NOT_REGULAR"]
        assert watcher.cycle().skipped == []           # not repeated every scan


def test_durations() -> None:
    assert [parse_duration(t) for t in ("10m", "30s", "1h", "1.5")] == [600, 30, 3600, 1.5]
    with pytest.raises(ValueError):
        parse_duration("0s")


def _marsad(*args: str, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "marsad.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as con:
            return con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _wait(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_watch_picks_up_a_dropped_file_and_survives_kill_9(tmp_path: Path) -> None:
    drop, db = tmp_path / "drop", tmp_path / "live.sqlite"
    drop.mkdir()
    watch = _marsad("watch", str(drop), "--db", str(db), "--interval", "0.2", "--settle",
                    "0.3", cwd=tmp_path)
    try:
        # A file copied in under a hidden name and renamed (what rsync and most tools do).
        write_jsonl(drop / ".part", range(2))
        os.rename(drop / ".part", drop / "first.jsonl")
        assert _wait(lambda: _count(db) == 2, 60), "the dropped file was not ingested"
        # A larger drop, killed with SIGKILL while its articles are being stored.
        write_jsonl(drop / ".part", range(2, 242))
        os.rename(drop / ".part", drop / "second.jsonl")
        assert _wait(lambda: _count(db) > 2, 120)
        watch.send_signal(signal.SIGKILL)
        watch.wait(30)
    finally:
        if watch.poll() is None:
            watch.kill()
    interrupted = _count(db)
    print("articles stored when killed:", interrupted)
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # The next start completes the work: every article once.
    again = _marsad("watch", str(drop), "--db", str(db), "--once", "--quiet", cwd=tmp_path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    with sqlite3.connect(db) as con:
        ids = [row[0] for row in con.execute("SELECT id FROM documents")]
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        watched = con.execute("SELECT COUNT(*) FROM watched").fetchone()[0]
    assert sorted(ids) == sorted(f"w{n}" for n in range(242)), (interrupted, len(ids))
    assert watched == 2
    assert "Traceback" not in err


def test_watch_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    watch = _marsad("watch", str(drop), "--db", str(tmp_path / "s.sqlite"), "--interval",
                    "0.2", cwd=tmp_path)
    time.sleep(3)
    watch.send_signal(signal.SIGTERM)
    out, err = watch.communicate(timeout=60)
    assert watch.returncode == 0, err
    assert "stopped" in err and "Traceback" not in err


def test_watch_refuses_what_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("نص", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "marsad.cli", "watch", str(tmp_path / "file.txt"),
                           "--db", str(tmp_path / "s.sqlite")], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2 and "not a folder" in done.stderr


def test_feeds_are_polled_when_due_and_their_stored_entries_skipped(tmp_path: Path) -> None:
    import http.server
    import threading
    items = "".join(f"<item><title>{a['title']}</title><guid>{a['id']}</guid><description>"
                    f"{a['text']}</description></item>" for a in map(article, range(3)))
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "feed.rss").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss><channel><title>واس</title>{items}'
        "</channel></rss>", encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().__init__(*args, directory=str(tmp_path / "site"), **kwargs)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/feed.rss"
    clock = Clock()
    (tmp_path / "drop").mkdir()
    try:
        with Store(tmp_path / "s.sqlite") as store:
            watcher = Watcher([tmp_path / "drop"], store, SETTINGS, feeds=[url], every=600,
                              clock=clock)
            first = watcher.cycle()
            assert first.feeds == 1 and first.result is not None and first.result.added == 3
            assert watcher.cycle().result is None            # not due again yet
            clock.now += 601
            again = watcher.cycle()
            assert again.result is not None
            assert (again.result.added, again.result.unchanged) == (0, 3)
            assert store.count() == 3
    finally:
        server.shutdown()
