"""Word tokens with offsets, conservative clitic splits for matching, and UD-style segments."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.arabic.tokens import (Token, base_form, is_protected, segment, split_clitics,
                                  tokenize_for_matching, word_tokens)


def words(text: str) -> list[str]:
    return [token.text for token in word_tokens(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("قال بوتين، «إن داعش هُزم».", ["قال", "بوتين", "إن", "داعش", "هُزم"]),
    ("مُحَمَّدٌ والـــروسي", ["مُحَمَّدٌ", "والـــروسي"]),           # marks and tatweel stay inside
    ("نما 3.5% و1,000 سهم و٣٫٥ و١٬٠٠٠", ["نما", "3.5", "و1,000", "سهم", "و٣٫٥", "و١٬٠٠٠"]),
    ("عام 2015م في G20", ["عام", "2015م", "في", "G20"]),
    ("منظومة إس-400 وطائرات F-16 وكوفيد-19", ["منظومة", "إس-400", "وطائرات", "F-16", "وكوفيد-19"]),
    ("موسكو-سانا والقمة الروسية-الإيرانية", ["موسكو", "سانا", "والقمة", "الروسية", "الإيرانية"]),
    ("بين 2013-2014 فقط", ["بين", "2013", "2014", "فقط"]),
    ("تنظيم al-Qaeda don't", ["تنظيم", "al-Qaeda", "don't"]),
    ("U.S. و3. ثم", ["U", "S", "و3", "ثم"]),
    ("الـ 8 من الشهر", ["الـ", "8", "من", "الشهر"]),
    ("بو\u200cتين «،» ...", ["بو\u200cتين"]),                       # ZWNJ inside a word
    ("snake_case", ["snake", "case"]),
    ("", []),
])
def test_word_tokens(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def test_token_offsets_point_into_the_original() -> None:
    text = "وقال «بُوتين» إن 3.5 مليون شخص"
    for token in word_tokens(text):
        assert isinstance(token, Token)
        assert text[token.start:token.end] == token.text


@pytest.mark.parametrize(("word", "parts"), [
    ("لداعش", ("ل", "داعش", "")),
    ("وبوتين", ("و", "بوتين", "")),
    ("والإرهابيين", ("وال", "إرهابيين", "")),
    ("للأمن", ("لل", "أمن", "")),
    ("وبالتالي", ("وبال", "تالي", "")),
    ("كالعادة", ("كال", "عادة", "")),
    ("لبريطانيا", ("ل", "بريطانيا", "")),
    ("للبنان", ("ل", "لبنان", "")),                # ل + a name that starts with ل
    ("وَبُوتِين", ("وَ", "بُوتِين", "")),             # diacritics go with their letter
    ("حكومتهم", ("", "حكومت", "هم")),
    ("نشرتها", ("", "نشرت", "ها")),
    ("وزارته", ("", "وزارت", "ه")),                # وزارة is protected, its suffix is not
    ("لديه", ("", "لدي", "ه")),
    ("لأنه", ("ل", "أن", "ه")),
    ("و30", ("و", "30", "")),
    ("ب2015", ("ب", "2015", "")),
])
def test_split_clitics(word: str, parts: tuple[str, str, str]) -> None:
    assert split_clitics(word) == parts
    assert "".join(parts) == word


@pytest.mark.parametrize("word", [
    # Names and common words whose letters look like clitics must stay whole.
    "بوتين", "موسكو", "روسيا", "تركيا", "وزير", "وزارة", "ولي", "والي", "لبنان", "ليبيا", "بغداد",
    "بيروت", "فرنسا", "فلسطين", "فلسطينيون", "بريطاني", "كندا", "كلام", "كان", "لكن", "بين",
    "واشنطن", "وكالة", "كورونا", "عبدالله", "الله", "اتجاه", "مياه", "توجيه", "الأهم", "زمناً",
    "له", "في", "و", "", "Putin", "2015", "ﻻ",
])
def test_split_clitics_leaves_protected_and_short_words_whole(word: str) -> None:
    assert split_clitics(word) == ("", word, "") or split_clitics(word)[0].startswith("ال")


@pytest.mark.parametrize(("word", "key"), [
    ("لداعش", "داعش"),
    ("وبوتين", "بوتين"),
    ("والإرهابيين", "الارهابيين"),
    ("للأمن", "الامن"),                            # ل + ال written لل: the article comes back
    ("وللأمم", "الامم"),
    ("بالمخابرات", "المخابرات"),
    ("الروسية", "الروسيه"),
    ("مسئول", "مسءول"),
    ("بُوتِين", "بوتين"),
])
def test_base_form_keeps_the_article(word: str, key: str) -> None:
    assert base_form(word) == key


@pytest.mark.parametrize(("word", "key"), [
    ("والإرهابيين", "ارهابيين"), ("للأمن", "امن"), ("الرئيس", "رءيس"), ("لداعش", "داعش"),
])
def test_base_form_strip_article(word: str, key: str) -> None:
    assert base_form(word, strip_article=True) == key


def test_tokenize_for_matching() -> None:
    pairs = tokenize_for_matching("وقال لافروف لداعش وللأمن")
    assert [(token.text, key) for token, key in pairs] == [
        ("وقال", "قال"), ("لافروف", "لافروف"), ("لداعش", "داعش"), ("وللأمن", "الامن")]


@pytest.mark.parametrize(("word", "pieces"), [
    ("وبالتالي", ["و", "ب", "التالي"]),
    ("لديه", ["لدي", "ه"]),
    ("عليها", ["علي", "ها"]),
    ("فيه", ["في", "ه"]),
    ("له", ["ل", "ه"]),
    ("لأنه", ["ل", "أن", "ه"]),
    ("بأنهم", ["ب", "أن", "هم"]),
    ("للسلطة", ["ل", "لسلطة"]),                    # UD writes ل + ال as ل + ل...
    ("والإرهابيين", ["و", "الإرهابيين"]),          # UD keeps the article
    ("وهو", ["و", "هو"]),
    ("وفي", ["و", "في"]),
    ("لذلك", ["ل", "ذلك"]),
    ("نشرتها", ["نشرت", "ها"]),
    ("مما", ["م", "ما"]),
    ("الذاتي", ["الذاتي"]),
    ("ولدت", ["ولدت"]),
    ("بوتين", ["بوتين"]),
    ("كان", ["كان"]),
    ("هذه", ["هذه"]),
    ("بشكل", ["ب", "شكل"]),
])
def test_segment(word: str, pieces: list[str]) -> None:
    assert segment(word) == pieces


@pytest.mark.parametrize(("folded", "expected"), [
    ("بوتين", True), ("بريطانيه", True), ("فلسطينيون", True), ("وزارته", True), ("بينهم", True),
    ("داعش", False), ("لداعش", False),
])
def test_is_protected(folded: str, expected: bool) -> None:
    assert is_protected(folded) is expected


@pytest.mark.shared
def test_pieces_join_back_on_seed_articles(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for token in word_tokens(text):
            assert text[token.start:token.end] == token.text
            assert "".join(split_clitics(token.text)) == token.text
            assert "".join(segment(token.text)) == token.text
            assert all(segment(token.text))
            assert base_form(token.text)
