"""``expgraph analyze``: the scorecard for each shipped dataset, a question, and clean errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.main import app
from config import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples" / "analysis"
runner = CliRunner()


def test_each_example_prints_its_scorecard_in_order() -> None:
    for name, verdict in (
        ("clean_win.csv", "Ship treatment"),
        ("srm.csv", "Do not act"),
        ("heavy_tailed_revenue.csv", "Ship treatment"),
    ):
        result = runner.invoke(app, ["analyze", str(EXAMPLES / name)])
        assert result.exit_code == 0, result.output
        text = result.output
        assert text.index("1. Trust checks") < text.index("2. Metrics") < text.index("Verdict")
        assert verdict in text and "sample-ratio-mismatch" in text and "srm_check" in text


def test_json_output_carries_the_trace_and_inputs_hash() -> None:
    result = runner.invoke(
        app, ["analyze", str(EXAMPLES / "heavy_tailed_revenue.csv"), "--json", "--bayesian"]
    )
    record = json.loads(result.output)
    assert len(record["inputs_hash"]) == 64
    assert {"srm_check", "cuped_test", "heavy_tails", "bayesian_ab_means"} <= {
        t["tool"] for t in record["trace"]
    }


def test_a_question_and_a_bad_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ok = runner.invoke(
        app, ["analyze", "-q", "control 10,000 users and 1,000 conversions, treatment 10,050 and 1,090"]
    )
    assert ok.exit_code == 0 and "borderline" in ok.output
    bad = tmp_path / "bad.csv"
    bad.write_text("variant,units,conversions\ncontrol,100,10\ntreatment,100,130\n")
    result = runner.invoke(app, ["analyze", str(bad)])
    assert result.exit_code == 2
    assert "row 3" in result.output and "conversions" in result.output
