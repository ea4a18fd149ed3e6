"""Encoding detection: every encoding Arabic news files come in, and bytes that are not text."""

from __future__ import annotations

import codecs
import random

import pytest

from marsad.errors import E_ENCODING, InputError
from marsad.ingest.encoding import binary_reason, decode_bytes

ARTICLE = ("أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في المدينة بسعة مئتي سرير.\r\n"
           "وقال المتحدث باسم الوزارة إن المستشفى سيخدم أكثر من نصف مليون نسمة.")
EXPECTED = ARTICLE.replace("\r\n", "\n")


@pytest.mark.parametrize("encoding", [
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
    "utf-32-be", "cp1256", "iso8859_6",
])
def test_decodes_arabic_in_every_supported_encoding(encoding: str) -> None:
    assert decode_bytes(ARTICLE.encode(encoding), "a.txt") == EXPECTED


@pytest.mark.parametrize("encoding,bom", [
    ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-32-le", codecs.BOM_UTF32_LE),
])
def test_bom_is_consumed_not_kept(encoding: str, bom: bytes) -> None:
    text = decode_bytes(bom + ARTICLE.encode(encoding), "a.txt")
    assert text == EXPECTED and not text.startswith("\ufeff")


@pytest.mark.parametrize("text", ["موسكو-سانا", "بدأت", "قال: «نعم» بنسبة 25%",
                                  "الرياض - واس"])
def test_short_windows_1256_is_not_mistaken_for_another_code_page(text: str) -> None:
    # charset-normalizer alone calls some of these cp932 or mac encodings.
    assert decode_bytes(text.encode("cp1256"), "a.txt") == text


def test_utf16_without_bom_and_without_spaces() -> None:
    # Pure Arabic in UTF-16 has no NUL bytes at all; the 0x06 high bytes give it away.
    text = "مرحباللعالم"
    assert decode_bytes(text.encode("utf-16-le"), "a.txt") == text
    assert decode_bytes(text.encode("utf-16-be"), "a.txt") == text


def test_latin_texts_in_windows_code_page() -> None:
    text = "Le président a déjà visité la région, a-t-il dit à la presse."
    assert decode_bytes(text.encode("cp1252"), "a.txt") == text


def test_only_newlines_are_normalised() -> None:
    text = "سطر\r\nسطر\rسطر\u200f مع\u200c علامات\u0640 وتشكيلٌ"
    assert decode_bytes(text.encode("utf-8"), "a.txt") == text.replace("\r\n", "\n").replace(
        "\r", "\n")


def test_control_garbage_is_an_encoding_error_naming_the_input() -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(bytes(range(1, 9)) * 40, "junk.dat")
    assert info.value.code == E_ENCODING and "junk.dat" in str(info.value)


def test_binary_reasons() -> None:
    assert binary_reason(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20) == "a PNG image"
    assert binary_reason(b"%PDF-1.7 ...") == "a PDF document"
    assert binary_reason(b"PK\x03\x04rest") is not None
    noise = bytes(random.Random(7).randrange(256) for _ in range(2000)) + b"\x00\x00"
    assert binary_reason(noise) is not None
    assert binary_reason(ARTICLE.encode("utf-16-le")) is None      # NULs explained by UTF-16
    assert binary_reason(ARTICLE.encode("utf-8")) is None
