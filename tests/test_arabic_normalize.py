"""Normalisation for matching: what is folded, and that every span maps back exactly."""

from __future__ import annotations

import pytest

from marsad.arabic.normalize import fold, is_arabic_letter, normalize, strip_controls


@pytest.mark.parametrize(("text", "folded"), [
    ("أحمد وإيران وآسيا وٱلله", "احمد وايران واسيا والله"),       # alef forms
    ("مستشفى", "مستشفي"),                                       # alef maksura
    ("الحكومة", "الحكومه"),                                     # teh marbuta
    ("مسؤول مسئول", "مسءول مسءول"),                             # hamza carriers meet
    ("مُحَمَّدٌ", "محمد"),                                         # harakat, shadda, tanween
    ("الـــروسي", "الروسي"),                                      # tatweel
    ("كیف گرفت", "كيف كرفت"),                                   # Persian letters in names
    ("٣٫٥ و١٬٠٠٠ و۲۰۱۸ و٪", "3.5 و1,000 و2018 و%"),               # digits and separators
    ("Putin PUTIN", "putin putin"),                             # Latin lower-cased
    ("بو\u200fتين\u200b", "بوتين"),                              # bidi and zero-width marks
    ("ﻻ ﷲ", "لا الله"),                                         # presentation forms
    ("", ""),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert normalize(text).text == folded


@pytest.mark.parametrize("text", [
    "قال الرئيس الروسي",                # nothing removed: identity map
    "قالَ الرَّئيسُ الــروسي",
    "\ufeffبوتين\u200f «داعش»",
    "ﻻ بد من ﷲ أكبر",                  # one character becomes several
    "مُحمّدٌ",
])
def test_offsets_map_every_character_back(text: str) -> None:
    norm = normalize(text)
    for i, ch in enumerate(norm.text):   # each character comes from the one it maps to
        assert ch in fold(text[norm.original_index(i)])
    assert norm.original_index(len(norm.text)) == len(text)


def test_to_original_covers_the_word_with_its_marks() -> None:
    text = "وقال بُوتِينُ أمس"
    norm = normalize(text)
    start = norm.text.index("بوتين")
    begin, end = norm.to_original(start, start + len("بوتين"))
    assert text[begin:end] == "بُوتِين"          # the final mark after ن is not inside the span
    assert norm.to_original(3, 3) == (norm.original_index(3),) * 2


def test_identity_map_is_not_stored() -> None:
    assert normalize("الرئيس الروسي").offsets is None


def test_strip_controls_keeps_diacritics() -> None:
    assert strip_controls("\u200fمُحمد\u200b") == "مُحمد"


@pytest.mark.parametrize(("ch", "expected"), [
    ("ب", True), ("ی", True), ("ﻻ", True), ("َ", False), ("٣", False), ("،", False), ("a", False),
])
def test_is_arabic_letter(ch: str, expected: bool) -> None:
    assert is_arabic_letter(ch) is expected
