"""Numbers with what they count: "4 آلاف طلعة" -> 4000 طلعة, "30 في المائة" -> 30 %.

A quantity is a number (digits in any script, number words, or digits with a scale word) plus
its unit: a percent sign or phrase, a currency, or the counted noun that follows it. Numbers
that do not count anything are skipped on purpose: years and dates, times, phone and reference
numbers (القرار 2235، المادة 5), model names (إس-400، F-16), list numbering, numbers in URLs,
ordinals (السابع عشر), and a bare واحد/اثنين (usually "one of", "Monday").
"""

from __future__ import annotations

import re
from typing import NamedTuple

from marsad.arabic.dates import find_dates
from marsad.arabic.normalize import fold, fold_word
from marsad.arabic.numbers import ParsedNumber, may_start_number, parse_number
from marsad.types import Document, Quantity

_TOKEN = re.compile(
    r"(?P<num>\d+ر\d+|\d+(?:[.,٫٬]\d+)*)"
    r"|(?P<word>[^\W\d_]+(?:[\u064B-\u065F\u0670\u0640\u200c\u200d]+[^\W\d_]*)*)")
_MARKS = re.compile(r"[\u064B-\u065F\u0670\u0640]")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
_MODEL_BEFORE = re.compile(r"[^\W\d_]\s?[-–]$")       # إس-400، F-16، سو-24 (not "عسير - 80 كلم")
_TIME_AROUND = re.compile(r"\d\s*:\s*$")

_PERCENT_WORDS = {fold(w) for w in ("المائة", "المئة", "المئه", "المية")}
_PERCENT_JOINED = {fold(w) for w in ("بالمائة", "بالمئة", "بالمئه", "بالمية")}
_CURRENCIES = {fold(k): v for k, v in {
    "ريال": "ريال", "ريالات": "ريال", "دولار": "دولار", "دولارات": "دولار",
    "يورو": "يورو", "جنيه": "جنيه", "جنيهات": "جنيه", "درهم": "درهم", "دراهم": "درهم",
    "دينار": "دينار", "دنانير": "دينار", "ليرة": "ليرة", "ليرات": "ليرة", "روبل": "روبل",
    "يوان": "يوان", "فرنك": "فرنك", "روبية": "روبية", "استرليني": "جنيه إسترليني",
}.items()}
_MONTHS = {fold(m) for m in (
    "يناير فبراير فبرير مارس أبريل إبريل ابريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر "
    "أكتوبر نوفمبر ديسمبر كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين محرم صفر "
    "ربيع جمادى رجب شعبان رمضان شوال ذو ذي").split()}
_YEAR_BEFORE = {fold(w) for w in (
    "عام العام عامي سنة السنة سنه منذ حتى بحلول مطلع منتصف أواخر أوائل نهاية بداية ميزانية "
    "موسم لعام للعام بعام وعام").split()}
_ERA_AFTER = {fold(w) for w in ("م", "هـ", "ه", "هجري", "هجرية", "ميلادي", "ميلادية")}
# Words before a number that make it an identifier, not a count.
_REFERENCE_BEFORE = {fold(w) for w in (
    "رقم الرقم برقم القرار قرار المادة مادة الفقرة فقرة البند بند الصفحة صفحة ص الآية آية سورة "
    "الفصل الباب الحلقة الجزء العدد اللواء الكتيبة الطريق هاتف الهاتف جوال الجوال فاكس تلفون "
    "الساعة الساعه ساعة واتساب المنفذ البوابة الكيلو يوم اليوم").split()}
_ORDINALS = {fold(w) for w in (
    "حادي الحادي ثاني الثاني ثالث الثالث رابع الرابع خامس الخامس سادس السادس سابع السابع "
    "ثامن الثامن تاسع التاسع عاشر العاشر").split()}
# "Others" after a number: "لقي ستة حتفهم وأصيب أربعة آخرون" counts people named before it.
_OTHERS = {fold(w) for w in "آخرون آخرين آخران آخرين آخر أخرى أخريات اخرون اخرين".split()}
# Times of day after a number: "الساعة الـ 12 مساء" is a time, not a count.
_TIME_OF_DAY = {fold(w) for w in "مساء مساءً صباحا صباحاً صباح ظهرا ظهراً عصرا ليلا فجرا".split()}
# Pronoun endings: a counted noun (tamyiz) is indefinite, so "ثلاثة حتفهم" has no unit.
_PRONOUN_ENDINGS = tuple(fold(w) for w in ("هم", "هما", "هن", "كم"))
# Nouns often counted by a four-digit number in 1300..2100 ("1462 شخصا" is not a year).
_OFTEN_COUNTED = {fold(w) for w in (
    "شخص شخصا أشخاص مواطن مواطنا طالب طالبا طالبة حالة حالات مريض مريضا جندي جنديا قتيل "
    "قتيلا لاجئ لاجئا منزل منزلا عامل عاملا موظف موظفا وحدة وحدات أسرة أسر عائلة طن "
    "مشارك مشاركا متدرب متدربا حاج حاجا معتمر معتمرا سائح سائحا").split()}
# Words that follow a number without being what it counts.
_NOT_UNITS = {fold(w) for w in (
    "في فى من إلى الى على عن مع أو او و ثم حتى منذ بين خلال قبل بعد عند لدى هو هي هم التي "
    "الذي الذين ما لا لم لن قد كان كانت أن ان إن أنه أي كل بعض فقط تقريبا نحو أكثر اقل أقل "
    "مقابل حيث بينما بينهم منها منهم وهو وهي بل لكن بعدما عندما حين حينما لدى كما إذا اذا "
    "ولكن لأن لان فيما بما مما عبر ضمن").split()}


class _Tok(NamedTuple):  # a tuple: every word of every article is one, and tuples build fast
    start: int
    end: int
    text: str
    key: str          # folded, marks removed
    is_num: bool


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), m.group(), fold_word(m.group()).replace("\u0640", ""),
                 m.lastgroup == "num") for m in _TOKEN.finditer(text)]


def _clean_unit(surface: str, value: float) -> str:
    """The counted noun without diacritics and without the accusative ending of 11..99."""
    plain = _MARKS.sub("", surface)
    explicit_tanween = surface.endswith(("اً", "ًا"))
    tamyiz = value == int(value) and 11 <= int(value) % 100 <= 99
    # "جنديا" without a written tanween could be a plural like ضحايا: only strip it when marked
    if plain.endswith("ا") and len(plain) > 3 and (
            explicit_tanween or (tamyiz and not plain.endswith(("يا", "ءا")))):
        plain = plain[:-1]
    return plain


def _adjacent(text: str, left: _Tok, right: _Tok) -> bool:
    """True when only spaces separate two tokens (no punctuation, no line break); a number
    in parentheses reads on over its closing parenthesis: "(3.9) مليون ريال"."""
    gap = text[left.end:right.start]
    if "\n" in gap:
        return False
    rest = gap.strip(" \t\u00a0\u200f\u200e")
    return rest == "" or (rest == ")" and left.is_num and not right.is_num
                          and text[max(0, left.start - 1):left.start] == "(")


def _is_excluded_numeral(text: str, toks: list[_Tok], i: int, blocked: list[tuple[int, int]]
                         ) -> bool:
    """Numbers that are identifiers, dates, times, model names or list labels."""
    tok = toks[i]
    if any(s <= tok.start < e for s, e in blocked):
        return True
    before = text[max(0, tok.start - 4):tok.start]
    after = text[tok.end:tok.end + 6]
    if _MODEL_BEFORE.search(before) or re.match(r"\s?[-–]?[A-Za-z]", after) or \
            (before and before[-1].isascii() and before[-1].isalpha()):
        return True
    if _TIME_AROUND.search(before) or re.match(r"\s*:\s*\d", after):
        return True
    if re.match(r"\s*/\s*\d", after) or re.search(r"\d\s*/\s*$", before):
        return True                                  # 16/11/1436
    digits = re.sub(r"\D", "", tok.text)
    if before.endswith("+") or (digits.startswith("0") and len(digits) >= 5) or \
            (len(digits) >= 9 and not any(c in tok.text for c in ".,٫٬")):
        return True                                  # phone numbers
    line_start = text.rfind("\n", 0, tok.start) + 1
    if text[line_start:tok.start].strip() == "" and re.match(r"\s*[-–—.)]\s", after):
        return True                                  # "4 - العريف ..." list numbering
    prev = toks[i - 1].key if i > 0 else ""
    if prev in _REFERENCE_BEFORE:
        return True
    if prev in ("الـ", "ال") and i + 1 < len(toks) and toks[i + 1].key == "من":
        return True                                  # "في الـ 8 من الشهر"
    if before.endswith("(") and after.lstrip().startswith(")"):
        return _duplicated_in_words(toks, i)          # "(15) خمسة عشر مصلياً"
    return False


def _duplicated_in_words(toks: list[_Tok], i: int) -> bool:
    """True when a number in parentheses is repeated in words right after it."""
    parsed = parse_number([t.text for t in toks[i + 1:i + 6]])
    return parsed is not None and parsed.value == parse_number([toks[i].text]).value  # type: ignore[union-attr]


def _is_year(value: float, toks: list[_Tok], i: int, last: int, unit: str | None) -> bool:
    """A four-digit 1300..2100 number with a year cue, an era mark, or nothing counted."""
    tok = toks[i]
    if last != i or not re.fullmatch(r"\d{4}", tok.text) or not 1300 <= value <= 2100:
        return False
    prev = toks[i - 1].key if i > 0 else ""
    nxt = toks[i + 1].key if i + 1 < len(toks) else ""
    # "2070 من سكان" counts people; "2016 متذرعا" is a year followed by a participle; an
    # accusative tanween ("1462 شخصًا") or a noun that is usually counted marks a count
    nxt_text = toks[i + 1].text if i + 1 < len(toks) else ""
    counted = unit is not None and (nxt == "من" or unit in _CURRENCIES.values() or unit == "%"
                                    or nxt_text.endswith(("ًا", "اً")) or nxt in _OFTEN_COUNTED
                                    or fold(unit) in _OFTEN_COUNTED)
    return prev in _YEAR_BEFORE or prev in _MONTHS or nxt in _ERA_AFTER or not counted


def _after_number(text: str, toks: list[_Tok], last: int, value: float
                  ) -> tuple[int, str | None]:
    """(end offset, unit) for what follows the number's last token."""
    tok = toks[last]
    sign = re.match(r"\s?[%٪]", text[tok.end:tok.end + 2])
    if sign:
        return tok.end + sign.end(), "%"
    if re.match(r"\s?\$", text[tok.end:tok.end + 2]):
        return tok.end + text[tok.end:tok.end + 2].index("$") + 1, "دولار"
    if last + 1 >= len(toks) or not _adjacent(text, tok, toks[last + 1]):
        return tok.end, None
    nxt = toks[last + 1]
    if nxt.key in _PERCENT_JOINED:
        return nxt.end, "%"
    if nxt.key in ("في", "فى") and last + 2 < len(toks) and toks[last + 2].key in _PERCENT_WORDS:
        return toks[last + 2].end, "%"
    if nxt.is_num or nxt.key in _MONTHS or nxt.key in _ERA_AFTER:
        return tok.end, None
    currency = _CURRENCIES.get(fold(_clean_unit(nxt.text, 11)))
    if currency:
        return nxt.end, currency
    if nxt.key == "من" and last + 2 < len(toks) and _adjacent(text, nxt, toks[last + 2]):
        counted = toks[last + 2]                     # "30 من وزراء الدفاع"
        if not counted.is_num and counted.key not in _NOT_UNITS and counted.key not in _MONTHS \
                and not counted.key.startswith("الشهر"):
            return counted.end, _clean_unit(counted.text, value)
        return tok.end, None
    if nxt.key in _NOT_UNITS or parse_number([nxt.text]) is not None or not _counted_noun(nxt.key):
        return tok.end, None
    return nxt.end, _clean_unit(nxt.text, value)


def _counted_noun(key: str) -> bool:
    """False for words after a number that cannot be what it counts: "آخرون" (others),
    a definite noun ("15 المتبقية") or one with a pronoun ("لقي ثلاثة حتفهم")."""
    if key in _OTHERS:
        return False
    if key.startswith(("ال", "لل", "بال", "وال", "فال", "كال")) and \
            not key.startswith(("الف", "الاف")):
        return False                                 # definite, or a preposition + article
    return not (key.endswith(_PRONOUN_ENDINGS) and len(key) > 4)


def find_quantities(document: Document) -> tuple[Quantity, ...]:
    """Every counted number in `document.text`, with offsets into it, in text order."""
    text = document.text
    toks = _tokens(text)
    blocked = [(m.start(), m.end()) for m in _URL.finditer(text)]
    blocked += [(start, end) for start, end, _ in find_dates(text)]
    found: list[Quantity] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        # Most words cannot start a number: skip reading on from them (same result, fewer parses)
        parsed = _parse_at(text, toks, i) if tok.is_num or may_start_number(tok.key) else None
        if parsed is None:
            i += 1
            continue
        last = i + parsed.consumed - 1
        if tok.is_num and _is_excluded_numeral(text, toks, i, blocked):
            i = last + 1
            continue
        if not tok.is_num and _is_weak_word_number(toks, i, parsed):
            i = last + 1
            continue
        start = tok.start
        if i > 0 and toks[i - 1].text == "$" or text[max(0, start - 1):start] == "$":
            start -= 1
        if start < tok.start:
            end, unit = toks[last].end, "دولار"      # "$30"
        else:
            end, unit = _after_number(text, toks, last, parsed.value)
        if last + 1 < len(toks) and toks[last + 1].key in _TIME_OF_DAY:
            i = last + 1                             # "الساعة الـ 12 مساء"
            continue
        if _month_follows(text, toks, last):
            i = last + 1                             # "30 أيلول/سبتمبر" without a year
            continue
        if tok.is_num and _is_year(parsed.value, toks, i, last, unit):
            i = last + 1
            continue
        if any(s <= start < e for s, e in blocked):
            i = last + 1
            continue
        if unit is None and parsed.value < 10 and parsed.consumed == 1 and tok.is_num:
            i = last + 1                             # a bare digit: a label more often than a count
            continue
        value: float = int(parsed.value) if parsed.value == int(parsed.value) else parsed.value
        found.append(Quantity(document.id, start, end, text[start:end], value, unit))
        i = last + 1
    return tuple(found)


def _month_follows(text: str, toks: list[_Tok], last: int) -> bool:
    """True when the number is a day: a month name follows (also after من)."""
    j = last + 1
    if j < len(toks) and toks[j].key == "من" and _adjacent(text, toks[last], toks[j]):
        j += 1
    return j < len(toks) and toks[j].key in _MONTHS and _adjacent(text, toks[j - 1], toks[j])


def _parse_at(text: str, toks: list[_Tok], i: int) -> ParsedNumber | None:
    """The number starting at token i, reading on only over space-separated tokens."""
    words = [toks[i].text]
    j = i + 1
    while j < len(toks) and len(words) < 8 and _adjacent(text, toks[j - 1], toks[j]):
        words.append(toks[j].text)
        j += 1
    if not toks[i].is_num and toks[i].key.startswith("ال") and not toks[i].key.startswith("الف"):
        return None
    return parse_number(words)


def _is_weak_word_number(toks: list[_Tok], i: int, parsed: ParsedNumber) -> bool:
    """Number words that rarely count anything: a bare "one"/"two", or عشر after an ordinal."""
    if i > 0 and toks[i - 1].key in _ORDINALS:
        return True                                  # السابع عشر
    if i + 1 < len(toks) and (toks[i + 1].key in _PERCENT_JOINED or toks[i + 1].text in "%٪"):
        return False                                 # "واحد بالمئة" is 1 %
    return parsed.consumed == 1 and parsed.value in (1, 2) and toks[i].key not in (
        fold("ألفين"), fold("ألفان"), fold("مليونين"))
