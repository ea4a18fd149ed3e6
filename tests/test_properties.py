"""Issue 11, item 5: property tests (hypothesis, bounded: a few seconds in all) for the readers,
encoding detection, normalisation offset maps, sentence splitting, numbers and quantities.

The long, coverage-guided run over the same targets is `benchmarks/fuzz.py --minutes 60`.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import marsad.ingest.jsonstream as jsonstream
from marsad.arabic.normalize import fold, normalize
from marsad.arabic.numbers import parse_numeral
from marsad.arabic.sentences import split_sentences
from marsad.errors import InputError
from marsad.extract.quantities import find_quantities
from marsad.ingest import decode_bytes, read_inputs
from marsad.ingest.jsonstream import iter_array
from marsad.ingest.textsafe import safe_text
from marsad.settings import Settings
from marsad.types import RawRecord, Rejection
from tests.builders import build_document

# MARSAD_HYPOTHESIS_EXAMPLES=2000 for a longer local run; CI keeps the small default.
EXAMPLES = int(os.environ.get("MARSAD_HYPOTHESIS_EXAMPLES", "40"))
FAST = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
SETTINGS = Settings()

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئىة"
MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640\u200c\u200f\u202b\u202c"
arabic_words = st.text(alphabet=ARABIC_LETTERS + MARKS, min_size=1, max_size=9)
arabic_text = st.lists(arabic_words, min_size=1, max_size=40).map(" ".join)
any_text = st.text(alphabet=st.characters(codec=None), max_size=300)   # with lone surrogates
mixed_text = st.one_of(any_text, arabic_text, st.text(
    alphabet=ARABIC_LETTERS + MARKS + " .،؟!«»\"'()-:\n٠١٢٣٤٥٦٧٨٩0123456789ﻻﺍﻟ😀", max_size=300))


def _encodes(value: str | None) -> None:
    if value is not None:
        value.encode("utf-8")


@FAST
@given(data=st.binary(max_size=600), suffix=st.sampled_from(
    [".txt", ".html", ".json", ".jsonl", ".gz", ".zip", ".tar", ""]))
def test_readers_never_raise_and_every_string_encodes(tmp_path: Path, data: bytes,
                                                      suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for item in read_inputs([path], SETTINGS):
        assert isinstance(item, (RawRecord, Rejection))
        if isinstance(item, Rejection):
            _encodes(item.input)
            _encodes(item.reason)
            assert item.code.startswith("E_")
        else:
            for value in (item.text, item.id, item.title, item.path, item.source, item.url):
                _encodes(value)
            json.dumps(item.metadata, ensure_ascii=False, allow_nan=False).encode("utf-8")


@FAST
@given(texts=st.lists(any_text, min_size=1, max_size=8))
def test_jsonl_round_trip_keeps_every_text(tmp_path: Path, texts: list[str]) -> None:
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps({"id": f"r{n}", "text": t}) + "\n"
                            for n, t in enumerate(texts)), encoding="utf-8")
    items = list(read_inputs([path], SETTINGS))
    assert len(items) == len(texts)
    for text, item in zip(texts, items):
        expected = safe_text(text).replace("\r\n", "\n").replace("\r", "\n")
        if not expected.strip():
            assert isinstance(item, Rejection) and item.code == "E_EMPTY"
        else:
            assert isinstance(item, RawRecord) and item.text == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5),
                                                                      children, max_size=4),
    max_leaves=20)


@settings(max_examples=max(25, EXAMPLES // 2), deadline=None)
@given(values=st.lists(json_values, max_size=12), chunk=st.integers(1, 64),
       spaces=st.sampled_from(["", " ", "\n ", "\r\n\t"]))
def test_streamed_json_array_equals_json_loads(values: list, chunk: int, spaces: str) -> None:
    text = "[" + spaces + ("," + spaces).join(json.dumps(v) for v in values) + spaces + "]"
    old, jsonstream._CHUNK = jsonstream._CHUNK, chunk  # tiny buffers: elements cut anywhere
    try:
        items = list(iter_array(io.StringIO(text), limit=1 << 20))
    finally:
        jsonstream._CHUNK = old
    assert [i.problem for i in items] == [None] * len(values)
    assert [i.value for i in items] == json.loads(text)


@FAST
@given(text=arabic_text, encoding=st.sampled_from(
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"]))
def test_unicode_encodings_are_detected(text: str, encoding: str) -> None:
    text = "الوزير " + text
    assert decode_bytes(text.encode(encoding), "x.txt") == text


@FAST
@given(words=st.lists(st.text(alphabet=ARABIC_LETTERS, min_size=2, max_size=8), min_size=6,
                      max_size=40))
def test_windows_1256_is_detected(words: list[str]) -> None:
    text = "قال الوزير إن " + " ".join(words)
    assert decode_bytes(text.encode("cp1256"), "x.txt") == text


@FAST
@given(data=st.binary(max_size=2000))
def test_decoding_any_bytes_gives_text_or_a_coded_error(data: bytes) -> None:
    try:
        text = decode_bytes(data, "x.txt")
    except InputError as exc:
        assert exc.code == "E_ENCODING"
        return
    assert "\x00" not in text
    _encodes(safe_text(text))


@FAST
@given(text=mixed_text)
def test_normalisation_offsets_map_back_into_the_original(text: str) -> None:
    normalized = normalize(text)
    n = len(normalized.text)
    assert fold(text) == normalized.text
    if normalized.offsets is None:
        assert n == len(text)
        return
    offsets = list(normalized.offsets)
    assert len(offsets) == n + 1 and offsets[-1] == len(text)
    assert all(0 <= offsets[i] <= offsets[i + 1] for i in range(n))
    assert all(offsets[i] < len(text) for i in range(n))
    # Round trip: a span of the normalised text that does not cut an expansion (ﻻ -> لا) maps
    # to original characters that normalise to exactly that span.
    starts = [i for i in range(n + 1) if i == 0 or offsets[i - 1] != offsets[i]]
    for i in starts[:: max(1, len(starts) // 6)]:
        for j in starts[:: max(1, len(starts) // 6)]:
            if j > i:
                a, b = normalized.to_original(i, j)
                assert 0 <= a <= b <= len(text)
                assert fold(text[a:b]) == normalized.text[i:j]


@FAST
@given(text=mixed_text)
def test_sentences_are_ordered_trimmed_and_cover_every_word(text: str) -> None:
    spans = split_sentences(text)
    last = 0
    for span in spans:
        assert last <= span.start < span.end <= len(text)
        assert not text[span.start].isspace() and not text[span.end - 1].isspace()
        last = span.end
    covered = set()
    for span in spans:
        covered.update(range(span.start, span.end))
    words = [i for i, ch in enumerate(text) if ch.isalnum()]
    if spans:
        assert all(i in covered for i in words)


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@FAST
@given(number=st.integers(0, 10**12))
def test_numerals_in_every_digit_set(number: int) -> None:
    for digits in (str(number), str(number).translate(ARABIC_INDIC),
                   str(number).translate(PERSIAN), f"{number:,}"):
        assert parse_numeral(digits) == number


@FAST
@given(number=st.integers(1, 10**8 - 1), unit=st.sampled_from(["دولار", "شخصا", "طن", "كيلومتر"]),
       digits=st.sampled_from([None, ARABIC_INDIC, PERSIAN]))
def test_quantities_find_the_number_with_its_offsets(number: int, unit: str, digits) -> None:
    # (9 digits and more without separators are phone numbers, 1000-2100 may be years: by
    # design, not counted here.)
    if 1000 <= number <= 2100:
        return
    shown = str(number) if digits is None else str(number).translate(digits)
    text = f"وقال المتحدث إن الحصيلة بلغت {shown} {unit} حتى الآن."
    quantities = find_quantities(build_document(text))
    assert any(q.value == number for q in quantities), quantities
    for quantity in quantities:
        assert text[quantity.start:quantity.end] == quantity.text


@pytest.mark.slow
@settings(max_examples=20_000, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=mixed_text)
def test_long_normalisation_and_sentences(text: str) -> None:
    """The long hypothesis run (opt-in, -m slow); atheris in benchmarks/fuzz.py is the hour."""
    test_normalisation_offsets_map_back_into_the_original.hypothesis.inner_test(text)
    test_sentences_are_ordered_trimmed_and_cover_every_word.hypothesis.inner_test(text)


@pytest.mark.parametrize("text", ["[10]", "[0.0]", "[1e-308, 2]", '[{"a": 1}, 12345]'])
def test_regression_numbers_cut_by_the_stream_buffer(text: str) -> None:
    # Found by the property above: "1" of "10" parsed as a whole number at a buffer end.
    old, jsonstream._CHUNK = jsonstream._CHUNK, 1
    try:
        assert [i.value for i in iter_array(io.StringIO(text), limit=100)] == json.loads(text)
    finally:
        jsonstream._CHUNK = old
