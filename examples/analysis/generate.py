"""Regenerate the three example datasets (seeded): ``python examples/analysis/generate.py``.

clean_win.csv: per-variant aggregates, a conversion win and a revenue metric with no sample ratio mismatch.
srm.csv: per-variant aggregates whose units are far from the intended 50/50 split.
heavy_tailed_revenue.csv: per-user rows, revenue with a few whales and a pre-period revenue covariate (CUPED).
clustered_stores.csv: per-customer rows of 40 stores randomised whole (a ``cluster`` column): conversion looks
significant unit by unit and is not once the stores' correlation is counted; revenue with its pre-period covariate.
three_variants.csv: per-user rows of a control and two variants (Dunnett's many-to-one comparison).
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


def clustered_stores(rng: np.random.Generator) -> None:
    rows: list[list[object]] = []
    for store in range(40):
        variant = "control" if store % 2 == 0 else "treatment"
        size = int(rng.integers(20, 60))
        store_effect = rng.normal(0, 3)
        for _ in range(size):
            pre = 20 + store_effect + rng.normal(0, 4)
            revenue = pre + (0.6 if variant == "treatment" else 0) + rng.normal(0, 2)
            rate = 0.1 + 0.02 * store_effect / 3 + (0.01 if variant == "treatment" else 0)
            rows.append(
                [variant, f"store-{store:02d}", f"{revenue:.2f}", f"{pre:.2f}", int(rng.random() < rate)]
            )
    _write("clustered_stores.csv", ["variant", "cluster", "revenue", "revenue_pre", "converted"], rows)


def three_variants(rng: np.random.Generator) -> None:
    rows: list[list[object]] = []
    for variant, shift in (("control", 0.0), ("short_copy", 0.1), ("video", 0.9)):
        minutes = np.round(rng.gamma(4.0, 2.5, 600) + shift, 2)
        rows.extend([variant, float(m)] for m in minutes)
    _write("three_variants.csv", ["variant", "minutes"], rows)


def _write(name: str, header: list[str], rows: list[list[object]]) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    clean_win(np.random.default_rng(11))
    srm(np.random.default_rng(12))
    heavy_tailed(np.random.default_rng(13))
    clustered_stores(np.random.default_rng(22))
    three_variants(np.random.default_rng(14))
