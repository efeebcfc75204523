"""Regenerate the three example datasets (seeded): ``python examples/analysis/generate.py``.

clean_win.csv: per-variant aggregates, a conversion win and a revenue metric with no sample ratio mismatch.
srm.csv: per-variant aggregates whose units are far from the intended 50/50 split.
heavy_tailed_revenue.csv: per-user rows, revenue with a few whales and a pre-period revenue covariate (CUPED).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _aggregate_row(variant: str, users: int, conversions: int, revenue: np.ndarray) -> list[object]:
    return [variant, users, conversions, round(float(revenue.sum()), 2), round(float((revenue**2).sum()), 2)]


def clean_win(rng: np.random.Generator) -> None:
    rows: list[list[object]] = []
    for variant, users, rate, spend in (("control", 20000, 0.100, 48.0), ("treatment", 20040, 0.111, 48.5)):
        converted = rng.random(users) < rate
        revenue = np.where(converted, rng.gamma(4.0, spend / 4.0, users), 0.0)
        rows.append(_aggregate_row(variant, users, int(converted.sum()), revenue))
    _write("clean_win.csv", ["variant", "units", "conversions", "revenue_sum", "revenue_sum_sq"], rows)


def srm(rng: np.random.Generator) -> None:
    rows: list[list[object]] = []
    for variant, users, rate in (("control", 10000, 0.100), ("treatment", 10600, 0.106)):
        converted = rng.random(users) < rate
        rows.append([variant, users, int(converted.sum())])
    _write("srm.csv", ["variant", "units", "conversions"], rows)


def heavy_tailed(rng: np.random.Generator) -> None:
    rows: list[list[object]] = []
    for variant, users, lift in (("control", 2000, 1.0), ("treatment", 2000, 1.08)):
        propensity = rng.lognormal(1.0, 1.1, users)  # each user's spending level, before and during the test
        whales = rng.random(users) < 0.004
        propensity[whales] *= rng.uniform(30, 80, whales.sum())
        pre = np.round(propensity * rng.gamma(25.0, 0.04, users), 2)
        revenue = np.round(propensity * lift * rng.gamma(25.0, 0.04, users), 2)
        rows.extend([variant, float(r), float(p)] for r, p in zip(revenue, pre, strict=True))
    _write("heavy_tailed_revenue.csv", ["variant", "revenue", "revenue_pre"], rows)


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    clean_win(np.random.default_rng(11))
    srm(np.random.default_rng(12))
    heavy_tailed(np.random.default_rng(13))
