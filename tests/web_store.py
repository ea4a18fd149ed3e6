"""A store for the web tests, built in code: the demo corpus (examples/demo) plus a few articles
written here (one outlet per spelling of a Russian minister's name, an opinion column, and an
article whose every field carries a script payload), ingested by the library as a user would.

After the ingest, payloads are also written into stored fields the pipeline derives (an entity's
name and aliases, a quote's text), so the pages are tested on hostile values everywhere.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from marsad.pipeline import ingest
from marsad.store import Store

PROJECT = Path(__file__).resolve().parents[1]
DEMO = PROJECT / "examples" / "demo"

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "javascript:alert(1)")
XSS_ID = "gen-xss-<script>alert(1)</script>"
XSS_TITLE = "عنوان <script>alert(1)</script> مع صورة <img src=x onerror=alert(1)>"
XSS_SOURCE = "<img src=x onerror=alert(1)>"
ENTITY_PAYLOAD = "<script>alert(1)</script>"
QUOTE_PAYLOAD = "<img src=x onerror=alert(1)>"

GENERATED = [
    {"id": "gen-shoigu-ghain", "source": "سبوتنيك", "published": "2025-10-16T10:00:00+03:00",
     "url": "https://sputnik.example/world/2025/10/16/shoigu",
     "title": "شويغو يبحث مع نظيره المصري التعاون العسكري في موسكو",
     "text": "بحث وزير الدفاع الروسي سيرغي شويغو مع نظيره المصري في موسكو اليوم الخميس سبل "
             "تعزيز التعاون العسكري بين البلدين. وقال شويغو إن بلاده مستعدة لتوسيع التدريبات "
             "المشتركة مع مصر خلال العام المقبل. وأضاف الوزير الروسي أن المحادثات تناولت "
             "الأوضاع في السودان وليبيا وسوريا."},
    {"id": "gen-shoigu-jim", "source": "سانا", "published": "2025-10-16T12:00:00+03:00",
     "url": "https://sana.example/ar/2025/10/16/shoigu",
     "title": "وزير الدفاع الروسي يستقبل رئيس الأركان السوري في العاصمة الروسية",
     "text": "استقبل وزير الدفاع الروسي سيرجي شويجو رئيس هيئة الأركان العامة السورية في "
             "العاصمة الروسية مساء الخميس. وأكد شويجو خلال اللقاء استمرار الدعم الروسي "
             "للجيش العربي السوري في مواجهة الإرهاب. وتناول الجانبان آفاق التعاون في مجال "
             "التدريب والتأهيل."},
    {"id": "gen-opinion", "source": "alwatan", "published": "2025-10-16T08:00:00+03:00",
     "url": "https://www.alwatan.example/Articles/Detail.aspx?ArticleID=1",
     "author": "حسن الحارثي",
     "title": "الأسواق بين الخوف والأمل",
     "text": "لا يمكن لأحد أن يتنبأ بحركة الأسواق في الأشهر المقبلة، لكن المؤكد أن "
             "المستثمر الصغير هو أول من يدفع ثمن التقلبات. وأظن أن على الجهات المعنية أن "
             "تعيد النظر في أدوات حماية صغار المستثمرين قبل أن تتسع الفجوة. وفي رأيي أن "
             "الشفافية وحدها تعيد الثقة إلى السوق."},
    {"id": XSS_ID, "source": XSS_SOURCE, "published": "2025-10-16T09:00:00+03:00",
     "url": "javascript:alert(1)",
     "title": XSS_TITLE,
     "text": "قال الوزير سليم العمري <script>alert(1)</script> إن العمل في المشروع بدأ "
             "اليوم في العاصمة عمان. وأضاف العمري أن كلفة المشروع بلغت 12 مليون دينار "
             "<img src=x onerror=alert(1)> وأن التنفيذ يستغرق عامين. "
             "وقال «الموعد <script>alert(1)</script> نهائي ولا تأجيل فيه» مشيرا إلى "
             "javascript:alert(1) أن الحكومة تتابع التنفيذ."},
]


def build_web_store(path: Path) -> Path:
    """Ingest the demo and the generated articles into a new store at `path`."""
    feed = path.parent / "generated.jsonl"
    feed.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GENERATED),
                    encoding="utf-8")
    with Store(path) as store:
        ingest([DEMO, feed], store)
    db = sqlite3.connect(path)
    with db:
        seq = db.execute("SELECT seq FROM documents WHERE id = ?", (XSS_ID,)).fetchone()[0]
        entity = db.execute("SELECT entity FROM mentions WHERE doc_seq = ? AND entity IS NOT"
                            " NULL ORDER BY start LIMIT 1", (seq,)).fetchone()
        if entity is not None:
            aliases = json.loads(db.execute("SELECT aliases FROM entities WHERE number = ?",
                                            entity).fetchone()[0])
            aliases[ENTITY_PAYLOAD] = 1
            db.execute("UPDATE entities SET name = name || ' ' || ?, aliases = ? WHERE number = ?",
                       (ENTITY_PAYLOAD, json.dumps(aliases, ensure_ascii=False), entity[0]))
        db.execute("UPDATE quotes SET text = text || ' ' || ?, speaker_text ="
                   " COALESCE(speaker_text, '') || ' ' || ? WHERE doc_seq = ?",
                   (QUOTE_PAYLOAD, ENTITY_PAYLOAD, seq))
    db.close()
    return path
