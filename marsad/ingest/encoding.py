"""Bytes to text: detect the encoding (never assume it) and refuse what is not text.

Order of evidence, strongest first: a byte-order mark; the NUL-byte pattern of UTF-16/UTF-32
without a BOM; strict UTF-8 (which almost never decodes by accident); then single-byte Arabic
code pages. charset-normalizer is consulted for the last step, but its guess is only one
candidate: on short Arabic it often picks cp932, cp1252 or mac encodings, so every candidate is
scored by how much the decoded text looks like words of one script, and Windows-1256 wins ties
(it is what Arabic sites and Windows editors actually produce).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from marsad.errors import E_ENCODING, InputError

# Magic numbers of formats people drop into a news folder by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3", "an MP3 file"),
    (b"\x28\xb5\x2f\xfd", "a zstd-compressed file"),
)
_TAR_MAGIC_OFFSET = 257
# C0 controls that text never has (tab, newlines, form feed and escape excluded).
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 27), *range(28, 32)])

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Single-byte code pages tried for Arabic; cp1256 first so it wins ties.
_SINGLE_BYTE = ("cp1256", "iso8859_6", "cp720", "mac_arabic")

_NEWLINES = re.compile(r"\r\n?")
_WORD = re.compile(r"\w+")


def _bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _wide_candidates(data: bytes) -> list[str]:
    """UTF-16/32 encodings that the NUL pattern of BOM-less `data` makes plausible."""
    sample = data[:4096]
    if len(sample) < 2:
        return []
    even, odd = sample[0::2], sample[1::2]
    candidates: list[str] = []
    # UTF-32: ASCII and Arabic both leave the two high bytes of every unit at zero.
    if len(data) % 4 == 0 and sample.count(b"\x00") >= len(sample) // 2:
        candidates += ["utf-32-le", "utf-32-be"]
    if len(data) % 2 == 0:
        # ASCII/Latin in UTF-16 leaves NULs on one side; Arabic leaves 0x06 bytes there
        # (U+06xx), with NULs only at spaces and punctuation.
        high_le = sum(1 for b in odd if b in (0x00, 0x06)) / max(len(odd), 1)
        high_be = sum(1 for b in even if b in (0x00, 0x06)) / max(len(even), 1)
        if high_le >= 0.5:
            candidates.append("utf-16-le")
        if high_be >= 0.5:
            candidates.append("utf-16-be")
    return candidates


def binary_reason(data: bytes) -> str | None:
    """Why `data` is not text (e.g. "a PNG image"), or None when it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data[_TAR_MAGIC_OFFSET:_TAR_MAGIC_OFFSET + 5] == b"ustar":
        return "a tar archive"
    head = data[:65536]
    if b"\x00" in head and _bom_encoding(data) is None:
        if _decode_wide(data) is not None:
            return None
        controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
        if controls <= _MAX_STRAY_NUL_SHARE * len(head):
            try:
                rest = decode_bytes(head.replace(b"\x00", b""), "")
            except InputError:
                pass
            else:
                # A few stray NULs in a text of words (decode_bytes drops them).
                if sum(1 for ch in rest if ch.isspace()) >= len(rest) / 50:
                    return None
        return "binary data (NUL bytes not explained by UTF-16 or UTF-32)"
    return None


def _is_plausible_char(ch: str) -> bool:
    if ch in "\n\t\r\f\v":
        return True
    category = unicodedata.category(ch)
    # Controls, unassigned code points, surrogates and private use never occur in news text.
    return category not in ("Cc", "Cn", "Cs", "Co")


def _plausibility(text: str) -> float:
    """Share of characters that can occur in real text (not controls or unassigned)."""
    sample = text[:20000]
    if not sample:
        return 1.0
    good = sum(1 for ch in sample if _is_plausible_char(ch))
    return good / len(sample)


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x08FF or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if code < 0x0250:
        return "latin"
    if 0x0370 <= code <= 0x03FF:
        return "greek"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x0590 <= code <= 0x05FF:
        return "hebrew"
    return "other"


def _single_byte_score(text: str) -> float:
    """How much a single-byte decoding looks like real words: higher is better.

    A wrong Arabic code page turns some letters into Latin accents or symbols, so words come
    out in mixed scripts; the right one gives words of one script.
    """
    sample = text[:20000]
    letters_in_clean_words = 0
    letters = 0
    for word in _WORD.findall(sample):
        word_letters = [ch for ch in word if ch.isalpha()]
        if not word_letters:
            continue
        letters += len(word_letters)
        scripts = {_script(ch) for ch in word_letters}
        if len(scripts) == 1 and "other" not in scripts:
            letters_in_clean_words += len(word_letters)
    if not letters:
        return 0.0
    # Wrong code pages also produce box-drawing and maths symbols where letters should be.
    visible = [ch for ch in sample if not ch.isspace()]
    symbols = sum(1 for ch in visible if unicodedata.category(ch) in ("So", "Sm", "Sk", "No"))
    symbol_penalty = max(0.0, 1.0 - 3.0 * symbols / max(len(visible), 1))
    # ... and Arabic vowel marks at a density only fully vocalised (Quranic) text has.
    marks = sum(1 for ch in visible if unicodedata.category(ch) == "Mn")
    mark_penalty = 0.5 if marks > 0.25 * (letters + marks) else 1.0
    return (letters_in_clean_words / letters * _plausibility(sample) * symbol_penalty
            * mark_penalty)


def _arabic_share(text: str) -> float:
    letters = [ch for ch in text[:20000] if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _script(ch) == "arabic") / len(letters)


def _fail(name: str, what: str) -> InputError:
    return InputError(name, f"cannot decode the bytes as text ({what})",
                      "save the file as UTF-8, or as Windows-1256 for Arabic", code=E_ENCODING)


def _finish(text: str) -> str:
    # Only newlines are normalised; every other character stays as the file has it (NUL is
    # not a character of any text: dropped).
    return _NEWLINES.sub("\n", text).replace("\x00", "")


def decode_bytes(data: bytes, name: str) -> str:
    """Decode `data` (from input `name`) to text; raise InputError(E_ENCODING) if it is not text.

    A few damaged bytes (a cut multi-byte sequence, a truncated UTF-16 unit) become U+FFFD
    instead of losing the article; a file whose lines mix UTF-8 and an Arabic code page is
    decoded line by line. Stray NUL bytes in otherwise readable text are dropped.
    """
    bom = _bom_encoding(data)
    if bom is not None:
        encoding, skip = bom
        try:
            return _finish(data[skip:].decode(encoding))
        except UnicodeDecodeError as exc:
            damaged = _damaged(data[skip:], encoding)
            if damaged is None:
                raise _fail(name, f"{encoding} byte-order mark but invalid {encoding}: "
                            f"{exc.reason}") from None
            return _finish(damaged)
    if b"\x00" in data:
        wide = _decode_wide(data)
        if wide is not None:
            return _finish(wide)
        if len(data) - len(data.translate(None, _CONTROL_BYTES)) > _MAX_STRAY_NUL_SHARE * len(data):
            raise _fail(name, "NUL bytes but no UTF-16/UTF-32 pattern")
        # A few NULs in a text (a bad copy, a C program's terminator): not part of the text.
        data = data.replace(b"\x00", b"")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _plausibility(text) >= 0.95:
            return _finish(text)
        # Arabic UTF-16 without spaces has no NULs but is "valid UTF-8" full of 0x06 controls.
        wide = _decode_wide(data)
        if wide is not None:
            return _finish(wide)
        raise _fail(name, "valid UTF-8 but full of control characters")
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return _finish(mixed)
    encoding = _single_byte_encoding(data)
    if encoding is None:
        raise _fail(name, "not UTF-8, and no single-byte encoding gives readable words")
    return _finish(data.decode(encoding, "replace"))


# Above this share of NUL bytes a file without a UTF-16/32 pattern is binary, not damaged text.
_MAX_STRAY_NUL_SHARE = 0.01
# A line is damaged UTF-8 (kept, bad bytes as U+FFFD) when its valid multi-byte sequences
# outnumber its invalid bytes this many times; a Windows-1256 line has almost no valid ones.
_DAMAGED_UTF8_RATIO = 4
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def _damaged(data: bytes, encoding: str) -> str | None:
    """`data` decoded with a few bad units replaced by U+FFFD, or None when too many are bad."""
    if encoding == "utf-8":
        return _mostly_utf8(data)
    text = data.decode(encoding, "replace")
    bad = text.count("\ufffd")
    return text if bad <= max(1, len(text) // 100) and _plausibility(text) >= 0.9 else None


def _mostly_utf8(data: bytes) -> str | None:
    """Text that is UTF-8 with some damage, or UTF-8 lines mixed with code-page lines; None
    when nothing shows UTF-8 (the whole file is then one single-byte encoding)."""
    lines = data.split(b"\n")
    decoded: list[str | None] = []
    foreign: list[int] = []
    evidence = 0
    for number, line in enumerate(lines):
        valid = len(_UTF8_SEQUENCE.findall(line))
        try:
            decoded.append(line.decode("utf-8"))
            evidence += valid
            continue
        except UnicodeDecodeError:
            pass
        repaired = line.decode("utf-8", "replace")
        invalid = repaired.count("\ufffd") - line.count(b"\xef\xbf\xbd")
        if valid >= _DAMAGED_UTF8_RATIO * invalid:
            decoded.append(repaired)
            evidence += valid
        else:
            decoded.append(None)
            foreign.append(number)
    if evidence == 0:
        return None
    if foreign:
        encoding = _single_byte_encoding(b"\n".join(lines[n] for n in foreign))
        if encoding is None:
            foreign_bytes = sum(len(lines[n]) for n in foreign)
            if foreign_bytes > 0.1 * len(data):
                return None
            encoding = "utf-8"  # a little garbage in a UTF-8 text: shown as U+FFFD
        for n in foreign:
            decoded[n] = lines[n].decode(encoding, "replace")
    text = "\n".join(line or "" for line in decoded)
    return text if _plausibility(text) >= 0.9 else None


def _single_byte_encoding(data: bytes) -> str | None:
    """The single-byte (or charset-normalizer's) encoding whose decoding of `data` reads best."""
    candidates: list[tuple[float, int, str]] = []
    for rank, encoding in enumerate(_SINGLE_BYTE):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Only accept an Arabic code page when it yields mostly Arabic letters; otherwise a
        # Latin text in cp1252 would be read as cp1256 (both decode every byte).
        if _arabic_share(text) >= 0.5:
            candidates.append((_single_byte_score(text), -rank, encoding))
    try:
        latin = data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    else:
        # Western European text saved by Windows: more common than whatever a short sample
        # makes charset-normalizer guess (cp1250 turns "déjà" into "déjŕ").
        if _arabic_share(latin) < 0.5:
            candidates.append((_single_byte_score(latin), -len(_SINGLE_BYTE), "cp1252"))
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        encoding, text = guess
        # Ranked after our Arabic code pages: it must be strictly better to win.
        candidates.append((_single_byte_score(text), -len(_SINGLE_BYTE) - 1, encoding))
    candidates = [c for c in candidates if c[0] >= 0.8]
    if not candidates:
        return None
    candidates.sort(reverse=True)
    return candidates[0][2]


def _decode_wide(data: bytes) -> str | None:
    """The most plausible UTF-16/UTF-32 decoding of BOM-less `data`, or None (an odd last byte,
    a cut UTF-16 unit, becomes U+FFFD)."""
    if len(data) % 2 and len(data) > 2:
        rest = _decode_wide(data[:-1])
        return rest + "\ufffd" if rest is not None else None
    best: tuple[float, str] | None = None
    for encoding in _wide_candidates(data):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = _plausibility(text)
        if score >= 0.9 and (best is None or score > best[0]):
            best = (score, text)
    return best[1] if best is not None else None


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best guess as (encoding, text), or None."""
    from charset_normalizer import from_bytes  # imported lazily: slow-ish, rarely needed

    best = from_bytes(data).best()
    if best is None:
        return None
    return best.encoding, str(best)
