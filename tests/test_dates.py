"""Dates in Arabic text: month names of every region, digits, Hijri, relative words."""

from __future__ import annotations

from datetime import date

import pytest

from marsad.arabic.dates import find_dates, gregorian_to_hijri, hijri_to_gregorian, parse_date

SUNDAY = date(2015, 8, 9)   # the reference date: a Sunday

ABSOLUTE = [
    ("في 30 أيلول/سبتمبر 2015", date(2015, 9, 30)),
    ("في ٣٠ أيلول/سبتمبر ٢٠١٥", date(2015, 9, 30)),
    ("يوم الأحد 20 سبتمبر (أيلول) 2015م", date(2015, 9, 20)),
    ("في 5 كانون الثاني 2016", date(2016, 1, 5)),
    ("3 تشرين الأول 2015", date(2015, 10, 3)),
    ("12 من شهر نيسان عام 2014", date(2014, 4, 12)),
    ("1 شباط 2015", date(2015, 2, 1)),
    ("18 آذار 2015", date(2015, 3, 18)),
    ("7 أيار 2015", date(2015, 5, 7)),
    ("21 حزيران 2015", date(2015, 6, 21)),
    ("14 تموز 2015", date(2015, 7, 14)),
    ("2 آب 2015", date(2015, 8, 2)),
    ("9 تشرين الثاني 2015", date(2015, 11, 9)),
    ("25 كانون الأول 2015", date(2015, 12, 25)),
    ("1 يناير 2015", date(2015, 1, 1)),
    ("14 فبراير 2015", date(2015, 2, 14)),
    ("8 مارس 2015", date(2015, 3, 8)),
    ("15 إبريل 2015", date(2015, 4, 15)),
    ("10 مايو 2015", date(2015, 5, 10)),
    ("30 يونيو 2015", date(2015, 6, 30)),
    ("23 يوليو 2015", date(2015, 7, 23)),
    ("6 أغسطس 2015", date(2015, 8, 6)),
    ("6 أكتوبر 2015", date(2015, 10, 6)),
    ("11 نوفمبر 2015", date(2015, 11, 11)),
    ("31 ديسمبر 2015", date(2015, 12, 31)),
    ("5 جويلية 2015", date(2015, 7, 5)),
    ("20/9/2015", date(2015, 9, 20)),
    ("2015-08-07", date(2015, 8, 7)),
    ("٢٠/٩/٢٠١٥", date(2015, 9, 20)),
]
RELATIVE = [
    ("صباح اليوم", SUNDAY),
    ("أمس", date(2015, 8, 8)),
    ("بالأمس", date(2015, 8, 8)),
    ("أول من أمس", date(2015, 8, 7)),
    ("أول أمس", date(2015, 8, 7)),
    ("غداً", date(2015, 8, 10)),
    ("بعد غد", date(2015, 8, 11)),
    ("يوم الخميس", date(2015, 8, 6)),
    ("الخميس الماضي", date(2015, 8, 6)),
    ("الأحد", SUNDAY),
    ("الأحد الماضي", date(2015, 8, 2)),
    ("الأحد المقبل", date(2015, 8, 16)),
    ("الجمعة القادمة", date(2015, 8, 14)),
    ("20 سبتمبر", date(2015, 9, 20)),          # year from the reference
    ("5 كانون الثاني", date(2016, 1, 5)),       # ... the closest one
]
NOT_DATES = ["في عام 2015", "1436هـ", "الخامس من الشهر", "خامس", "31 فبراير 2015",
             "تشرين الأول 2015", "كان أبوه في الدار"]


@pytest.mark.parametrize("text, expected", ABSOLUTE)
def test_absolute_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected
    assert parse_date(text, SUNDAY) == expected


@pytest.mark.parametrize("text, expected", RELATIVE)
def test_relative_dates_need_a_reference(text: str, expected: date) -> None:
    assert parse_date(text, SUNDAY) == expected
    assert parse_date(text) is None


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_dates(text: str) -> None:
    assert parse_date(text, SUNDAY) is None


def test_hijri_dates_are_within_two_days_of_umm_al_qura() -> None:
    # Umm al-Qura: 1 Shawwal 1436 = 17 July 2015, 20 Shawwal 1436 = 5 August 2015,
    # 1 Muharram 1437 = 14 October 2015. The tabular calendar may differ by a day or two.
    for text, official in [("1 شوال 1436", date(2015, 7, 17)),
                           ("20 شوال 1436 هـ", date(2015, 8, 5)),
                           ("20/10/1436هـ", date(2015, 8, 5)),
                           ("1 محرم 1437", date(2015, 10, 14))]:
        found = parse_date(text)
        assert found is not None and abs((found - official).days) <= 2, text


def test_hijri_conversion_round_trips() -> None:
    for ordinal in range(date(1950, 1, 1).toordinal(), date(2050, 1, 1).toordinal(), 37):
        day = date.fromordinal(ordinal)
        assert hijri_to_gregorian(*gregorian_to_hijri(day)) == day
    with pytest.raises(ValueError):
        hijri_to_gregorian(1436, 13, 1)


def test_find_dates_gives_offsets_into_the_original_text() -> None:
    text = "وقال الوزير أمسِ إن الاجتماع المقبل سيعقد في 30 أيلول/سبتمبر ٢٠١٥ في عمان."
    found = find_dates(text, SUNDAY)
    assert [(text[s:e], d) for s, e, d in found] == [
        ("أمسِ", date(2015, 8, 8)),
        ("30 أيلول/سبتمبر ٢٠١٥", date(2015, 9, 30)),
    ]
