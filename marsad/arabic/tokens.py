"""Word tokens over the original text (offsets kept), and clitic handling for matching.

Tokenisation choices (tests pin each one):
- a word keeps its internal diacritics, tatweel and zero-width joiners (`مُحمّد`, `الـ`);
- numbers with decimal or thousands separators are one token: `3.5`, `1,000`, `٣٫٥`, `١٬٠٠٠`;
- letters and digits written together stay together (`2015م`, `G20`);
- a hyphen joins only a short letter prefix (up to six letters) to a number, as model names
  are written (`إس-400`, `F-16`, `كوفيد-19`), and Latin words to Latin words (`al-Qaeda`);
  everywhere else it separates (`موسكو-سانا`, `الروسية-الإيرانية`, `2013-2014`): Arabic
  news uses it as a dash;
- punctuation is never a token.

Clitics: Arabic glues conjunctions (و ف), prepositions (ب ل ك), the article (ال) and object or
possessive pronouns (ه ها هم ...) to words. Without a lexicon the letters are ambiguous
(`وزير` is not و+زير, `بوتين` is not ب+وتين), so the rules here are deliberately conservative
and backed by `_PROTECTED`, a hand-written list of frequent news words and names that begin
or end with clitic letters. Every split is returned on the original characters, so the pieces
always concatenate back to the word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from marsad.arabic.normalize import REMOVED_CHARS, fold

# Combining marks, tatweel and joiners that may sit inside a word.
_MARKS = ("\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
          "\u0640\u200c\u200d")
_UNIT = rf"[^\W_](?:[^\W_]|[{_MARKS}])*"
_WORD = re.compile(
    rf"""
    [^\W\d_]{{1,6}}-\d+(?![^\W_])               # model names: إس-400, F-16, كوفيد-19
    | {_UNIT}
      (?:(?:(?<=\d)[.,\u066b\u066c](?=\d)       # 3.5  1,000  ٣٫٥
          | (?<=[A-Za-z])['\u2019-](?=[A-Za-z])  # don't, al-Qaeda
         ){_UNIT})*
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    """One word of a text: its half-open span in the original and its original characters."""

    start: int
    end: int
    text: str


def word_tokens(text: str) -> list[Token]:
    """Words of `text` with their offsets; punctuation is not returned."""
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


# A word, else any single non-space character: `word_tokens` plus the punctuation between
# words, one character each, in one scan (the word is tried first at every position, so the
# words are exactly those of `word_tokens`).
_WORD_OR_SYMBOL = re.compile(rf"(?:{_WORD.pattern}) | \S", re.VERBOSE)


def word_and_symbol_tokens(text: str) -> list[Token]:
    """Words of `text` and every other non-space character as a token of its own."""
    return [Token(m.start(), m.end(), m.group()) for m in _WORD_OR_SYMBOL.finditer(text)]


def word_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches `word_tokens` makes its tokens of (for hot loops that build their own)."""
    return _WORD.finditer(text)


# ---------------------------------------------------------------------------------------------
# Lexical knowledge (folded forms: no diacritics, أإآ -> ا, ى -> ي, ة -> ه, ؤ/ئ -> ء).

# Frequent words and names whose first letter is a clitic letter or whose ending looks like a
# pronoun: never cut into. Written for news; extend when a real error shows up.
_PROTECTED_WORDS = """
وزير وزيره وزراء وزاره وزارات وكاله وكالات وفد وفود وسط وضع وقت وحده وحدات وطن وطني وطنيه
ولايه ولايات ولي وليد وليام واشنطن وجه وجوه وجود وثيقه وثاءق وساءل وسيله وصول وقف وقود وراء
وفق وفاه وفيات واقع واقعه وادي واحد واحده واسع واسعه وافق وقع وقعت وصل وصلت وجد وجدت وعد
وعود والد والده والي وزن ورقه وظيفه وظاءف وكيل ورشه ودي ورد وهران ويلز وارسو وانغ وجهه
وجهات واجب واجهه وارد واردات وباء وتيره وحيد وسام وصف وضوح وقاءع وقايه ولاء ولاده وقع وقوع
ولد ولدت وريث وصايه وكر وجيز وسيط وسطاء وصيه ورق وعاء وحش وسيم وزن وهج ويكيليكس ورده وداد وفاء وصفي واءل وهبي وهبه

فرنسا فرنسي فلسطين فلسطيني فلاديمير فريق فتره فرص فرصه فصاءل فصيل فعل فعلا فكره فكر فيلق
فيديو فندق فوز فرع فروع فقط فيما فوق فءه فءات فنزويلا فنلندا فيتنام فيينا فاتوره
فاءده فارس فاطمه فالح فيصل فءاد فتح فرض فقد فقدان فشل فاعل فاعليه فورا فوري فضاء فضاءي فنان
فن فنون فلول فرقه فرق فيلم افلام فحسب فاز فتاه فني فصل فلوريدا فيروس فترات فكري فقير فقراء فهد فهمي فواز فادي فراس فرج فريد فوزي فخري
فلوجه فيلادلفيا فرانسوا فرانك فيدرالي فدرالي فيدراليه فدراليه

بوتين باريس برلين بروكسل بريطانيا بريطاني بغداد بيروت بكين بشار بلد بلاد بلدان بلده بين بعد
بعض بيان بيانات برنامج برامج بحث بحر بحري بحريه باب بناء بنك بنوك بدايه بدء بدا بدات بلغ بلغت
بقي بقاء بيت بطل بطوله بلجيكا بولندا بلغاريا باكستان بنغلاديش بورما بوليفيا بيرو بنما بحرين
برلمان برلماني بورصه بيءه بيع باحث بعثه بعثات برج بطاقه بند بنود بضع بضعه بات باتت بالغ بالغه
بلير بوش بايدن بومبيو بيلاروسيا باتروشيف بورتنيكوف بيريز بنيامين بندر بكر باسل بسام بهاء
باراك بارزاني بولتون بيل بوريس بحيره بترول بنزين بشر بشري بطاله بعيد بعيدا بقيه بينما بيد
بلاغ بوابه بدو بديل بدائل بطء برنت بيتر بيونغ بابا بحار بعل بهدوء بوغدانوف بوروشينكو بيسكوف
بيان بوكو بلال بلقيس بنت بني بريكس برازيل البرازيل بيانكا بولس بوسطن بومباي بون بلوشستان
باقر بيك بطرس بدل بتاتا بحثت بي بما بريتيش

لبنان لبناني ليبيا ليبي لندن لافروف لجنه لجان لقاء لقاءات لغه لحظه لعب لاعب لاعبين لعبه لواء
لوس لوكسمبورغ لاتفيا ليتوانيا لاهاي لاجء لاجءين لاجءون لوبان لولا لكن ليس ليست ليسوا لدي لقد
لماذا ليله ليل لون لاءحه لقب لجوء لحم لوحه لين ليون ليبرمان لاريجاني لءي ليث لينا لمي ليبرالي
لوجستي لورانس لويس ليندسي لوكاشينكو لينين لاغارد لاتيني لاتينيه ليبيري لذا لازم لاحق لاحقا
لطيف لطفي لبيد لوبي لواءح

كندا كوريا كوبا كينيا كييف كيري كابول كازاخستان كشمير كاليفورنيا كولومبيا كرواتيا كوسوفو
كاراكاس كاتالونيا كان كانت كانوا كل كلمه كلمات كبير كبيره كبار كثير كثيره كتاب كتب كتيبه كره
كاس كليه كميه كميات كشف كلفه كهرباء كامل كامله كافه كافي كيف كيفيه كيان كيماوي كيمياءي كنيسه
كوادر كورونا كلينتون كيم كمال كريم كرملين كوشنر كاميرون كتله كنز كسر كما كذلك كلا كلي كليا
كاتب كادر كفاءه كفاح كلب كوارث كارثه كرسي كراهيه كيلومتر كيلو كمبوديا كاميرا كونغرس كوفي
كرديه كردي كركوك كويت كي

الله الذي التي الذين اللذين اللذان اللتين اللتان اللاتي اللواتي اللاءي الان الا الي الا
عبدالله حزب شبه فقه كره اله نبيه وجيه فقيه سفيه كريه نزيه تافه رفاه مياه اتجاه شفاه جباه
افواه انتباه اشتباه تراكم محاكم مراكم ابراهيم جنيه مشتبه اوجه اشبه يواجه تواجه نواجه
واجه توجه يتوجه اتجه هذه هذا ذلك تلك هءلاء هنا هناك
"""
_PROTECTED: frozenset[str] = frozenset(_PROTECTED_WORDS.split())

# Endings that turn a protected name into its adjective or plural (بريطانيا -> بريطانيه,
# فلسطين -> فلسطينيون, فرنسا -> فرنسي): a word built so from a protected word is protected too.
_DERIVED_ENDINGS = ("يين", "يون", "يات", "يه", "يا", "ات", "ين", "ون", "ي", "ه", "ا", "ت")


def is_known_word(folded: str) -> bool:
    """True when a folded word is itself in the protected list (not only derived from one)."""
    return folded in _PROTECTED


def _known(folded: str) -> bool:
    if folded in _PROTECTED:
        return True
    if len(folded) >= 3 and any(folded + ending in _PROTECTED for ending in ("ه", "ا", "يا")):
        return True   # the stem of a protected word (وزار of وزارة) is protected too
    for ending in _DERIVED_ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= 3:
            root = folded[: -len(ending)]
            if root in _PROTECTED or root + "ا" in _PROTECTED or root + "يا" in _PROTECTED:
                return True
    return False


@lru_cache(maxsize=65_536)
def is_protected(folded: str) -> bool:
    """True when a folded word is a known word or name, or one with a derived ending or a
    pronoun suffix (بريطاني, فلسطينيون, وزارته, بينهم): its first letters are not clitics."""
    if _known(folded):
        return True
    for suffix in ("هما", "هم", "ها", "نا", "كم", "ه"):
        if folded.endswith(suffix) and len(folded) - len(suffix) >= 2:
            root = folded[: -len(suffix)]
            # A suffix turns a final ة into ت: وزارته is وزارة + ه.
            if _known(root) or (root.endswith("ت") and _known(root[:-1] + "ه")):
                return True
    return False


# Words that take pronoun suffixes however short they are (عليه = علي+ه, لديه, أنه, فيها).
# Folded spelling of the base as it appears before the suffix.
_FUNCTION_BASES = frozenset("""
في من عن علي الي لدي مع ان لكن عند حول بين دون ضد خلال مثل كل بعض غير نفس احد بعد قبل عبر تحت
فوق امام وراء حيال لعل منذ ذات جميع معظم اغلب حسب ضمن اياه ايا كلا
""".split())
# Preposition + relative pronoun written as one word, split the UD way (من+ما -> م+ما).
_FUSED = {"مما": 1, "ممن": 1, "عما": 1, "عمن": 1}

_PRONOUNS = ("هما", "كما", "هم", "ها", "هن", "كم", "كن", "نا", "ني", "ه", "ي", "ك")
_ALL_PRONOUNS = frozenset(_PRONOUNS)
# Suffixes tried on ordinary words (ي and ك are too often part of the word: الروسي, ملك).
_GENERAL_SUFFIXES = ("هما", "هم", "ها", "هن", "نا", "كم", "ه")
_TANWEEN_FATH = "\u064b"
_CLITIC_NUMBER = re.compile(r"((?:[وف]?[بلك]?|[وف])(?:ال)?)\d[\d.,]*$")


@dataclass(frozen=True)
class _Analysis:
    """Cut points of one word, as indexes into its original characters."""

    proclitics: tuple[int, ...]  # end index of each proclitic piece (و, ب, ال / لل)
    article: bool                # the last proclitic piece is the article (ال, or لل's ل)
    base_end: int                # where enclitics start (== len(word) when none)


def _letters(word: str) -> tuple[str, list[int]]:
    """The word without marks (ة and ى kept) and the original index of each kept character."""
    kept = [(i, ch) for i, ch in enumerate(word) if ch not in REMOVED_CHARS]
    return "".join(ch for _, ch in kept), [i for i, _ in kept]


@lru_cache(maxsize=262_144)
def _analyse(word: str, aggressive: bool) -> _Analysis | None:
    """Find clitic cut points; `aggressive` follows UD segmentation, otherwise stay conservative."""
    light, index = _letters(word)
    folded = fold(light)
    if len(folded) != len(light) or len(light) < 2:
        return None   # presentation forms or a single letter: nothing safe to say
    index.append(len(word))
    if not all("\u0621" <= ch <= "\u064a" for ch in folded):
        # Only plain Arabic letters are analysed, but a clitic glued to a number is common
        # in news (و30, ب2015, للـ8): split it off.
        match = _CLITIC_NUMBER.match(folded)
        if match is None:
            return None
        cut = index[match.end(1)]
        return _Analysis((cut,), False, len(word))
    min_base = 2 if aggressive else 3
    cuts: list[int] = []          # cut positions in `light`
    article = False
    pos = 0
    if is_protected(folded) or (folded.startswith("في") and folded[2:] in _ALL_PRONOUNS):
        # Protected words, and في + pronoun (فيه, فيها): no proclitic to find.
        return _enclitic_only(word, light, folded, index, aggressive, pos, cuts, article)
    if aggressive and folded in _FUSED:
        return _Analysis((index[_FUSED[folded]],), False, len(word))
    # Conjunction و / ف (only one).
    rest = folded
    if rest[0] in "وف" and not is_protected(rest) and (
            len(rest) - 1 >= min_base or rest[1:].startswith("ال") or is_protected(rest[1:])
            or (aggressive and rest[1:] in _FUNCTION_BASES)):
        pos += 1
        cuts.append(pos)
        rest = folded[pos:]
    # Preposition ب / ل / ك, possibly followed by the article (لل = ل + ال without its alef).
    if rest and rest[0] in "بلك" and not is_protected(rest):
        after = rest[1:]
        if rest[0] == "ل" and after.startswith("ل") and len(after) - 1 >= 2 \
                and not is_protected(after):
            pos += 1
            cuts.append(pos)            # ل
            article = True
            if not aggressive:           # split_clitics keeps لل together as one proclitic
                cuts[-1] = pos + 1
            pos += 1
        elif after.startswith("ال") and len(after) - 2 >= 2 and not is_protected(after):
            pos += 1
            cuts.append(pos)
        elif (rest[0] != "ك" and len(after) >= min_base + bool(cuts)) or is_protected(after) or (
                aggressive and (after in _ALL_PRONOUNS or after in _FUNCTION_BASES)):
            # ك ("like") is rare before a bare word and begins many (كلام, كبير, كتب): it
            # is split only before the article, a known name or a pronoun.
            pos += 1
            cuts.append(pos)
        rest = folded[pos:]
    # Article ال (a separate piece only for split_clitics; UD keeps it in the word).
    if not article and rest.startswith("ال") and len(rest) - 2 >= 2 and not is_protected(rest):
        article = True
        pos += 2
        if not aggressive:
            cuts.append(pos)
    return _enclitic_only(word, light, folded, index, aggressive, pos, cuts, article)


def _enclitic_only(word: str, light: str, folded: str, index: list[int], aggressive: bool,
                   pos: int, cuts: list[int], article: bool) -> _Analysis:
    """Add the pronoun-suffix cut to proclitic cuts and map everything to original indexes."""
    end = len(light)
    base = light[pos:]
    fbase = folded[pos:]
    # Only an exact entry blocks suffixes: بينه is protected from ب+ينه but still بين+ه.
    if fbase not in _PROTECTED and folded not in _PROTECTED:
        end = len(light) - _enclitic_length(word, base, fbase, aggressive, article)
    return _Analysis(tuple(index[c] for c in cuts), article, index[end])


def _enclitic_length(word: str, base: str, fbase: str, aggressive: bool,
                     stem_has_article: bool = False) -> int:
    """Length of the pronoun suffix of `base` (light letters), or 0."""
    for suffix in _PRONOUNS:
        if not base.endswith(suffix) or len(base) == len(suffix):
            continue
        stem = fbase[: -len(suffix)]
        if stem in _FUNCTION_BASES and not stem_has_article:
            return len(suffix)         # عليه, لديها, أنهم: safe at any length
        if suffix not in _GENERAL_SUFFIXES:
            continue
        core = stem[2:] if stem.startswith("ال") else stem
        need = 2 if aggressive else 3
        if suffix in ("كم", "كما"):
            need = 4                   # تراكم, محاكم: كم ends many nouns
        elif suffix == "هن":
            need = 3                   # الراهن, كاهن
        if len(core) < need:
            continue
        before = base[-len(suffix) - 1]
        if suffix == "ه":
            # اتجاه, مياه, وجوه end in ه without a pronoun; ...الله is a name; تفعيل of
            # roots ending in ه (توجيه, تنبيه) too.
            if before in "اوىهآ" or fbase.endswith("لله"):
                continue
            if len(fbase) == 5 and fbase[0] == "ت" and fbase[3] == "ي":
                continue
        if suffix == "نا":
            # كورونا, أستانا, فيينا; and زمناً (tanween, not a pronoun).
            if before in "اوي" or word.rstrip("\u0640").endswith(_TANWEEN_FATH) \
                    or _TANWEEN_FATH in word[-3:]:
                continue
        return len(suffix)
    return 0


def split_clitics(word: str) -> tuple[str, str, str]:
    """Split `word` into (proclitics, base, enclitics) on its original characters.

    Conservative, for matching names: `لداعش` -> ('ل', 'داعش', ''), `والإرهابيين` ->
    ('وال', 'إرهابيين', ''), `حكومتهم` -> ('', 'حكومت', 'هم'); `بوتين`, `وزير`, `روسيا` stay whole.
    """
    analysis = _analyse(word, False)
    if analysis is None:
        return "", word, ""
    start = analysis.proclitics[-1] if analysis.proclitics else 0
    return word[:start], word[start:analysis.base_end], word[analysis.base_end:]


@lru_cache(maxsize=262_144)
def base_form(word: str, strip_article: bool = False) -> str:
    """Folded matching key of `word`: conjunctions, prepositions and pronoun suffixes removed.

    The article is kept (`وللأمن` -> `الامن`, `لداعش` -> `داعش`) unless `strip_article`.
    """
    analysis = _analyse(word, False)
    if analysis is None:
        return fold(word)
    start = analysis.proclitics[-1] if analysis.proclitics else 0
    base = fold(word[start:analysis.base_end])
    if analysis.article and not strip_article:
        return "ال" + base
    return base


def tokenize_for_matching(text: str) -> list[tuple[Token, str]]:
    """Word tokens of `text`, each with its `base_form` (article kept)."""
    return [(token, base_form(token.text)) for token in word_tokens(text)]


def segment(word: str) -> list[str]:
    """Clitic segmentation comparable with UD Arabic: `وبالتالي` -> ['و', 'ب', 'التالي'].

    UD conventions: the article stays in the word, `لل` becomes ['ل', 'ل...'], pronoun suffixes
    are split (`لديه` -> ['لدي', 'ه']). Pieces are original characters and join back to `word`.
    """
    analysis = _analyse(word, True)
    if analysis is None:
        return [word]
    pieces: list[str] = []
    start = 0
    for cut in analysis.proclitics:
        pieces.append(word[start:cut])
        start = cut
    if analysis.base_end > start:
        pieces.append(word[start:analysis.base_end])
    if analysis.base_end < len(word):
        pieces.append(word[analysis.base_end:])
    return [p for p in pieces if p]
