"""The search analyser and query language (no store needed): real Arabic, the traps of
docs/DEPENDENCIES.md (off-the-shelf analysers drop or mangle these)."""

from __future__ import annotations

import pytest

from marsad.errors import QueryError
from marsad.search.analyzer import analyse, index_fields, prefix_term
from marsad.search.query import parse
from marsad.search.snippets import matcher, snippet


def _words(text: str) -> list[str]:
    return [t.word for t in analyse(text)]


def _stems(text: str) -> list[str]:
    return [t.stem for t in analyse(text)]


@pytest.mark.parametrize("text, word, stem", [
    ("والإرهاب", "ارهاب", "ارهاب"),           # every built-in Arabic stemmer fails on it
    ("بوتين", "بوتين", "بوتين"),              # not وتين
    ("مُحَمَّد", "محمد", "محمد"),                # harakat removed, not a word break
    ("حذّر", "حذر", "حذر"),                   # FTS5 unicode61 splits this in two
    ("إسـرائيل", "اسراءيل", "اسراءيل"),        # tatweel
    ("٢٠١٥", "2015", "2015"),                 # Arabic-Indic digits
    ("الإرهابيين", "ارهابيين", "ارهاب"),       # surface keeps the form, the stem folds it
    ("لبوتين", "بوتين", "بوتين"),
    ("مسؤول", "مسءول", "مسءول"),
])
def test_analyser_keeps_arabic_words_whole(text: str, word: str, stem: str) -> None:
    terms = analyse(text)
    assert [(t.word, t.stem) for t in terms] == [(word, stem)]
    assert (terms[0].start, terms[0].end) == (0, len(text))      # offsets on the original


def test_hamza_forms_and_spelling_of_one_word_meet() -> None:
    assert _words("أردوغان") == _words("اردوغان") == _words("إردوغان")
    assert _words("مسؤول") == _words("مسئول")
    assert _stems("سورية") == _stems("سوريا") == _stems("السورية")


def test_abd_and_abu_join_the_next_word_on_both_spellings() -> None:
    assert _words("عبد الله") == _words("عبدالله") == ["عبدالله"]
    assert _words("الملك عبد الله الثاني") == ["ملك", "عبدالله", "ثاني"]
    assert _words("أبو ظبي") == _words("ابوظبي")
    assert _words("عبد، الله") == ["عبد", "الله"]       # punctuation between: two words
    terms = analyse("قال عبد الله")
    assert "قال عبد الله"[terms[1].start:terms[1].end] == "عبد الله"


def test_index_fields_are_space_separated_terms_in_reading_order() -> None:
    words, stems = index_fields("أعلنت وزارة الداخلية السعودية، اليوم، القبض على 3 إرهابيين.")
    assert words.split() == _words("أعلنت وزارة الداخلية السعودية، اليوم، القبض على 3 إرهابيين.")
    assert len(words.split()) == len(stems.split()) == 9
    assert "3" in words.split() and "ارهاب" in stems.split()


def test_no_arabic_letter_is_lost() -> None:
    text = "وقالت الخارجيّة: «لن نقبل بالتدخّل»، مؤكدةً رفضها ٣ مبادرات"
    joined = "".join(_words(text))
    folded_letters = [ch for ch in joined if "\u0621" <= ch <= "\u064a"]
    assert len(folded_letters) >= 30
    assert all(not ("\u064b" <= ch <= "\u065f") for ch in joined)     # no harakat left


def test_query_units_words_phrases_prefixes() -> None:
    units = parse('"وزير الدفاع" والإرهاب ارهاب* في')
    assert [u.kind for u in units] == ["phrase", "word", "prefix", "word"]
    assert [t.word for t in units[0].terms] == ["وزير", "دفاع"]
    assert units[1].terms[0].word == "ارهاب"
    assert units[2].prefix == "ارهاب"
    assert units[3].optional and not units[1].optional        # في scores, is never required
    assert prefix_term("والإرها") == "ارها"
    assert parse("«الحرس الثوري»")[0].kind == "phrase"      # typographic quotes are quotes


@pytest.mark.parametrize("text, says", [
    ("", "empty"), ("   ", "empty"), ('"وزير الدفاع', "unbalanced quote"),
    ("ا*", "too short"), ("ار*هاب", "inside"), ("!!! ...", "nothing to search"),
])
def test_bad_queries_are_coded_errors(text: str, says: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert caught.value.code == "E_QUERY" and says in str(caught.value)


def test_only_function_words_are_all_required() -> None:
    assert not any(u.optional for u in parse("من في"))


def test_snippet_highlights_the_matched_words_as_written() -> None:
    text = ("قال مصدر أمني إن قوات الأمن أحبطت هجوما. " * 5 +
            "وأكد أن الحرب على الإرهاب مستمرة وأن والإرهابيين سيلاحقون. " + "وتابع المصدر حديثه. " * 20)
    words = {"ارهاب"}
    stems = {"ارهاب"}
    shown, spans = snippet(text, matcher(words, stems, ()))
    marked = [shown[a:b] for a, b in spans]
    assert marked == ["الإرهاب", "والإرهابيين"]
    assert shown.startswith("…") and shown.endswith("…")
    assert "<" not in shown                                   # plain text, never markup
