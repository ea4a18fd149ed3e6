"""Issue 11, item 1: awkward *files and folders* — names, links, FIFOs, sockets, permissions,
archives, huge streamed files — each read or rejected with a stable code, never a hang."""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import tarfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from marsad.errors import (E_ARCHIVE, E_BINARY, E_EMPTY, E_LINK, E_NOT_FOUND, E_NOT_REGULAR,
                           E_TOO_LARGE, E_UNREADABLE)
from marsad.ingest import read_inputs
from marsad.ingest.paths import display_name
from marsad.settings import Settings
from marsad.types import RawRecord, Rejection

SETTINGS = Settings()
ARTICLE = ("وصل وزير الخارجية إلى العاصمة صباح اليوم في زيارة رسمية تستغرق يومين يبحث خلالها "
           "تطورات الأزمة في المنطقة وسبل تعزيز التعاون بين البلدين.")


def read(*paths: str | Path | bytes, settings: Settings = SETTINGS) -> list[RawRecord | Rejection]:
    return list(read_inputs(list(paths), settings))  # type: ignore[arg-type]


def codes(items: list[RawRecord | Rejection]) -> list[str]:
    return ["kept" if isinstance(i, RawRecord) else i.code for i in items]


def _printable(items: list[RawRecord | Rejection]) -> None:
    """Every name and message can be printed and written as UTF-8, on one line."""
    for item in items:
        values = ([item.input, item.reason] if isinstance(item, Rejection)
                  else [item.path or "", item.id or ""])
        for value in values:
            value.encode("utf-8")
            assert "\n" not in value


@pytest.mark.parametrize("name", ["خبر عاجل.txt", "with space.txt", "new\nline.txt",
                                  "-leading-dash.txt", "quote\"and'.txt", "--.txt"])
def test_odd_file_names_are_read(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    items = read(tmp_path)
    assert codes(items) == ["kept"]
    _printable(items)


def test_a_name_that_is_not_utf8_is_read_and_printable(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/\xff\xfe-folder"
    os.mkdir(folder)
    with open(folder + b"/\xe9t\xe9.txt", "wb") as handle:
        handle.write(ARTICLE.encode("utf-8"))
    items = read(os.fsdecode(folder))
    assert codes(items) == ["kept"]
    _printable(items)
    assert "\\xff\\xfe-folder" in items[0].path  # type: ignore[union-attr]
    assert display_name(b"a\xffb\nc.txt") == "a\\xffb\\nc.txt"


def test_links_loops_and_dangling_links(tmp_path: Path) -> None:
    (tmp_path / "real.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink("real.txt", tmp_path / "alias.txt")
    os.symlink("nowhere.txt", tmp_path / "dangling.txt")
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    (tmp_path / "sub").mkdir()
    os.symlink("..", tmp_path / "sub" / "up")          # a folder loop
    items = read(tmp_path)
    by_name = {Path(i.input if isinstance(i, Rejection) else i.path or "").name: i for i in items}
    assert isinstance(by_name["alias.txt"], RawRecord)
    assert isinstance(by_name["real.txt"], RawRecord)
    assert by_name["dangling.txt"].code == E_LINK       # type: ignore[union-attr]
    assert by_name["loop-a"].code == E_LINK             # type: ignore[union-attr]
    assert by_name["up"].code == E_LINK                 # type: ignore[union-attr]
    assert codes(read(tmp_path / "dangling.txt")) == [E_LINK]


def test_fifos_sockets_and_devices_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")                    # opening it for reading would block
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock.txt"))
    try:
        started = time.monotonic()
        items = read(tmp_path, "/dev/null", "/dev/zero")
        assert time.monotonic() - started < 5
    finally:
        server.close()
    assert codes(items) == [E_NOT_REGULAR] * 4
    assert "FIFO" in items[0].reason                    # type: ignore[union-attr]


def test_missing_unreadable_and_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert codes(read(tmp_path / "absent.txt")) == [E_NOT_FOUND]
    (tmp_path / "empty-folder").mkdir()
    assert codes(read(tmp_path / "empty-folder")) == [E_EMPTY]
    locked = tmp_path / "locked.txt"
    locked.write_text(ARTICLE, encoding="utf-8")
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    # Root reads chmod 000 files, so the refusal is simulated where the reader opens files.
    monkeypatch.setattr(os, "open", refuse)
    [rejection] = read(locked)
    assert isinstance(rejection, Rejection) and rejection.code == E_UNREADABLE
    assert "Permission denied" in rejection.reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_chmod_000_file_is_unreadable(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(ARTICLE, encoding="utf-8")
    locked.chmod(0)
    assert codes(read(locked)) == [E_UNREADABLE]


def test_a_huge_text_file_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)               # sparse: nothing is written to disk
    started = time.monotonic()
    [rejection] = read(path)
    assert time.monotonic() - started < 1
    assert isinstance(rejection, Rejection) and rejection.code == E_TOO_LARGE
    assert "max_record_bytes" in rejection.reason or "max_record_bytes" in str(rejection)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_members_are_read_with_their_names_and_no_path_escapes(tmp_path: Path) -> None:
    records = json.dumps([{"id": "z1", "text": ARTICLE}, {"id": "z2", "text": ARTICLE + "!"}],
                         ensure_ascii=False).encode("utf-8")
    out = tmp_path / "out"
    out.mkdir()
    archive = _zip(out / "day.zip", {"../../escape.json": records, "folder/a.txt":
                                     ARTICLE.encode(), "inner.zip": b"PK\x05\x06" + bytes(18),
                                     "folder/": b""})
    items = read(archive)
    assert codes(items) == ["kept", "kept", "kept", E_ARCHIVE]
    assert items[0].metadata["input"] == f"{archive}!../../escape.json#0"  # type: ignore
    assert items[2].path == f"{archive}!folder/a.txt"                     # type: ignore
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["day.zip", "out"]  # nothing extracted


def test_archive_limits_and_bombs(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.zip", {"big.txt": b" " * (30 * 1024 * 1024)})
    assert codes(read(bomb)) == [E_ARCHIVE]
    gz_bomb = tmp_path / "bomb.jsonl.gz"
    gz_bomb.write_bytes(gzip.compress(b"\n" * (30 * 1024 * 1024)))
    assert codes(read(gz_bomb))[-1] == E_ARCHIVE
    many = _zip(tmp_path / "many.zip", {f"{n}.txt": ARTICLE.encode() for n in range(5)})
    settings = Settings.from_overrides(max_archive_members=3)
    assert codes(read(many, settings=settings)) == ["kept"] * 3 + [E_ARCHIVE]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert codes(read(broken)) == [E_ARCHIVE]
    (tmp_path / "empty.gz").write_bytes(b"")
    assert codes(read(tmp_path / "empty.gz")) == [E_EMPTY]
    (tmp_path / "fake.gz").write_bytes(b"not gzip at all")
    assert codes(read(tmp_path / "fake.gz")) in ([E_ARCHIVE], [E_BINARY])


def test_tar_and_tgz_archives(tmp_path: Path) -> None:
    for suffix, mode in ((".tar", "w"), (".tar.gz", "w:gz"), (".tgz", "w:gz")):
        path = tmp_path / f"a{suffix}"
        with tarfile.open(path, mode) as archive:
            for name, data in (("x/one.txt", ARTICLE.encode()),
                               ("two.jsonl", (json.dumps({"text": ARTICLE}) + "\n").encode())):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            link = tarfile.TarInfo("link.txt")
            link.type = tarfile.SYMTYPE
            link.linkname = "/etc/passwd"
            archive.addfile(link)
        items = read(path)
        assert codes(items) == ["kept", "kept", E_NOT_REGULAR], suffix
        assert items[0].path == f"{path}!x/one.txt"      # type: ignore[union-attr]


def test_gzip_of_one_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress(ARTICLE.encode()))
    [record] = read(path)
    assert isinstance(record, RawRecord) and record.text == ARTICLE and record.id == "a"


def _tiny_records(count: int) -> str:
    words = ["الوزير", "العاصمة", "الاجتماع", "المجلس", "الحكومة", "الرئيس", "البرلمان"]
    return "".join(json.dumps({"id": f"r{n}", "text": f"وصل {words[n % 7]} {n} إلى {words[n // 7 % 7]}"
                                            f" اليوم"}, ensure_ascii=False) + "\n"
                   for n in range(count))


def test_100k_tiny_records_are_read_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "tiny.jsonl"
    path.write_text(_tiny_records(100_000), encoding="utf-8")
    started = time.perf_counter()
    items = read(path)
    elapsed = time.perf_counter() - started
    assert len(items) == 100_000 and all(isinstance(i, RawRecord) for i in items[:: 997])
    assert elapsed < 20, elapsed  # ~1.5 s on the 2-core machine


def test_jsonl_above_the_record_limit_is_streamed_with_flat_memory(tmp_path: Path) -> None:
    # A file 40 times the (lowered) record limit: streamed record by record; memory follows
    # one record, not the file.
    path = tmp_path / "dump.jsonl"
    line = json.dumps({"text": ARTICLE * 20}, ensure_ascii=False) + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        for n in range(4_000):
            handle.write(line)
    settings = Settings.from_overrides(max_record_bytes=len(line.encode()) * 10)
    assert path.stat().st_size > 40 * settings.max_record_bytes
    tracemalloc.start()
    count = sum(1 for item in read_inputs([path], settings) if isinstance(item, RawRecord))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 4_000
    assert peak < path.stat().st_size / 4, peak


def test_json_array_above_the_record_limit_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    records = [{"id": f"a{n}", "text": ARTICLE + f" {n}"} for n in range(3_000)]
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    settings = Settings.from_overrides(max_record_bytes=20_000)
    items = list(read_inputs([path], settings))
    assert codes(items) == ["kept"] * 3_000 and items[-1].id == "a2999"  # type: ignore
    path.write_text(json.dumps({"articles": records}, ensure_ascii=False), encoding="utf-8")
    [rejection] = read_inputs([path], settings)
    assert isinstance(rejection, Rejection) and rejection.code == E_TOO_LARGE


def test_duplicate_ids_and_file_stems(tmp_path: Path) -> None:
    from marsad.pipeline import run
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b" / "same.txt").write_text(ARTICLE.replace("اليوم", "أمس"), encoding="utf-8")
    (tmp_path / "ids.jsonl").write_text(
        json.dumps({"id": "x", "text": ARTICLE + " أ"}) + "\n"
        + json.dumps({"id": "x", "text": ARTICLE + " ب"}) + "\n"
        + json.dumps({"id": "x", "text": ARTICLE + " أ"}) + "\n", encoding="utf-8")
    analysis = run([tmp_path], Settings.from_overrides(background_idf=False))
    ids = sorted(d.id for d in analysis.documents)
    assert ids == ["same", "same-2", "x"]
    assert [r.code for r in analysis.rejected] == ["E_DUPLICATE_ID"]


@pytest.mark.shared
def test_a_real_news_zip_is_read(shared_dir: Path) -> None:
    archive = shared_dir / "data" / "saudinewsnet-more" / "2015-07-23.zip"
    if not archive.exists():
        pytest.skip(f"needs {archive}")
    items = read(archive)
    kept = [i for i in items if isinstance(i, RawRecord)]
    assert len(kept) > 1_000
    # The few others are records of the corpus without text.
    assert all(i.code == "E_EMPTY" for i in items if isinstance(i, Rejection))
    assert kept[0].metadata["input"].startswith(f"{archive}!2015-07-23.json#0")
