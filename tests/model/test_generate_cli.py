"""``expgraph generate`` with the real default generator (shared with the ``generator`` fixture's cache)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from model.backends.transformers_local import TransformersGenerator
from tests.conftest import cache_env

pytestmark = pytest.mark.slow


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EXPGRAPH_DATA_DIR", str(tmp_path))
    for name, value in cache_env().items():
        monkeypatch.setenv(name, value)


def test_generate_prints_the_reply_and_streaming_prints_the_same(
    cli_env: None, generator: TransformersGenerator
) -> None:
    prompt = "Name one metric for an e-commerce A/B test."
    plain = CliRunner().invoke(app, ["generate", prompt, "--max-new-tokens", "12"])
    streamed = CliRunner().invoke(app, ["generate", prompt, "--max-new-tokens", "12", "--stream"])
    assert plain.exit_code == 0, plain.output
    assert streamed.exit_code == 0, streamed.output
    assert plain.stdout.strip()
    assert plain.stdout == streamed.stdout
    assert "tok/s" in plain.stderr


def test_generate_with_a_missing_model_directory_exits_with_a_clear_error(
    cli_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EXPGRAPH_GENERATOR_MODEL", str(tmp_path / "missing-model"))
    result = CliRunner().invoke(app, ["generate", "hi"])
    assert result.exit_code == 2
    assert "missing-model does not exist" in result.stderr
