"""Base vs tuned generator vs tuned plus answer plans, judged by ``eval.answers_eval`` (issue 15, item 4).

Three modes over the same questions, through the real planner (retrieval, prompt, generator, faithfulness gate):

- ``base``: the base model writes every answer from the retrieved sources, answer plans off
  (``EXPGRAPH_GENERATOR_ADAPTER=none``);
- ``tuned``: the bundled LoRA adapter writes every answer, answer plans off;
- ``tuned-plans``: what serving does: answer plans on, the model only where a plan has a generation budget or
  the question has no plan.

"Plans off" replaces the planner's plan builder with one that returns an empty plan, so the generate node takes its
plan-less path (the one serving takes for questions no plan covers). That is the only change: the scoring, the
question files and the hash check are ``eval.answers_eval``'s own, unchanged. The test split stays untouched by
default (``--split dev``); run it only for the closing figures.

    .venv/bin/python -m eval.generator_compare --mode base --max-new-tokens 120 --out /tmp/base.jsonl
    .venv/bin/python -m eval.generator_compare --from-results /tmp/base.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval import answers_eval

MODES = ("base", "tuned", "tuned-plans")


def _plans_off() -> None:
    """Make the planner's generate node build empty plans (its plan-less path: the model writes the answer)."""
    from planner import answering
    from planner.answer_plans import AnswerPlan

    def no_plan(intent: str, question: str, **_: Any) -> AnswerPlan:
        return AnswerPlan("none", reason="answer plans off (eval.generator_compare)")

    answering.build_plan = no_plan  # type: ignore[assignment]


def configure(mode: str, adapter: str | None, max_new_tokens: int | None) -> None:
    """Environment and planner switches for ``mode`` (before the planner and generator are built)."""
    if mode == "base":
        os.environ["EXPGRAPH_GENERATOR_ADAPTER"] = "none"
    elif adapter is not None:
        os.environ["EXPGRAPH_GENERATOR_ADAPTER"] = adapter
    else:
        os.environ.pop("EXPGRAPH_GENERATOR_ADAPTER", None)  # the settings' default: the bundled adapter
    if max_new_tokens is not None:
        os.environ["EXPGRAPH_GENERATOR_MAX_NEW_TOKENS"] = str(max_new_tokens)
    if mode != "tuned-plans":
        _plans_off()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=MODES, default="tuned-plans")
    parser.add_argument(
        "--adapter", default=None, help="adapter directory for the tuned modes (default: bundled)"
    )
    parser.add_argument("--max-new-tokens", type=int, default=None, help="cap on generated tokens per answer")
    parser.add_argument("--split", choices=answers_eval.SPLITS, default="dev")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--interleave", action="store_true", help="round-robin over categories")
    parser.add_argument("--out", type=Path, default=None, help="per-question results (JSONL)")
    parser.add_argument("--json", type=Path, default=None, help="write the summary here")
    parser.add_argument("--from-results", type=Path, default=None, help="summarise an earlier --out file")
    args = parser.parse_args(argv)
    if args.from_results is not None:
        return answers_eval.main(["--from-results", str(args.from_results)])
    hashes = answers_eval.check_hashes()
    if not all(hashes.values()):
        print(f"question files changed since they were frozen: {hashes}", file=sys.stderr)
        return 2
    configure(args.mode, args.adapter, args.max_new_tokens)
    summary = answers_eval.run(args.split, args.limit, None, args.out, interleave=args.interleave)
    summary.update(split=args.split, mode=args.mode, max_new_tokens=args.max_new_tokens)
    print(answers_eval.markdown({k: v for k, v in summary.items() if isinstance(v, dict)}))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
