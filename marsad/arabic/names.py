"""Keys for matching personal names across spellings: شويجو = شويغو, عبد الله = عبدالله.

Pure functions on one name. The letter classes (ج/غ/ق/ك for a Latin g, س/ز, ت/ط) are learnt
from Wikidata transliterations by `scripts/build_name_table.py` and shipped as a small table
(`marsad/models/name_letters.tsv.gz`); the ج/غ/ق/ك class is also built in, so a missing table
only loses the learnt classes.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from importlib import resources as importlib_resources

from marsad.arabic.normalize import fold

# Words that join the next one into one name word: عبد الله -> عبدالله, أبو بكر -> أبوبكر.
_JOINING = frozenset(fold(w) for w in ("عبد", "أبو", "ابو", "أبي", "أبا"))
# Markers of a lineage chain: "محمد بن سلمان بن عبدالعزيز" (X son of Y son of Z).
LINEAGE = frozenset(fold(w) for w in ("بن", "ابن", "بنت", "ولد"))
# "آل سعود", "آل نهيان": the family name that may be added to or left off a chain.
_FAMILY = fold("آل")
_BUILT_IN_CLASSES = {"ج": "ج", "غ": "ج", "ق": "ج", "ك": "ج"}


# Arab given names with fixed spellings that differ from each other only by a long vowel: their
# skeleton keeps the vowels (محمد / محمود / حامد, سعد / سعيد / سعود, حسن / حسين / حسان).
NATIVE_NAMES = frozenset(fold(w) for w in (
    "محمد محمود حامد حمد أحمد حمود حميد حمدي حمدان "
    "سعد سعيد سعود سعدي "
    "حسن حسين حسان حسني "
    "سالم سليم سلمان سليمان سلمى "
    "عمر عمار عامر عمران "
    "ناصر نصر نصير "
    "جمال جميل جميلة "
    "كريم كرم "
    "عادل عدلي "
    "راشد رشيد رشدي "
    "ماجد مجيد مجدي "
    "زايد زيد زياد "
    "فهد فهيد "
    "منصور منصر "
    "خالد خلود "
    "علي عليان علا "
    "نايف نواف "
    "صالح صلاح صليح "
    "طلال طلل "
    "عبيد عبد عابد "
    "مريم مرام "
    "هاني هناء هنا "
    "نور نوري نورة "
    "بدر بادر "
    "سعدون سعدان").split())


@lru_cache(maxsize=1)
def letter_classes() -> dict[str, str]:
    """Letter -> representative of its transliteration class (the shipped table)."""
    table = dict(_BUILT_IN_CLASSES)
    try:
        path = importlib_resources.files("marsad") / "models" / "name_letters.tsv.gz"
        with gzip.open(path.open("rb"), "rt", encoding="utf-8") as lines:  # type: ignore[arg-type]
            for line in lines:
                if line.strip() and not line.startswith("#"):
                    letter, representative = line.split("\t")[:2]
                    table[letter] = representative
    except (FileNotFoundError, OSError):
        pass                                        # built-in classes only
    return table


def skeleton(word: str) -> str:
    """Consonant skeleton of one name word: شويجو and شويغو -> the same string.

    Letters map to their class, a final ة/ه reads as ا (سورية/سوريا), doubled letters
    collapse (shadda written or not) and inner long vowels drop (فلادمير/فلاديمير), except in
    common Arab given names, whose vowels tell them apart (`NATIVE_NAMES`)."""
    folded = fold(word)
    native = folded in NATIVE_NAMES
    classes = letter_classes()
    folded = "".join(classes.get(c, c) for c in folded)
    if len(folded) > 2 and folded.endswith("ه"):
        folded = folded[:-1] + "ا"
    # Doubled letters collapse before the vowels drop, so letters a vowel kept apart stay two
    # (الجديدة is not جدة); a native given name keeps its vowels (محمد is not محمود).
    folded = re.sub(r"(.)\1+", r"\1", folded)
    if native or len(folded) <= 2:
        return folded
    return folded[:1] + "".join(c for c in folded[1:-1] if c not in "اوي") + folded[-1:]


def name_words(words: list[str]) -> list[str]:
    """Folded name words with عبد/أبو joined to the next word and آل X dropped from the end.

    A leading article is kept (الأسد is a name), but a person key strips it: see `person_key`."""
    folded = [fold(w) for w in words]
    joined: list[str] = []
    i = 0
    while i < len(folded):
        if folded[i] in _JOINING and i + 1 < len(folded):
            joined.append(folded[i] + folded[i + 1])
            i += 2
            continue
        joined.append(folded[i])
        i += 1
    if len(joined) > 3 and joined[-2] == _FAMILY:
        joined = joined[:-2]                        # سلمان بن عبدالعزيز آل سعود
    return joined


def person_key(words: list[str]) -> tuple[str, ...]:
    """Skeletons of a person's name words; lineage markers kept as "بن" to show the chain."""
    key = []
    for word in name_words(words):
        if word in LINEAGE:
            key.append("بن")
            continue
        if word.startswith("ال") and len(word) > 4:
            word = word[2:]                          # الرومي / رومي, السيسي / سيسي
        key.append(skeleton(word))
    return tuple(key)


def is_patronymic(key: tuple[str, ...], index: int) -> bool:
    """True when word `index` of a person key follows a lineage marker (the father's name)."""
    return index > 0 and key[index - 1] == "بن"


def same_person_name(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two multi-word person keys name the same person (spelling aside).

    - same first word, and same last word or one name is the start of the other
      (محمد بن سلمان / محمد بن سلمان بن عبدالعزيز; إسماعيل ولد الشيخ / ... أحمد);
    - or, without a lineage chain, the shorter is the end of the longer with one word more
      (جاويش أوغلو / مولود جاويش أوغلو; عبدالله صالح / علي عبدالله صالح) — never a chain's
      tail (عبدالله بن عبدالعزيز is the father of بندر بن عبدالله بن عبدالعزيز)."""
    if len(a) < 2 or len(b) < 2:
        return False
    short, long_ = sorted((a, b), key=len)
    if a[0] == b[0]:
        if a[-1] == b[-1]:
            return True
        return len(short) >= 2 and long_[:len(short)] == short and short[-1] != "بن"
    if "بن" in a or "بن" in b:
        return False
    return len(long_) - len(short) == 1 and long_[1:] == short


# Given names whose first letter is also a proclitic (و، ل، ب، ف، ك): the letter is the name's,
# never a conjunction or preposition to cut (وليد is not و + يد, ليلى not ل + يلى).
CLITIC_LETTER_NAMES = frozenset(fold(w) for w in (
    "وليد وائل وجدي وديع وفاء وداد وسام وصفي وضاح وهيب وحيد وجيه وفيق وسيم ولاء وهبة "
    "وهبي وصال وجدان وضحى وردة "
    "ليلى لبنى لمى لينا لؤي لطفي لطيفة لقمان لبيب لميس لانا ليث لولوة لجين "
    "بدر بكر بسام بشار بشير بشرى باسل باسم بلال بندر بدرية بهاء بثينة بسمة بتول برهان "
    "فهد فيصل فاطمة فارس فراس فؤاد فادي فايز فواز فوزي فريد فتحي فرح فاروق فالح فلاح "
    "فضل فهمي فيروز فدوى "
    "كمال كريم كامل كاظم كنان كوثر كفاح كلثوم").split())


def is_clitic_letter_name(word: str) -> bool:
    """True for a given name whose first letter only looks like a proclitic (وليد, ليلى)."""
    return fold(word) in CLITIC_LETTER_NAMES


FEMININE_TITLE = re.compile(r"^(ال)?(رئيس|وزير|مدير|مستشار|نائب|متحدث|ناطق|سفير|أمين|امين|"
                            r"مساعد|مندوب|ممثل|عضو|محافظ|قائد|مسؤول|مسئول|مسءول)ه$")
_FEMALE_NAMES = frozenset(fold(w) for w in (
    "نهى هدى منى ليلى سلمى ريم مريم هند دعاء رشا رنا لمى علا ندى نجوى سهى مي مها جيهان "
    "هيلاري ميشال ميشيل أنجيلا أنغيلا أنجلينا تيريزا كريستين فيديريكا سوزان كاثرين ملالا "
    "بيناز").split())


_MALE_IN_TA_MARBUTA = frozenset(fold(w) for w in (
    "حمزة أسامة طلحة معاوية عبيدة خليفة عكرمة قتيبة عطية حذيفة عروة ربيعة").split())


def gender_of_name(first_word: str) -> str | None:
    """"f" for a female first name (ending in ة, or a known name), else None (unknown)."""
    folded = fold(first_word)
    if folded in _FEMALE_NAMES or (folded.endswith("ه") and len(folded) > 3
                                   and folded not in _MALE_IN_TA_MARBUTA
                                   and not folded.endswith("الله")):
        return "f"
    return None
