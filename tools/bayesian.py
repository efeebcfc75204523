"""Bayesian A/B analysis: probability that B beats A, expected loss and a credible interval.

Library choice: scipy. Conversion rates use independent Beta(α₀ + x, β₀ + n − x) posteriors; P(B > A) is Evan Miller's
closed form (a finite sum of Beta functions, exact) when B's first shape parameter is a whole number, else one
numerical integral of f_B·F_A. Expected loss E[max(A − B, 0)] is one integral as well. Means use the normal
(flat-prior) posterior of the difference, whose probabilities and loss are closed forms. ``spotify-confidence`` 4.1.0
was evaluated and not installed: ``pip install --dry-run`` resolves 42 packages for it (chartify, bokeh, ipykernel,
ipywidgets, selenium …) and its ``pandas<3`` pin would downgrade our pandas 3.1.1, for posteriors scipy already has.
The credible interval for the absolute difference of rates is from 200,000 seeded posterior draws (reproducible).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import integrate, stats
from scipy.special import betaln, ndtr, ndtri

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version

DRAWS = 200_000
SEED = 20130101


def prob_b_beats_a_beta(a_a: float, b_a: float, a_b: float, b_b: float) -> float:
    """P(p_B > p_A) for p_A ~ Beta(a_a, b_a), p_B ~ Beta(a_b, b_b) (Evan Miller 2015, exact when a_b is whole)."""
    if float(a_b).is_integer() and a_b < 50_000:
        i = np.arange(int(a_b))
        terms = betaln(a_a + i, b_a + b_b) - np.log(b_b + i) - betaln(1 + i, b_b) - betaln(a_a, b_a)
        return float(np.exp(terms).sum())
    dist_a, dist_b = stats.beta(a_a, b_a), stats.beta(a_b, b_b)
    lo, hi = dist_b.ppf(1e-12), dist_b.ppf(1 - 1e-12)
    value, _ = integrate.quad(lambda x: dist_b.pdf(x) * dist_a.cdf(x), lo, hi, limit=200)
    return float(value)


def _expected_loss_beta(a_a: float, b_a: float, a_b: float, b_b: float) -> float:
    """E[max(p_A − p_B, 0)]: what choosing B costs, on average, when A is in fact better."""
    # E[max(A − B, 0)] = E[A·1(A > B)] − E[B·1(A > B)]
    # E[A·1(A > B)] = E[A]·P(A⁺ > B) with A⁺ ~ Beta(a_a + 1, b_a); likewise for B.
    mean_a, mean_b = a_a / (a_a + b_a), a_b / (a_b + b_b)
    a_term = mean_a * prob_b_beats_a_beta(a_b, b_b, a_a + 1, b_a)
    b_term = mean_b * prob_b_beats_a_beta(a_b + 1, b_b, a_a, b_a)
    return max(0.0, a_term - b_term)


def bayesian_proportions_result(
    conversions_a: float,
    n_a: float,
    conversions_b: float,
    n_b: float,
    prior_alpha: float = 1.0,
    prior_beta: float = 1.0,
    credibility: float = 0.95,
) -> CalculationResult:
    """Beta-binomial posteriors: P(B > A), expected loss of shipping B (and of keeping A), credible interval of B − A."""
    na, nb = checks.count("n_a", n_a, minimum=1), checks.count("n_b", n_b, minimum=1)
    xa, xb = checks.count("conversions_a", conversions_a), checks.count("conversions_b", conversions_b)
    if xa > na:
        raise CalculationInputError("conversions_a", f"{xa} exceeds the group size n_a={na}")
    if xb > nb:
        raise CalculationInputError("conversions_b", f"{xb} exceeds the group size n_b={nb}")
    pa0, pb0 = checks.positive("prior_alpha", prior_alpha), checks.positive("prior_beta", prior_beta)
    cred = checks.proportion("credibility", credibility)
    a_a, b_a = pa0 + xa, pb0 + na - xa
    a_b, b_b = pa0 + xb, pb0 + nb - xb
    p_b = prob_b_beats_a_beta(a_a, b_a, a_b, b_b)
    loss_b = _expected_loss_beta(a_a, b_a, a_b, b_b)
    loss_a = _expected_loss_beta(a_b, b_b, a_a, b_a)
    rng = np.random.default_rng(SEED)
    diff = rng.beta(a_b, b_b, DRAWS) - rng.beta(a_a, b_a, DRAWS)
    low, high = np.quantile(diff, [(1 - cred) / 2, (1 + cred) / 2])
    mean_a, mean_b = a_a / (a_a + b_a), a_b / (a_b + b_b)
    outputs = {
        "prob_b_beats_a": p_b,
        "expected_loss_b": loss_b,
        "expected_loss_a": loss_a,
        "posterior_mean_a": mean_a,
        "posterior_mean_b": mean_b,
        "ci_low": float(low),
        "ci_high": float(high),
    }
    return CalculationResult(
        tool="bayesian_ab",
        method="Beta-binomial posteriors (conjugate), exact P(B > A) (Evan Miller 2015)",
        inputs={
            "conversions_a": xa,
            "n_a": na,
            "conversions_b": xb,
            "n_b": nb,
            "prior_alpha": pa0,
            "prior_beta": pb0,
            "credibility": cred,
        },
        outputs=outputs,
        outputs_rounded={k: round(v, 6) for k, v in outputs.items()},
        formula=(
            "p ~ Beta(α₀ + x, β₀ + n − x); P(B>A) = Σ_{i<α_B} B(α_A+i, β_A+β_B)/((β_B+i)·B(1+i, β_B)·B(α_A, β_A)); "
            "loss(B) = E[max(p_A − p_B, 0)]"
        ),
        library=library_version("scipy"),
        assumptions=(f"prior Beta({pa0:g}, {pb0:g}) on each rate",),
    )


def bayesian_means_result(
    mean_a: float,
    sd_a: float,
    n_a: float,
    mean_b: float,
    sd_b: float,
    n_b: float,
    credibility: float = 0.95,
) -> CalculationResult:
    """Normal posterior of B − A under a flat prior: P(B > A), expected losses and the credible interval."""
    ma, mb = checks.finite("mean_a", mean_a), checks.finite("mean_b", mean_b)
    sa, sb = checks.positive("sd_a", sd_a), checks.positive("sd_b", sd_b)
    na, nb = checks.count("n_a", n_a, minimum=2), checks.count("n_b", n_b, minimum=2)
    cred = checks.proportion("credibility", credibility)
    d = mb - ma
    s = math.sqrt(sa**2 / na + sb**2 / nb)
    z = d / s
    prob = float(ndtr(z))
    pdf = math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
    # E[max(−D, 0)] and E[max(D, 0)] for D ~ N(d, s²).
    loss_b = s * pdf - d * float(ndtr(-z))
    loss_a = s * pdf + d * prob
    half = float(ndtri((1 + cred) / 2)) * s
    outputs = {
        "prob_b_beats_a": prob,
        "expected_loss_b": loss_b,
        "expected_loss_a": loss_a,
        "difference": d,
        "ci_low": d - half,
        "ci_high": d + half,
    }
    return CalculationResult(
        tool="bayesian_ab_means",
        method="normal posterior of the difference in means (flat prior)",
        inputs={
            "mean_a": ma,
            "sd_a": sa,
            "n_a": na,
            "mean_b": mb,
            "sd_b": sb,
            "n_b": nb,
            "credibility": cred,
        },
        outputs=outputs,
        outputs_rounded={k: round(v, 6) for k, v in outputs.items()},
        formula="D ~ N(x̄b − x̄a, s²), s² = sa²/na + sb²/nb; P(B>A) = Φ(d/s); loss(B) = s·φ(d/s) − d·Φ(−d/s)",
        library=library_version("scipy"),
        assumptions=("flat prior on each mean; normal sampling distributions (large samples)",),
    )
