"""Group-sequential efficacy boundaries for K equally spaced looks.

Boundaries are found by recursive numerical integration of the score process S_k = Z_k·√t_k, whose increments are
independent N(0, Δt) (Armitage, McPherson & Rowe 1969; Jennison & Turnbull 2000, ch. 19): the density of S_k on the
continuation region is carried forward on a Simpson grid and each boundary is solved so that the probability of
first crossing at look k equals the alpha allotted to it.

- ``spending`` designs use Lan-DeMets alpha-spending functions: O'Brien-Fleming-type α(t) = 2 − 2Φ(z₁₋α/₂/√t)
  (two-sided) and Pocock-type α(t) = α·ln(1 + (e − 1)·t).
- ``classic`` designs use a constant c on the scale of the design: Pocock c_k = C, O'Brien-Fleming c_k = C·√(K/k),
  with C chosen so the overall type I error is α.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats
from scipy.special import ndtr, ndtri

from tools import checks
from tools.errors import CalculationInputError
from tools.result import CalculationResult, library_version

SPENDING = ("obrien_fleming", "pocock")
DESIGNS = ("spending", "classic")
GRID_POINTS = 101  # odd, for Simpson's rule
ONE_SIDED_FLOOR = 10.0  # continuation region for one-sided designs starts 10 SD below zero


@dataclass(frozen=True)
class Boundaries:
    """Critical z values per look, with the cumulative alpha actually spent."""

    z: tuple[float, ...]
    cumulative_alpha: tuple[float, ...]


def spending(t: float, alpha: float, family: str, two_sided: bool) -> float:
    """Cumulative alpha spent by information fraction t; alpha is the total (both sides when two_sided).

    Each side spends half of a two-sided alpha, the convention of R gsDesign, rpact and ldbounds.
    """
    sides = 2 if two_sided else 1
    per_side = alpha / sides
    if family == "obrien_fleming":
        return sides * 2 * float(ndtr(-ndtri(1 - per_side / 2) / math.sqrt(t)))
    return float(alpha * math.log(1 + (math.e - 1) * t))


def _pdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) * _INV_SQRT_2PI


_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class _Process:
    """Sub-density of S_k on the continuation region, carried look to look."""

    def __init__(self, two_sided: bool) -> None:
        self.two_sided = two_sided
        self.grid: np.ndarray | None = None
        self.density: np.ndarray | None = None
        self.weights: np.ndarray | None = None
        self.t_prev = 0.0

    def crossing(self, b: float, t: float) -> float:
        """Probability of first crossing ±b (or +b one-sided) at information t, given no earlier crossing."""
        if self.grid is None:
            sd = math.sqrt(t)
            upper = float(ndtr(-b / sd))
            return 2 * upper if self.two_sided else upper
        sd = math.sqrt(t - self.t_prev)
        mass = self.weights * self.density  # type: ignore[operator]
        upper = ndtr((self.grid - b) / sd)
        total = np.dot(mass, upper)
        if self.two_sided:
            total += np.dot(mass, ndtr((-b - self.grid) / sd))
        return float(total)

    def advance(self, b: float, t: float) -> None:
        """Move the density to look at information t, keeping only paths inside the boundary b."""
        lower = -b if self.two_sided else -ONE_SIDED_FLOOR * math.sqrt(t)
        grid = np.linspace(lower, b, GRID_POINTS)
        h = (b - lower) / (GRID_POINTS - 1)
        weights = np.ones(GRID_POINTS)
        weights[1:-1:2], weights[2:-1:2] = 4, 2
        weights *= h / 3
        if self.grid is None:
            density = _pdf(grid / math.sqrt(t)) / math.sqrt(t)
        else:
            sd = math.sqrt(t - self.t_prev)
            kernel = _pdf((grid[:, None] - self.grid[None, :]) / sd) / sd
            density = kernel @ (self.weights * self.density)  # type: ignore[operator]
        self.grid, self.weights, self.density, self.t_prev = grid, weights, density, t


def spending_boundaries(looks: int, alpha: float, family: str, two_sided: bool = True) -> Boundaries:
    """Lan-DeMets boundaries for equally spaced looks."""
    process = _Process(two_sided)
    z, cumulative, spent = [], [], 0.0
    for k in range(1, looks + 1):
        t = k / looks
        target = spending(t, alpha, family, two_sided) - spent
        sd = math.sqrt(t)
        b = optimize.brentq(
            lambda b, t=t, target=target: process.crossing(b, t) - target, 1e-3 * sd, 40 * sd, xtol=1e-12
        )
        spent += process.crossing(b, t)
        z.append(b / sd)
        cumulative.append(spent)
        process.advance(b, t)
    return Boundaries(tuple(z), tuple(cumulative))


def _total_crossing(c_of_k: list[float], two_sided: bool) -> tuple[float, list[float]]:
    looks = len(c_of_k)
    process = _Process(two_sided)
    spent, cumulative = 0.0, []
    for k, c in enumerate(c_of_k, start=1):
        t = k / looks
        b = c * math.sqrt(t)
        spent += process.crossing(b, t)
        cumulative.append(spent)
        process.advance(b, t)
    return spent, cumulative


def classic_boundaries(looks: int, alpha: float, family: str, two_sided: bool = True) -> Boundaries:
    """Pocock (constant z) or O'Brien-Fleming (z ∝ √(K/k)) boundaries with overall level alpha."""

    def shape(c: float) -> list[float]:
        if family == "pocock":
            return [c] * looks
        return [c * math.sqrt(looks / k) for k in range(1, looks + 1)]

    # C lies between the fixed-sample critical value and the Bonferroni one (α split evenly over the looks).
    sides = 2 if two_sided else 1
    low = float(ndtri(1 - alpha / sides)) - 1e-6
    high = float(ndtri(1 - alpha / (sides * looks))) + 1e-6
    if looks == 1:
        return Boundaries((low + 1e-6,), (alpha,))
    c = optimize.brentq(lambda c: _total_crossing(shape(c), two_sided)[0] - alpha, low, high, xtol=1e-9)
    _, cumulative = _total_crossing(shape(c), two_sided)
    return Boundaries(tuple(shape(c)), tuple(cumulative))


def group_sequential_result(
    looks: int,
    alpha: float = 0.05,
    spending_function: str = "obrien_fleming",
    design: str = "spending",
    alternative: str = "two-sided",
) -> CalculationResult:
    """Efficacy boundaries (z and nominal p) for K equally spaced looks at overall level alpha."""
    k = checks.count("looks", looks, minimum=1)
    if k > 30:
        raise CalculationInputError("looks", f"at most 30 interim looks are supported; got {k}")
    a = checks.alpha(alpha)
    family = checks.choice("spending_function", spending_function, SPENDING)
    kind = checks.choice("design", design, DESIGNS)
    alt = checks.alternative(alternative)
    two_sided = alt == "two-sided"
    if alt == "smaller":
        alt = "larger"  # symmetric: the boundary is the same with the sign flipped
    bounds = (spending_boundaries if kind == "spending" else classic_boundaries)(k, a, family, two_sided)
    nominal = [float((2 if two_sided else 1) * stats.norm.sf(z)) for z in bounds.z]
    info = [i / k for i in range(1, k + 1)]
    outputs = {
        "information_fraction": info,
        "z_boundaries": list(bounds.z),
        "nominal_p_values": nominal,
        "cumulative_alpha_spent": list(bounds.cumulative_alpha),
    }
    name = {"obrien_fleming": "O'Brien-Fleming", "pocock": "Pocock"}[family]
    if kind == "spending":
        method = f"Lan-DeMets alpha spending, {name}-type"
        formula = (
            "per side α_s(t) = 2 − 2Φ(z(1 − α_s/2)/√t), α_s = α/2 when two-sided"
            if family == "obrien_fleming"
            else "α(t) = α·ln(1 + (e − 1)t)"
        ) + "; boundaries by recursive numerical integration (Simpson grid)"
    else:
        method = f"classic {name} group-sequential boundaries"
        formula = (
            "c_k = C" if family == "pocock" else "c_k = C·√(K/k)"
        ) + ", C solved so P(cross any look | H0) = α"
    return CalculationResult(
        tool="group_sequential",
        method=method,
        inputs={
            "looks": k,
            "alpha": a,
            "spending_function": family,
            "design": kind,
            "alternative": alt if not two_sided else "two-sided",
        },
        outputs=outputs,
        outputs_rounded={
            "information_fraction": [round(x, 4) for x in info],
            "z_boundaries": [round(z, 4) for z in bounds.z],
            "nominal_p_values": [float(f"{p:.4g}") for p in nominal],
            "cumulative_alpha_spent": [round(x, 6) for x in bounds.cumulative_alpha],
        },
        formula=formula,
        library=f"{library_version('scipy')}, {library_version('numpy')}",
        notes=("Efficacy boundaries only (no futility); reject H0 at look k when |Z_k| ≥ z_k.",),
    )
