"""The scorecard on the three shipped datasets, and its rules: order, corrections, guardrails, citations, trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.citations import CITATIONS
from analysis.data import AnalysisInputError, AnalysisOptions
from analysis.findings import SECTION_ORDER
from analysis.question import parse_results_from_question
from analysis.reading import read_csv
from analysis.scorecard import analyse
from config import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "analysis"


def _card(name: str, **options: object):  # type: ignore[no-untyped-def]
    data = read_csv((EXAMPLES / name).read_text(), limit=5_000_000)
    return analyse(data, AnalysisOptions(**options))  # type: ignore[arg-type]


def test_clean_win_ships_with_the_trust_check_first_and_every_call_traced() -> None:
    card = _card("clean_win.csv")
    assert card.decision == "ship"
    assert card.findings[0].kind == "srm" and card.findings[0].status == "pass"
    sections = [SECTION_ORDER.index(f.section) for f in card.findings]
    assert sections == sorted(sections) and card.findings[-1].section == "verdict"
    tools = [t.tool for t in card.trace]
    assert tools[0] == "srm_check" and "two_proportion_z_test" in tools and "multiple_testing" in tools
    conversion = next(f for f in card.findings if f.kind == "binary")
    # 1982/20000 vs 2229/20040: pooled z = 3.96 (two_proportion_z_test), p ≈ 7.6e-5.
    assert conversion.numbers["p_value"] == pytest.approx(7.65e-5, rel=0.02)


def test_srm_dataset_says_investigate_and_cites_the_srm_concept_and_diagnosis_guide() -> None:
    card = _card("srm.csv")
    assert card.decision == "investigate"
    srm = card.findings[0]
    assert srm.kind == "srm" and srm.status == "fail"
    slugs = {c.slug for c in srm.citations}
    assert {"sample-ratio-mismatch", "diagnosing-sample-ratio-mismatch"} <= slugs
    # 10,000 vs 10,600 against 50/50: χ² = 600²/10,300 · 2 / 2 = 17.48 (srm_check).
    assert srm.numbers["chi2"] == pytest.approx(17.4757, abs=1e-3)


def test_heavy_tailed_revenue_uses_cuped_checks_balance_and_adds_robust_views() -> None:
    card = _card("heavy_tailed_revenue.csv")
    kinds = [f.kind for f in card.findings]
    assert "balance" in kinds and "cuped" in kinds and "heavy_tail" in kinds
    cuped = next(f for f in card.findings if f.kind == "cuped")
    raw = next(f for f in card.findings if f.kind == "continuous")
    assert cuped.numbers["variance_reduction"] > 0.5
    assert cuped.numbers["p_value"] < 0.05 < raw.numbers["p_value"]
    assert card.decision == "ship"
    assert {"cuped_test", "heavy_tails", "welch_t_test"} <= {t.tool for t in card.trace}
    bayes = next(f for f in _card("heavy_tailed_revenue.csv", bayesian=True).findings if f.kind == "bayesian")
    # The Bayesian view reads the same CUPED-adjusted estimate: P(B > A) = Φ(0.8394/0.2784) ≈ 0.9987.
    assert bayes.numbers["prob_b_beats_a"] == pytest.approx(0.9987, abs=5e-4) and "CUPED" in bayes.title


def test_correction_across_metrics_and_guardrail_harm_blocks_the_launch() -> None:
    text = (
        "variant,units,conversions,latency_sum,latency_sum_sq\n"
        "control,20000,2000,4000000,820000000\n"
        "treatment,20000,2200,4200000,902000000\n"
    )
    data = read_csv(text, limit=100_000)
    card = analyse(data, AnalysisOptions(guardrails=("latency",), lower_is_better=("latency",)))
    assert card.decision == "do_not_ship"
    guard = next(f for f in card.findings if f.kind == "guardrail")
    assert guard.status == "fail" and guard.citations[0].slug == "guardrail-metric"


def test_bayesian_view_on_request() -> None:
    card = _card("clean_win.csv", bayesian=True)
    bayes = [f for f in card.findings if f.kind == "bayesian"]
    assert len(bayes) == 2 and bayes[0].numbers["prob_b_beats_a"] > 0.99
    assert "bayesian_ab" in {t.tool for t in card.trace}


def test_question_results_are_analysed() -> None:
    data = parse_results_from_question(
        "control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090: should we ship?"
    )
    assert data is not None
    card = analyse(data)
    # 1000/10000 vs 1090/10050: pooled z = 1.9596, p = 0.05004 (two_proportion_z_test): just above α, so borderline.
    assert card.decision == "inconclusive"
    assert next(f for f in card.findings if f.kind == "binary").numbers["p_value"] == pytest.approx(
        0.05004, abs=1e-5
    )
    assert "p = 0.0500" in card.verdict and "borderline" in card.verdict


def test_options_that_name_missing_metrics_are_rejected() -> None:
    data = read_csv((EXAMPLES / "srm.csv").read_text(), limit=100_000)
    with pytest.raises(AnalysisInputError) as exc:
        analyse(data, AnalysisOptions(guardrails=("latency",)))
    assert exc.value.column == "latency"


@pytest.mark.parametrize("kind", sorted(CITATIONS))
def test_every_cited_slug_exists_in_the_corpus(kind: str) -> None:
    corpus = Path(REPO_ROOT) / "corpus"
    for citation in CITATIONS[kind]:
        folder = "concepts" if citation.kind == "concept" else "documents"
        assert (corpus / folder / f"{citation.slug}.md").is_file(), citation.slug
