"""Paths in, regular files out: folder walking that never blocks, loops or crashes on a name.

A news folder holds whatever people drop in it: names that are not valid UTF-8 (old archives,
zip files from Windows), names with newlines or leading dashes, symlink loops, dangling links,
FIFOs, sockets and devices. Each of these becomes a `Rejection` with a stable code, never a hang
(a FIFO is never opened) or a crash while printing its name.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from marsad.errors import E_EMPTY, E_LINK, E_NOT_FOUND, E_NOT_REGULAR
from marsad.types import Rejection

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


def display_name(path: str | os.PathLike[str] | bytes) -> str:
    """`path` as a printable one-line string: undecodable bytes as `\\xNN`, controls escaped.

    Python keeps a name that is not valid UTF-8 as lone surrogates (surrogateescape); printing
    those, writing them to JSON or to SQLite raises UnicodeEncodeError, so every message and
    every record uses this form instead.
    """
    raw = os.fsencode(path)
    text = raw.decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    # Newlines and other controls in a name would break the one-line messages.
    return "".join(ch if ch.isprintable() or ch == " " else
                   ch.encode("unicode_escape").decode("ascii") for ch in text)


def _kind(mode: int) -> str | None:
    for test, what in _KINDS:
        if test(mode):
            return what
    return None


def check_file(path: Path) -> Rejection | None:
    """Why `path` (given or found) cannot be read as a regular file, or None when it can."""
    name = display_name(path)
    try:
        info = path.lstat()
    except OSError as exc:
        return Rejection(name, E_NOT_FOUND, f"no such file or folder ({exc.strerror})")
    if stat.S_ISLNK(info.st_mode):
        try:
            info = path.stat()
        except OSError as exc:
            # ELOOP for a loop, ENOENT for a link to nothing.
            what = "a symlink loop" if exc.errno == 40 else "a dangling symlink"
            return Rejection(name, E_LINK, f"{what} ({exc.strerror})")
    kind = _kind(info.st_mode)
    if kind is not None:
        return Rejection(name, E_NOT_REGULAR, f"not a regular file but {kind}; it is not opened",
                         )
    return None


def walk_inputs(paths: Sequence[str | os.PathLike[str]]) -> Iterator[Path | Rejection]:
    """Regular files under `paths` (folders recursively, sorted), or why one is skipped."""
    for given in paths:
        path = Path(given)
        try:
            is_dir = path.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            # Sorted by relative path over the whole tree ("a.txt" before "a/b.txt"), so the
            # order of articles does not depend on the file system.
            found = sorted(_walk(path, set()), key=lambda item: _sort_key(item, path))
            yield from found
            continue
        problem = check_file(path)
        yield problem if problem is not None else path


def _sort_key(item: Path | Rejection, top: Path) -> bytes:
    where = item if isinstance(item, Path) else None
    if where is None:
        return os.fsencode(item.input)
    try:
        return where.relative_to(top).as_posix().encode("utf-8", "surrogateescape")
    except ValueError:
        return os.fsencode(where)


def _walk(folder: Path, visited: set[tuple[int, int]]) -> Iterator[Path | Rejection]:
    """Files under `folder`, skipping hidden ones (.git, .DS_Store) and not following a symlink
    back into a folder already being walked (a loop would recurse forever)."""
    name = display_name(folder)
    try:
        info = folder.stat()
    except OSError as exc:
        yield Rejection(name, E_LINK if folder.is_symlink() else E_NOT_FOUND,
                        f"cannot open the folder ({exc.strerror})")
        return
    key = (info.st_dev, info.st_ino)
    if key in visited:
        yield Rejection(name, E_LINK, "a symlink loop back into a folder already being read; "
                        "skipped")
        return
    visited = visited | {key}
    try:
        with os.scandir(folder) as entries:
            names = sorted((entry.name for entry in entries), key=os.fsencode)
    except OSError as exc:
        yield Rejection(name, E_NOT_FOUND, f"cannot list the folder ({exc.strerror})")
        return
    found = False
    for entry_name in names:
        if entry_name.startswith("."):
            continue
        child = folder / entry_name
        found = True
        try:
            is_dir = child.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(child, visited)
            continue
        problem = check_file(child)
        yield problem if problem is not None else child
    if not found:
        yield Rejection(name, E_EMPTY, "the folder has no files to read")
