"""Word lists for quotation and entity stages: speech verbs, titles, anonymous sources, aliases.

Everything is written in ordinary spelling and folded (`fold`) when the sets are built, so a
lookup takes a folded word: مؤكداً, مؤكدا and مئكدا all meet at "مءكدا".
These lists are data, not code: extend them when a real article shows a missing form.
"""

from __future__ import annotations

from functools import lru_cache

from marsad.arabic.normalize import fold


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold(w) for w in words.split())


# lemma: past 3ms, past 3fs, past 3mp, present 3ms, active participle (accusative), or "" if none.
_SPEECH_VERBS: dict[str, tuple[str, str, str, str, str]] = {
    "قال": ("قال", "قالت", "قالوا", "يقول", "قائلا"),
    "أكد": ("أكد", "أكدت", "أكدوا", "يؤكد", "مؤكدا"),
    "أوضح": ("أوضح", "أوضحت", "أوضحوا", "يوضح", "موضحا"),
    "أشار": ("أشار", "أشارت", "أشاروا", "يشير", "مشيرا"),
    "أضاف": ("أضاف", "أضافت", "أضافوا", "يضيف", "مضيفا"),
    "شدد": ("شدد", "شددت", "شددوا", "يشدد", "مشددا"),
    "لفت": ("لفت", "لفتت", "لفتوا", "يلفت", "لافتا"),
    "أعلن": ("أعلن", "أعلنت", "أعلنوا", "يعلن", "معلنا"),
    "نفى": ("نفى", "نفت", "نفوا", "ينفي", "نافيا"),
    "حذر": ("حذر", "حذرت", "حذروا", "يحذر", "محذرا"),
    "طالب": ("طالب", "طالبت", "طالبوا", "يطالب", "مطالبا"),
    "دعا": ("دعا", "دعت", "دعوا", "يدعو", "داعيا"),
    "بين": ("بين", "بينت", "بينوا", "يبين", "مبينا"),
    "نوه": ("نوه", "نوهت", "نوهوا", "ينوه", "منوها"),
    "كشف": ("كشف", "كشفت", "كشفوا", "يكشف", "كاشفا"),
    "ذكر": ("ذكر", "ذكرت", "ذكروا", "يذكر", "ذاكرا"),
    "أفاد": ("أفاد", "أفادت", "أفادوا", "يفيد", "مفيدا"),
    "توقع": ("توقع", "توقعت", "توقعوا", "يتوقع", "متوقعا"),
    "اعتبر": ("اعتبر", "اعتبرت", "اعتبروا", "يعتبر", "معتبرا"),
    "رأى": ("رأى", "رأت", "رأوا", "يرى", ""),
    "تابع": ("تابع", "تابعت", "تابعوا", "يتابع", "متابعا"),
    "صرح": ("صرح", "صرحت", "صرحوا", "يصرح", "مصرحا"),
    "اعترف": ("اعترف", "اعترفت", "اعترفوا", "يعترف", "معترفا"),
    "زعم": ("زعم", "زعمت", "زعموا", "يزعم", "زاعما"),
    "هدد": ("هدد", "هددت", "هددوا", "يهدد", "مهددا"),
    "أعرب": ("أعرب", "أعربت", "أعربوا", "يعرب", "معربا"),
    "استطرد": ("استطرد", "استطردت", "استطردوا", "يستطرد", "مستطردا"),
    "أردف": ("أردف", "أردفت", "أردفوا", "يردف", "مردفا"),
    "نقل": ("نقل", "نقلت", "نقلوا", "ينقل", "ناقلا"),
    "ألمح": ("ألمح", "ألمحت", "ألمحوا", "يلمح", "ملمحا"),
    "نبه": ("نبه", "نبهت", "نبهوا", "ينبه", "منبها"),
    "واصل": ("واصل", "واصلت", "واصلوا", "يواصل", ""),
    "تساءل": ("تساءل", "تساءلت", "تساءلوا", "يتساءل", "متسائلا"),
    "ناشد": ("ناشد", "ناشدت", "ناشدوا", "يناشد", "مناشدا"),
}
# Verbal nouns that report speech with a subject after them ("بعد إعلان الوزير أن ...").
_SPEECH_NOUNS = {"أعلن": "إعلان", "أكد": "تأكيد", "حذر": "تحذير"}
# Verbs that mean "said/added" and may introduce words without أن, a colon or marks
# ("وأضاف بوتين لحل مثل هذه المهام ..." in wire copy).
SAY_LEMMAS = frozenset({"قال", "أضاف", "استطرد", "أردف"})
# Verbs whose reported content may follow a preposition other than أن.
ABOUT_LEMMAS = frozenset({"كشف", "أعلن", "أعرب"})            # + عن
STRESS_LEMMAS = frozenset({"أكد", "شدد"})              # + على ضرورة / ضرورة
CALL_LEMMAS = frozenset({"دعا", "طالب"})                       # + إلى
# Participles that open a new clause of the speaker's without reporting words ("..., مرجعا ذلك
# إلى", "مشيدا ب", "متمنيا", "سائلا الله"): a reported clause ends before them.
CLAUSE_BREAKERS = _folded("مرجعا مرجعاً مشيدا مشيداً متمنيا متمنياً سائلا سائلاً داعيا داعياً "
                          "معربا معرباً مقدما مقدماً مثمنا مثمناً")


def _speech_forms() -> dict[str, tuple[str, str]]:
    """Folded form -> (lemma, form kind: verb | participle | noun)."""
    forms: dict[str, tuple[str, str]] = {}
    for lemma, (past, fem, plural, present, participle) in _SPEECH_VERBS.items():
        for form in (past, fem, plural):
            forms[fold(form)] = (lemma, "verb")
        stem = present[1:]
        for form in ("ي" + stem, "ت" + stem):
            forms[fold(form)] = (lemma, "verb")
        if not present.endswith(("ى", "و", "ي")):
            forms[fold(present + "ون")] = (lemma, "verb")
        if participle:
            base = participle[:-1]
            for form in (participle, base + "ة", base + "ين", base + "ًا"):
                forms[fold(form)] = (lemma, "participle")
    for lemma, noun in _SPEECH_NOUNS.items():
        forms[fold(noun)] = (lemma, "noun")
    return forms


SPEECH_FORMS: dict[str, tuple[str, str]] = _speech_forms()


def _one_edit_index() -> dict[str, str]:
    """Past-tense forms with one letter replaced by "?", the forms themselves, and ("-" +)
    the forms with one letter dropped: one dictionary lookup per edit of a token."""
    index: dict[str, str] = {}
    for form, (lemma, kind) in SPEECH_FORMS.items():
        if kind != "verb" or form[0] in "يت" or len(form) < 3:
            continue
        index.setdefault(form, lemma)
        for cut in range(len(form)):
            index.setdefault(form[:cut] + "?" + form[cut + 1:], lemma)
            index.setdefault("-" + form[:cut] + form[cut + 1:], lemma)
    return index


_ONE_EDIT = _one_edit_index()
# Real words one letter away from a speech verb.
_NOT_TYPOS = _folded("قام نفس كان مال حال نال زال بيت ذكرى بيان دعم شدة قالب قليل اكثر لقد كشك "
                     "رأس إطار أطار")


@lru_cache(maxsize=1 << 16)
def misspelt_speech_lemma(key: str) -> str | None:
    """The lemma of a past-tense speech verb one letter away from folded `key` (فال -> قال).

    Memoised: quotes ask it of nearly every token, and the words of news repeat."""
    if len(key) < 3 or key in NOT_NAME or key in _NOT_TYPOS or key in SPEECH_FORMS:
        return None
    for cut in range(len(key)):
        for variant in (key[:cut] + "?" + key[cut + 1:], key[:cut] + key[cut + 1:]):
            if variant in _ONE_EDIT:                  # a wrong letter, or one letter too many
                return _ONE_EDIT[variant]
    return _ONE_EDIT.get("-" + key)                   # a letter missing

# "أنّ" and its variants with attached pronouns; أن/إن both fold to ان.
COMPLEMENTIZERS = _folded(
    "أن أنه أنها أنهم أنهما أنهن أننا أنني أني إن إنه إنها إنهم إننا بأن بأنه بأنها بأنهم بأننا "
    "وأن وأنه وأنها")
# "فإن" answers "بحسب X" / "وفقا لـ X" ("according to X, ...") but not a speech verb.
THEN_THAT = _folded("فإن فإنه فإنها فان")
# Words before أن that make it a conjunction of time or modality, not "that".
NOT_REPORTING_BEFORE_AN = _folded("بعد قبل منذ دون بدون يجب يمكن ينبغي بد لابد بدلا حتى ريثما "
                                  "يريد تريد أراد أرادت يستطيع المقرر المتوقع إلا الا لكن غير")
NEED_WORDS = _folded("ضرورة أهمية ضرورة")                     # "أكد ضرورة ..."

# Heads of a title phrase before a name: "وزير الخارجية الروسي سيرغي لافروف".
TITLE_HEADS = _folded(
    "رئيس الرئيس رئيسة وزير الوزير وزيرة نائب النائب مساعد مساعدة مستشار المستشار متحدث "
    "المتحدث المتحدثة الناطق الناطقة ناطق مدير المدير مديرة سفير السفير أمين الأمين الملك "
    "ملك الأمير أمير ولي الشيخ العماد اللواء العميد العقيد المقدم الرائد الفريق المشير "
    "الجنرال قائد القائد زعيم الزعيم مندوب المندوب ممثل الممثل عضو محافظ المحافظ حاكم "
    "الحاكم عمدة البابا المرشد الدكتور المسؤول المسئول رئيسا مفوض المفوض المبعوث مبعوث "
    "سكرتير السكرتير المدعي النائب العاهل")
# Nouns that continue a title phrase without the article ("رئيس مجلس الأمن", "وزير شؤون").
TITLE_CONTINUATIONS = _folded(
    "مجلس وزارة مصلحة هيئة جهاز لجنة إدارة مكتب قوات شؤون باسم أركان منظمة الأمم دائرة "
    "مديرية مؤسسة وكالة حكومة رئاسة دولة الدولة وزراء الوزراء العام عام")
GOD_WORDS = _folded("الله المولى ربه")
# Short words inside a long title phrase ("مدير مكتب الحملة في لبنان", "نائب الرئيس عن آسيا").
TITLE_LINKS = _folded("في لدى عن")
# Heads of an unnamed source: the speaker stays unknown (anonymous).
ANONYMOUS_HEADS = _folded(
    "مصادر مصدر مسؤول مسؤولون مسؤولين مسئول مسئولون شهود شاهد خبراء خبير محللون محلل "
    "مراقبون البعض أوساط دوائر تقارير ناشطون ناشط سكان مصادرنا دبلوماسيون دبلوماسي "
    "متحدث")
# Words that may stand between a verb and its subject ("حذر فيه ...", "أعلن بدوره ...").
FILLERS = _folded("فيه فيها بدوره بدورها أيضا أيضاً كذلك اليوم أمس الجمعة السبت الأحد "
                  "الاثنين الثلاثاء الأربعاء الخميس جانبه جانبها جهته جهتها من")
# Words that cannot be part of a speaker's name when the NER missed it.
NOT_NAME = _folded(
    "في فى خلال أمام امام لدى عقب بعد قبل من على إلى الى عن ان أن إن بأن أنه اليوم أمس "
    "مساء صباح يوم كلمة تصريح تصريحات بيان رسالة برقية حديث مقابلة مؤتمر اجتماع لقاء هذا هذه "
    "ذلك تلك بهذا بهذه وفي وخلال حيث الذي التي الذين كما قد لقد إنه مع ضد حول نحو كل بعض "
    "ليس لم لن لا ما ثم أو او بل قوله قولها")
AGENCY_WORDS = _folded("وكالة صحيفة قناة موقع إذاعة تلفزيون شبكة مجلة")
REPORTED_WORDS = _folded("قوله قولها قولهم تأكيده تأكيدها تصريحه تصريحها")
ACCORDING_WORDS = _folded("حسب بحسب وحسب وبحسب وفق وفقا ووفقا ووفق طبقا وطبقا")
BEFORE_SUBJECT = _folded("و وكان وكانت كان كانت فيما بينما")   # "وكانت الوزارة أعلنت"
CONNECTIVES = _folded("و كما ثم من جهته جانبه بدوره بدورها جهتها جانبها وفي في غضون")

# Well-known equivalent names of one entity (folded, without the article where it varies).
# Kept short and explicit: a capital is not its country (واشنطن != الولايات المتحدة), a city
# is not its country, and a person's first name alone never joins a full name here.
ALIAS_GROUPS: tuple[frozenset[str], ...] = (
    frozenset(fold(w) for w in ("داعش", "الدولة الإسلامية", "تنظيم الدولة",
                                "الدولة الإسلامية في العراق والشام", "تنظيم الدولة الإسلامية")),
    frozenset(fold(w) for w in ("الولايات المتحدة", "الولايات المتحدة الأمريكية",
                                "الولايات المتحدة الأميركية", "أمريكا", "أميركا")),
    frozenset(fold(w) for w in ("الأمم المتحدة", "منظمة الأمم المتحدة")),
    frozenset(fold(w) for w in ("الاتحاد الأوروبي", "الاتحاد الاوروبي")),
    frozenset(fold(w) for w in ("القاعدة", "تنظيم القاعدة")),
    frozenset(fold(w) for w in ("حلف شمال الأطلسي", "الناتو", "حلف الناتو", "حلف الأطلسي")),
    frozenset(fold(w) for w in ("السعودية", "المملكة العربية السعودية")),
    frozenset(fold(w) for w in ("الإمارات", "الإمارات العربية المتحدة")),
)
