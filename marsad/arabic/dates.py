"""Dates written in Arabic news text, as `datetime.date` values with their offsets.

Recognised (matching runs on the folded text, offsets point into the original):
- Gregorian day + month name (+ year): Egyptian/Gulf names (يناير ... ديسمبر), Levantine/Iraqi
  names (كانون الثاني، شباط، آذار، نيسان، أيار، حزيران، تموز، آب، أيلول، تشرين الأول/الثاني،
  كانون الأول), Maghrebi names (جانفي، فيفري، أفريل، جوان، جويلية، أوت، غشت، شتنبر ...), and the
  combined forms `أيلول/سبتمبر`, `سبتمبر (أيلول)`; optional `من`, `شهر`, `عام`, `م`, and a weekday
  before it (`الأحد 20 سبتمبر 2015`).
- Numeric dates: `20/9/2015`, `20-09-2015` (day first, as written in Arabic), `2015-09-20`.
- Hijri: `20 شوال 1436 هـ`, `20/10/1436هـ` (a year between 1300 and 1500 is taken as Hijri).
  Converted with the tabular (arithmetic) Islamic calendar, which differs from the official
  Umm al-Qura calendar by up to two days. A year alone (`1436هـ`, `عام 2015`) or a month and a
  year without a day are not dates: returning the first of the month would invent a precision
  the text does not have.
- Relative to a reference date (usually the article's publication date): اليوم، أمس/بالأمس،
  أول أمس/أول من أمس، غدًا/الغد، بعد غد; weekdays (الأحد ... السبت): the latest such day on or
  before the reference, or strictly before it with الماضي, or after it with المقبل/القادم.
  A day and month without a year take the year that puts the date closest to the reference.
  Without a reference, relative expressions are not returned.
Arabic-Indic digits (٢٠١٥) are read like ASCII digits.
"""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from marsad.arabic.normalize import fold, normalize

_MARKS = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670", "\u0640"}

_GREGORIAN = {
    1: "يناير جانفي كانون الثاني كانون ثاني",
    2: "فبراير فبرير فيفري شباط",
    3: "مارس آذار اذار",
    4: "أبريل إبريل ابريل أفريل افريل نيسان",
    5: "مايو ماي أيار ايار",
    6: "يونيو يونيه جوان حزيران",
    7: "يوليو يوليه جويلية جويلة تموز",
    8: "أغسطس اغسطس أغسطوس أوت غشت آب",
    9: "سبتمبر شتنبر أيلول ايلول",
    10: "أكتوبر اكتوبر تشرين الأول تشرين أول",
    11: "نوفمبر نونبر تشرين الثاني تشرين ثاني",
    12: "ديسمبر دجنبر كانون الأول كانون أول",
}
_HIJRI = {
    1: "محرم المحرم",
    2: "صفر",
    3: "ربيع الأول ربيع أول",
    4: "ربيع الثاني ربيع الآخر ربيع ثاني",
    5: "جمادى الأولى جمادى الأول جمادى أولى",
    6: "جمادى الآخرة جمادى الثانية جمادى الآخر جمادى الثاني",
    7: "رجب",
    8: "شعبان",
    9: "رمضان",
    10: "شوال",
    11: "ذو القعدة ذي القعدة",
    12: "ذو الحجة ذي الحجة",
}
_TWO_WORD_HEADS = {"كانون", "تشرين", "ربيع", "جمادى", "ذو", "ذي"}


def _names(table: dict[int, str]) -> dict[str, int]:
    """Folded month name -> month number (two-word names kept together)."""
    out: dict[str, int] = {}
    for month, names in table.items():
        words = names.split()
        i = 0
        while i < len(words):
            if words[i] in _TWO_WORD_HEADS and i + 1 < len(words):
                out[fold(words[i] + " " + words[i + 1])] = month
                i += 2
            else:
                out[fold(words[i])] = month
                i += 1
    return out


_G_NAMES = _names(_GREGORIAN)
_H_NAMES = _names(_HIJRI)


def _alternation(names: dict[str, int]) -> str:
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(names, key=len, reverse=True))


_WEEKDAYS = {"اثنين": 0, "ثلاثاء": 1, "اربعاء": 2, "خميس": 3, "جمعه": 4, "سبت": 5, "احد": 6}
_WEEKDAY = "(?:" + "|".join(_WEEKDAYS) + ")"
_B = r"(?<![\w])"          # word start (Arabic letters are \w)
_E = r"(?![\w])"           # word end
_GM = _alternation(_G_NAMES)
_HM = _alternation(_H_NAMES)
_WEEKDAY_PREFIX = rf"(?:{_B}[وف]?(?:يوم\s+)?ال{_WEEKDAY}\s*[,،]?\s*(?:الموافق\s+)?)?"
_ERA = r"(?:هجريه|هجري|ه|ميلاديه|ميلادي|م)"   # folded هـ / م: the era after a year
_YEAR_WORDS = r"(?:\s*[,،]?\s*(?:من\s+)?(?:عام|سنه|العام)?\s*)"

_NAMED = re.compile(
    _WEEKDAY_PREFIX
    + r"(?<!\d)(?P<day>\d{1,2})(?!\d)\s*(?:من\s+)?(?:شهر\s+)?"
    + rf"(?:(?P<gm>{_GM})(?:\s*[/(\-]\s*(?:{_GM})\s*\)?)?|(?P<hm>{_HM}))"
    + rf"(?:{_YEAR_WORDS}(?<!\d)(?P<year>\d{{4}})(?!\d)(?:\s*(?P<mark>{_ERA}))?)?{_E}"
)
_NUMERIC = re.compile(
    _WEEKDAY_PREFIX
    + r"(?<![\d/.\-])(?:(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})"
    + r"|(?P<y2>\d{4})(?P<sep2>[/\-])(?P<m2>\d{1,2})(?P=sep2)(?P<d2>\d{1,2}))(?![\d/\-])"
    + rf"(?:\s*(?P<mark>{_ERA}){_E})?"
)
_RELATIVE = re.compile(
    rf"{_B}(?:(?P<before_yesterday>[وف]?اول\s+(?:من\s+)?امس)"
    rf"|(?P<yesterday>[وف]?(?:بال|ال)?امس)"
    rf"|(?P<today>[وف]?اليوم)"
    rf"|(?P<after_tomorrow>[وف]?بعد\s+غد)"
    rf"|(?P<tomorrow>[وف]?(?:غدا|الغد))"
    rf"|(?P<weekday>[وف]?(?:يوم\s+)?ال(?P<wd>{_WEEKDAY})(?:\s+(?P<dir>الماضيه|الماضي|المنصرمه|المنصرم|الفاءته|الفاءت|المقبله|المقبل|القادمه|القادم))?)"
    rf"){_E}"
)
_RELATIVE_DAYS = {"before_yesterday": -2, "yesterday": -1, "today": 0, "tomorrow": 1,
                  "after_tomorrow": 2}


def hijri_to_gregorian(year: int, month: int, day: int) -> date:
    """Tabular Islamic calendar (civil epoch, 30-year cycle) to a Gregorian date.

    Within one or two days of Umm al-Qura; raises ValueError for an impossible day.
    """
    if not (1 <= month <= 12 and 1 <= day <= 30) or year < 1:
        raise ValueError(f"not a Hijri date: {year}-{month}-{day}")
    if day == 30 and month % 2 == 0 and not (month == 12 and (14 + 11 * year) % 30 < 11):
        raise ValueError(f"Hijri month {month} of {year} has 29 days")
    julian_day_number = (day + math.ceil(29.5 * (month - 1)) + (year - 1) * 354
                         + (3 + 11 * year) // 30 + 1948439)
    return date.fromordinal(julian_day_number - 1721425)


def gregorian_to_hijri(value: date) -> tuple[int, int, int]:
    """Inverse of `hijri_to_gregorian` (year, month, day)."""
    julian_day_number = value.toordinal() + 1721425
    year = (30 * (julian_day_number - 1948440) + 10646) // 10631
    month = min(12, math.ceil((julian_day_number - (29 + hijri_to_gregorian(year, 1, 1).toordinal()
                                                     + 1721425)) / 29.5) + 1)
    day = julian_day_number - (hijri_to_gregorian(year, month, 1).toordinal() + 1721425) + 1
    return year, max(1, month), day


def _closest_year(month: int, day: int, reference: date, hijri: bool) -> date | None:
    """The date with this day and month nearest to the reference (year unknown)."""
    options = []
    if hijri:
        base = gregorian_to_hijri(reference)[0]
        for year in (base - 1, base, base + 1):
            try:
                options.append(hijri_to_gregorian(year, month, day))
            except ValueError:
                pass
    else:
        for year in (reference.year - 1, reference.year, reference.year + 1):
            try:
                options.append(date(year, month, day))
            except ValueError:
                pass
    return min(options, key=lambda d: (abs((d - reference).days), d)) if options else None


def _build(year: int | None, month: int, day: int, hijri: bool, reference: date | None) -> date | None:
    try:
        if year is None:
            return _closest_year(month, day, reference, hijri) if reference else None
        if hijri or 1300 <= year <= 1500:
            return hijri_to_gregorian(year, month, day)
        if not 1800 <= year <= 2200:
            return None
        return date(year, month, day)
    except ValueError:
        return None


def _weekday(reference: date, weekday: int, direction: str | None) -> date:
    back = (reference.weekday() - weekday) % 7
    if direction and direction.startswith(("المقبل", "القادم")):
        return reference + timedelta(days=(weekday - reference.weekday() - 1) % 7 + 1)
    if direction and back == 0:
        back = 7                                 # "Sunday last" said on a Sunday
    return reference - timedelta(days=back)


def find_dates(text: str, reference: date | None = None) -> list[tuple[int, int, date]]:
    """Every date expression in `text`: (start, end, date), offsets into `text`, in order."""
    norm = normalize(text)
    folded = norm.text
    found: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []

    def keep(start: int, end: int, value: date | None) -> None:
        if value is None or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        first, last = norm.to_original(start, end)
        while last < len(text) and text[last] in _MARKS:   # keep a final haraka or tatweel
            last += 1
        found.append((first, last, value))

    for match in _NAMED.finditer(folded):
        hijri = match.group("hm") is not None
        names = _H_NAMES if hijri else _G_NAMES
        month = names[re.sub(r"\s+", " ", match.group("hm") or match.group("gm"))]
        year = int(match.group("year")) if match.group("year") else None
        hijri = hijri or (match.group("mark") or "").startswith("ه")
        keep(match.start(), match.end(), _build(year, month, int(match.group("day")), hijri, reference))
    for match in _NUMERIC.finditer(folded):
        if match.group("y"):
            year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
        else:
            year, month, day = int(match.group("y2")), int(match.group("m2")), int(match.group("d2"))
        hijri = (match.group("mark") or "").startswith("ه")
        keep(match.start(), match.end(), _build(year, month, day, hijri, None))
    if reference is not None:
        for match in _RELATIVE.finditer(folded):
            kind = next(k for k in ("before_yesterday", "yesterday", "today", "after_tomorrow",
                                    "tomorrow", "weekday") if match.group(k))
            if kind == "weekday":
                value = _weekday(reference, _WEEKDAYS[match.group("wd")], match.group("dir"))
            else:
                value = reference + timedelta(days=_RELATIVE_DAYS[kind])
            keep(match.start(), match.end(), value)
    found.sort()
    return found


def parse_date(text: str, reference: date | None = None) -> date | None:
    """The date of the first date expression in `text`, or None."""
    found = find_dates(text, reference)
    return found[0][2] if found else None
