"""Benchmark the local generator per precision: load time, time to first token, decode speed and output agreement.

    .venv/bin/python bench/bench_generation.py                      # float32, bfloat16, int8, int8-dynamic
    .venv/bin/python bench/bench_generation.py --dtype int8 --threads 2
    .venv/bin/python -m bench.bench_generation --batching --dtype int8 --no-cold   # decode tok/s at batch 1, 4, 8

Figures:
- cold load: GGUF parse + de-quantise + save to a fresh cache + load (done once, in float32);
- warm load: from the cached safetensors directory, including the precision conversion;
- TTFT: time to the first generated token for a ~512-token answer prompt (median of --repeats);
- decode: tokens/s after the first token over --new-tokens tokens (median);
- quality vs float32: greedy outputs identical to float32 on the fixed prompts, and teacher-forced top-1 agreement
  (the precision's next-token choice at each position of float32's continuation, so one early divergence does not
  count every later token as a miss).
``--batching``: the scheduler with 1, 4 and 8 concurrent requests (answer prompts of ~--prompt-tokens tokens,
--new-tokens each): aggregate decode tok/s (after every request's first token), wall time, each request's own
decode speed, and the plain unbatched loop beside batch 1, which is what batching costs a single request.
The load of the machine (``os.getloadavg``) is printed before and after: other processes on a 2-core box slow it down.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from config import Settings
from model.backends.transformers_local import TransformersGenerator
from model.prompts import ChatMessage, PromptCalculation, PromptSource, build_answer_messages

DTYPES = ("float32", "bfloat16", "int8", "int8-dynamic")

QUALITY_QUESTIONS = [
    (
        "What is a p-value in an A/B test?",
        "p-value",
        "The probability, under the null hypothesis, of a result at least as extreme as the one observed.",
    ),
    (
        "Why does peeking at results inflate false positives?",
        "Peeking",
        "Checking a fixed-horizon test repeatedly and "
        "stopping at the first significant result raises the false positive rate well above alpha.",
    ),
    (
        "What does CUPED do?",
        "CUPED",
        "CUPED uses a pre-experiment covariate to reduce the variance of the treatment "
        "effect estimate, which shortens experiments.",
    ),
    (
        "What is a sample ratio mismatch?",
        "Sample ratio mismatch",
        "A sample ratio mismatch is a significant "
        "difference between the observed and the designed traffic split; it signals a bug in assignment or logging.",
    ),
    (
        "When should I use a sequential test?",
        "Sequential testing",
        "Sequential tests such as mSPRT keep the error rate valid while results are monitored continuously.",
    ),
    (
        "What is statistical power?",
        "Power",
        "Power is the probability of detecting an effect of a given size when it "
        "exists; 80% is a common target.",
    ),
]
PLAIN_QUESTIONS = [
    "Explain the difference between a one-sided and a two-sided test.",
    "Give three guardrail metrics for an online store experiment.",
]
FILLER = (
    "An online controlled experiment randomly assigns users to a control and a treatment variant, measures a "
    "primary metric such as conversion rate, and estimates the treatment effect with a confidence interval. "
    "Guardrail metrics such as latency and revenue per user protect against harmful launches. "
)


@dataclass
class Row:
    dtype: str
    model_id: str
    warm_load_s: float
    ttft_ms: float
    prompt_tokens: int
    decode_tps: float
    identical: str = "-"
    teacher_forced: str = "-"


def quality_messages() -> list[list[ChatMessage]]:
    sets = [build_answer_messages(q, [PromptSource(1, title, text)]) for q, title, text in QUALITY_QUESTIONS]
    sets.append(
        build_answer_messages(
            "How many users do I need per arm?",
            [PromptSource(1, "Sample size", "Sample size per arm grows with variance.")],
            [
                PromptCalculation(
                    2, "sample_size", "two-proportion z-test", {"n_per_arm": 3841}, {"baseline": 0.1}
                )
            ],
        )
    )
    sets.extend([[ChatMessage("user", q)] for q in PLAIN_QUESTIONS])
    return sets


def long_prompt(generator: TransformersGenerator, target_tokens: int) -> list[ChatMessage]:
    """An answer prompt of about ``target_tokens`` tokens: numbered sources of experiment text."""
    words = (FILLER * 40).split()
    low, high = 1, len(words)
    while low < high:  # the fewest words that reach the target
        mid = (low + high) // 2
        messages = _filler_messages(words[:mid])
        if len(generator.prompt_ids(messages)) >= target_tokens:
            high = mid
        else:
            low = mid + 1
    return _filler_messages(words[:low])


def _filler_messages(words: list[str]) -> list[ChatMessage]:
    sources = [PromptSource(i + 1, f"Source {i + 1}", " ".join(words[i::4])) for i in range(4)]
    return build_answer_messages("Summarise what the sources say about running an experiment.", sources)


def load(settings: Settings, dtype: str) -> tuple[TransformersGenerator, float]:
    started = time.perf_counter()
    generator = TransformersGenerator.from_settings(settings.model_copy(update={"generator_dtype": dtype}))
    return generator, time.perf_counter() - started


def measure(
    generator: TransformersGenerator,
    dtype: str,
    load_s: float,
    args: argparse.Namespace,
    prompt: list[ChatMessage],
) -> Row:
    generator.generate(prompt, max_new_tokens=2)  # warm-up: first-call allocations and kernel selection
    ttfts = [generator.generate(prompt, max_new_tokens=1).time_to_first_token for _ in range(args.repeats)]
    essay = [ChatMessage("user", "Write a long, detailed essay about how to run a trustworthy A/B test.")]
    speeds = [
        generator.generate(essay, max_new_tokens=args.new_tokens).tokens_per_second
        for _ in range(args.repeats)
    ]
    return Row(
        dtype=dtype,
        model_id=generator.model_id,
        warm_load_s=load_s,
        ttft_ms=statistics.median(ttfts) * 1000,
        prompt_tokens=len(generator.prompt_ids(prompt)),
        decode_tps=statistics.median(speeds),
    )


def reference_outputs(generator: TransformersGenerator, tokens: int) -> list[tuple[list[int], list[int]]]:
    """(prompt ids, greedy continuation ids) for each quality prompt."""
    outputs = []
    for messages in quality_messages():
        prompt_ids = generator.prompt_ids(messages)
        text = generator.generate(messages, max_new_tokens=tokens).text
        outputs.append((prompt_ids, generator._tokenizer(text, add_special_tokens=False)["input_ids"]))
    return outputs


def compare(
    generator: TransformersGenerator, reference: list[tuple[list[int], list[int]]], tokens: int
) -> tuple[str, str]:
    identical = 0
    agree = total = 0
    for messages, (prompt_ids, ref_ids) in zip(quality_messages(), reference, strict=True):
        text = generator.generate(messages, max_new_tokens=tokens).text
        identical += generator._tokenizer(text, add_special_tokens=False)["input_ids"] == ref_ids
        if ref_ids:
            predicted = generator.greedy_predictions(prompt_ids, ref_ids)
            agree += sum(p == r for p, r in zip(predicted, ref_ids, strict=True))
            total += len(ref_ids)
    return f"{identical}/{len(reference)}", f"{agree / max(total, 1):.1%}"


def batching(generator: TransformersGenerator, args: argparse.Namespace, console: Console) -> None:
    """Decode speed through the scheduler at each batch size, and the unbatched loop as the single-request base."""
    questions = [
        "Summarise what the sources say about running an experiment.",
        "What do the sources say about guardrail metrics?",
        "How should I pick a primary metric, according to the sources?",
        "What do the sources say about confidence intervals?",
        "Explain randomisation as the sources describe it.",
        "What are the risks the sources mention?",
        "How long should an experiment run, per the sources?",
        "What do the sources say about revenue per user?",
    ]
    base = long_prompt(generator, args.prompt_tokens)
    prompts = [[base[0], ChatMessage("user", base[1].content.replace(questions[0], q))] for q in questions]
    generator.generate(prompts[0], max_new_tokens=2)  # warm-up, and the system prompt's prefix cache
    table = Table(
        title=f"Batched decoding ({args.new_tokens} new tokens per request, prompts ~{args.prompt_tokens} tok)"
    )
    for column in (
        "path",
        "batch",
        "wall s",
        "aggregate decode tok/s",
        "per-request decode tok/s",
        "TTFT ms (median)",
    ):
        table.add_column(column)
    for _ in range(args.repeats):
        alone = generator.generate_unbatched(prompts[0], max_new_tokens=args.new_tokens)
    table.add_row(
        "unbatched loop",
        "1",
        f"{alone.seconds:.2f}",
        f"{alone.tokens_per_second:.1f}",
        f"{alone.tokens_per_second:.1f}",
        f"{alone.time_to_first_token * 1000:.0f}",
    )
    for size in (1, 4, 8):
        scheduled = generator.with_limits(max_batch=size, max_queue=size)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=size) as pool:
            results = list(
                pool.map(lambda m: scheduled.generate(m, max_new_tokens=args.new_tokens), prompts[:size])  # noqa: B023
            )
        wall = time.perf_counter() - started
        prefilled = max(g.time_to_first_token for g in results)
        decoded = sum(max(g.completion_tokens - 1, 0) for g in results)
        table.add_row(
            "scheduler",
            str(size),
            f"{wall:.2f}",
            f"{decoded / max(wall - prefilled, 1e-9):.1f}",
            f"{statistics.median(g.tokens_per_second for g in results):.1f}",
            f"{statistics.median(g.time_to_first_token for g in results) * 1000:.0f}",
        )
        console.print(
            table.rows[-1] if False else f"batch {size}: wall {wall:.2f} s, {decoded} decode tokens"
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--dtype", action="append", choices=[*DTYPES, "auto"], help="Repeatable. Default: all."
    )
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: torch's).")
    parser.add_argument("--prompt-tokens", type=int, default=512)
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quality-tokens", type=int, default=48)
    parser.add_argument("--no-quality", action="store_true", help="Skip the comparison with float32.")
    parser.add_argument(
        "--no-cold", action="store_true", help="Skip the cold GGUF conversion (uses --cache-dir)."
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None, help="Warm cache to use (default: a fresh temp dir)."
    )
    parser.add_argument(
        "--batching", action="store_true", help="Decode tok/s at batch 1, 4, 8 (first --dtype)."
    )
    args = parser.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    console = Console()
    dtypes = args.dtype or list(DTYPES)
    load_before = os.getloadavg()
    console.print(
        f"torch {torch.__version__}, threads={torch.get_num_threads()}, cpus={os.cpu_count()}, "
        f"load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}"
    )

    with tempfile.TemporaryDirectory(prefix="bench-gen-") as tmp:
        cache_dir = args.cache_dir or (Settings().cache_root if args.no_cold else Path(tmp))
        settings = Settings(data_dir=Path(tmp) / "data", cache_dir=cache_dir)
        if args.batching:
            generator, _ = load(settings, dtypes[0])
            batching(generator, args, console)
            return
        if not args.no_cold:
            generator, cold_s = load(settings, "float32")
            console.print(
                f"cold load (GGUF -> safetensors cache -> model): {cold_s:.2f} s [{generator.load_info.origin}]"
            )
            del generator
            gc.collect()

        reference: list[tuple[list[int], list[int]]] = []
        rows: list[Row] = []
        prompt: list[ChatMessage] | None = None
        for dtype in dtypes if "float32" in dtypes or args.no_quality else ["float32", *dtypes]:
            generator, load_s = load(settings, dtype)
            prompt = prompt or long_prompt(generator, args.prompt_tokens)
            if dtype == "float32" and not args.no_quality:
                reference = reference_outputs(generator, args.quality_tokens)
            if dtype in dtypes:
                row = measure(generator, dtype, load_s, args, prompt)
                if not args.no_quality:
                    row.identical, row.teacher_forced = compare(generator, reference, args.quality_tokens)
                rows.append(row)
                console.print(row)
            del generator
            gc.collect()

    table = Table(
        title=f"Generation ({args.new_tokens} new tokens, greedy; quality vs float32 on {len(quality_messages())} prompts)"
    )
    for column in (
        "dtype",
        "warm load s",
        "TTFT ms",
        "prompt tok",
        "decode tok/s",
        "identical",
        "teacher-forced agree",
    ):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.dtype,
            f"{row.warm_load_s:.2f}",
            f"{row.ttft_ms:.0f}",
            str(row.prompt_tokens),
            f"{row.decode_tps:.1f}",
            row.identical,
            row.teacher_forced,
        )
    console.print(table)
    load_after = os.getloadavg()
    console.print(f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")


if __name__ == "__main__":
    main()
