"""Quality gates: CI fails when a measured figure drops below its pinned floor.

Each gate runs the same scoring code as its benchmark (benchmarks/*.py) on the public data in
../shared, in a few seconds. Floors sit a little under the figures measured when they were set
(see the benchmark JSON results), so noise does not fail CI but a real regression does.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _benchmark(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"marsad_benchmark_{name}",
                                                  BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_tokenisation_against_ud_arabic_pud(shared_dir: Path) -> None:
    # measured: words F1 99.92, clitic segments F1 95.88
    bench = _benchmark("tokenization")
    data = shared_dir / "data" / "ud-arabic-pud" / "ar_pud-ud-test.conllu"
    sentences = bench.read_conllu(data)
    words, _, _ = bench.score(sentences, bench.marsad_words, "words")
    segments, _, _ = bench.score(sentences, bench.marsad_segments, "forms")
    assert words["f1"] >= 99.5, words
    assert segments["f1"] >= 94.5, segments


def test_ner_on_the_anercorp_dev_split(shared_dir: Path) -> None:
    # measured: micro-F1 79.2 (neural tagger, 2 networks; lexical CRF baseline 66.1)
    bench = _benchmark("ner")
    from marsad.extract.ner import EntityTagger
    from marsad.extract.ner_features import dev_split, read_conll
    train = shared_dir / "data" / "anercorp-camellab" / "ANERCorp_CamelLab_train.txt"
    _, dev = dev_split(read_conll(train))
    result = bench.evaluate(EntityTagger.pretrained().tag_document, dev)
    assert result["classes"]["micro avg"]["f1"] >= 78.0, result["classes"]


def test_single_document_summaries_on_easc_match_lead(shared_dir: Path) -> None:
    # measured on the 102 shared topics: marsad R-2 43.5, Lead 43.3
    bench = _benchmark("summaries")
    from collections import Counter

    from marsad.arabic.sentences import split_sentences
    topics = bench.load_topics(shared_dir / "data" / "easc")
    totals = {"marsad": Counter(), "lead": Counter()}
    for _, article, references in topics:
        sentences = split_sentences(article)
        budget = round(sum(len(bench.rouge_tokens(r)) for r in references) / len(references))
        for name, system in (("marsad", bench.marsad_system), ("lead", bench.lead)):
            spans = system(article, sentences, budget)
            summary = " ".join(article[s.start:s.end] for s in spans)
            totals[name].update(bench.rouge(summary, references))
    ours = totals["marsad"]["R2_F"] / len(topics)
    lead = totals["lead"]["R2_F"] / len(topics)
    assert ours >= 42.5, ours
    assert ours >= lead - 0.5, (ours, lead)


def test_demo_corpus_runs_clean(examples_dir: Path) -> None:
    from marsad.export.json_contract import analysis_to_dict, validate
    from marsad.pipeline import run
    analysis = run([examples_dir / "demo"])
    assert not analysis.rejected, analysis.rejected
    assert len(analysis.documents) == 17
    assert validate(analysis_to_dict(analysis)) == []
    # the three wire copies of the demo are found
    assert sum(1 for d in analysis.documents if d.duplicate_of) >= 3


def test_demo_comparison_finds_the_conflicting_death_tolls(examples_dir: Path) -> None:
    """Issue 5: the demo's 12-dead and 14-dead reports are a disagreement, the shared 12 an
    agreement; summaries repeat no sentence and cite sentences that exist."""
    from marsad.pipeline import run
    analysis = run([examples_dir / "demo"])
    tolls = [f for c in analysis.comparisons for f in c.disagreements
             if f.kind == "quantity" and f.subject == "قتيل"]
    assert any({12, 14} <= {e.value for e in f.evidence} for f in tolls), tolls
    agreed = [f for c in analysis.comparisons for f in c.agreements
              if f.kind == "quantity" and f.subject == "قتيل"]
    assert any(len({e.source for e in f.evidence}) >= 2 for f in agreed)
    assert any(s.story for s in analysis.summaries)
    texts = {d.id: d.text for d in analysis.documents}
    for summary in analysis.summaries:
        assert len({s.text for s in summary.sentences}) == len(summary.sentences)
        for sentence in summary.sentences:
            first = sentence.citations[0]
            assert sentence.repaired or texts[first.doc][first.start:first.end] == sentence.text
