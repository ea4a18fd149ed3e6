"""Quantities: counted numbers with their unit (marsad.extract.quantities)."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad.extract.quantities import find_quantities
from marsad.types import Document


def doc(text: str, doc_id: str = "d") -> Document:
    return Document(doc_id, None, None, None, None, None, None, "ar", text)


def found(text: str) -> list[tuple[str, float, str | None]]:
    return [(q.text, q.value, q.unit) for q in find_quantities(doc(text))]


QUANTITIES = [
    ("نفذت الطائرات 4 آلاف طلعة خلال شهر", ("4 آلاف طلعة", 4000, "طلعة")),
    ("تم إجلاء أكثر من 150 ألف شخص من المدينة", ("150 ألف شخص", 150000, "شخص")),
    ("يشارك في المعرض 95 دولة هذا العام", ("95 دولة", 95, "دولة")),
    ("حضر ممثلو ثمانى منظمات إقليمية", ("ثمانى منظمات", 8, "منظمات")),
    ("وصل ثلاثة آلاف زائر إلى الحديقة", ("ثلاثة آلاف زائر", 3000, "زائر")),
    ("أطلقت السفن خمسة وعشرين صاروخاً", ("خمسة وعشرين صاروخاً", 25, "صاروخ")),
    ("أصيب 26 جندياً في الهجوم", ("26 جندياً", 26, "جندي")),
    ("عمره 15 عاما فقط", ("15 عاما", 15, "عام")),
    ("يعيش نحو ٣ ملايين نسمة في الإقليم", ("٣ ملايين نسمة", 3e6, "نسمة")),
    ("بلغ الإنتاج 1.5 مليون برميل يوميا", ("1.5 مليون برميل", 1.5e6, "برميل")),
    ("سجلت الشركة ١٢٬٥٠٠ طلب جديد", ("١٢٬٥٠٠ طلب", 12500, "طلب")),
    ("شارك 30 من وزراء الصحة", ("30 من وزراء", 30, "وزراء")),
    ("لجأ نصف مليون لاجئ إلى الجبال", ("نصف مليون لاجئ", 5e5, "لاجئ")),
    ("وصلت بضعة آلاف أسرة", ("بضعة آلاف أسرة", 3000, "أسرة")),
    # percentages
    ("ارتفعت الأسعار 30% في سنة", ("30%", 30, "%")),
    ("تراجع المؤشر ٪ 12 ثم 7 ٪ أمس", ("7 ٪", 7, "%")),
    ("نما الاقتصاد 2.5 في المائة", ("2.5 في المائة", 2.5, "%")),
    ("انخفض العجز 4 في المئة", ("4 في المئة", 4, "%")),
    ("زادت الصادرات 11 بالمئة", ("11 بالمئة", 11, "%")),
    # money
    ("بلغت الكلفة 27 مليون ريال", ("27 مليون ريال", 27e6, "ريال")),
    ("تبرع بمبلغ 500 دولار للجمعية", ("500 دولار", 500, "دولار")),
    ("اشترى ساعة بـ$300 من السوق", ("$300", 300, "دولار")),
    ("خصصت 5 مليارات يورو للمشروع", ("5 مليارات يورو", 5e9, "يورو")),
    ("رصدت الحكومة ألفي دينار لكل أسرة", ("ألفي دينار", 2000, "دينار")),
]


@pytest.mark.parametrize("text,expected", QUANTITIES)
def test_quantity(text: str, expected: tuple[str, float, str | None]) -> None:
    assert expected in found(text)


NOT_QUANTITIES = [
    "وقعت الحادثة في عام 2015 قرب الحدود",
    "تأسست الجمعية عام 1436هـ في المدينة",
    "ولد الشاعر عام 1968م في القرية",
    "عاد الوفد في 10 أغسطس إلى بلاده",
    "بدأت الحملة يوم 30 أيلول/سبتمبر الماضي",
    "سيعقد الاجتماع في الـ 8 من الشهر الجاري",
    "يستمر التسجيل حتى 16 / 11 / 1436 هـ",
    "تسلم الجيش منظومة إس -400 ومنظومة إس-300",
    "حلقت طائرات F-16 وطائرات سو-24 فوق المدينة",
    "افتتح المؤتمر السابع عشر للأمن",
    "وصل القطار عند الساعة ١٦:١٨ مساء",
    "للاستفسار اتصل على الرقم 0551234567",
    "صدر القرار 2235 بالإجماع",
    "نشر الخبر على http://example.com/news/2016/123 أمس",
    "قضى الوفد يوما واحد في العاصمة",
    "تم تأجيل الموعد إلى يوليو 2019 بدلا من عام 2020",
]


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_not_a_quantity(text: str) -> None:
    assert found(text) == []


def test_list_numbering_is_not_a_quantity() -> None:
    text = "أسماء المصابين:\n4 - علي حسن\n5 - سعيد سالم\nوأصيب 7 مدنيين."
    assert found(text) == [("7 مدنيين", 7, "مدنيين")]


def test_number_in_parentheses_repeated_in_words_is_counted_once() -> None:
    assert found("استشهد (12) اثنا عشر مصلياً") == [("اثنا عشر مصلياً", 12, "مصلي")]


def test_offsets_point_into_the_original_text() -> None:
    text = "قالت الوزارة إن ٤ آلاف طلعةٍ نُفذت"
    (quantity,) = find_quantities(doc(text, "x"))
    assert text[quantity.start:quantity.end] == quantity.text == "٤ آلاف طلعةٍ"
    assert quantity.doc == "x" and quantity.value == 4000 and quantity.unit == "طلعة"


def test_a_year_with_a_counted_noun_stays_a_quantity() -> None:
    assert ("2070 من سكان", 2070, "سكان") in found("أعدم التنظيم 2070 من سكان القرى")


def test_seeds(seeds_dir: Path) -> None:
    texts = {p.name[:3]: p.read_text(encoding="utf-8") for p in seeds_dir.glob("*.txt")}
    sorties = [q for q in find_quantities(doc(texts["002"])) if q.unit == "طلعة"]
    assert sorties and all(q.value == 4000 for q in sorties)
    in_000 = {(q.value, q.unit) for q in find_quantities(doc(texts["000"]))}
    assert (8, "منظمات") in in_000 and (95, "دولة") in in_000
    assert all(q.value not in (2019, 2020, 400) for q in find_quantities(doc(texts["000"])))


# -- issue #3: errors found on hand-annotated SaudiNewsNet articles (benchmarks/quantities.py) --
NO_UNIT = [
    # the word after the number is not what it counts: "others", a verb's object, definite
    ("لقي ثلاثة حتفهم في الحادث", "ثلاثة"),
    ("قتل 14 شخصا وفقد أربعة آخرون", "أربعة"),
    ("خلف ستة قتلى وأربعة آخرين في عداد المفقودين", "أربعة"),
    ("مقارنة مع 31,7 للشهر المقابل", "31,7"),
    ("بقي 15 المتبقية في المخزن", "15"),
]


@pytest.mark.parametrize("text,number", NO_UNIT)
def test_number_without_a_counted_noun_has_no_unit(text: str, number: str) -> None:
    quantities = find_quantities(doc(text))
    (match,) = [q for q in quantities if q.text.endswith(number) or number in q.text]
    assert match.unit is None


MORE_QUANTITIES = [
    ("أودعت الإدارة أكثر من (3.9) مليون ريال في الحسابات", ("3.9) مليون ريال", 3.9e6, "ريال")),
    ("صرفت المكافآت لـ (5864) طالباً وطالبة", ("5864) طالباً", 5864, "طالب")),
    ("تراجع مؤشر القطاع (5ر1) بالمائة أمس", ("5ر1) بالمائة", 1.5, "%")),
    ("التحق بالتنظيمات المتطرفة 1462 شخصًا حسب التقرير", ("1462 شخصًا", 1462, "شخص")),
    ("هبط الخام أكثر من واحد بالمئة يوم الخميس", ("واحد بالمئة", 1, "%")),
    ("خفض قيمة العملة بنحو اثنين بالمئة", ("اثنين بالمئة", 2, "%")),
    ("تقع القرية في محايل عسير - 80 كلم عن أبها", ("80 كلم", 80, "كلم")),
]


@pytest.mark.parametrize("text,expected", MORE_QUANTITIES)
def test_more_quantities(text: str, expected: tuple[str, float, str | None]) -> None:
    assert expected in found(text)


@pytest.mark.parametrize("text", [
    "يحظر العمل من الساعة الـ 12 مساء إلى الساعة الـ 3 مساء",
    "يبدأ الدوام عند 8 صباحا",
])
def test_times_of_day_are_not_quantities(text: str) -> None:
    assert found(text) == []
