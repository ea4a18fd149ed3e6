"""Quotations, direct and reported, with the words that name their speaker.

Baseline rules following how Arabic news reports speech:
- a speech cue (قال، أكد، أشار ... in past, present, feminine, plural and participle forms, with
  و/ف/كما before it; verbal nouns like إعلان) followed by its subject and then by
  * quotation marks (any of « » “ ” „ " ‘ ’, also mismatched) -> direct, the marked text;
  * a colon, or for قال/أضاف nothing at all (wire style "وأضاف بوتين لحل ...") -> direct,
    to the end of the sentence;
  * أن/إن/بأن/إلى أن/على أن/من أن (also عن, على ضرورة, إلى for a few verbs) -> indirect, the
    reported clause to the end of the sentence;
- "نقلت وكالة X عن Y قوله ..." (speaker Y), "وبحسب X فإن ..." (speaker X);
- a headline "بوتين: ..." (a name followed by a colon), and "«...»، قال X".
A clause stops where the next quote's cue begins ("..., مؤكدا أن ..." is a second quote).
Short quoted terms without a cue (تنظيم «داعش», نادي "فالداي") are names, not quotes.

The speaker is the PER (else ORG) mention after the cue, possibly behind a title; the name or
title after the cue when the NER missed it; the subject before the verb (SVO: "بوتين ... قال:");
for a subject-less verb or a participle, the previous quote's speaker (implicit subject).
Unnamed sources (مصادر مطلعة، مسؤول رفض الكشف عن اسمه) keep `speaker_text` but no
`speaker_mention`, which tells linking to leave `speaker` empty.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from marsad.arabic.normalize import fold
from marsad.arabic.tokens import word_matches
from marsad.extract import titles as lex
from marsad.types import Document, Mention, Quote, QuoteKind, Span

_MARK_CHARS = "«»“”„‟\"‘’″"
_LEFT_OPEN = set(" \t\n\u00a0([{:،,؛-—–") | set(_MARK_CHARS)
_RIGHT_OPEN = set(" \t\n\u00a0.,،؛:!?؟)]}") | set(_MARK_CHARS)
_MARK_OR_LINE = re.compile("[" + re.escape(_MARK_CHARS) + "\n]")
# A sentence ends at one . ! ? ؟ before a space or a mark, or at a line break. ".." is not an
# end: Syrian wire copy uses it as a colon ("وقال شويغو.. في عام 2015 ...").
_SENTENCE_END = re.compile(r"\n|(?<!\.)[.!?؟](?!\.)(?=[\s" + re.escape(_MARK_CHARS) + r"]|$)")
_TRIM = " \t\n\u00a0.,،؛:-—–…"
_MIN_QUOTE_WORDS = 4         # a marked text this long after a cue is speech, not a name


class _Tok(NamedTuple):  # a tuple: one per word of every article, and tuples build fast
    start: int
    end: int
    text: str
    key: str                 # folded, tatweel removed


@dataclass(frozen=True)
class _Marked:
    """A pair of quotation marks: the text between them and its nesting depth."""

    start: int               # first character inside the marks
    end: int                 # index of the closing mark (or paragraph end when unclosed)
    depth: int


@dataclass
class _Speaker:
    text: str | None = None
    span: Span | None = None
    anonymous: bool = False
    end: int = -1            # where the speaker phrase ends (content starts after it)


@dataclass
class _Candidate:
    boundary: int            # a preceding clause must end before this offset
    cue: str
    kind: QuoteKind
    start: int               # content start
    end: int | None          # content end when known (marked quotes)
    speaker: _Speaker
    participle: bool = False
    headline: bool = False


@lru_cache(maxsize=1 << 17)
def _key(word: str) -> str:
    return fold(word).replace("\u0640", "")


def _pair_marks(text: str) -> list[_Marked]:
    """Pair quotation marks by which side touches a word; tolerant of mismatched characters."""
    pairs: list[_Marked] = []
    stack: list[int] = []
    for found in _MARK_OR_LINE.finditer(text):     # only marks and line breaks matter here
        index, ch = found.start(), found.group()
        if ch == "\n":
            while stack:                               # an unclosed mark ends with its paragraph
                pairs.append(_Marked(stack.pop() + 1, index, len(stack)))
            continue
        left_free = index == 0 or text[index - 1] in _LEFT_OPEN
        right_free = index + 1 >= len(text) or text[index + 1] in _RIGHT_OPEN
        if left_free and not right_free:
            opens = True
        elif right_free and not left_free:
            opens = False
        else:
            opens = not stack                          # ambiguous: close what is open
        if opens:
            stack.append(index)
        elif stack:
            pairs.append(_Marked(stack.pop() + 1, index, len(stack)))
    while stack:
        pairs.append(_Marked(stack.pop() + 1, len(text), len(stack)))
    return sorted(pairs, key=lambda m: m.start)


class _Context:
    """Tokens, marks, sentences and mentions of one document, with lookups over them."""

    def __init__(self, document: Document, mentions: Sequence[Mention]) -> None:
        self.text = document.text
        self.toks = [_Tok(m.start(), m.end(), m.group(), _key(m.group()))
                     for m in word_matches(self.text)]
        self.tok_starts = [t.start for t in self.toks]
        self.marks = _pair_marks(self.text)
        self.outer = [m for m in self.marks if m.depth == 0]
        self.long_outer = [m for m in self.outer if self.is_long(m)]
        self.ends = [m.start() for m in _SENTENCE_END.finditer(self.text)] + [len(self.text)]
        self.mentions = sorted((m for m in mentions if m.type in ("PER", "ORG")),
                               key=lambda m: m.start)

    def sentence_end(self, pos: int) -> int:
        return self.ends[bisect.bisect_left(self.ends, pos)]

    def sentence_start(self, pos: int) -> int:
        k = bisect.bisect_left(self.ends, pos) - 1
        return self.ends[k] + 1 if k >= 0 else 0

    def words(self, start: int, end: int) -> int:
        return bisect.bisect_left(self.tok_starts, end) - bisect.bisect_left(self.tok_starts, start)

    def is_long(self, mark: _Marked) -> bool:
        return self.words(mark.start, mark.end) >= _MIN_QUOTE_WORDS

    def mark_opening_in(self, start: int, end: int) -> _Marked | None:
        """The outer marked text whose opening mark lies in [start, end)."""
        for mark in self.outer:
            if start <= mark.start - 1 < end:
                return mark
        return None

    def tokens_inside_long_marks(self) -> bytearray:
        """1 for every token that starts inside a long marked text (`inside_long_mark` of its
        start, for all tokens at once: a mark covers a run of consecutive tokens)."""
        inside = bytearray(len(self.toks))
        for mark in self.long_outer:
            first = bisect.bisect_left(self.tok_starts, mark.start)
            last = bisect.bisect_left(self.tok_starts, mark.end)
            inside[first:last] = b"\x01" * (last - first)
        return inside

    def inside_long_mark(self, pos: int) -> bool:
        return any(m.start <= pos < m.end for m in self.long_outer)

    def mention_at(self, start: int, end: int, types: tuple[str, ...]) -> Mention | None:
        """The first mention of one of `types` that starts in [start, end)."""
        for mention in self.mentions:
            if start <= mention.start < end and mention.type in types:
                return mention
        return None

    def gap(self, i: int) -> str:
        """The characters between token i-1 and token i."""
        return self.text[self.toks[i - 1].end:self.toks[i].start] if i > 0 else ""


def _cue_at(ctx: _Context, i: int, typos: bool = True) -> tuple[str, str, bool, bool] | None:
    """(lemma, form, conjoined, typo) when token i is a speech cue."""
    key = ctx.toks[i].key
    conj = i > 0 and ctx.toks[i - 1].key in ("كما", "وكما", "ثم")
    if key in lex.SPEECH_FORMS:
        return (*lex.SPEECH_FORMS[key], conj, False)
    if key[:1] in ("و", "ف") and key[1:] in lex.SPEECH_FORMS:
        return (*lex.SPEECH_FORMS[key[1:]], True, False)
    typo = lex.misspelt_speech_lemma(key) if typos else None
    return (typo, "verb", conj, True) if typo else None


def _skip_fillers(ctx: _Context, k: int, limit: int) -> int:
    while k < len(ctx.toks) and ctx.toks[k].start < limit and ctx.toks[k].key in lex.FILLERS:
        k += 1
    return k


def _is_titleish(key: str) -> bool:
    return key in lex.TITLE_HEADS or key in lex.TITLE_CONTINUATIONS or key.startswith("ال")


def _in_title_chain(key: str) -> bool:
    """A word of a long title: "المدير الإقليمي للحملة الوطنية لنصرة الأشقاء في سورية"."""
    return _is_titleish(key) or key.startswith(("لل", "بال", "وال")) or key in lex.TITLE_LINKS


def _tok_index(ctx: _Context, pos: int) -> int:
    return bisect.bisect_left(ctx.tok_starts, pos)


def _speaker_after(ctx: _Context, k: int, limit: int, name_fallback: bool) -> _Speaker:
    """The speaker named from token k on, before offset `limit`."""
    k = _skip_fillers(ctx, k, limit)
    if k >= len(ctx.toks) or ctx.toks[k].start >= limit:
        return _Speaker()
    first = ctx.toks[k]
    person = ctx.mention_at(first.start, limit, ("PER",))
    if person is not None:
        between = ctx.toks[k:_tok_index(ctx, person.start)]
        odd = [t for t in between if not _in_title_chain(t.key) and t.key not in lex.FILLERS]
        if (len(between) <= 7 and len(odd) <= 1) or (len(between) <= 14 and len(odd) <= 3
                                                     and _is_titleish(first.key)):
            return _Speaker(person.text, Span(person.start, person.end), end=person.end)
    org = ctx.mention_at(first.start, first.end + 1, ("ORG",))
    if org is None and first.key in lex.AGENCY_WORDS and k + 1 < len(ctx.toks):
        org = ctx.mention_at(ctx.toks[k + 1].start, ctx.toks[k + 1].end, ("ORG",))
    if org is not None and org.start < limit:
        return _Speaker(org.text, Span(org.start, org.end), end=org.end)
    if first.key in lex.ANONYMOUS_HEADS:
        return _anonymous(ctx, k, limit)
    if first.key in lex.TITLE_HEADS:
        return _title(ctx, k, limit, name_fallback)
    if name_fallback and len(first.key) > 1 and first.key not in lex.NOT_NAME \
            and not first.key.startswith("ال") \
            and ctx.gap(k).strip() == "" and _cue_at(ctx, k, typos=False) is None:
        j = k
        while j - k < 2 and (nxt := _joined(ctx, j, limit)) is not None and \
                nxt.key not in lex.NOT_NAME:
            j += 1
        if _tok_index(ctx, limit) - j <= 2:           # the name is right before أن/the marks
            return _span_speaker(ctx, k, j)
    return _Speaker()


def _span_speaker(ctx: _Context, first: int, last: int, anonymous: bool = False) -> _Speaker:
    start, end = ctx.toks[first].start, ctx.toks[last].end
    return _Speaker(ctx.text[start:end], None if anonymous else Span(start, end), anonymous, end)


def _anonymous(ctx: _Context, k: int, limit: int) -> _Speaker:
    """"مصادر روسية مطلعة", "مسؤول رفض الكشف عن اسمه": text kept, no mention."""
    j = k
    while j - k < 4 and (nxt := _joined(ctx, j, limit)) is not None and \
            nxt.key not in lex.NOT_NAME and nxt.key not in lex.COMPLEMENTIZERS:
        j += 1
    for tail in range(j + 1, min(j + 6, len(ctx.toks))):  # "... رفض الكشف عن اسمه"
        if ctx.toks[tail].start >= limit:
            break
        if ctx.toks[tail].key in (fold("اسمه"), fold("هويته"), fold("اسمها")):
            j = tail
            break
    return _span_speaker(ctx, k, j, anonymous=True)


def _title(ctx: _Context, k: int, limit: int, name_fallback: bool) -> _Speaker:
    """A title phrase ("الرئيس الروسي"), and the 1-3 name words after it when present."""
    j = k
    while j - k < 5 and (nxt := _joined(ctx, j, limit)) is not None and _is_titleish(nxt.key):
        j += 1
    name_end = j
    while name_end - j < 3 and _could_be_name(ctx, _joined(ctx, name_end, limit), name_end + 1):
        name_end += 1
    if name_end > j and name_fallback:
        return _span_speaker(ctx, j + 1, name_end)
    return _span_speaker(ctx, k, j)


def _joined(ctx: _Context, j: int, limit: int) -> _Tok | None:
    """Token j+1 when it starts before `limit` and only spaces separate it from token j."""
    if j + 1 < len(ctx.toks) and ctx.toks[j + 1].start < limit and ctx.gap(j + 1).strip() == "":
        return ctx.toks[j + 1]
    return None


def _could_be_name(ctx: _Context, tok: _Tok | None, index: int) -> bool:
    return tok is not None and len(tok.key) > 1 and tok.key not in lex.NOT_NAME \
        and not tok.key.startswith("ال") and not tok.key.startswith(("لل", "لـ")) \
        and tok.key not in lex.COMPLEMENTIZERS and _cue_at(ctx, index, typos=False) is None


def _sentence_initial(ctx: _Context, i: int) -> bool:
    """True when only fillers and connectives stand before token i in its sentence."""
    first = _tok_index(ctx, ctx.sentence_start(ctx.toks[i].start))
    return all(t.key in lex.FILLERS or t.key in lex.CONNECTIVES for t in ctx.toks[first:i])


def _speaker_before(ctx: _Context, i: int) -> _Speaker:
    """The subject written before the verb (SVO): "بورتنيكوف أعلن", "بوتين وفي برقية ... قال:"."""
    cue = ctx.toks[i]
    sentence_start = ctx.sentence_start(cue.start)
    before = [m for m in ctx.mentions if sentence_start <= m.start and m.end <= cue.start]
    if before:
        last = before[-1]
        gap_tokens = ctx.toks[_tok_index(ctx, last.end):i]
        if len([t for t in gap_tokens if t.key not in lex.FILLERS]) == 0:
            return _Speaker(last.text, Span(last.start, last.end), end=last.end)
    lead = _tok_index(ctx, sentence_start)
    while lead < i and ctx.toks[lead].key in lex.BEFORE_SUBJECT:
        lead += 1
    if lead < i and i - lead <= 6 and ctx.toks[lead].key in lex.TITLE_CONTINUATIONS | \
            lex.TITLE_HEADS and all(_is_titleish(t.key) for t in ctx.toks[lead:i]):
        return _span_speaker(ctx, lead, i - 1)      # "وكانت وزارة الخارجية الكازاخستانية أعلنت"
    before = [m for m in before if m.type == "PER"]
    if not before:
        return _Speaker()
    first = before[0]
    lead = ctx.toks[_tok_index(ctx, sentence_start):_tok_index(ctx, first.start)]
    if all(_is_titleish(t.key) for t in lead) and i - _tok_index(ctx, first.end) <= 20:
        return _Speaker(first.text, Span(first.start, first.end), end=first.end)
    return _Speaker()


def _introducer(ctx: _Context, i: int, lemma: str, first_content: int
                ) -> tuple[str, int, _Marked | None] | None:
    """("mark" | "colon" | "that", content start, marks) of what the cue at token i introduces."""
    cue = ctx.toks[i]
    limit = min(ctx.sentence_end(cue.end), cue.end + 400)
    for j in range(i + 1, len(ctx.toks)):
        tok = ctx.toks[j]
        gap_start = ctx.toks[j - 1].end
        if gap_start >= limit:
            break
        mark = ctx.mark_opening_in(gap_start, min(tok.start + 1, limit))
        if mark is not None:
            colon = ":" in ctx.text[cue.end:mark.start]
            if ctx.is_long(mark) or (colon and mark.end < len(ctx.text)):
                return "mark", mark.start, mark
        elif ":" in ctx.gap(j) and tok.start < limit:
            return "colon", tok.start, None
        if tok.start >= limit:
            break
        prev = ctx.toks[j - 1].key
        that_words = lex.THEN_THAT if lemma == "" else lex.COMPLEMENTIZERS
        if tok.key in that_words and prev not in lex.NOT_REPORTING_BEFORE_AN:
            bare = tok.key in ("ان", "بان", "فان", "وان")
            start = ctx.toks[j + 1].start if bare and j + 1 < len(ctx.toks) else tok.start
            return "that", start, None
        nxt = ctx.toks[j + 1] if j + 1 < len(ctx.toks) else None
        if j == first_content and tok.key == "عن" and lemma in lex.ABOUT_LEMMAS and nxt:
            return "that", nxt.start, None
        if lemma in lex.STRESS_LEMMAS and nxt and tok.key == "علي" and \
                nxt.key in lex.NEED_WORDS:
            return "that", nxt.start, None
        if lemma in lex.STRESS_LEMMAS and j == first_content and tok.key in lex.NEED_WORDS:
            return "that", tok.start, None
        if lemma in lex.CALL_LEMMAS and tok.key in ("الي", "إلى") and nxt:
            return "that", nxt.start, None
        if j > i + 1 and _cue_at(ctx, j, typos=False) is not None:
            break                                     # another cue: this one has no content
    return None


# Impersonal openers of background the article itself gives ("it is worth noting that"):
# nobody is quoted, whatever the previous sentence's speaker.
_BACKGROUND_CUES = frozenset(_key(w) for w in (
    "يذكر ويذكر ويُذكر يُذكر يشار ويشار يجدر ويجدر الجدير والجدير").split())


def _verb_candidate(ctx: _Context, i: int) -> _Candidate | None:
    """A quote introduced by the speech verb, participle or verbal noun at token i."""
    found = _cue_at(ctx, i)
    if found is None:
        return None
    lemma, form, conj, typo = found
    cue = ctx.toks[i]
    if cue.key in _BACKGROUND_CUES:
        return None                                   # "يذكر أن ...": the writer's background
    if lemma == "نقل":
        return _agency_candidate(ctx, i)
    if lemma == "دعا" and i + 1 < len(ctx.toks) and ctx.toks[i + 1].key in lex.GOD_WORDS:
        return None                                   # "داعيا الله أن ...": a prayer
    participle = form == "participle"
    # the speaker sits between the cue and what it introduces; find that first
    intro = _introducer(ctx, i, lemma, _skip_fillers(ctx, i + 1, len(ctx.text)))
    limit = intro[1] if intro else ctx.sentence_end(cue.end)
    if intro and intro[0] == "mark":
        limit = intro[1] - 1
    speaker = _Speaker() if participle else _speaker_after(ctx, i + 1, limit,
                                                           name_fallback=intro is not None)
    if typo and (intro is None or ctx.mention_at(cue.end, limit, ("PER", "ORG")) is None):
        return None                                   # a typo is trusted only in full context
    if lemma in ("بين", "ذكر", "رأى", "طالب", "توقع") and speaker.end < 0 and intro is not None \
            and _tok_index(ctx, intro[1]) - i > 2:
        return None                                   # بين/ذكر are also "between"/"male"
    if form == "noun" and speaker.end < 0:
        return None
    boundary = cue.start - (len(ctx.toks[i - 1].text) + 1 if conj and i > 0
                            and ctx.toks[i - 1].key in ("كما", "وكما", "ثم") else 0)
    if speaker.end < 0 and not conj and not participle and form == "verb":
        before = _speaker_before(ctx, i)
        if before.end >= 0:
            speaker = before
            boundary = min(boundary, before.span.start if before.span else boundary)
        elif not _sentence_initial(ctx, i) and not (intro and intro[0] == "mark"):
            return None                               # "أن تركيا دعت ...": a verb inside a clause
    if intro is None:
        if lemma not in lex.SAY_LEMMAS or form != "verb" or typo:
            return None
        start = max(cue.end, speaker.end)
        while start < len(ctx.text) and ctx.text[start] in _TRIM and ctx.text[start] != "\n":
            start += 1
        return _Candidate(boundary, cue.text, "direct", start, None, speaker, participle)
    kind, start, mark = intro
    return _Candidate(boundary, cue.text, "indirect" if kind == "that" else "direct", start,
                      mark.end if mark else None, speaker, participle)


def _agency_candidate(ctx: _Context, i: int) -> _Candidate | None:
    """"نقلت وكالة سبوتنيك عن أوشاكوف قوله ...": the speaker is who follows عن."""
    cue = ctx.toks[i]
    end = ctx.sentence_end(cue.end)
    about = next((j for j in range(i + 1, min(i + 8, len(ctx.toks)))
                  if ctx.toks[j].key == "عن" and ctx.toks[j].start < end), None)
    if about is None:
        return None
    intro = _introducer(ctx, about, "نقل", about + 1)
    if intro is None:
        return None
    limit = intro[1] - 1 if intro[0] == "mark" else intro[1]
    stop = next((ctx.toks[j].start for j in range(about + 1, _tok_index(ctx, limit))
                 if ctx.toks[j].key in lex.REPORTED_WORDS), limit)
    speaker = _speaker_after(ctx, about + 1, stop, name_fallback=True)
    kind, start, mark = intro
    return _Candidate(cue.start, cue.text, "indirect" if kind == "that" else "direct", start,
                      mark.end if mark else None, speaker)


def _according_candidate(ctx: _Context, i: int) -> _Candidate | None:
    """"وبحسب X فإن ...", "ووفقا لـ X، فإن ...": indirect, speaker X."""
    tok = ctx.toks[i]
    if tok.key not in lex.ACCORDING_WORDS:
        return None
    intro = _introducer(ctx, i, "", i + 1)
    if intro is None or intro[0] != "that" or _tok_index(ctx, intro[1]) - i > 12:
        return None
    k = i + 1
    if k < len(ctx.toks) and ctx.toks[k].key in ("ل", "لـ", "ما"):
        k += 1
    speaker = _speaker_after(ctx, k, intro[1], name_fallback=True)
    if speaker.end < 0:
        return None
    return _Candidate(tok.start, tok.text, "indirect", intro[1], None, speaker)


def _headline_candidates(ctx: _Context) -> list[_Candidate]:
    """"بوتين: تنظيم داعش هزم.. شويغو: ...": a name then a colon at a line or '..' start."""
    found = []
    for mention in ctx.mentions:
        if mention.type != "PER" or not re.match(r"\s?:", ctx.text[mention.end:mention.end + 2]):
            continue
        line_start = ctx.text.rfind("\n", 0, mention.start) + 1
        lead = ctx.text[line_start:mention.start].strip()
        if lead and not lead.endswith(".."):
            continue
        start = ctx.text.index(":", mention.end) + 1
        while start < len(ctx.text) and ctx.text[start] == " ":
            start += 1
        speaker = _Speaker(mention.text, Span(mention.start, mention.end), end=mention.end)
        found.append(_Candidate(mention.start, ":", "direct", start, None, speaker,
                                headline=True))
    return found


def _after_marks_candidates(ctx: _Context, used: set[int]) -> list[_Candidate]:
    """"«...»، قال الوزير": a cue right after the closing mark names the speaker."""
    found = []
    for mark in ctx.outer:
        if mark.start in used or not ctx.is_long(mark) or mark.end >= len(ctx.text):
            continue
        i = _tok_index(ctx, mark.end)
        if i >= len(ctx.toks) or ctx.text[mark.end + 1:ctx.toks[i].start].strip(" ،,") != "":
            continue
        found_cue = _cue_at(ctx, i)
        if found_cue is None or found_cue[1] != "verb" or found_cue[3]:
            continue
        speaker = _speaker_after(ctx, i + 1, ctx.sentence_end(ctx.toks[i].end), True)
        found.append(_Candidate(mark.start - 1, ctx.toks[i].text, "direct", mark.start, mark.end,
                                speaker))
    return found


def _clause_break(ctx: _Context, start: int, end: int) -> int:
    """Where "، مرجعا ذلك إلى" (a participle that reports no words) ends a reported clause."""
    for j in range(_tok_index(ctx, start) + 1, _tok_index(ctx, end)):
        if ctx.toks[j].key in lex.CLAUSE_BREAKERS and any(c in ctx.gap(j) for c in "،,"):
            return ctx.toks[j].start
    return end


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop spaces, punctuation and a dangling connective (و، كما، من جهته) at both ends."""
    while True:
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and (text[end - 1] in _TRIM or text[end - 1] in _MARK_CHARS):
            end -= 1
        words = text[start:end].rsplit(None, 1)
        if len(words) == 2 and fold(words[1]) in lex.CONNECTIVES:
            end = start + len(words[0])
            continue
        return start, end


def find_quotes(document: Document, mentions: Sequence[Mention]) -> tuple[Quote, ...]:
    """Direct and reported quotations in `document`, with speaker text and span when known."""
    ctx = _Context(document, mentions)
    candidates: list[_Candidate] = _headline_candidates(ctx)
    inside = ctx.tokens_inside_long_marks()
    for i in range(len(ctx.toks)):
        if inside[i]:
            continue                                  # a verb inside a quotation is its content
        candidate = _verb_candidate(ctx, i) or _according_candidate(ctx, i)
        if candidate is not None:
            candidates.append(candidate)
    used = {c.start for c in candidates if c.end is not None}
    candidates += _after_marks_candidates(ctx, used)
    candidates.sort(key=lambda c: (c.start, c.boundary))
    boundaries = sorted(c.boundary for c in candidates)

    quotes: list[Quote] = []
    previous: _Speaker | None = None
    previous_sentence = -1
    taken_until = -1
    for candidate in candidates:
        if candidate.start < taken_until:
            continue
        end = candidate.end
        if end is None:
            end = ctx.sentence_end(candidate.start)
            if candidate.headline:
                dots = ctx.text.find("..", candidate.start, end)
                end = dots if dots >= 0 else end
            k = bisect.bisect_right(boundaries, candidate.start)
            if k < len(boundaries):
                end = min(end, boundaries[k])
            end = _clause_break(ctx, candidate.start, end)
            for mark in ctx.outer:                    # a quotation opened inside runs to its end
                if candidate.start <= mark.start - 1 < end < mark.end:
                    end = mark.end
        start, end = _trim(ctx.text, candidate.start, end)
        if ctx.words(start, end) < 2:
            continue
        speaker = candidate.speaker
        sentence = ctx.sentence_start(candidate.start)
        if speaker.end < 0 and not speaker.anonymous:
            speaker = _implicit_speaker(ctx, candidate, previous, previous_sentence == sentence)
        quotes.append(Quote(f"{document.id}:Q{len(quotes) + 1}", document.id, start, end,
                            ctx.text[start:end], candidate.kind, speaker.text, candidate.cue,
                            None, speaker.span))
        taken_until = end
        previous, previous_sentence = speaker, sentence
    return tuple(quotes)


def _implicit_speaker(ctx: _Context, candidate: _Candidate, previous: _Speaker | None,
                      same_sentence: bool) -> _Speaker:
    """The subject a verb or participle leaves unsaid: usually whoever spoke just before."""
    if not same_sentence:
        sentence_start = ctx.sentence_start(candidate.boundary)
        lead = [m for m in ctx.mentions if sentence_start <= m.start < candidate.boundary]
        # the first name of the sentence is its subject when nothing but titles precede it
        for mention in lead[:1]:
            before = ctx.toks[_tok_index(ctx, sentence_start):_tok_index(ctx, mention.start)]
            if mention.type == "PER" or all(_in_title_chain(t.key) or t.key in lex.FILLERS
                                            or _cue_at(ctx, _tok_index(ctx, t.start), False)
                                            or t.key in lex.CONNECTIVES for t in before):
                return _Speaker(mention.text, Span(mention.start, mention.end), end=mention.end)
    return previous if previous is not None else _Speaker()
