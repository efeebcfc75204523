"""``expgraph calc``: readable and JSON output, list, ask, and exit code 2 for bad parameters."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.main import app

runner = CliRunner()


def test_calc_prints_method_formula_inputs_outputs_and_assumptions() -> None:
    result = runner.invoke(
        app, ["calc", "proportions_sample_size", "--baseline", "0.5", "--p2", "0.75", "--power", "0.9"]
    )
    assert result.exit_code == 0, result.output
    for text in ("power.prop.test", "formula", "Inputs", "n_control", "77", "Assumptions", "not stated"):
        assert text in result.output


def test_calc_json_is_machine_readable() -> None:
    result = runner.invoke(
        app, ["calc", "means_power", "--n-per-group", "20", "--delta", "1", "--sd", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert abs(data["outputs"]["power"] - 0.8689528) < 1e-7
    assert data["library"].startswith("scipy ")


def test_bad_parameter_exits_2_with_the_field() -> None:
    result = runner.invoke(app, ["calc", "proportions_sample_size", "--baseline", "1.5", "--mde", "0.1"])
    assert result.exit_code == 2
    assert "baseline" in result.output


def test_unparseable_number_exits_2() -> None:
    result = runner.invoke(app, ["calc", "srm_check", "--counts", "10,abc"])
    assert result.exit_code == 2
    assert "counts" in result.output


def test_list_shows_every_tool() -> None:
    result = runner.invoke(app, ["calc", "list", "--json"])
    assert result.exit_code == 0
    names = {tool["name"] for tool in json.loads(result.output)}
    assert {"proportions_sample_size", "srm_check", "group_sequential", "cuped"} <= names


def test_ask_runs_the_parser_then_the_tool() -> None:
    question = "What sample size do I need for a 5% relative lift on a 10% baseline at 80% power?"
    result = runner.invoke(app, ["calc", "ask", question, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["result"]["outputs_rounded"]["n_control"] == 57763


def test_ask_with_missing_inputs_lists_the_questions() -> None:
    result = runner.invoke(app, ["calc", "ask", "What sample size do I need for 5% MDE at 80% power?"])
    assert result.exit_code == 1
    assert "baseline conversion rate" in result.output
