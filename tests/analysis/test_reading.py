"""Reading results: both layouts, and bad input rejected whole with the row and column named."""

from __future__ import annotations

import io

import pytest

from analysis.data import AnalysisInputError
from analysis.reading import read_csv, read_parquet

LIMIT = 1_000_000


def _error(text: str, **kwargs: object) -> AnalysisInputError:
    with pytest.raises(AnalysisInputError) as exc:
        read_csv(text, limit=LIMIT, **kwargs)  # type: ignore[arg-type]
    return exc.value


def test_aggregates_with_binary_continuous_covariate_and_ratio_metrics() -> None:
    text = (
        "variant,units,conversions,revenue_sum,revenue_sum_sq,revenue_pre_sum,revenue_pre_sum_sq,revenue_pre_cross,"
        "aov_num_sum,aov_den_sum,aov_num_sum_sq,aov_den_sum_sq,aov_num_den_sum\n"
        "treatment,1010,110,5200,90000,5000,85000,80000,5200,300,200000,400,9000\n"
        "control,1000,100,5000,85000,5000,84000,79000,5000,290,190000,390,8700\n"
    )
    data = read_csv(text, limit=LIMIT)
    assert data.variants == ("control", "treatment")  # the control comes first whatever the row order
    assert data.kinds == {"conversion": "binary", "revenue": "continuous", "aov": "ratio"}
    assert data.metrics["revenue"]["control"].has_covariate
    assert data.metrics["conversion"]["treatment"].conversions == 110


def test_per_unit_rows_detect_binary_metrics_covariates_and_ratio_pairs() -> None:
    rows = ["variant,converted,revenue,revenue_pre,spend_num,spend_den"]
    rows += [f"{v},{i % 2},{i * 1.5},{i},{i * 2.0},{1 + i % 3}" for v in ("a", "b") for i in range(10)]
    data = read_csv("\n".join(rows), limit=LIMIT)
    assert data.kinds == {"converted": "binary", "revenue": "continuous", "spend": "ratio"}
    assert data.units == {"a": 10, "b": 10}
    assert data.metrics["revenue"]["b"].values is not None and data.metrics["revenue"]["b"].has_covariate


def test_parquet_reads_like_csv() -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"variant": ["control", "treatment"], "units": [1000, 1000], "conversions": [100, 130]})
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    data = read_parquet(buffer.getvalue(), limit=LIMIT)
    assert data.metrics["conversion"]["treatment"].conversions == 130


def test_missing_variant_column_is_named() -> None:
    error = _error("group,units,conversions\nc,100,10\nt,100,12\n")
    assert error.row == 1 and "variant" in error.message


def test_negative_counts_name_row_and_column() -> None:
    error = _error("variant,units,conversions\ncontrol,100,10\ntreatment,100,-3\n")
    assert (error.row, error.column) == (3, "conversions")
    assert "negative" in error.message


def test_conversions_above_units_name_row_and_column() -> None:
    error = _error("variant,units,conversions\ncontrol,100,10\ntreatment,100,130\n")
    assert (error.row, error.column) == (3, "conversions")
    assert "exceed" in error.message


def test_file_over_the_size_limit_is_rejected_before_parsing() -> None:
    with pytest.raises(AnalysisInputError) as exc:
        read_csv("variant,units,conversions\n" + "control,100,10\n" * 100, limit=500)
    assert "limit" in exc.value.message


def test_unknown_metric_type_and_unknown_column_are_rejected() -> None:
    assert _error(
        "variant,units,conversions\nc,100,1\nt,100,2\n", metric_types={"conversion": "quantile"}
    ).column == ("conversion")
    unknown = _error("variant,units,revenue_median\nc,100,1\nt,100,2\n")
    assert (unknown.row, unknown.column) == (1, "revenue_median")


def test_a_non_number_and_an_impossible_sum_of_squares_are_located() -> None:
    error = _error("variant,units,conversions\ncontrol,100,ten\ntreatment,100,12\n")
    assert (error.row, error.column) == (2, "conversions")
    squares = _error("variant,units,x_sum,x_sum_sq\nc,100,500,100\nt,100,500,3000\n")
    assert (squares.row, squares.column) == (2, "x_sum_sq")


def test_one_variant_is_not_an_experiment() -> None:
    assert "only one variant" in _error("variant,units,conversions\ncontrol,100,10\n").message
