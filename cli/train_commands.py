"""``expgraph train``, ``expgraph eval`` and ``expgraph collect arxiv|stackexchange|synth``."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from config import REPO_ROOT, Settings

EXIT_BAD_INPUT = 2
console = Console(stderr=True)
collect_app = typer.Typer(
    help="Collect external data (needs network): arXiv papers, Cross Validated Q&A, synthetic Q&A.",
    no_args_is_help=True,
)


def _progress() -> Progress:
    """A bar with an ETA on stderr, as ``expgraph ingest`` and ``replay`` draw theirs."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(EXIT_BAD_INPUT)


def _build_dataset(settings: Settings, seed: int, distractors: int, held_out_fraction: float) -> Any:
    from ingest.corpus_source import load_corpus_batch
    from ingest.source_document import IngestValidationError
    from training.sft_data import SFTConfig, SFTDataError, build_sft_dataset

    try:
        config = SFTConfig(seed=seed, distractors=distractors, held_out_fraction=held_out_fraction)
        return build_sft_dataset(load_corpus_batch(settings.corpus_dir).documents, config)
    except (IngestValidationError, SFTDataError) as exc:
        raise _fail(str(exc)) from exc


def train(
    name: Annotated[str, typer.Option(help="Adapter name: saved under <out-dir>/<name>/.")] = "answer-lora",
    examples: Annotated[
        int, typer.Option(help="Training examples to use (balanced over kinds); 0 = all.")
    ] = 300,
    epochs: Annotated[float, typer.Option(help="Passes over the examples.")] = 1.0,
    max_steps: Annotated[
        int, typer.Option(help="Stop after this many optimizer steps (-1: epochs decide).")
    ] = -1,
    max_seq_len: Annotated[
        int, typer.Option(help="Longest prompt+answer in tokens; longer ones are skipped.")
    ] = 768,
    lora_r: Annotated[int, typer.Option(help="LoRA rank.")] = 8,
    lora_alpha: Annotated[int, typer.Option(help="LoRA alpha.")] = 16,
    top_layers: Annotated[
        int, typer.Option(help="LoRA on the top N decoder layers only (0 = all); cheaper backward on CPU.")
    ] = 0,
    learning_rate: Annotated[
        float, typer.Option("--lr", help="Peak learning rate (cosine schedule).")
    ] = 3e-4,
    batch_size: Annotated[int, typer.Option(help="Examples per step.")] = 4,
    seed: Annotated[int, typer.Option(help="Seed for data building, sampling and training.")] = 13,
    quantization: Annotated[
        str, typer.Option(help="auto (QLoRA NF4 on CUDA, float32 LoRA on CPU), nf4 or none.")
    ] = "auto",
    distractors: Annotated[int, typer.Option(help="Distractor sources per prompt.")] = 1,
    held_out_fraction: Annotated[
        float, typer.Option(help="Share of concepts held out for evaluation.")
    ] = 0.2,
    external: Annotated[
        list[Path] | None, typer.Option(help="Extra ChatML/JSONL training data (repeatable).")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where the SFT JSONL goes. Default: <data_dir>/sft.")
    ] = None,
    out_dir: Annotated[Path | None, typer.Option(help="Adapter root. Default: <data_dir>/adapters.")] = None,
    data_only: Annotated[
        bool, typer.Option("--data-only", help="Build and write the SFT set, do not train.")
    ] = False,
) -> None:
    """Build the fine-tuning set from the corpus and calculators, then train a LoRA adapter with a manifest."""
    from training.lora import TrainConfig, TrainingError, fitting_examples, steps_for, train_adapter
    from training.sft_data import SFTDataError, load_external_examples, sample_examples, write_dataset

    settings = Settings()
    data_dir = data_dir or settings.data_dir / "sft"
    out_dir = out_dir or settings.data_dir / "adapters"
    console.print("building the fine-tuning set from the corpus and calculators …")
    dataset = _build_dataset(settings, seed, distractors, held_out_fraction)
    try:
        extra = [e for path in external or [] for e in load_external_examples(path)]
    except (SFTDataError, OSError) as exc:
        raise _fail(str(exc)) from exc
    info = write_dataset(dataset, data_dir, extra)
    console.print(f"SFT set: {json.dumps(info['counts'])}, external {len(extra)}, dropped {info['dropped']}")
    console.print(f"written to {data_dir} (data hash {info['data_hash'][:16]})")
    if data_only:
        return
    try:
        config = TrainConfig(
            name=name,
            max_examples=examples or None,
            epochs=epochs,
            max_steps=max_steps,
            max_seq_len=max_seq_len,
            lora_r=lora_r,
            lora_alpha=lora_alpha,
            top_layers=top_layers or None,
            learning_rate=learning_rate,
            batch_size=batch_size,
            seed=seed,
            quantization=quantization,  # type: ignore[arg-type]
        )
    except TrainingError as exc:
        raise _fail(str(exc)) from exc
    pool = fitting_examples(settings, [*dataset.train, *extra], config.max_seq_len)
    console.print(f"{len(pool)} training examples fit in {config.max_seq_len} tokens")
    chosen = sample_examples(pool, config.max_examples, seed)
    estimate = steps_for(len(chosen), config)
    console.print(f"training {name} on {len(chosen)} examples (~{estimate} steps) …")
    try:
        with _progress() as progress:
            task = progress.add_task("optimizer steps", total=estimate)
            result = train_adapter(
                settings,
                chosen,
                config,
                out_dir,
                data_hash=info["train_hash"],
                on_step=lambda done, total: progress.update(task, completed=done, total=total),
                progress_bar=False,  # the rich bar above replaces transformers' tqdm one
            )
    except TrainingError as exc:
        raise _fail(str(exc)) from exc
    m = result.manifest
    console.print(
        f"adapter: {result.adapter_dir}\n"
        f"quantization: {m['quantization']['used']} ({m['quantization']['reason']})\n"
        f"examples used {result.examples_used}, skipped as too long {result.examples_too_long}; "
        f"train loss {m['metrics']['train_loss']}; {result.seconds:.0f} s"
    )
    console.print(f"use it: EXPGRAPH_GENERATOR_ADAPTER={result.adapter_dir}")


def _generator(settings: Settings, adapter: Path | None) -> Any:
    from model.generator import GeneratorConfigError
    from model.loader import load_generator

    try:
        return load_generator(settings.model_copy(update={"generator_adapter": adapter}))
    except GeneratorConfigError as exc:
        raise _fail(str(exc)) from exc


def _run_with_bar(label: str, total: int, run: Callable[[Callable[[int], None]], Any]) -> Any:
    with _progress() as progress:
        task = progress.add_task(label, total=total)
        return run(lambda done: progress.update(task, completed=done))


def evaluate(
    adapter: Annotated[
        Path | None, typer.Option(help="Tuned LoRA adapter to compare with the base model.")
    ] = None,
    questions: Annotated[Path, typer.Option(help="Planner evaluation set (JSONL).")] = REPO_ROOT
    / "eval"
    / "questions.jsonl",
    held_out: Annotated[
        Path | None,
        typer.Option(help="Held-out SFT split. Default: <data_dir>/sft/held_out.jsonl (built if missing)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many planner questions (0 = all).")] = 0,
    held_out_limit: Annotated[int, typer.Option(help="At most this many held-out examples (0 = all).")] = 0,
    skip_questions: Annotated[
        bool, typer.Option("--skip-questions", help="Only the held-out split.")
    ] = False,
    skip_held_out: Annotated[
        bool, typer.Option("--skip-held-out", help="Only the planner questions.")
    ] = False,
    skip_base: Annotated[
        bool,
        typer.Option("--skip-base", help="Only the tuned adapter (compare with an earlier base report)."),
    ] = False,
    no_model_alone: Annotated[
        bool, typer.Option("--no-model-alone", help="Skip the question-only (no retrieval) comparison.")
    ] = False,
    max_new_tokens: Annotated[int, typer.Option(help="Answer length limit for raw generation.")] = 160,
    out_dir: Annotated[
        Path | None,
        typer.Option(help="Report folder. Default: <data_dir>/eval-reports (outside the source tree)."),
    ] = None,
    record_in_manifest: Annotated[
        bool,
        typer.Option(
            "--record-in-manifest", help="Write the held-out figures into the adapter's manifest.json."
        ),
    ] = False,
) -> None:
    """Evaluate base vs tuned generator: held-out SFT split (raw output) and the planner set (graph vs no retrieval)."""
    from eval.question_set import QuestionFileError, load_questions
    from model.prompts import ANSWER_STOP_STRINGS
    from training.held_out import EvalReport, write_report
    from training.lora import record_in_manifest as record
    from training.sft_data import SFTDataError, read_jsonl, records_hash, sample_examples, write_dataset

    settings = Settings()
    if adapter is not None and not (adapter / "adapter_config.json").is_file():
        raise _fail(
            f"{adapter} is not a LoRA adapter directory (no adapter_config.json); run expgraph train first"
        )
    models: dict[str, Path | None] = {} if skip_base and adapter is not None else {"base": None}
    if adapter is not None:
        models["tuned"] = adapter
    generators = {label: _generator(settings, path) for label, path in models.items()}
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    report = EvalReport(
        meta={
            "created_utc": stamp,
            "models": {label: getattr(g, "model_id", "?") for label, g in generators.items()},
            "adapter": str(adapter) if adapter else None,
            "max_new_tokens": max_new_tokens,
        }
    )

    if not skip_held_out:
        path = held_out or settings.data_dir / "sft" / "held_out.jsonl"
        if not path.is_file():
            console.print(f"{path} missing: building the SFT set …")
            write_dataset(_build_dataset(settings, 13, 1, 0.2), path.parent)
        try:
            examples = read_jsonl(path)
        except SFTDataError as exc:
            raise _fail(str(exc)) from exc
        # balanced over example kinds (the file is ordered by kind)
        examples = sample_examples(examples, held_out_limit or None, 13)
        report.meta["held_out_file"] = str(path)
        for label, gen in generators.items():

            def generate(example: Any, gen: Any = gen) -> str:
                return str(
                    gen.generate(
                        list(example.messages), max_new_tokens=max_new_tokens, stop=list(ANSWER_STOP_STRINGS)
                    ).text
                )

            results = _run_with_bar(
                f"held-out / {label}",
                len(examples),
                functools.partial(_held_out_run, examples, generate),
            )
            report.add_held_out(label, results)
        if record_in_manifest and adapter is not None:
            record(
                adapter,
                "held_out",
                {
                    "file_sha256": records_hash(e.to_record() for e in examples),
                    "examples": len(examples),
                    "max_new_tokens": max_new_tokens,
                    "command": "expgraph eval --adapter <adapter> --skip-questions --held-out <held_out.jsonl> "
                    f"--held-out-limit {held_out_limit} --max-new-tokens {max_new_tokens} --record-in-manifest",
                    **{label: report.held_out[label] for label in generators},
                },
            )

    if not skip_questions:
        try:
            qs = load_questions(questions)
        except (QuestionFileError, OSError) as exc:
            raise _fail(str(exc)) from exc
        qs = qs[:limit] if limit else qs
        report.meta["questions_file"] = str(questions)
        if not no_model_alone:
            report.notes.append(
                "<model>/alone answers the question without retrieval: only its key-fact coverage compares; "
                "it surfaces no concepts and cites nothing by construction."
            )
        for mode, run in _question_runs(settings, generators, qs, max_new_tokens, not no_model_alone).items():
            report.add_questions(mode, run.summary(), [r.to_dict() for r in run.results])

    json_path, md_path = write_report(report, out_dir or settings.data_dir / "eval-reports", f"eval-{stamp}")
    console.print(md_path.read_text(encoding="utf-8"))
    console.print(f"report: {md_path} and {json_path}")


def _held_out_run(examples: Any, generate: Any, tick: Callable[[int], None]) -> Any:
    from training.held_out import evaluate_held_out

    return evaluate_held_out(examples, generate, on_progress=tick)


def _question_runs(
    settings: Settings,
    generators: Mapping[str, Any],
    questions: list[dict[str, Any]],
    max_new_tokens: int,
    model_alone: bool,
) -> dict[str, Any]:
    """The planner evaluation (``eval.runner``) per mode: ``<model>+graph`` (the planner) and ``<model>/alone``."""
    from eval.question_set import load_concept_graph
    from eval.runner import EvalRun, evaluate_planner
    from eval.scoring import score_response
    from model.prompts import ANSWER_STOP_STRINGS, ChatMessage
    from planner.factory import corpus_planner, in_memory_settings
    from planner.service import Planner, PlannerDeps

    # A private in-memory graph of the bundled corpus, so runs are reproducible whatever the user's database holds.
    console.print("ingesting the bundled corpus into an in-memory graph for the evaluation …")
    built = corpus_planner(in_memory_settings(settings))
    name_to_id = load_concept_graph(built.settings.corpus_dir / "concepts").name_to_id()
    runs: dict[str, Any] = {}
    for label, gen in generators.items():
        planner = Planner(PlannerDeps(built.settings, built.db, built.embedder, gen))

        def graph_run(tick: Callable[[int], None], planner: Any = planner) -> Any:
            return evaluate_planner(
                planner, built.db, questions, name_to_id, on_result=lambda i, _r, _w: tick(i)
            )

        runs[f"{label}+graph"] = _run_with_bar(f"questions / {label}+graph", len(questions), graph_run)
        if not model_alone:
            continue
        alone = EvalRun()
        with _progress() as progress:
            task = progress.add_task(f"questions / {label}/alone", total=len(questions))
            for question in questions:
                started = time.perf_counter()
                out = gen.generate(
                    [ChatMessage("user", str(question["question"]))],
                    max_new_tokens=max_new_tokens,
                    stop=list(ANSWER_STOP_STRINGS),
                )
                wall_ms = (time.perf_counter() - started) * 1000
                alone.add(score_response(question, {"answer": out.text}, name_to_id, wall_ms=wall_ms), [])
                progress.advance(task)
        runs[f"{label}/alone"] = alone
    return runs


@collect_app.command("arxiv")
def collect_arxiv(
    query: Annotated[
        str | None, typer.Option(help="arXiv search query. Default: experimentation methodology.")
    ] = None,
    max_results: Annotated[int, typer.Option(help="Papers to fetch (1-500).")] = 50,
    out: Annotated[
        Path | None, typer.Option(help="Also save the papers as JSONL (input for collect synth).")
    ] = None,
    ingest: Annotated[bool, typer.Option("--ingest/--no-ingest", help="Append the papers as events.")] = True,
) -> None:
    """Fetch experimentation-methodology papers (abstracts) from arXiv and ingest them as paper documents."""
    from ingest.arxiv import DEFAULT_QUERY, ArxivError, papers_batch, search_papers, write_papers

    try:
        papers = search_papers(
            query or DEFAULT_QUERY, max_results=max_results, api_url=Settings().arxiv_api_url
        )
    except (ArxivError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    console.print(f"{len(papers)} papers from arXiv")
    if out is not None:
        write_papers(out, papers)
        console.print(f"saved to {out}")
    if ingest and papers:
        _ingest_batch(papers_batch(papers))


@collect_app.command("stackexchange")
def collect_stackexchange(
    tags: Annotated[list[str] | None, typer.Option("--tag", help="Tag to collect (repeatable).")] = None,
    pages: Annotated[int, typer.Option(help="Pages of 30 questions per tag.")] = 1,
    min_score: Annotated[int, typer.Option(help="Skip questions scored below this.")] = 1,
    key: Annotated[
        str | None, typer.Option(envvar="STACKEXCHANGE_KEY", help="API key (higher quota).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write Q&A pairs as JSONL (usable with train --external).")
    ] = None,
    ingest: Annotated[
        bool, typer.Option("--ingest/--no-ingest", help="Append the pairs as qa documents.")
    ] = False,
) -> None:
    """Collect Cross Validated questions with their accepted/top answers (CC BY-SA, attribution kept)."""
    from ingest.stackexchange import (
        DEFAULT_TAGS,
        StackExchangeClient,
        StackExchangeError,
        collect_pairs,
        pairs_batch,
        write_pairs,
    )

    if out is None and not ingest:
        raise _fail("nothing to do: pass --out FILE and/or --ingest")
    try:
        with StackExchangeClient(key=key) as client:
            pairs = collect_pairs(client, tuple(tags or DEFAULT_TAGS), pages=pages, min_score=min_score)
            quota = client.quota_remaining
    except StackExchangeError as exc:
        raise _fail(str(exc)) from exc
    console.print(f"{len(pairs)} question/answer pairs (API quota left today: {quota})")
    if out is not None:
        write_pairs(out, pairs)
        console.print(f"saved to {out}")
    if ingest and pairs:
        _ingest_batch(pairs_batch(pairs))


@collect_app.command("synth")
def collect_synth(
    papers: Annotated[Path, typer.Argument(help="Papers JSONL written by collect arxiv --out.")],
    out: Annotated[Path, typer.Option(help="Q&A pairs JSONL (usable with train --external).")],
    checkpoint: Annotated[
        Path | None, typer.Option(help="Resumable checkpoint. Default: <out>.checkpoint.jsonl.")
    ] = None,
    model: Annotated[str, typer.Option(help="Anthropic model.")] = "claude-haiku-4-5",
    per_paper: Annotated[int, typer.Option(help="Questions per paper.")] = 3,
    rpm: Annotated[float, typer.Option(help="Requests per minute.")] = 30.0,
    budget: Annotated[float | None, typer.Option(help="Stop once this many USD are spent.")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask before spending.")] = False,
) -> None:
    """Write synthetic Q&A from paper abstracts with the Anthropic API: cost estimate first, resumable."""
    import anthropic

    from ingest.arxiv import read_papers
    from training.synthetic import (
        SyntheticConfig,
        SyntheticError,
        SyntheticQAGenerator,
        done_paper_ids,
        estimate_cost,
        usable_pairs,
    )

    settings = Settings()
    if not settings.anthropic_api_key:
        raise _fail("set EXPGRAPH_ANTHROPIC_API_KEY to use the Anthropic API")
    checkpoint = checkpoint or out.with_suffix(".checkpoint.jsonl")
    config = SyntheticConfig(
        model=model, questions_per_paper=per_paper, requests_per_minute=rpm, budget_usd=budget
    )
    try:
        all_papers = read_papers(papers)
        done = done_paper_ids(checkpoint)
        todo = [p for p in all_papers if p.arxiv_id not in done]
        estimate = estimate_cost(todo, config)
    except (OSError, ValueError, KeyError, SyntheticError) as exc:
        raise _fail(str(exc)) from exc
    console.print(
        f"{len(todo)} papers to do ({len(done)} already in {checkpoint}); estimated "
        f"{estimate.input_tokens} input + {estimate.output_tokens} output tokens ≈ ${estimate.usd:.4f}"
    )
    if not yes and not typer.confirm("go ahead?"):
        raise typer.Exit(1)
    client = anthropic.Anthropic(api_key=settings.anthropic_api_key, max_retries=0)
    generator = SyntheticQAGenerator(client, config)
    with _progress() as progress:
        task = progress.add_task("papers", total=len(todo))
        try:
            stats = generator.run(
                todo,
                checkpoint,
                on_paper=lambda s: progress.update(
                    task, completed=s.papers_done + s.papers_failed, description=f"papers (${s.usd:.4f})"
                ),
            )
        except SyntheticError as exc:
            raise _fail(f"{exc} — progress is saved in {checkpoint}; run again to resume") from exc
    n = usable_pairs(checkpoint, out)
    console.print(
        f"done {stats.papers_done}, failed {stats.papers_failed}, retries {stats.retries}, "
        f"cost ${stats.usd:.4f}; {n} pairs in {out}"
    )
    for failure in stats.failures:
        console.print(f"[yellow]{failure}[/yellow]")


def _ingest_batch(batch: Any) -> None:
    from engine.db import open_database
    from engine.migrations import migrate
    from engine.store import EventStore
    from ingest.pipeline import ingest_batches
    from model.embedder import load_embedder

    settings = Settings()
    with open_database(settings) as db:
        migrate(db)
        report = ingest_batches(db, EventStore(db), load_embedder(settings), [batch])
    console.print(f"ingested: {report.events_by_type}")


def register(app: typer.Typer) -> None:
    """Add ``train``, ``eval`` and the ``collect`` group."""
    app.command("train")(train)
    app.command("eval")(evaluate)
    app.add_typer(collect_app, name="collect")
