"""Near-duplicate wire copies: exact, trimmed, re-headlined with a paragraph added, unrelated."""

from __future__ import annotations

import pytest

from marsad.group.duplicates import DuplicateIndex

WIRE = (
    "افتتح وزير النقل سليم العمري صباح اليوم الجسر الجديد فوق نهر الزرقاء بعد عامين من العمل "
    "المتواصل، وقال إن الجسر سيختصر زمن الرحلة بين المدينتين إلى النصف.\n"
    "وبلغت كلفة المشروع اثني عشر مليون دينار مولتها الحكومة بالكامل، وشارك في تنفيذه أكثر من "
    "ثلاثمئة عامل ومهندس من شركات محلية.\n"
    "وأضاف الوزير أن الوزارة تعمل على ثلاثة مشاريع مماثلة في الشمال والجنوب ستطرح عطاءاتها "
    "قبل نهاية العام الحالي، مؤكدا أن صيانة الطرق القديمة لن تتوقف.\n"
    "وحضر الافتتاح عدد من النواب ورؤساء البلديات وممثلو غرفة التجارة الذين أشادوا بسرعة الإنجاز "
    "والتزام الشركات بالمواصفات الفنية المطلوبة."
)
UNRELATED = (
    "أعلن نادي الفيصلي عن تعاقده مع مدرب جديد للفريق الأول لكرة القدم لمدة موسمين، وذلك بعد "
    "سلسلة من النتائج المخيبة في الدوري المحلي. وقال رئيس النادي إن المدرب سيبدأ عمله الأسبوع "
    "المقبل وسيقود الفريق في مباراة الكأس أمام الوحدات، مضيفا أن الإدارة وفرت كل ما يحتاجه "
    "الجهاز الفني من إمكانات لإعادة الفريق إلى المنافسة على اللقب."
)


def test_exact_copy_with_other_spelling_and_spacing_is_found() -> None:
    index = DuplicateIndex(0.7)
    assert index.add("a", WIRE) is None
    respelled = WIRE.replace("إن", "ان").replace("\n", "\n\n").replace("،", " ، ")
    assert index.add("b", respelled) == "a"


def test_trimmed_copy_counts_through_containment() -> None:
    index = DuplicateIndex(0.7)
    index.add("a", WIRE)
    trimmed = WIRE.split("\n")[0] + "\n" + WIRE.split("\n")[1]
    assert index.add("b", trimmed) == "a"


def test_copy_with_new_paragraph_is_found() -> None:
    index = DuplicateIndex(0.7)
    index.add("a", WIRE)
    extended = WIRE + ("\nوكانت الصحيفة قد نشرت الشهر الماضي تقريرا عن تأخر أعمال الجسر بسبب "
                       "الأمطار الغزيرة التي شهدتها المنطقة وتوقف توريد الحديد لأسابيع.")
    assert index.add("b", extended) == "a"


def test_unrelated_article_and_empty_text_are_not_duplicates() -> None:
    index = DuplicateIndex(0.7)
    index.add("a", WIRE)
    assert index.add("b", UNRELATED) is None
    assert index.add("c", "   ") is None
    assert len(index) == 3


def test_copy_points_at_the_most_similar_earlier_article() -> None:
    index = DuplicateIndex(0.7)
    index.add("sport", UNRELATED)
    index.add("wire", WIRE)
    assert index.add("copy", WIRE + " والله الموفق.") == "wire"


def test_same_id_twice_is_an_error_and_threshold_is_checked() -> None:
    index = DuplicateIndex(0.7)
    index.add("a", WIRE)
    with pytest.raises(ValueError):
        index.add("a", WIRE)
    with pytest.raises(ValueError):
        DuplicateIndex(0.0)


def test_results_do_not_depend_on_the_process() -> None:
    # Signatures come from SHA-1, never Python's hash(): two indexes agree exactly.
    first, second = DuplicateIndex(0.7), DuplicateIndex(0.7)
    for index in (first, second):
        index.add("a", WIRE)
    assert (first._signatures["a"] == second._signatures["a"]).all()


def test_a_rewrite_of_the_same_agency_dispatch_is_a_copy() -> None:
    dispatch = ("أعلنت وزارة الداخلية اليوم هوية منفذ التفجير الذي استهدف مسجد قوات الطوارئ في "
                "منطقة عسير، وقال المتحدث الأمني إن المنفذ مواطن في العشرينات من عمره وإن "
                "التحقيقات مستمرة لكشف من يقف وراءه، وأضاف أن عدد الشهداء بلغ خمسة عشر شهيدا "
                "وأن المصابين نقلوا إلى المستشفيات في أبها والرياض لتلقي العلاج اللازم.")
    rewrite = ("كشفت الداخلية هوية الانتحاري. وقال المتحدث الأمني إن المنفذ مواطن في العشرينات "
               "من عمره وإن التحقيقات مستمرة لكشف من يقف وراءه، وأضاف أن عدد الشهداء بلغ خمسة "
               "عشر شهيدا. ولم يذكر المتحدث تفاصيل أخرى عن الخلية التي ينتمي إليها المنفذ.")
    plain = DuplicateIndex(0.7)
    plain.add("a", dispatch, "واس")
    assert plain.add("b", rewrite, "واس") is None           # below the general threshold
    other = DuplicateIndex(0.7, agency_threshold=0.4)
    other.add("a", dispatch, "واس")
    assert other.add("b", rewrite, "رويترز") is None          # another agency's story
    credited = DuplicateIndex(0.7, agency_threshold=0.4)
    credited.add("a", dispatch, "واس")
    assert credited.add("b", rewrite, "واس") == "a"
    restored = DuplicateIndex(0.7, agency_threshold=0.4)
    restored.restore("a", *credited.export("a"))
    assert restored.add("c", rewrite, "واس") == "a"
def test_a_flood_of_one_template_compares_each_article_with_a_bounded_few() -> None:
    from marsad.group.duplicates import MAX_CANDIDATES, DuplicateIndex
    index = DuplicateIndex(0.8, 0.5)
    calls = []
    similarity = index._similarity
    index._similarity = lambda *a: calls.append(1) or similarity(*a)   # type: ignore[method-assign]
    base = ("أعلنت الرئاسة العامة للأرصاد وحماية البيئة أن أمطارا رعدية متوسطة إلى غزيرة "
            "ستهطل على منطقة جازان ومرتفعاتها حتى مساء اليوم مع رياح نشطة وتدني الرؤية")
    originals = [index.add(f"a{n}", f"{base} العدد {n}") for n in range(300)]
    per_article = max(len(calls) / 299, 0)
    assert len(calls) <= 299 * MAX_CANDIDATES and per_article <= MAX_CANDIDATES
    assert all(o is not None and int(o[1:]) < MAX_CANDIDATES for o in originals[1:])
