"""Language identification: a baseline (script counts + function-word heuristic), no model.

Why not a library: langid calls short Arabic datelines Uyghur, and lingua costs seconds and
hundreds of MB at start-up (see DEPENDENCIES.md). marsad only needs to tell Arabic from the
other languages that turn up in an Arabic news folder: Persian and Urdu (same script), English
and a few other Latin-script languages, Russian, Hebrew. Non-Arabic articles are not rejected:
`Document.language` says what they are and later stages decide.

Arabic vs Persian/Urdu: letters alone mislead, because Arabic outlets write foreign names with
پ چ ژ گ ڤ (and copy Iranian agency text with ی ک), so the decision rests on function words
(Persian است این که را, Urdu کے کی ہے میں), with letters only as a tie-breaker on short texts.
"""

from __future__ import annotations

import re
from collections import Counter

from marsad.arabic.normalize import REMOVED_CHARS


_WORD = re.compile(r"[^\W\d_]+")

_ARABIC_WORDS = frozenset(
    "في من على إلى الى أن ان التي الذي عن مع هذا هذه كان قد لا ما بين بعد وقال قال كما أو ذلك "
    "وفي ومن إن الذين حتى عند لم لن".split())
_PERSIAN_WORDS = frozenset(
    "است این که را از به با می های برای شده یک آن بود شد کرد هم نیز اند ایران خود "
    "اين كه براي يك".split())
_URDU_WORDS = frozenset("کے کی ہے میں اور سے کو نے ہیں کہ پر یہ تھا گیا".split())
# Letters that only Urdu uses (Persian and Arabic do not).
_URDU_LETTERS = frozenset("ٹڈڑںےۓہ")
_PERSIAN_LETTERS = frozenset("پچژگ")

_LATIN_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for on with was as by it are from at said has "
                    "have be this which".split()),
    "fr": frozenset("le la les de des du et est un une que dans pour sur au aux qui il a "
                    "par avec ce".split()),
    "de": frozenset("der die das und ist nicht ein eine zu den von mit sich des auf für im "
                    "dem wurde".split()),
    "es": frozenset("el la los las de del y que en un una es por con para se al su".split()),
    "it": frozenset("il la di che e un una per non sono del della gli le con da".split()),
    "pt": frozenset("o a os as de do da e que em um uma para com não no na".split()),
    "tr": frozenset("ve bir bu da de ile için olarak olan çok daha gibi ama".split()),
}
_RUSSIAN_WORDS = frozenset("и в не на что с по как это он к из для о от".split())


# Letters by script, counted with regexes (a Python loop per character is 10x slower).
_SCRIPT_LETTERS: dict[str, re.Pattern[str]] = {
    "arabic": re.compile("[\u0620-\u063F\u0641-\u064A\u066E-\u06D3\u06D5\u06EE\u06EF"
                         "\u06FA-\u06FC\u06FF\u0750-\u077F\u08A0-\u08C9\uFB50-\uFDFB"
                         "\uFE70-\uFEFC]"),
    "latin": re.compile("[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF]"),
    "cyrillic": re.compile("[\u0400-\u04FF]"),
    "hebrew": re.compile("[\u05D0-\u05EA]"),
}
_ANY_LETTER = re.compile(r"[^\W\d_]")
_NOT_LETTERS = dict.fromkeys(map(ord, REMOVED_CHARS))


def _arabic_script_language(text: str, words: list[str]) -> str:
    """ar, fa or ur for a text written mostly in Arabic script."""
    counts = {"ar": 0, "fa": 0, "ur": 0}
    for word in words:
        if word in _ARABIC_WORDS:
            counts["ar"] += 1
        if word in _PERSIAN_WORDS:
            counts["fa"] += 1
        if word in _URDU_WORDS:
            counts["ur"] += 1
    # Function words decide when there are enough of them.
    best = max(counts, key=lambda lang: (counts[lang], lang == "ar"))
    if counts[best] >= 2 and counts[best] > counts["ar"]:
        return best
    if counts["ar"] >= 2:
        return "ar"
    # Short texts: letter evidence, with a high bar because Arabic uses پ چ گ in names.
    letters = len(_SCRIPT_LETTERS["arabic"].findall(text))
    if letters:
        urdu = sum(text.count(ch) for ch in _URDU_LETTERS) / letters
        persian = sum(text.count(ch) for ch in _PERSIAN_LETTERS) / letters
        if urdu >= 0.03:
            return "ur"
        if persian >= 0.05:
            return "fa"
    return "ar"


def detect_language(text: str) -> str:
    """ISO 639-1 code of `text` ("ar", "fa", "ur", "en", "fr", ...), or "und" when unsure."""
    # Tatweel floods, full vocalisation and zero-width/bidi controls are not letters of any
    # language: without this a stretched headline counted as an unknown script.
    sample = text[:10000].translate(_NOT_LETTERS)
    scripts = Counter({name: len(pattern.findall(sample))
                       for name, pattern in _SCRIPT_LETTERS.items()})
    letters = len(_ANY_LETTER.findall(sample))
    if not letters:
        return "und"
    scripts["other"] = letters - sum(scripts.values())
    script = scripts.most_common(1)[0][0]
    words = [w.lower() for w in _WORD.findall(sample)]
    # Crawled pages can carry more script/CSS than article: a real share of Arabic letters
    # with Arabic function words is an Arabic article with junk, not a Latin one.
    if (script == "arabic" or scripts["arabic"] >= 0.25 * letters
            and sum(1 for w in words if w in _ARABIC_WORDS) >= 3):
        return _arabic_script_language(sample, words)
    if script == "latin":
        hits = {lang: sum(1 for w in words if w in vocab) for lang, vocab in _LATIN_WORDS.items()}
        lang, best = max(hits.items(), key=lambda item: item[1])
        # Require some margin: short texts share words like "a", "de", "la".
        if best >= 2 and sorted(hits.values())[-2] < best:
            return lang
        return "und"
    if script == "cyrillic":
        return "ru" if sum(1 for w in words if w in _RUSSIAN_WORDS) >= 2 else "und"
    if script == "hebrew":
        return "he"
    return "und"
