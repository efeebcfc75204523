"""``expgraph train-reranker``: the answer reranker's adapter (``training.reranker``), trained on the relevance
adapter's pools of the dev splits and labelled by the evaluation's key-fact rule; with ``--held-out``, the key facts
in the top sentences of dev splits it did not train on, ranked by the plan's blend alone and with the reranker."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.relevance_commands import DbUrlOption, PoolsOption, dev_pools
from config import REPO_ROOT, Settings


def _blend_ranking(settings: Settings) -> Any:
    """The plan's ranking of a pool before reranking: the plain and the relevance embedders' blend."""
    from model.embedder import load_embedder, load_relevance_embedder
    from planner.answer_plans import blend

    plain = load_embedder(settings)
    relevance = load_relevance_embedder(settings)

    def ranking(pool: Any) -> list[float]:
        cosines = plain.cosines(pool.question, list(pool.sentences))
        if relevance is None:
            return cosines
        return blend(cosines, relevance.cosines(pool.question, list(pool.sentences)))

    return ranking


def held_out_report(
    pools: Sequence[Any], ranking: Any, adapter_dir: Path, settings: Settings
) -> dict[str, Any]:
    """Key facts in the top-k sentences of held-out pools, by the blend and by the blend reranked."""
    from eval.answers_eval import fact_present
    from model.embedder import resolve_model
    from model.reranker import Reranker
    from planner.reranking import reranked
    from training.relevance import ranking_report

    reranker = Reranker(resolve_model(settings)[1], adapter_dir)
    by_question = {p.question: p for p in pools}

    def blended(question: str, sentences: Sequence[str]) -> list[float]:
        return list(ranking(by_question[question]))

    def with_reranker(question: str, sentences: Sequence[str]) -> list[float]:
        return reranked(question, sentences, blended(question, sentences), reranker.scores)[0]

    return ranking_report(pools, {"blend": blended, "reranked": with_reranker}, fact_present)


def train_reranker(
    splits: Annotated[
        list[str] | None,
        typer.Option("--split", help="dev split to train on (repeatable; default: all but dev10 and dev12)"),
    ] = None,
    held_out: Annotated[
        list[str] | None,
        typer.Option(
            "--held-out", help="dev split to report ranking on, not trained on (default: dev10, dev12)"
        ),
    ] = None,
    pools_path: PoolsOption = None,
    db_url: DbUrlOption = "mem://",
    out: Annotated[Path, typer.Option(help="adapter directory")] = REPO_ROOT
    / "adapters"
    / "answer-reranker-lora",
    epochs: Annotated[float, typer.Option(help="training epochs")] = 1.0,
) -> None:
    """Train the answer reranker's adapter on the dev splits' focused-evidence pools (never a test split)."""
    from eval.answers_eval import fact_present
    from model.embedder import bundled_model_dir
    from training.relevance import write_manifest
    from training.reranker import (
        HELD_OUT_SPLITS,
        TRAIN_SPLITS,
        RerankerConfig,
        manifest_for,
        train,
        training_examples,
    )

    train_splits = list(splits or TRAIN_SPLITS)
    report_splits = list(held_out or HELD_OUT_SPLITS)
    wanted = [*train_splits, *report_splits]
    pools = dev_pools(wanted, pools_path, db_url, "the reranker")
    settings = Settings(reranker_adapter=None)  # the adapter being trained may not exist yet
    ranking = _blend_ranking(settings)
    config = RerankerConfig(epochs=epochs)
    train_pools = [p for p in pools if p.split in train_splits]
    examples = training_examples(
        train_pools, ranking, fact_present, candidates=config.candidates, seed=config.seed
    )
    base_dir = bundled_model_dir()
    out.mkdir(parents=True, exist_ok=True)
    seconds = train(examples, out, config, base_dir)
    manifest = manifest_for(
        out, config, base_dir, splits=train_splits, pools=train_pools, examples=examples, seconds=seconds
    )
    reported = [p for p in pools if p.split in report_splits]
    if reported:
        manifest["held_out"] = {"splits": report_splits, **held_out_report(reported, ranking, out, settings)}
    write_manifest(out, manifest)
    typer.echo(json.dumps(manifest, indent=2))


def register(app: typer.Typer) -> None:
    """Add ``train-reranker``."""
    app.command("train-reranker")(train_reranker)
