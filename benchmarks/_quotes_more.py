"""The independent quotation gold (`benchmarks/gold/quotes_more.jsonl`) mapped onto marsad's text.

Its offsets are code points into the raw `content` of the SaudiNewsNet day file (the zips of
`../shared/data/saudinewsnet-more`, read in place: no article text is written anywhere). marsad
scores quotes on `Document.text`, the cleaned text, so every gold span is carried over:
1. the raw article must still be the one annotated (`content_sha1`), and the gold span must be
   the one annotated (`text_sha1`, first 12 hex of the sha1 of the raw span);
2. the raw span's exact text is looked up in the cleaned text (the occurrence nearest to the
   span's relative position wins): `exact`;
3. else the same words with any run of white space between them (cleaning compacts spaces and
   line breaks): `spaces`;
4. else its first and last three words (`head`, `tail`, the annotator's reading aids), the tail
   after the head at a length within 30% of the raw span's: `head/tail`;
5. else the span is not mapped, with the reason (head missing: the cleaner dropped the line it is
   on, e.g. a dateline or caption; tail missing or too far: the span crosses text the cleaner
   cut). Unmapped spans are left out of the scores and counted.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections import Counter
from pathlib import Path

MORE_GOLD = Path(__file__).resolve().parent / "gold" / "quotes_more.jsonl"


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def load_more_gold() -> list[dict]:
    return [json.loads(line) for line in MORE_GOLD.read_text(encoding="utf-8").splitlines()
            if line]


def raw_records(gold: list[dict], folder: Path) -> tuple[dict[str, dict], list[str]]:
    """url -> the day file's record of each gold article whose content is unchanged."""
    wanted = {g["url"]: g for g in gold}
    found: dict[str, dict] = {}
    problems: list[str] = []
    for day in sorted({g["date"] for g in gold}):
        archive = folder / f"{day}.zip"
        if not archive.exists():
            problems.append(f"missing day file {archive}")
            continue
        with zipfile.ZipFile(archive) as z, z.open(f"{day}.json") as handle:
            for obj in json.load(handle):
                g = wanted.get(obj.get("url"))
                if g is None or g["date"] != day:
                    continue
                if _sha(obj.get("content") or "") != g["content_sha1"]:
                    problems.append(f"raw content changed (content_sha1): {g['url']}")
                    continue
                found[obj["url"]] = obj
    for url in wanted:
        if url not in found and not any(url in p for p in problems):
            problems.append(f"not in its day file: {url}")
    return found, problems


def _nearest(starts: list[int], target: float) -> int:
    return min(starts, key=lambda s: abs(s - target))


def map_span(raw: str, clean: str, quote: dict) -> tuple[tuple[int, int] | None, str]:
    """(start, end) in the cleaned text and how it was found, or (None, why not)."""
    span = raw[quote["start"]:quote["end"]]
    if _sha(span)[:12] != quote["text_sha1"]:
        return None, "gold span does not match its text_sha1"
    target = quote["start"] / max(len(raw), 1) * len(clean)
    starts = [m.start() for m in re.finditer(re.escape(span), clean)]
    if starts:
        at = _nearest(starts, target)
        return (at, at + len(span)), "exact"
    words = span.split()
    if words:
        loose = r"\s+".join(re.escape(w) for w in words)
        found = list(re.finditer(loose, clean))
        if found:
            best = min(found, key=lambda m: abs(m.start() - target))
            return (best.start(), best.end()), "spaces"
    head = r"\s+".join(re.escape(w) for w in quote["head"].split())
    tail = r"\s+".join(re.escape(w) for w in quote["tail"].split())
    heads = list(re.finditer(head, clean)) if head else []
    if not heads:
        return None, "head not in the cleaned text (line dropped by the cleaner)"
    options = []
    for h in heads:
        for t in re.finditer(tail, clean[h.start():]) if tail else []:
            length = t.end()
            if abs(length - len(span)) <= 0.3 * len(span):
                options.append((abs(h.start() - target), h.start(), h.start() + length))
    if not options:
        return None, "tail not found at the span's length (text cut inside the span)"
    _, start, end = min(options)
    return (start, end), "head/tail"


def map_article(gold: dict, raw: str, clean: str, outcomes: Counter) -> dict:
    """The gold article with its quotes' offsets in the cleaned text (unmapped ones dropped)."""
    quotes = []
    for quote in gold["quotes"]:
        where, how = map_span(raw, clean, quote)
        outcomes[how] += 1
        if where is not None:
            quotes.append({**quote, "start": where[0], "end": where[1], "mapped": how})
    return {**gold, "quotes": quotes}
