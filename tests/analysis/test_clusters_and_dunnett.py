"""Cluster-randomised rows and many-to-one comparisons in the scorecard (issue 18).

References: statsmodels' documented ``OLS.fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)`` (CR1
sandwich, t with G − 1 df) recomputed here on the same rows; the design effect 1 + (m̄ − 1)ρ (Kish 1965; Donner &
Klar 2000); ``scipy.stats.dunnett``'s documented example (Dunnett 1955 blood counts: p ≈ 0.62004941, 0.0059035);
Holm and Benjamini-Hochberg as ``statsmodels.stats.multitest.multipletests`` computes them.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.data import AnalysisInputError, AnalysisOptions
from analysis.multiplicity import combine
from analysis.reading import read_csv
from analysis.scorecard import analyse
from config import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "analysis"
LIMIT = 5_000_000
CONTROL = [7.40, 8.50, 7.20, 8.24, 9.84, 8.32]
DRUG_A = [9.76, 8.80, 7.68, 9.36]
DRUG_B = [12.80, 9.68, 12.16, 9.20, 10.55]


def _rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().splitlines()[1:]]


def test_cluster_randomised_rows_get_cluster_robust_errors_and_the_design_effect() -> None:
    text = (EXAMPLES / "clustered_stores.csv").read_text()
    card = analyse(read_csv(text, limit=LIMIT), AnalysisOptions(primary="converted"))
    rows = _rows(text)
    y = np.array([float(r[4]) for r in rows])
    t = np.array([r[0] == "treatment" for r in rows], dtype=float)
    labels = sorted({r[1] for r in rows})
    g = np.array([labels.index(r[1]) for r in rows])
    reference = sm.OLS(y, sm.add_constant(t)).fit(cov_type="cluster", cov_kwds={"groups": g}, use_t=True)

    converted = next(f for f in card.findings if f.kind == "cluster" and f.metric == "converted")
    assert converted.numbers["difference"] == pytest.approx(reference.params[1], rel=1e-9)
    assert converted.numbers["se"] == pytest.approx(reference.bse[1], rel=1e-9)
    assert converted.numbers["p_value"] == pytest.approx(reference.pvalues[1], rel=1e-9)
    m = len(rows) / len(labels)
    rho = converted.numbers["icc"]
    assert converted.numbers["design_effect"] == pytest.approx(1 + (m - 1) * rho, rel=1e-12)
    assert {c.slug for c in converted.citations} >= {"design-effect", "intracluster-correlation"}

    # Unit by unit the lift looks significant; counted by store it is not, so the scorecard does not ship on it.
    assert stats.ttest_ind(y[t == 1], y[t == 0], equal_var=False).pvalue < 0.05 < converted.numbers["p_value"]
    assert card.decision == "inconclusive"
    srm = card.findings[0]
    assert srm.kind == "srm" and srm.numbers["counts"] == [20, 20], (
        "the SRM check counts stores, the randomised unit"
    )
    assert card.summary["clusters"] == {"control": 20, "treatment": 20}
    assert "cluster_robust" in {e.tool for e in card.trace} and "welch_t_test" not in {
        e.tool for e in card.trace
    }


def test_cluster_labels_must_stay_in_one_variant_and_need_per_unit_rows() -> None:
    rows = "variant,cluster,y\ncontrol,s1,1\ncontrol,s2,2\ntreatment,s3,3\ntreatment,s1,4\ntreatment,s4,5\n"
    with pytest.raises(AnalysisInputError) as exc:
        read_csv(rows, limit=LIMIT)
    assert (exc.value.row, exc.value.column) == (5, "cluster") and "each cluster gets one variant" in str(
        exc.value
    )
    with pytest.raises(AnalysisInputError, match="per-unit rows"):
        read_csv("variant,units,cluster,conversions\ncontrol,10,a,1\ntreatment,10,b,2\n", limit=LIMIT)
    with pytest.raises(AnalysisInputError, match="has 1 cluster"):
        read_csv(
            "variant,cluster,y\ncontrol,s1,1\ncontrol,s1,2\ntreatment,s2,3\ntreatment,s3,4\n", limit=LIMIT
        )


def test_several_variants_of_a_per_unit_mean_use_dunnett_as_scipy_documents_it() -> None:
    text = "variant,count\n" + "".join(
        f"{v},{x}\n" for v, xs in (("control", CONTROL), ("drug_a", DRUG_A), ("drug_b", DRUG_B)) for x in xs
    )
    card = analyse(read_csv(text, limit=LIMIT), AnalysisOptions(heavy_tail="off"))
    dunnett = next(f for f in card.findings if f.kind == "dunnett")
    # scipy.stats.dunnett documentation, Examples: res.pvalue ≈ [0.62004941, 0.0059035] (Monte Carlo integration).
    assert dunnett.numbers["dunnett"] == pytest.approx([0.62004941, 0.0059035], abs=5e-4)
    assert "dunnett-test" in {c.slug for c in dunnett.citations}
    assert card.summary["multiplicity"] == "Dunnett within count; one metric, nothing to correct across"
    assert card.decision == "ship" and "drug_b" in card.verdict
    assert "dunnett_units" in {e.tool for e in card.trace} and "multiple_testing" not in {
        e.tool for e in card.trace
    }


def test_dunnett_within_a_metric_and_holm_across_metrics() -> None:
    card = analyse(read_csv((EXAMPLES / "three_variants.csv").read_text(), limit=LIMIT))
    assert card.summary["multiplicity"] == "Dunnett within minutes; one metric, nothing to correct across"
    rng = np.random.default_rng(5)
    lines = ["variant,minutes,pages"]
    for variant, shift in (("control", 0.0), ("b", 0.05), ("c", 0.3)):
        for _ in range(300):
            lines.append(f"{variant},{rng.normal(10 + shift, 1):.3f},{rng.normal(5 + shift / 2, 1):.3f}")
    card = analyse(read_csv("\n".join(lines) + "\n", limit=LIMIT), AnalysisOptions(heavy_tail="off"))
    assert card.summary["multiplicity"] == "Dunnett within minutes, pages; holm across 2 families"
    families = [f.numbers["dunnett"] for f in card.findings if f.kind == "dunnett"]
    final = next(f for f in card.findings if f.kind == "multiple_testing").numbers["adjusted"]
    minima = [min(p) for p in families]
    holm = multipletests(minima, method="holm")[1]
    first = int(np.argmin(minima))
    expected = [
        [max(holm[i], min(1.0, (2 if i == first else 1) * p)) for p in family]
        for i, family in enumerate(families)
    ]
    assert final == pytest.approx([p for family in expected for p in family], rel=1e-12)


def test_families_of_one_reduce_to_the_plain_correction() -> None:
    p = [0.01, 0.04, 0.03, 0.2]
    for method, name in (("holm", "holm"), ("benjamini_hochberg", "fdr_bh"), ("bonferroni", "bonferroni")):
        adjusted = list(multipletests(p, method=name)[1])
        assert combine([[v] for v in p], adjusted, method, 0.05) == [[v] for v in adjusted]
    # Holm over families: the family with the smaller minimum is tested at α/2, the other at α.
    assert combine([[0.01, 0.04], [0.03]], [0.02, 0.03], "holm", 0.05) == [[0.02, 0.08], [0.03]]
    # Benjamini-Bogomolov: both families selected (R = 2 of M = 2), members at α·R/M.
    assert combine([[0.01, 0.04], [0.03]], [0.02, 0.03], "benjamini_hochberg", 0.05) == [[0.02, 0.04], [0.03]]


def test_more_rows_than_a_calculator_list_takes_use_dunnett_from_summary_statistics() -> None:
    rng = np.random.default_rng(1)
    arms = {v: rng.normal(10 + s, 3, 4000).round(2) for v, s in (("control", 0), ("b", 0.1), ("c", 0.3))}
    text = "variant,minutes\n" + "".join(f"{v},{x}\n" for v, xs in arms.items() for x in xs)
    card = analyse(read_csv(text, limit=LIMIT), AnalysisOptions(heavy_tail="off"))
    dunnett = next(f for f in card.findings if f.kind == "dunnett")
    reference = stats.dunnett(arms["b"], arms["c"], control=arms["control"]).pvalue
    assert dunnett.numbers["dunnett"] == pytest.approx(list(reference), rel=0.01, abs=1e-4)
    assert "dunnett" in {e.tool for e in card.trace}
