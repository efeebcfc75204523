"""``expgraph train`` shows a progress bar with an ETA for its optimizer steps, and nothing else from transformers.

A real one-step LoRA run on the real SmolLM2 weights (about three minutes on two CPU cores), through typer's runner.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.test_cli import invoke


@pytest.mark.timeout(900)
def test_train_draws_a_step_bar_with_an_eta_and_prints_no_library_logs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = invoke(
        ["train", "--examples", "2", "--max-steps", "1", "--batch-size", "2", "--name", "smoke"], data
    )
    assert result.exit_code == 0, result.output[-2000:]
    # description, bar, done/total, elapsed, then the ETA column (rich's TimeRemainingColumn)
    assert re.search(r"optimizer steps .*1/1 \d+:\d\d:\d\d \d+:\d\d:\d\d", result.stderr), result.stderr
    assert "train_runtime" not in result.output, "transformers' own log printer stays off"
    assert "pip install kernels" not in result.output and "FutureWarning" not in result.output
    assert (data / "adapters" / "smoke" / "adapter_config.json").is_file()
