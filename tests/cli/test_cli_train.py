"""``expgraph train`` shows a progress bar with an ETA for its optimizer steps, and nothing else from transformers.

A real one-step LoRA run on the real SmolLM2 weights, through typer's runner.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from config import Settings
from engine.db import Database
from model.embedder import Embedder
from planner.service import Planner, PlannerDeps
from tests.cli.test_cli import invoke


@pytest.mark.timeout(900)
def test_train_draws_a_step_bar_with_an_eta_and_prints_no_library_logs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = invoke(
        [
            "train",
            *("--examples", "1", "--max-steps", "1", "--batch-size", "1", "--name", "smoke"),
            # one short example on the top two layers: a step on 2 x 768 tokens took a minute on two cores
            *("--max-seq-len", "384", "--top-layers", "2"),
        ],
        data,
    )
    assert result.exit_code == 0, result.output[-2000:]
    # description, bar, done/total, elapsed, then the ETA column (rich's TimeRemainingColumn)
    assert re.search(r"optimizer steps .*1/1 \d+:\d\d:\d\d \d+:\d\d:\d\d", result.stderr), result.stderr
    assert "train_runtime" not in result.output, "transformers' own log printer stays off"
    assert "pip install kernels" not in result.output and "FutureWarning" not in result.output
    assert (data / "adapters" / "smoke" / "adapter_config.json").is_file()


def test_train_relevance_refuses_a_test_split_before_loading_anything(tmp_path: Path) -> None:
    pools = tmp_path / "pools.jsonl"
    result = invoke(
        ["train-relevance", "--split", "dev", "--held-out", "test7", "--pools", str(pools)], tmp_path
    )
    assert result.exit_code == 2
    assert "test7 is not a dev split" in result.output
    assert not pools.exists()


def test_train_relevance_collect_only_reads_written_pools_and_stops(tmp_path: Path) -> None:
    pools = tmp_path / "pools.jsonl"
    row = {
        "split": "dev7",
        "question_id": "def8-04",
        "question": "what is srm",
        "key_facts": [["chi"]],
        "sentences": ["A chi-square test checks the split.", "Novelty fades."],
    }
    pools.write_text(json.dumps(row) + "\n" + json.dumps({**row, "split": "dev2"}) + "\n", encoding="utf-8")
    result = invoke(["train-relevance", "--split", "dev7", "--pools", str(pools), "--collect-only"], tmp_path)
    assert result.exit_code == 0, result.output
    assert f"1 pools of dev7 -> {pools}" in result.output


def test_pools_hold_the_sentences_the_plan_weighed_for_each_question(
    settings: Settings, corpus_db: Database, embedder: Embedder, generator: object
) -> None:
    from cli.relevance_commands import pools_from
    from eval.answers_eval import fact_present

    planner = Planner(PlannerDeps(settings, corpus_db, embedder, generator))
    power = {
        "id": "q-power",
        "question": "what does statistical power actually mean in plain english?",
        "key_facts": [["probability", "chance"], ["true", "real"]],
    }
    calculation = {
        "id": "q-calc",
        "question": "sample size for a 5% relative lift on a 10% baseline at 80% power?",
        "key_facts": [["users"]],
    }
    pools = pools_from(planner, corpus_db, [("dev", [power, calculation])])

    # the calculation's answer is its numbers: no focused evidence was weighed, so it gives no pool
    assert [(p.split, p.question_id) for p in pools] == [("dev", "q-power")]
    pool = pools[0]
    assert pool.question == power["question"]
    assert pool.key_facts == (("probability", "chance"), ("true", "real"))
    assert len(pool.sentences) >= 5 and len(set(pool.sentences)) == len(pool.sentences)
    assert any(fact_present(s, ["probability", "chance"]) for s in pool.sentences)
