"""``expgraph train-relevance``: collect the dev splits' focused-evidence pools with the evaluation's planner, label
them with the evaluation's key-fact rule and train the answer-relevance adapter (``training.relevance``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from config import REPO_ROOT

EXIT_BAD_INPUT = 2


def collect_pools(splits: Sequence[str], db_url: str) -> list[Any]:
    """Ask the planner each dev question (relevance adapter and reranker off) and read the weighed sentences from
    its trace."""
    from eval.answers_eval import build_planner
    from training.relevance import load_questions

    # the pools must not depend on the adapter being trained
    planner, db = build_planner(db_url, relevance=False, reranker=False)
    return pools_from(planner, db, [(split, load_questions(split)) for split in splits])


# the options both adapter trainers (train-relevance, train-reranker) take for their pools
PoolsOption = Annotated[
    Path | None, typer.Option("--pools", help="read the collected pools here, or write them when missing")
]
DbUrlOption = Annotated[str, typer.Option(help="database the corpus is ingested into to collect pools")]


def dev_pools(wanted: Sequence[str], pools_path: Path | None, db_url: str, trained: str) -> list[Any]:
    """The pools of the ``wanted`` dev splits: read from ``pools_path`` when it exists, else collected (and written
    there when given). A split that is not a dev split exits with a clear error: ``trained`` trains on dev only."""
    from training.relevance import read_pools, write_pools

    bad = [s for s in wanted if not s.startswith("dev")]
    if bad:
        typer.echo(
            f"error: {', '.join(bad)} is not a dev split; {trained} trains and is tuned on dev only", err=True
        )
        raise typer.Exit(code=EXIT_BAD_INPUT)
    if pools_path is not None and pools_path.is_file():
        return [p for p in read_pools(pools_path) if p.split in wanted]
    pools = collect_pools(wanted, db_url)
    if pools_path is not None:
        write_pools(pools_path, pools)
    return pools


def pools_from(planner: Any, db: Any, questions: Sequence[tuple[str, Sequence[dict[str, Any]]]]) -> list[Any]:
    """For each (split, questions): the sentences the planner's focused evidence weighed for each question, read
    from the plan in its stored trace; a question whose plan weighed none gives no pool."""
    from eval.answers_eval import step, trace_of
    from training.relevance import Pool

    pools: list[Pool] = []
    for split, asked in questions:
        for q in asked:
            response = planner.ask(q["question"])
            plan = step(trace_of(db, response.trace_id), "generate").get("inputs", {}).get("plan", {})
            sentences = tuple(dict.fromkeys(c["sentence"] for c in plan.get("considered", [])))
            if sentences:
                facts = tuple(tuple(f) for f in q["key_facts"])
                pools.append(Pool(split, q["id"], q["question"], facts, sentences))
    return pools


def held_out_report(pools: Sequence[Any], adapter_dir: Path, base_dir: Path) -> dict[str, Any]:
    """Key facts in the top-k sentences of held-out pools, by the plain and the adapted encoder."""
    from eval.answers_eval import fact_present
    from model.embedder import Embedder
    from training.relevance import ranking_report

    plain = Embedder("plain", base_dir)
    tuned = Embedder("tuned", base_dir, adapter_dir=adapter_dir)
    return ranking_report(pools, {"plain": plain.cosines, "tuned": tuned.cosines}, fact_present)


def train_relevance(
    splits: Annotated[
        list[str] | None, typer.Option("--split", help="dev split to train on (repeatable)")
    ] = None,
    held_out: Annotated[
        list[str] | None, typer.Option("--held-out", help="dev split to report ranking on, not trained on")
    ] = None,
    pools_path: PoolsOption = None,
    db_url: DbUrlOption = "mem://",
    out: Annotated[Path, typer.Option(help="adapter directory")] = REPO_ROOT
    / "adapters"
    / "answer-relevance-lora",
    collect_only: Annotated[
        bool, typer.Option("--collect-only", help="write the pools (--pools) and stop")
    ] = False,
    epochs: Annotated[float, typer.Option(help="training epochs")] = 2.0,
    max_pairs: Annotated[int, typer.Option(help="at most this many training triples")] = 1500,
) -> None:
    """Train the answer-relevance adapter on the dev splits' focused-evidence pools (never a test split)."""
    from eval.answers_eval import fact_present
    from model.embedder import bundled_model_dir
    from training.relevance import (
        DEV_SPLITS,
        RelevanceConfig,
        manifest_for,
        train,
        training_pairs,
        write_manifest,
    )

    train_splits = list(splits or DEV_SPLITS)
    report_splits = list(held_out or [])
    wanted = [*train_splits, *report_splits]
    pools = dev_pools(wanted, pools_path, db_url, "the adapter")
    if collect_only:
        typer.echo(f"{len(pools)} pools of {', '.join(wanted)} -> {pools_path}")
        return
    config = RelevanceConfig(epochs=epochs, max_pairs=max_pairs)
    train_pools = [p for p in pools if p.split in train_splits]
    pairs = training_pairs(train_pools, fact_present, seed=config.seed, max_pairs=config.max_pairs)
    base_dir = bundled_model_dir()
    out.mkdir(parents=True, exist_ok=True)
    seconds = train(pairs, out, config, base_dir)
    manifest = manifest_for(
        out, config, base_dir, splits=train_splits, pools=train_pools, pairs=len(pairs), seconds=seconds
    )
    reported = [p for p in pools if p.split in report_splits]
    if reported:
        manifest["held_out"] = {"splits": report_splits, **held_out_report(reported, out, base_dir)}
    write_manifest(out, manifest)
    typer.echo(json.dumps(manifest, indent=2))


def register(app: typer.Typer) -> None:
    """Add ``train-relevance``."""
    app.command("train-relevance")(train_relevance)
