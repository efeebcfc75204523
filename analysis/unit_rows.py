"""Per-unit rows (``variant``, metric columns, ``<m>_pre`` covariates, ``<m>_num``/``<m>_den`` ratio pairs, an
optional ``cluster`` column) into per-arm statistics; a cluster-randomised file keeps each unit's cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from analysis.cells import Row, number, sum_of_squares
from analysis.data import AnalysisInputError, ExperimentData, MetricArm, MetricKind

CLUSTER_COLUMN = "cluster"


def read_unit_rows(
    header: Sequence[str], rows: Sequence[Row], metric_types: Mapping[str, str]
) -> ExperimentData:
    """Per-arm statistics of each metric, keeping per-unit values (and clusters) for the tests that need rows."""
    value_columns = [h for h in header if h not in ("variant", CLUSTER_COLUMN)]
    if not value_columns:
        raise AnalysisInputError("no metric columns next to 'variant'", row=1)
    numbers: dict[str, list[float]] = {c: [] for c in value_columns}
    labels: list[str] = []
    for row in rows:
        labels.append(row[1]["variant"])
        for column in value_columns:
            numbers[column].append(number(row, column))
    lines = [line for line, _ in rows]
    clusters = _cluster_labels(rows) if CLUSTER_COLUMN in header else None
    ratio_names = {c[:-4] for c in value_columns if c.endswith("_num") and c[:-4] + "_den" in value_columns}
    covariates = {c[:-4]: c for c in value_columns if c.endswith("_pre")}
    metric_cols = [
        c
        for c in value_columns
        if not c.endswith("_pre") and not (c.endswith(("_num", "_den")) and c[:-4] in ratio_names)
    ]
    for base, column in covariates.items():
        if base not in metric_cols:
            raise AnalysisInputError(
                f"covariate for metric {base!r}, but there is no column {base!r}", row=1, column=column
            )
    kinds: dict[str, MetricKind] = {}
    for column in metric_cols:
        binary = all(v in (0.0, 1.0) for v in numbers[column])
        declared = metric_types.get(column)
        if declared == "binary" and not binary:
            bad = next(i for i, v in enumerate(numbers[column]) if v not in (0.0, 1.0))
            raise AnalysisInputError(
                f"a binary metric takes 0 or 1; got {numbers[column][bad]:g}", row=lines[bad], column=column
            )
        if declared == "ratio":
            raise AnalysisInputError(
                f"a ratio metric per unit needs columns {column}_num and {column}_den", column=column
            )
        kinds[column] = "binary" if (declared == "binary" or (declared is None and binary)) else "continuous"
    for name in ratio_names:
        kinds[name] = "ratio"
        den = numbers[name + "_den"]
        neg = next((i for i, v in enumerate(den) if v < 0), None)
        if neg is not None:
            raise AnalysisInputError(
                f"a denominator cannot be negative; got {den[neg]:g}", row=lines[neg], column=name + "_den"
            )
    variants = list(dict.fromkeys(labels))
    units = {v: labels.count(v) for v in variants}
    for variant, n in units.items():
        if n < 2:
            line = lines[labels.index(variant)]
            raise AnalysisInputError(
                f"variant {variant!r} has {n} unit; each variant needs at least 2", row=line, column="variant"
            )
    metrics: dict[str, dict[str, MetricArm]] = {m: {} for m in kinds}
    for variant in variants:
        idx = [i for i, label in enumerate(labels) if label == variant]
        for metric, kind in kinds.items():
            if kind == "ratio":
                x = [numbers[metric + "_num"][i] for i in idx]
                y = [numbers[metric + "_den"][i] for i in idx]
                if sum(y) <= 0:
                    raise AnalysisInputError(
                        f"variant {variant!r} has no denominator total", column=metric + "_den"
                    )
                if clusters is not None:  # clusters are the independent units of a cluster-randomised test
                    x, y = (
                        _per_cluster(x, [clusters[i] for i in idx]),
                        _per_cluster(y, [clusters[i] for i in idx]),
                    )
                sums = (
                    sum(x),
                    sum(y),
                    sum_of_squares(x),
                    sum_of_squares(y),
                    sum(a * b for a, b in zip(x, y, strict=True)),
                )
                metrics[metric][variant] = MetricArm(len(x), ratio_sums=sums)
                continue
            y = [numbers[metric][i] for i in idx]
            if kind == "binary":
                metrics[metric][variant] = MetricArm(len(idx), conversions=int(sum(y)), values=tuple(y))
                continue
            pre = covariates.get(metric)
            if pre is None:
                metrics[metric][variant] = MetricArm(
                    len(idx), total=sum(y), total_sq=sum_of_squares(y), values=tuple(y)
                )
            else:
                x = [numbers[pre][i] for i in idx]
                metrics[metric][variant] = MetricArm(
                    len(idx),
                    total=sum(y),
                    total_sq=sum_of_squares(y),
                    pre_total=sum(x),
                    pre_total_sq=sum_of_squares(x),
                    pre_cross=sum(a * b for a, b in zip(y, x, strict=True)),
                    values=tuple(y),
                    pre_values=tuple(x),
                )
    by_variant = None
    if clusters is not None:
        by_variant = {v: tuple(clusters[i] for i, label in enumerate(labels) if label == v) for v in variants}
        few = next((v for v, c in by_variant.items() if len(set(c)) < 2), None)
        if few is not None:
            raise AnalysisInputError(
                f"variant {few!r} has {len(set(by_variant[few]))} cluster; a cluster-randomised analysis needs at "
                "least 2 per variant (and 20+ for trustworthy cluster-robust errors)",
                column=CLUSTER_COLUMN,
            )
    return ExperimentData("units", tuple(variants), units, kinds, metrics, by_variant)


def _cluster_labels(rows: Sequence[Row]) -> list[str]:
    """Each row's cluster; a cluster seen under two variants is an error naming the row."""
    owner: dict[str, str] = {}
    labels: list[str] = []
    for line, values in rows:
        label = values[CLUSTER_COLUMN]
        if not label:
            raise AnalysisInputError("the cluster label is empty", row=line, column=CLUSTER_COLUMN)
        first = owner.setdefault(label, values["variant"])
        if first != values["variant"]:
            raise AnalysisInputError(
                f"cluster {label!r} is in variant {first!r} and {values['variant']!r}; in a cluster-randomised "
                "experiment each cluster gets one variant",
                row=line,
                column=CLUSTER_COLUMN,
            )
        labels.append(label)
    return labels


def _per_cluster(values: Sequence[float], clusters: Sequence[str]) -> list[float]:
    sums: dict[str, float] = {}
    for value, label in zip(values, clusters, strict=True):
        sums[label] = sums.get(label, 0.0) + value
    return list(sums.values())
