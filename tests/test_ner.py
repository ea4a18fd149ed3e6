"""The shipped entity tagger: loads, finds the obvious entities, keeps exact offsets.

The network itself is checked against torch once, at training time (scripts/train_ner_neural.py
scores dev through this numpy code); these tests pin the behaviour around it.
"""

from __future__ import annotations


import pytest

from marsad.extract.ner import EntityTagger, find_mentions
from marsad.extract.ner_features import Resources, mention_start, tokenize
from marsad.extract.ner_neural import viterbi
from marsad.types import Document, Span


def build_document(text: str, *, sentences: tuple[Span, ...] = (), doc_id: str = "d1") -> Document:
    return Document(id=doc_id, path=None, title=None, source=None, dateline=None, byline=None,
                    published=None, language="ar", text=text, sentences=sentences)


@pytest.fixture(scope="module")
def tagger() -> EntityTagger:
    from marsad.extract.ner import _default_tagger
    return _default_tagger()          # the instance module-level find_mentions uses: one load


def by_text(mentions) -> dict[str, str]:
    return {m.text: m.type for m in mentions}


def test_shipped_model_loads_from_the_package() -> None:
    # Load time is reported by benchmarks/ner.py (a timed assertion fails on a busy CI machine).
    fresh = EntityTagger.pretrained()
    assert fresh.tag_tokens(["قال", "بوتين", "في", "موسكو"])[1:] == ["B-PER", "O", "B-LOC"]


def test_finds_person_and_place(tagger: EntityTagger) -> None:
    doc = build_document("وقال الرئيس الروسي فلاديمير بوتين في موسكو إن بلاده لن تتراجع.")
    found = by_text(tagger.find_mentions(doc))
    assert any("بوتين" in text and kind == "PER" for text, kind in found.items()), found
    assert found.get("موسكو") == "LOC", found


def test_offsets_map_back_exactly(tagger: EntityTagger) -> None:
    text = ("أعلنت وزارة الخارجية الأمريكية أن الوزير جون كيري سيزور القاهرة.\n"
            "وكان الرئيس باراك أوباما قد التقى رئيس الوزراء البريطاني ديفيد كاميرون في لندن.")
    mentions = tagger.find_mentions(build_document(text))
    assert mentions
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.text
        assert mention.doc == "d1" and mention.type in {"PER", "ORG", "LOC", "MISC"}
    assert by_text(mentions).get("لندن") == "LOC"


def test_sentence_spans_are_used(tagger: EntityTagger) -> None:
    text = "مقدمة لا تهم. وقال الرئيس الروسي فلاديمير بوتين في موسكو إن بلاده مستعدة."
    first_end = text.index(".") + 1
    doc = build_document(text, sentences=(Span(0, first_end), Span(first_end + 1, len(text))))
    mentions = tagger.find_mentions(doc)
    assert all(m.start > first_end for m in mentions)
    assert "موسكو" in by_text(mentions)


def test_proclitics_are_left_out_of_spans(tagger: EntityTagger) -> None:
    text = ("واتهمت الحكومة اللبنانية إسرائيل بخرق وقف إطلاق النار ، وقالت إن لإسرائيل أطماعا "
            "في مياه لبنان .\nواجتمع أوباما وبوتين في قمة العشرين ثم عاد بوتين إلى موسكو .")
    mentions = tagger.find_mentions(build_document(text))
    texts = [m.text for m in mentions]
    assert texts.count("إسرائيل") == 2, texts          # the second one is written لإسرائيل
    assert texts.count("بوتين") == 2, texts            # the first one is written وبوتين
    assert not any(t.startswith(("لإ", "وب")) for t in texts), texts


class _TagsEverythingAfterTheFirstWord(EntityTagger):
    """A stand-in model: the span logic is tested apart from what the CRF has learnt."""

    def tag_documents(self, documents: list[list[list[str]]]) -> list[list[list[str]]]:
        return [[["O"] + ["B-ORG"] * (len(tokens) - 1) for tokens in sentences]
                for sentences in documents]


def test_clitic_spans_with_a_stub_model(tagger: EntityTagger) -> None:
    stub = _TagsEverythingAfterTheFirstWord.__new__(_TagsEverythingAfterTheFirstWord)
    stub._resources = tagger._resources
    text = "ضربات لداعش وبوتين بالعراق لبنان"
    mentions = stub.find_mentions(build_document(text))
    assert [m.text for m in mentions] == ["داعش", "بوتين", "العراق", "لبنان"]
    for mention in mentions:
        assert text[mention.start:mention.end] == mention.text


def test_mention_start_keeps_names_that_begin_like_clitics(tagger: EntityTagger) -> None:
    resources = tagger._resources
    assert mention_start("لداعش", resources) == 1
    assert mention_start("وبوتين", resources) == 1
    for name in ("لبنان", "بيروت", "فرنسا", "بوتين", "كندا", "واشنطن"):
        assert mention_start(name, resources) == 0, name


def test_mention_start_without_counts_is_conservative() -> None:
    assert mention_start("بوتين", Resources()) == 0
    assert mention_start("والعراق", Resources()) == 1


def test_empty_text_gives_no_mentions() -> None:
    assert find_mentions(build_document("")) == ()
    assert find_mentions(build_document("  \n\n ")) == ()


def test_tokenize_splits_punctuation_like_anercorp() -> None:
    assert [t.text for t in tokenize("قال: «نعم»، والصين.")] == [
        "قال", ":", "«", "نعم", "»", "،", "والصين", "."]


def test_tag_tokens_gives_bio_tags(tagger: EntityTagger) -> None:
    tags = tagger.tag_tokens(["زار", "بوتين", "موسكو", "."])
    assert len(tags) == 4
    assert all(t == "O" or t[:2] in ("B-", "I-") for t in tags)
    assert tagger.tag_tokens([]) == []


def test_tag_document_keeps_sentence_shapes(tagger: EntityTagger) -> None:
    sentences = [["قال", "بوتين", "."], [], ["زار", "ميسي", "برشلونة", "أمس", "xyz٣", "ﻻ"] * 80]
    tags = tagger.tag_document(sentences)
    assert [len(t) for t in tags] == [len(s) for s in sentences]
    assert tags[1] == []
    assert all(t == "O" or t[2:] in {"PER", "ORG", "LOC", "MISC"} for t in tags[2])


def test_tags_do_not_depend_on_the_other_sentences(tagger: EntityTagger) -> None:
    # Batching pads sentences to the longest one: padding must not leak into the result.
    short = ["وقال", "الرئيس", "الروسي", "فلاديمير", "بوتين", "."]
    alone = tagger.tag_tokens(short)
    padded = tagger.tag_document([short, ["كلمة"] * 50])[0]
    assert alone == padded


def test_viterbi_follows_transitions() -> None:
    import numpy as np

    scores = np.array([[0.0, 1.0], [0.0, 1.0], [2.0, 0.5]])
    none = np.zeros(2)
    assert viterbi(scores, none, np.zeros((2, 2)), none) == [1, 1, 0]
    forbidden = np.array([[0.0, 0.0], [-10.0, 0.0]])       # 1 -> 0 is very unlikely
    assert viterbi(scores, none, forbidden, none) == [1, 1, 1]
