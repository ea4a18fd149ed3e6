"""Arabic number words and digits (marsad.arabic.numbers)."""

from __future__ import annotations

import pytest

from marsad.arabic.numbers import parse_arabic_number, parse_number, parse_numeral

CASES = [
    ("واحد", 1, 1), ("ثلاثة", 3, 1), ("ثلاث", 3, 1), ("ثمانى", 8, 1), ("ثماني", 8, 1),
    ("ثمان", 8, 1), ("عشرة", 10, 1), ("عشر", 10, 1), ("أحد عشر", 11, 2), ("إحدى عشرة", 11, 2),
    ("اثنا عشر", 12, 2), ("خمسة عشر", 15, 2), ("عشرون", 20, 1), ("عشرين", 20, 1),
    ("خمسة وعشرون", 25, 2), ("ثلاثة وأربعين", 43, 2), ("مائة", 100, 1), ("مئة", 100, 1),
    ("مئتين", 200, 1), ("مائتان", 200, 1), ("ثلاثمائة", 300, 1), ("ثلاث مئة", 300, 2),
    ("ثمانمائة", 800, 1), ("ثلاثمائة وخمسة وعشرون", 325, 3), ("ألف", 1000, 1),
    ("ألفين", 2000, 1), ("ألفان وخمسمائة", 2500, 2), ("ثلاثة آلاف", 3000, 2),
    ("عشرة آلاف", 10000, 2), ("خمسة عشر ألف", 15000, 3), ("مائة ألف", 100000, 2),
    ("مائتا ألف", 200000, 2), ("مليون", 1e6, 1), ("مليونين", 2e6, 1), ("مليونًا", 1e6, 1),
    ("ثلاثة ملايين", 3e6, 2), ("ثلاثة ملايين وخمسمائة ألف", 3.5e6, 4), ("مليار", 1e9, 1),
    ("ستة مليارات", 6e9, 2), ("مليون ونصف", 1.5e6, 2), ("نصف مليون", 5e5, 2),
    ("4 آلاف", 4000, 2), ("150 ألف", 150000, 2), ("1.5 مليون", 1.5e6, 2),
    ("٣ ملايين", 3e6, 2), ("١٫٥ مليار", 1.5e9, 2), ("17 مليار", 17e9, 2), ("بخمسة", 5, 1),
    ("وثلاثة", 3, 1),
]


@pytest.mark.parametrize("text,value,consumed", CASES)
def test_number_words(text: str, value: float, consumed: int) -> None:
    assert parse_arabic_number(text.split() + ["جندي"]) == (value, consumed)


@pytest.mark.parametrize("text", ["آلاف", "ملايين", "نصف", "ربع الساعة", "الثاني", "لست",
                                  "جندي", "أحد", "السابع"])
def test_not_numbers(text: str) -> None:
    assert parse_arabic_number(text.split()) is None


def test_few_is_approximate() -> None:
    parsed = parse_number(["بضعة", "آلاف", "جندي"])
    assert parsed is not None and parsed.value == 3000 and parsed.consumed == 2
    assert parsed.approximate


def test_stops_before_the_counted_noun() -> None:
    assert parse_arabic_number(["ألف", "شخص", "وخمسة"]) == (1000, 1)
    assert parse_arabic_number(["خمسة", "رجال", "وعشرون"]) == (5, 1)


@pytest.mark.parametrize("token,value", [
    ("42", 42), ("٤٢", 42), ("1.5", 1.5), ("١٫٥", 1.5), ("150,000", 150000), ("82,3", 82.3),
    ("1٬500", 1500), ("1.500.000", 1500000), ("542.963,440", 542963.44), ("۱۲", 12),
])
def test_numerals(token: str, value: float) -> None:
    assert parse_numeral(token) == pytest.approx(value)


def test_numeral_rejects_words() -> None:
    assert parse_numeral("abc") is None and parse_numeral("") is None


@pytest.mark.parametrize("token,value", [("5ر1", 1.5), ("25ر3", 3.25), ("٥ر١", 1.5)])
def test_reversed_decimal_of_wire_copy(token: str, value: float) -> None:
    # Egyptian and Gulf agencies write 1.5 as "5ر1" (right to left)
    assert parse_numeral(token) == pytest.approx(value)
