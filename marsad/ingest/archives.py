"""Sources: one file, or one member of a zip/tar/gzip archive, opened as a bounded byte stream.

Archives are read in place, member by member (named `archive.zip!folder/member.json`); nothing is
extracted to disk, so a member called `../../etc/passwd` is only a name. Limits: the number of
members, each member's uncompressed size and the whole archive's (`max_file_bytes`), and the
compression ratio (a 1 MB file that inflates to 10 GB is a bomb, refused once it shows).
"""

from __future__ import annotations

import gzip
import io
import os
import stat
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from marsad.errors import E_ARCHIVE, E_NOT_REGULAR, E_UNREADABLE, InputError
from marsad.ingest.paths import display_name
from marsad.settings import Settings
from marsad.types import Rejection

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip", ".gz")
# Below this many uncompressed bytes the ratio is not checked: a small file of spaces
# compresses 1000:1 and is harmless.
_RATIO_FLOOR = 1 << 20


@dataclass(frozen=True)
class Source:
    """Something to read: `name` for messages, `stem` for ids, `suffix` chooses the reader."""

    name: str
    stem: str
    suffix: str
    size: int | None                    # uncompressed bytes when known in advance
    open: Callable[[], BinaryIO]


def archive_suffix(file_name: str) -> str | None:
    """The archive kind of a file name (".zip", ".tar.gz"...), or None for a plain file."""
    lower = file_name.lower()
    return next((s for s in ARCHIVE_SUFFIXES if lower.endswith(s)), None)


def split_name(file_name: str) -> tuple[str, str]:
    """(stem, suffix) of a file or member name: "a/b.JSONL" -> ("b", ".jsonl")."""
    pure = PurePosixPath(file_name)
    return pure.stem, pure.suffix.lower()


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open a file for reading without ever blocking: O_NONBLOCK, and a FIFO or device that
    replaced the checked file since is refused after opening (fstat)."""
    name = display_name(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(name, f"cannot open the file ({exc.strerror})",
                         "check its permissions", code=E_UNREADABLE) from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(name, "not a regular file; it is not read", code=E_NOT_REGULAR)
    return os.fdopen(fd, "rb")


class _Capped(io.RawIOBase):
    """A stream that raises InputError(E_ARCHIVE) once more than `cap` bytes came out of it,
    or once its output is `ratio` times the compressed size (a compression bomb)."""

    def __init__(self, inner: BinaryIO, name: str, cap: int, compressed: int,
                 ratio: float) -> None:
        self._inner, self._name, self._cap = inner, name, cap
        self._compressed, self._ratio = max(compressed, 1), ratio
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self._inner.read(len(buffer))
        self._count += len(data)
        if self._count > self._cap:
            raise InputError(self._name, f"uncompressed content is above {self._cap:,} bytes "
                             "(max_file_bytes)", code=E_ARCHIVE)
        if self._count > _RATIO_FLOOR and self._count > self._ratio * self._compressed:
            raise InputError(self._name, f"expands more than {self._ratio:g} times: refused as "
                             "a compression bomb", "raise max_compression_ratio if it is "
                             "genuine", code=E_ARCHIVE)
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _capped(opener: Callable[[], BinaryIO], name: str, cap: int, compressed: int,
            settings: Settings) -> Callable[[], BinaryIO]:
    def open_() -> BinaryIO:
        return io.BufferedReader(_Capped(opener(), name, cap, compressed,
                                         settings.max_compression_ratio), 1 << 16)
    return open_


def plain_source(path: str | os.PathLike[str], size: int) -> Source:
    name = display_name(path)
    stem, suffix = split_name(name)
    return Source(name, stem, suffix, size, lambda: open_regular(path))


def archive_sources(path: str | os.PathLike[str], kind: str, size: int,
                    settings: Settings) -> Iterator[Source | Rejection]:
    """The members of the archive at `path` as Sources (or why a member is not read)."""
    name = display_name(path)
    if kind == ".gz":
        inner = display_name(os.path.basename(os.fsdecode(path)))[:-3]
        stem, suffix = split_name(inner)
        yield Source(name, stem, suffix, None,
                     _capped(lambda: gzip.GzipFile(fileobj=open_regular(path)), name,
                             settings.max_file_bytes, size, settings))
        return
    try:
        if kind == ".zip":
            yield from _zip_sources(path, name, size, settings)
        else:
            yield from _tar_sources(path, name, size, settings)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, gzip.BadGzipFile,
            ValueError, NotImplementedError) as exc:
        raise InputError(name, f"cannot read the archive: {exc}", code=E_ARCHIVE) from exc


def _member_problem(archive: str, member: str, settings: Settings, count: int, total: int,
                    size: int, compressed: int) -> Rejection | None:
    where = f"{archive}!{member}"
    if count > settings.max_archive_members:
        return Rejection(archive, E_ARCHIVE, f"more than {settings.max_archive_members:,} "
                         "members (max_archive_members); the rest is not read")
    if archive_suffix(member) is not None:
        return Rejection(where, E_ARCHIVE, "an archive inside an archive is not read",
                         )
    if total > settings.max_file_bytes:
        return Rejection(archive, E_ARCHIVE, f"members add up to more than "
                         f"{settings.max_file_bytes:,} bytes (max_file_bytes); the rest is not "
                         "read")
    if size > _RATIO_FLOOR and size > settings.max_compression_ratio * max(compressed, 1):
        return Rejection(where, E_ARCHIVE, f"expands {size / max(compressed, 1):,.0f} times: "
                         "refused as a compression bomb")
    return None


def _zip_sources(path: str | os.PathLike[str], name: str, size: int,
                 settings: Settings) -> Iterator[Source | Rejection]:
    handle = open_regular(path)
    archive = zipfile.ZipFile(handle)
    count = total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        # Zip files made on Windows may separate folders with backslashes.
        member = display_name(info.filename.replace("\\", "/"))
        count += 1
        total += info.file_size
        problem = _member_problem(name, member, settings, count, total, info.file_size,
                                  info.compress_size)
        if problem is not None:
            yield problem
            if problem.input == name:
                return  # an archive-wide limit: stop here
            continue
        if info.flag_bits & 0x1:
            yield Rejection(f"{name}!{member}", E_ARCHIVE, "the member is encrypted")
            continue
        stem, suffix = split_name(member)
        yield Source(f"{name}!{member}", stem, suffix, info.file_size,
                     _capped(lambda info=info: archive.open(info), f"{name}!{member}",
                             min(info.file_size, settings.max_file_bytes), info.compress_size,
                             settings))


def _tar_sources(path: str | os.PathLike[str], name: str, size: int,
                 settings: Settings) -> Iterator[Source | Rejection]:
    handle = open_regular(path)
    archive = tarfile.open(fileobj=handle, mode="r:*")
    count = total = 0
    for info in archive:   # lazily: a bomb is stopped at its first huge member
        if info.isdir():
            continue
        member = display_name(info.name)
        if not info.isfile():
            yield Rejection(f"{name}!{member}", E_NOT_REGULAR,
                            "a link or device inside the archive is not read")
            continue
        count += 1
        total += info.size
        # Members of a compressed tar share one compressed size: the ratio is the whole's.
        problem = _member_problem(name, member, settings, count, total, total, size)
        if problem is not None:
            yield problem
            if problem.input == name:
                return
            continue
        stem, suffix = split_name(member)
        data_opener = (lambda info=info: archive.extractfile(info))  # noqa: E731
        yield Source(f"{name}!{member}", stem, suffix, info.size,
                     _capped(data_opener, f"{name}!{member}",  # type: ignore[arg-type]
                             min(info.size, settings.max_file_bytes), size, settings))
