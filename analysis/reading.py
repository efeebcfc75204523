"""Read experiment results from CSV text or Parquet bytes into ``ExperimentData``, rejecting bad input whole.

Two layouts, told apart by a ``units`` (or ``users``) column:

* **aggregates**, one row per variant: ``variant, units`` and per metric ``<m>_conversions`` (binary; a bare
  ``conversions`` column is the metric ``conversion``), ``<m>_sum, <m>_sum_sq`` (continuous) with optional
  ``<m>_pre_sum, <m>_pre_sum_sq, <m>_pre_cross`` (pre-period covariate X: ΣX, ΣX², ΣY·X, for CUPED), or
  ``<m>_num_sum, <m>_den_sum, <m>_num_sum_sq, <m>_den_sum_sq, <m>_num_den_sum`` (ratio metric, delta method);
* **per-unit rows**: ``variant`` and one column per metric (0/1 columns are binary), ``<m>_pre`` for a pre-period
  covariate of metric m, and ``<m>_num``/``<m>_den`` pairs for a ratio metric; a ``cluster`` column (any label) marks
  a cluster-randomised experiment: each cluster belongs to one variant, and a ratio metric is summed per cluster
  (the delta method then treats clusters as the units).

Errors name the row (the file line; the header is row 1) and the column; nothing partial is returned.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from analysis.cells import Row, number
from analysis.data import METRIC_KINDS, AnalysisInputError, ExperimentData, MetricArm, MetricKind
from analysis.unit_rows import CLUSTER_COLUMN, read_unit_rows

UNITS_COLUMNS = ("units", "users")
CONTINUOUS_PARTS = ("sum", "sum_sq")
COVARIATE_PARTS = ("pre_sum", "pre_sum_sq", "pre_cross")
RATIO_PARTS = ("num_sum", "den_sum", "num_sum_sq", "den_sum_sq", "num_den_sum")
# Longest suffix first, so "x_num_sum_sq" is read as part num_sum_sq of metric x, not part sum_sq of "x_num".
_SUFFIXES = sorted(("conversions", *CONTINUOUS_PARTS, *COVARIATE_PARTS, *RATIO_PARTS), key=len, reverse=True)


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise AnalysisInputError(
            f"the file is {size:,} bytes; the limit is {limit:,}. Send per-variant aggregates instead of raw rows",
            column=None,
        )


def read_csv(
    text: str, *, limit: int, metric_types: Mapping[str, str] | None = None, control: str | None = None
) -> ExperimentData:
    """Parse CSV text (comma, semicolon or tab separated) of either layout."""
    check_size(len(text.encode("utf-8")), limit)
    if not text.strip():
        raise AnalysisInputError("the file is empty; give a header row and one row per variant or unit")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), dialect)
    header = [h.strip().lower() for h in next(reader)]
    rows: list[Row] = []
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise AnalysisInputError(f"has {len(values)} fields; the header has {len(header)}", row=line)
        rows.append((line, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    return from_rows(header, rows, metric_types=metric_types or {}, control=control)


def read_parquet(
    data: bytes, *, limit: int, metric_types: Mapping[str, str] | None = None, control: str | None = None
) -> ExperimentData:
    """Parse a Parquet file (needs pyarrow); rows are numbered as if the table were a CSV with a header."""
    check_size(len(data), limit)
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is installed with the project's data stack
        raise AnalysisInputError("reading Parquet needs pyarrow; send the data as CSV instead") from exc
    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several unrelated types for a corrupt file
        raise AnalysisInputError(
            f"not a readable Parquet file ({exc.__class__.__name__}); send CSV instead"
        ) from exc
    header = [c.strip().lower() for c in table.column_names]
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    rows = [
        (i + 2, {h: "" if col[i] is None else str(col[i]) for h, col in zip(header, columns, strict=True)})
        for i in range(table.num_rows)
    ]
    return from_rows(header, rows, metric_types=metric_types or {}, control=control)


def from_rows(
    header: Sequence[str], rows: Sequence[Row], *, metric_types: Mapping[str, str], control: str | None
) -> ExperimentData:
    if "variant" not in header:
        raise AnalysisInputError(
            f"no 'variant' column (found: {', '.join(header)}); name the column holding control/treatment labels 'variant'",
            row=1,
        )
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise AnalysisInputError("appears twice in the header", row=1, column=dup)
    for name, kind in metric_types.items():
        if kind not in METRIC_KINDS:
            raise AnalysisInputError(
                f"unknown metric type {kind!r} for {name!r}; choose one of {', '.join(METRIC_KINDS)}",
                column=name,
            )
    if not rows:
        raise AnalysisInputError("no data rows after the header")
    for line, row in rows:
        if not row["variant"]:
            raise AnalysisInputError("the variant label is empty", row=line, column="variant")
    units_col = next((c for c in UNITS_COLUMNS if c in header), None)
    if units_col is not None and CLUSTER_COLUMN in header:
        raise AnalysisInputError(
            "a cluster column needs per-unit rows (variant, cluster, metrics), not per-variant aggregates",
            row=1,
            column=CLUSTER_COLUMN,
        )
    if units_col is not None:
        data = _aggregates(header, rows, units_col, metric_types)
    else:
        data = read_unit_rows(header, rows, metric_types)
    return _order(data, control)


def _count(row: Row, column: str, minimum: int = 0) -> int:
    value = number(row, column)
    if value < 0:
        raise AnalysisInputError(f"a count cannot be negative; got {value:g}", row=row[0], column=column)
    if value != int(value):
        raise AnalysisInputError(f"a count must be a whole number; got {value:g}", row=row[0], column=column)
    if value < minimum:
        raise AnalysisInputError(
            f"needs at least {minimum} units per variant; got {int(value)}", row=row[0], column=column
        )
    return int(value)


def _split_column(column: str) -> tuple[str, str] | None:
    if column == "conversions":
        return "conversion", "conversions"
    for suffix in _SUFFIXES:
        if column.endswith("_" + suffix) and len(column) > len(suffix) + 1:
            return column[: -len(suffix) - 1], suffix
    return None


def _aggregates(
    header: Sequence[str], rows: Sequence[Row], units_col: str, metric_types: Mapping[str, str]
) -> ExperimentData:
    parts: dict[str, dict[str, str]] = {}
    for column in header:
        if column in ("variant", units_col):
            continue
        split = _split_column(column)
        if split is None:
            raise AnalysisInputError(
                "is not a recognised aggregate column; use <metric>_conversions, <metric>_sum and <metric>_sum_sq, "
                "<metric>_pre_sum/_pre_sum_sq/_pre_cross, or the ratio sums <metric>_num_sum, _den_sum, _num_sum_sq, "
                "_den_sum_sq, _num_den_sum",
                row=1,
                column=column,
            )
        metric, part = split
        parts.setdefault(metric, {})[part] = column
    if not parts:
        raise AnalysisInputError(
            "no metric columns; add e.g. 'conversions' or '<metric>_sum' and '<metric>_sum_sq'", row=1
        )
    kinds: dict[str, MetricKind] = {}
    for metric, found in parts.items():
        kinds[metric] = _aggregate_kind(metric, found, metric_types.get(metric))
    variants: list[str] = []
    units: dict[str, int] = {}
    metrics: dict[str, dict[str, MetricArm]] = {m: {} for m in parts}
    for row in rows:
        line, values = row
        variant = values["variant"]
        if variant in units:
            raise AnalysisInputError(
                f"variant {variant!r} appears twice; give one row per variant", row=line, column="variant"
            )
        n = _count(row, units_col, minimum=2)
        variants.append(variant)
        units[variant] = n
        for metric, found in parts.items():
            metrics[metric][variant] = _aggregate_arm(row, n, kinds[metric], found)
    return ExperimentData("aggregates", tuple(variants), units, kinds, metrics)


def _aggregate_kind(metric: str, found: Mapping[str, str], declared: str | None) -> MetricKind:
    if "conversions" in found:
        kind: MetricKind = "binary"
        extra = set(found) - {"conversions"}
    elif set(RATIO_PARTS) & set(found):
        kind = "ratio"
        missing = [p for p in RATIO_PARTS if p not in found]
        if missing:
            raise AnalysisInputError(
                f"ratio metric {metric!r} lacks {', '.join(metric + '_' + p for p in missing)}",
                row=1,
                column=found[next(iter(found))],
            )
        extra = set(found) - set(RATIO_PARTS)
    else:
        kind = "continuous"
        missing = [p for p in CONTINUOUS_PARTS if p not in found]
        if missing:
            raise AnalysisInputError(
                f"continuous metric {metric!r} lacks {', '.join(metric + '_' + p for p in missing)}",
                row=1,
                column=found[next(iter(found))],
            )
        covariate = [p for p in COVARIATE_PARTS if p in found]
        if covariate and len(covariate) != len(COVARIATE_PARTS):
            lacking = [metric + "_" + p for p in COVARIATE_PARTS if p not in found]
            raise AnalysisInputError(
                f"a pre-period covariate needs all three sums; missing {', '.join(lacking)}",
                row=1,
                column=found[covariate[0]],
            )
        extra = set(found) - set(CONTINUOUS_PARTS) - set(COVARIATE_PARTS)
    if extra:
        raise AnalysisInputError(
            f"does not fit metric {metric!r} of type {kind}", row=1, column=found[sorted(extra)[0]]
        )
    if declared is not None and declared != kind:
        raise AnalysisInputError(
            f"metric {metric!r} is declared {declared} but its columns describe a {kind} metric",
            column=metric,
        )
    return kind


def _aggregate_arm(row: Row, n: int, kind: MetricKind, found: Mapping[str, str]) -> MetricArm:
    line = row[0]
    if kind == "binary":
        conversions = _count(row, found["conversions"])
        if conversions > n:
            raise AnalysisInputError(
                f"{conversions} conversions exceed the {n} units of this variant",
                row=line,
                column=found["conversions"],
            )
        return MetricArm(n, conversions=conversions)
    if kind == "ratio":
        sums = tuple(number(row, found[p]) for p in RATIO_PARTS)
        sx, sy, sx2, sy2, _ = sums
        for part, value in zip(RATIO_PARTS, sums, strict=True):
            if part != "num_den_sum" and part != "num_sum" and value < 0:
                raise AnalysisInputError(
                    f"a sum of counts or squares cannot be negative; got {value:g}",
                    row=line,
                    column=found[part],
                )
        if sy <= 0:
            raise AnalysisInputError(
                "the denominator total must be positive", row=line, column=found["den_sum"]
            )
        _check_squares(line, found["num_sum_sq"], sx, sx2, n)
        _check_squares(line, found["den_sum_sq"], sy, sy2, n)
        return MetricArm(n, ratio_sums=sums)  # type: ignore[arg-type]
    total, total_sq = number(row, found["sum"]), number(row, found["sum_sq"])
    _check_squares(line, found["sum_sq"], total, total_sq, n)
    if "pre_sum" in found:
        pre, pre_sq, cross = (number(row, found[p]) for p in COVARIATE_PARTS)
        _check_squares(line, found["pre_sum_sq"], pre, pre_sq, n)
        return MetricArm(
            n, total=total, total_sq=total_sq, pre_total=pre, pre_total_sq=pre_sq, pre_cross=cross
        )
    return MetricArm(n, total=total, total_sq=total_sq)


def _check_squares(line: int, column: str, total: float, total_sq: float, n: int) -> None:
    if total_sq < 0 or total_sq * n < total * total * (1 - 1e-9):
        raise AnalysisInputError(
            f"the sum of squares {total_sq:g} is smaller than (sum)²/units = {total * total / n:g}, which no data can give",
            row=line,
            column=column,
        )


def _order(data: ExperimentData, control: str | None) -> ExperimentData:
    """Control first: the named one, else a variant called control/baseline/a, else the first row."""
    if len(data.variants) < 2:
        raise AnalysisInputError(
            f"only one variant ({data.variants[0]!r}); an experiment needs a control and at least one treatment",
            column="variant",
        )
    names = list(data.variants)
    if control is not None:
        if control not in names:
            raise AnalysisInputError(
                f"control {control!r} is not a variant; variants: {', '.join(names)}", column="variant"
            )
        chosen = control
    else:
        chosen = next((v for v in names if v.lower() in ("control", "baseline", "a")), names[0])
    ordered = (chosen, *[v for v in names if v != chosen])
    return ExperimentData(data.source, ordered, data.units, data.kinds, data.metrics, data.clusters)
