"""Which concept and guide explain each kind of finding: the scorecard teaches while it reports.

Slugs are corpus ids (``corpus/concepts/<slug>.md`` and ``corpus/documents/<slug>.md``); a test checks that every one
exists, so a renamed corpus file fails the build rather than a citation at run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    """A corpus item that explains a finding: ``kind`` is concept or document."""

    slug: str
    kind: str
    title: str

    def to_dict(self) -> dict[str, str]:
        return {"slug": self.slug, "kind": self.kind, "title": self.title}


def _c(slug: str, title: str) -> Citation:
    return Citation(slug, "concept", title)


def _d(slug: str, title: str) -> Citation:
    return Citation(slug, "document", title)


CITATIONS: dict[str, tuple[Citation, ...]] = {
    "srm": (
        _c("sample-ratio-mismatch", "Sample ratio mismatch"),
        _c("srm-check", "SRM check"),
        _d("diagnosing-sample-ratio-mismatch", "Diagnosing a sample ratio mismatch"),
    ),
    "balance": (
        _c("a-a-test", "A/A test"),
        _c("randomization", "Randomization"),
        _d("a-a-tests", "A/A tests: validating the experimentation system"),
    ),
    "binary": (
        _c("two-proportion-z-test", "Two-proportion z-test"),
        _c("relative-lift", "Relative lift"),
        _c("confidence-interval", "Confidence interval"),
        _d("reading-an-experiment-result", "Reading an experiment result: a glossary"),
    ),
    "continuous": (
        _c("welch-t-test", "Welch's t-test"),
        _c("relative-lift", "Relative lift"),
        _d("worked-welch-t-test-summary-stats", "Worked example: Welch's t-test from summary statistics"),
    ),
    "cuped": (
        _c("cuped", "CUPED"),
        _c("variance-reduction", "Variance reduction"),
        _d("cuped-in-practice", "CUPED in practice"),
    ),
    "ratio": (
        _c("delta-method", "Delta method"),
        _c("ratio-metric", "Ratio metric"),
        _d("ratio-metrics-and-the-delta-method", "Ratio metrics and the delta method"),
    ),
    "heavy_tail": (
        _c("heavy-tailed-metric", "Heavy-tailed metric"),
        _c("trimmed-mean", "Trimmed mean (Yuen's test)"),
        _c("bootstrap", "Bootstrap"),
        _d("heavy-tailed-metrics", "Analysing heavy-tailed metrics"),
        _d("worked-yuen-trimmed-means-revenue", "Worked example: Yuen's test on revenue"),
    ),
    "cluster": (
        _c("cluster-randomization", "Cluster randomization"),
        _c("cluster-robust-standard-errors", "Cluster-robust standard errors"),
        _c("intracluster-correlation", "Intracluster correlation"),
        _c("design-effect", "Design effect"),
        _d(
            "worked-design-effect-cluster-randomization",
            "Worked example: design effect for a cluster-randomized experiment",
        ),
    ),
    "dunnett": (
        _c("dunnett-test", "Dunnett's test"),
        _c("multiple-testing", "Multiple testing"),
        _d(
            "worked-dunnett-three-arms", "Worked example: Dunnett's test for two variants against one control"
        ),
    ),
    "multiple_testing": (
        _c("multiple-testing", "Multiple testing"),
        _c("holm-bonferroni-method", "Holm-Bonferroni method"),
        _d("multiple-testing-corrections", "Multiple testing corrections"),
    ),
    "guardrail": (
        _c("guardrail-metric", "Guardrail metric"),
        _d("guardrail-metrics", "Guardrail metrics: what they protect and how to set them"),
    ),
    "bayesian": (
        _c("bayesian-ab-testing", "Bayesian A/B testing"),
        _c("probability-to-beat-control", "Probability to beat control"),
        _c("expected-loss", "Expected loss"),
        _d("bayesian-vs-frequentist-analysis", "Bayesian versus frequentist analysis of A/B tests"),
    ),
    "verdict": (
        _c("launch-decision", "Launch decision"),
        _c("experiment-scorecard", "Experiment scorecard"),
        _d("scorecards-and-launch-decisions", "Experiment scorecards and launch decisions"),
    ),
}


def cites(kind: str) -> tuple[Citation, ...]:
    return CITATIONS[kind]
