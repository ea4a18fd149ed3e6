"""Background document frequencies of grouping terms, learnt from unlabelled Arabic news.

Grouping weighs terms by idf. Learnt from the collection alone, idf is noise on a handful of
articles (a demo folder, the first minutes of a stream) and drifts as a stream grows, so the same
article pair looks more or less alike depending on when it arrives. A background table fixes
most of that: idf = ln((1 + N_bg + N) / (1 + df_bg + df)) + 1, where the collection's own counts
still come on top (a word frequent this week weighs less).

Source: the 14 SaudiNewsNet days in `../shared/data/saudinewsnet-more` (2015-07-21 .. 2015-08-05,
unlabelled text only; each text once, wire copies counted once). The five days of
`saudinewsnet-sample`, on which grouping is measured, are deliberately left out. Terms are `marsad.group.features.terms` of headline + text
(folded stems, function words dropped); terms seen in fewer than `--min-df` articles are not kept
(they get the unseen weight anyway). No article text is stored: only term -> count.

Writes marsad/models/background_df.tsv.gz: first line `#documents<TAB>N`, then `term<TAB>df`.

    .venv/bin/python scripts/build_idf.py       # ~30 s
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_clusters import iter_more_days

from marsad.arabic.normalize import fold
from marsad.group.features import terms

PROJECT = Path(__file__).resolve().parents[1]
OUT = PROJECT / "marsad" / "models" / "background_df.tsv.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared")
    parser.add_argument("--min-df", type=int, default=3)
    args = parser.parse_args()
    started = time.time()
    df: Counter[str] = Counter()
    seen: set[str] = set()
    n = 0
    for content in iter_more_days(args.shared):
        key = fold(content[:300])
        if key in seen or len(content) < 50:
            continue
        seen.add(key)
        n += 1
        df.update(set(terms(content)))
    kept = sorted((t, c) for t, c in df.items() if c >= args.min_df)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write(f"#documents\t{n}\n")
        for term, count in kept:
            out.write(f"{term}\t{count}\n")
    print(f"{n} articles, {len(df)} terms, {len(kept)} kept (df >= {args.min_df}) -> {OUT} "
          f"({OUT.stat().st_size // 1024} KB, {time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
