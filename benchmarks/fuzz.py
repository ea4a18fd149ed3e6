"""Long fuzz run over the readers and the Arabic text layer (issue 11): 0 crashes expected.

    .venv/bin/python benchmarks/fuzz.py --minutes 60        # atheris (coverage-guided) if installed
    .venv/bin/python benchmarks/fuzz.py --minutes 1 --engine random

Every input goes through one of three targets, chosen by its first byte:
- bytes -> `decode_bytes`: text or InputError(E_ENCODING), never another exception; the text
  has no NUL and encodes to UTF-8;
- bytes -> a file with a fuzzed suffix (.txt .html .json .jsonl .gz .zip .tar .rss .xml
  .warc, none, or a real zip/gzip built around the bytes) -> `read_inputs` -> `clean_record` -> sentences and
  quantities: only RawRecords and Rejections come out, every string encodes to UTF-8, every
  metadata value serialises to JSON, and no reader fails into its last handler (E_STAGE);
- text (with lone surrogates) -> `normalize` (the offset map stays inside the original and is
  monotonic; `fold` agrees), `word_tokens`, `split_sentences` (spans ordered, inside the text),
  `parse_numeral`.
"Crash" means any other exception, or a failed property; each is saved with its input under
benchmarks/results/fuzz-crashes/ and the run goes on. Results: benchmarks/results/fuzz.json,
rewritten every 30 s and at the end.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marsad.arabic.normalize import fold, normalize  # noqa: E402
from marsad.arabic.numbers import parse_numeral  # noqa: E402
from marsad.arabic.sentences import split_sentences  # noqa: E402
from marsad.arabic.tokens import word_tokens  # noqa: E402
from marsad.errors import InputError  # noqa: E402
from marsad.extract.quantities import find_quantities  # noqa: E402
from marsad.ingest import clean_record, decode_bytes, read_inputs  # noqa: E402
from marsad.settings import Settings  # noqa: E402
from marsad.types import RawRecord, Rejection  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CRASHES = RESULTS / "fuzz-crashes"
SUFFIXES = (".txt", ".html", ".json", ".jsonl", ".gz", ".zip", ".tar", "", "built.zip",
            "built.jsonl.gz", ".rss", ".xml", ".warc", "built.warc.gz")
# Small limits so the fuzzer also reaches the "too large" and bomb paths.
SETTINGS = Settings.from_overrides(max_record_bytes=200_000, max_file_bytes=2_000_000,
                                   max_archive_members=50)


class Property(AssertionError):
    """A property of a stage's output that does not hold (counted as a crash)."""


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise Property(what)


def _encodable(value: str | None, what: str) -> None:
    if value is not None:
        _check(isinstance(value, str), f"{what} is not a str")
        value.encode("utf-8")  # raises UnicodeEncodeError on a lone surrogate


def check_decode(data: bytes) -> None:
    try:
        text = decode_bytes(data, "fuzz")
    except InputError:
        return
    _check("\x00" not in text, "decoded text has a NUL")
    _encodable(text, "decoded text")


def _write_input(folder: Path, data: bytes, suffix: str) -> Path:
    if suffix == "built.zip":
        path = folder / "in.zip"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("a/../m.json" if data[:1] == b"[" else "m.jsonl", data)
            archive.writestr("t.txt", data[::-1])
        path.write_bytes(buffer.getvalue())
    elif suffix == "built.jsonl.gz":
        path = folder / "in.jsonl.gz"
        path.write_bytes(gzip.compress(data))
    elif suffix == "built.warc.gz":
        path = folder / "in.warc.gz"
        path.write_bytes(gzip.compress(data))
    else:
        path = folder / f"in{suffix}"
        path.write_bytes(data)
    return path


def check_read(data: bytes, suffix: str, folder: Path) -> None:
    for old in folder.iterdir():
        old.unlink()
    path = _write_input(folder, data, suffix)
    for item in read_inputs([path], SETTINGS):
        if isinstance(item, Rejection):
            for value in (item.input, item.code, item.reason):
                _encodable(value, "rejection field")
            _check("\n" not in item.input, "rejection input has a newline")
            # E_STAGE from a reader is its last handler catching a marsad bug
            _check(item.code != "E_STAGE", f"reader failed: {item.reason}")
            continue
        _check(isinstance(item, RawRecord), f"reader yielded {type(item).__name__}")
        for value in (item.text, item.id, item.title, item.source, item.url, item.published,
                      item.author, item.path):
            _encodable(value, "record field")
        json.dumps(item.metadata, ensure_ascii=False, allow_nan=False).encode("utf-8")
        try:
            document = clean_record(item, SETTINGS)
        except InputError:
            continue
        _encodable(document.text, "document text")
        spans = split_sentences(document.text)
        _check_spans(spans, len(document.text))
        from dataclasses import replace
        document = replace(document, sentences=tuple(spans))
        for quantity in find_quantities(document):
            _check(0 <= quantity.start <= quantity.end <= len(document.text),
                   "quantity outside the text")


def _check_spans(spans, length: int) -> None:  # type: ignore[no-untyped-def]
    last = 0
    for span in spans:
        _check(last <= span.start < span.end <= length, f"bad sentence span {span}")
        last = span.end


def check_text(text: str) -> None:
    normalized = normalize(text)
    n = len(normalized.text)
    if normalized.offsets is not None:
        offsets = normalized.offsets
        _check(len(offsets) == n + 1, "offset map length")
        _check(offsets[-1] == len(text), "offset map end")
        _check(all(0 <= offsets[i] <= offsets[i + 1] for i in range(n)), "offset map order")
        _check(all(offsets[i] < len(text) for i in range(n)), "offset outside the original")
    else:
        _check(n == len(text), "identity map with a length change")
    for start in range(0, n + 1, max(1, n // 7 or 1)):
        a, b = normalized.to_original(start, n)
        _check(0 <= a <= b <= len(text), "to_original outside the original")
    _check(fold(text) == normalized.text, "fold and normalize disagree")
    for token in word_tokens(text):
        _check(0 <= token.start < token.end <= len(text), "token outside the text")
        parse_numeral(token.text)
    _check_spans(split_sentences(text), len(text))


def _commit() -> str | None:
    import subprocess
    try:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


class Stats:
    def __init__(self, engine: str, minutes: float, command: str) -> None:
        self.engine, self.minutes, self.command = engine, minutes, command
        self.started = time.time()
        self.inputs = 0
        self.crashes = 0
        self.per_target = {"decode": 0, "read": 0, "text": 0}
        self.kinds: dict[str, int] = {}
        self.last_write = 0.0

    def crash(self, data: bytes, exc: BaseException) -> None:
        self.crashes += 1
        kind = f"{type(exc).__name__}: {str(exc)[:120]}"
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        if self.kinds[kind] <= 3:
            CRASHES.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha1(data).hexdigest()[:12]
            (CRASHES / f"{digest}.bin").write_bytes(data)
            (CRASHES / f"{digest}.txt").write_text(traceback.format_exc(), encoding="utf-8")

    def write(self, final: bool = False) -> None:
        now = time.time()
        if not final and now - self.last_write < 30:
            return
        self.last_write = now
        RESULTS.mkdir(parents=True, exist_ok=True)
        result = {
            "benchmark": "fuzz", "engine": self.engine, "command": self.command,
            "commit": _commit(),
            "targets": "decode_bytes; read_inputs -> clean_record -> split_sentences -> "
                       "find_quantities; normalize/fold/word_tokens/split_sentences/parse_numeral",
            "planned_minutes": self.minutes, "seconds": round(now - self.started, 1),
            "inputs": self.inputs, "per_target": self.per_target, "crashes": self.crashes,
            "crash_kinds": self.kinds, "finished": final,
            "result": f"{self.crashes} crashes / {self.inputs} inputs",
        }
        tmp = RESULTS / "fuzz.json.tmp"
        tmp.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, RESULTS / "fuzz.json")


def one_input(data: bytes, stats: Stats, folder: Path) -> None:
    if not data:
        return
    stats.inputs += 1
    selector, body = data[0], data[1:]
    try:
        if selector % 3 == 0:
            stats.per_target["decode"] += 1
            check_decode(body)
        elif selector % 3 == 1:
            stats.per_target["read"] += 1
            check_read(body[1:], SUFFIXES[(body[:1] or b"\x00")[0] % len(SUFFIXES)], folder)
        else:
            stats.per_target["text"] += 1
            check_text(body.decode("utf-16-le", "surrogatepass") if len(body) % 2 == 0
                       else body.decode("utf-8", "replace"))
    except Exception as exc:  # noqa: BLE001 - count it, keep the input, go on
        stats.crash(data, exc)


def _warc_seed() -> bytes:
    page = ("<html><head><title>خبر</title></head><body><article><p>" + _ARABIC * 3
            + "</p></article></body></html>").encode("utf-8")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    head = ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://x.sa/1\r\n"
            "WARC-Date: 2015-07-23T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}"
            "\r\n\r\n").encode("ascii")
    return head + http + b"\r\n\r\n"


_ARABIC = ("وقال الوزير إن «الاجتماع» انتهى، مؤكداً أن 4 آلاف طلعة نُفّذت في ٢٠١٥. "
           "مُحَمَّد ـــــ ﻻ \u200f\u202b١٢٫٥ مليون دولار\n")
_SEEDS = [
    b"\x00" + _ARABIC.encode("cp1256", "replace"), b"\x01\x00" + _ARABIC.encode("utf-8"),
    b"\x01\x02" + json.dumps([{"id": "a", "text": _ARABIC}], ensure_ascii=False).encode(),
    b"\x01\x03" + (json.dumps({"text": _ARABIC}) + "\n").encode() * 3,
    b"\x01\x01<html><body><p>" + _ARABIC.encode() * 3 + b"</p></body></html>",
    b"\x02" + _ARABIC.encode("utf-16-le"), b"\x03\xef\xbb\xbf" + _ARABIC.encode(),
    # an RSS feed (suffix .rss) and a WARC response record (suffix .warc)
    b"\x01\x0a" + ('<?xml version="1.0" encoding="utf-8"?><rss><channel><title>سبق</title>'
                   f"<item><title>خبر</title><link>https://x.sa/1</link><description><![CDATA[<p>"
                   f"{_ARABIC}</p>]]></description></item></channel></rss>").encode(),
    b"\x01\x0c" + _warc_seed(),
]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        op = rng.randrange(5)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] = rng.randrange(256)
        elif op == 1:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        elif op == 2 and buf:
            del buf[pos:pos + rng.randint(1, 16)]
        elif op == 3:
            piece = rng.choice([b"[", b"{", b"\\ud83d", b"\x00", b"\xd9", b"\n", b"<", b"\"",
                                b"\xff\xfe", "ـ".encode(), "\u202e".encode()])
            buf[pos:pos] = piece * rng.randint(1, 50)
        else:
            other = rng.choice(_SEEDS)
            buf[pos:pos] = other[rng.randrange(len(other)):][:64]
    return bytes(buf[:rng.choice([64, 512, 4096])] if rng.random() < 0.3 else buf)


def run_random(stats: Stats, deadline: float, folder: Path, seed: int) -> None:
    rng = random.Random(seed)
    corpus = list(_SEEDS)
    while time.time() < deadline:
        data = _mutate(rng, rng.choice(corpus))
        one_input(data, stats, folder)
        if len(corpus) < 500 and rng.random() < 0.05:
            corpus.append(data)
        stats.write()


def run_atheris(stats: Stats, deadline: float, folder: Path) -> None:
    import atheris

    def target(data: bytes) -> None:
        one_input(data, stats, folder)
        stats.write()
        if time.time() >= deadline:
            stats.write(final=True)
            os._exit(0)  # libFuzzer does not return to Python: write the result first

    seeds = folder.parent / "seeds"
    seeds.mkdir(exist_ok=True)
    for n, seed in enumerate(_SEEDS):
        (seeds / f"seed{n}").write_bytes(seed)
    atheris.instrument_all()
    atheris.Setup([sys.argv[0], "-rss_limit_mb=4096", "-max_len=65536", str(seeds)], target)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--engine", choices=("auto", "atheris", "random"), default="auto")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401
            engine = "atheris"
        except ImportError:
            engine = "random"
    command = "python benchmarks/fuzz.py " + " ".join(sys.argv[1:])
    stats = Stats(engine, args.minutes, command)
    deadline = time.time() + args.minutes * 60
    with tempfile.TemporaryDirectory(prefix="marsad-fuzz-") as tmp:
        folder = Path(tmp) / "work"
        folder.mkdir()
        if engine == "atheris":
            run_atheris(stats, deadline, folder)
        else:
            run_random(stats, deadline, folder, args.seed)
    stats.write(final=True)
    print(json.dumps({"inputs": stats.inputs, "crashes": stats.crashes, "kinds": stats.kinds},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
