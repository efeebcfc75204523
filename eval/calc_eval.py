"""Score the calculation path (understanding → calculators → answer prose) on the frozen calculation set.

Drives ``planner.calculation``'s public entries exactly as the planner's ``understand`` and ``calculate`` nodes do
(``parse`` → ``run_calculation``), then checks that the answer text states every expected number. No model and no
database: the numbers do not depend on generation.

    python -m eval.calc_eval --split test                    # this tree
    python -m eval.calc_eval --split test --tree /work/base  # the same set against another checkout's code

A numeric item is *exact* when every expected value is within its tolerance in some calculation's outputs; it is
*stated* when the answer text also carries each value (within the rounding it is written with). A missing-input
item passes when ``needs`` is exactly the expected set; a bad-input item when nothing is computed and the bad field
is asked for again. On the test half each item also has three paraphrases: *robust* means all four phrasings pass.

Splits: ``test`` and ``test2`` are held out (report them; never tune on them), and so is ``test3`` (built by
``eval/calc_build11.py``, frozen by ``eval/calc_set11.sha256``): does a test fit in the time it can run, written after
the time-budget change by someone who did not read the parser. ``test4`` (built by ``eval/calc_build12.py``, frozen by
``eval/calc_set12.sha256``) is held out too: sizing, duration, power and fit questions in chat voice, written by
someone who did not read the parser, before the changes it measures. ``test5`` (built by ``eval/calc_build13.py``,
frozen by ``eval/calc_set13.sha256``) is held out as well: sizing, duration, power, MDE and fit questions in
practitioners' chat voice, written by someone who did not read the parser, before it was scored. ``test6`` (built
by ``eval/calc_build15.py``, frozen by ``eval/calc_set15.sha256``) is held out too: sample ratio mismatch from shares
of a total (and casual per-arm counts), written by someone who did not read the parser, before it was scored.
``test7`` (built by ``eval/calc_build16.py``, frozen by ``eval/calc_set16.sha256``) is held out too: conversion-rate
sample size and power where the effect is a fall or a rise in words ("a 15% relative drop", "5% lower conversion",
"a 0.3 point increase"), written by someone who did not read the parser, before it was scored. ``dev``
and the later dev rounds ``dev2`` … ``dev10`` (each built by ``eval/calc_buildN.py`` and frozen by
``eval/calc_setN.sha256`` before the changes it led to) are for tuning, and so is ``dev11`` (built by
``eval/calc_build14.py``, frozen by ``eval/calc_set14.sha256``): SRM from shares of a total, the same kind as test6.
``dev12`` (built by ``eval/calc_build17.py``, frozen by ``eval/calc_set17.sha256``) is for tuning too: conversion-rate
sample size and power with the effect a fall or a rise in words, the same kind as test7. ``dev13`` (built by
``eval/calc_build18.py``, frozen by ``eval/calc_set18.sha256``) is for tuning and ``test8`` (built by
``eval/calc_build19.py``, frozen by ``eval/calc_set19.sha256``) is held out: everyday planning questions beyond plain
two-proportion sizing (significance level, power and sidedness said in varied ways; means with a standard deviation
and an effect in units or relative to the mean; days to run with a share of traffic exposed or three or four arms;
unequal splits and holdouts; the MDE for a fixed number of days or a fixed n; t-test power and Cohen's d at a fixed
n), on the same topics with different scenarios, numbers and phrasings, both written by someone who did not read the
parser, frozen before they were first scored. ``dev14`` (built by ``eval/calc_build20.py``, frozen by
``eval/calc_set20.sha256``) is for tuning and ``test9`` (built by ``eval/calc_build21.py``, frozen by
``eval/calc_set21.sha256``) is held out: analysing results that have come in (is a difference in conversion
significant, from counts or from rates and the users per arm or a total split evenly, and the p-value of a fall; a
Welch t test from means, standard deviations and n per arm; a 95% confidence interval for the absolute difference in
conversion; a sample ratio mismatch check from arm counts on an even or an unequal design; a one-sample test of a
count against a known rate), on the same topics with different scenarios, numbers and phrasings, both written by
someone who did not read the parser, frozen before they were first scored. ``dev15`` (built by
``eval/calc_build22.py``, frozen by ``eval/calc_set22.sha256``) is for tuning and ``test10`` (built by
``eval/calc_build23.py``, frozen by ``eval/calc_set23.sha256``) is held out: methods beyond the plain two-proportion
test, asked casually (the n per arm and the days with CUPED from a pre-period correlation or a variance reduction;
Holm, Bonferroni and Benjamini–Hochberg adjusted p-values when the method is named; Fisher's exact test on small
counts; pairs needed and power for a paired before/after design; n per arm and power for a one-way ANOVA with
Cohen's f; a non-inferiority test of two conversion rates and its n per arm; a Poisson comparison of counts over
exposures and its n per arm), on the same topics with different scenarios, numbers and phrasings, both written by
someone who did not read the parser, frozen before they were first scored.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from textkit.numbers import parse_numbers

HERE = Path(__file__).resolve().parent
_KEY = re.compile(r"^(?P<name>[A-Za-z_]\w*)(?:\[(?P<index>\d+)\])?$")
# key → (substring of the result's method, the output it names): two methods side by side in one answer
_METHOD_KEYS = {
    "bh": ("hochberg", "adjusted_p_values"),
    "bonferroni": ("bonferroni", "adjusted_p_values"),
    "fisher": ("fisher", "p_value"),
    "barnard": ("barnard", "p_value"),
    "boschloo": ("boschloo", "p_value"),
}


def load(split: str) -> list[dict[str, Any]]:
    path = HERE / f"calc_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _within(actual: Any, expected: float, tol: dict[str, float]) -> bool:
    if isinstance(actual, bool) or not isinstance(actual, int | float) or math.isnan(float(actual)):
        return False
    diff = abs(float(actual) - expected)
    if diff <= tol.get("absolute", 0.0) + 1e-9 * max(1.0, abs(expected)):
        return True
    return "relative" in tol and diff <= tol["relative"] * abs(expected) + 1e-12


def _lookup(results: list[dict[str, Any]], key: str) -> list[Any]:
    """Every value ``key`` names across the results (``bh[i]``/``bonferroni[i]`` pick the result by method)."""
    m = _KEY.match(key)
    if m is None:
        return []
    name, index = m.group("name"), m.group("index")
    chosen = results
    if name in _METHOD_KEYS:
        part, name = _METHOD_KEYS[name]
        chosen = [r for r in results if part in str(r.get("method", "")).lower()]
    values = []
    for r in chosen:
        for block in (r.get("outputs") or {}, r.get("outputs_rounded") or {}):
            v = block.get(name)
            if index is not None:
                v = v[int(index)] if isinstance(v, list | tuple) and int(index) < len(v) else None
            if v is not None:
                values.append(v)
    return values


def _stated(text: str, expected: float, tol: dict[str, float]) -> bool:
    """Whether ``text`` writes ``expected`` (within tolerance, or within the rounding it is written with)."""
    for token in parse_numbers(text):
        value, decimals = token.value, token.decimals
        candidates = [(value, 0.5 * 10**-decimals)]
        if token.percent:
            candidates.append((value / 100, 0.5 * 10 ** -(decimals + 2)))
        for v, half_unit in candidates:
            if _within(v, expected, tol) or abs(v - expected) <= half_unit + 1e-12:
                return True
            if abs(v - math.ceil(expected - 1e-9)) < 1e-9 and "absolute" in tol and tol["absolute"] >= 1:
                return True
    return False


def run_one(calc: Any, wants: Any, text: str) -> dict[str, Any]:
    """The calculation path for one question: parser reading, outcome, results and answer text."""
    parsed = calc.parse(text)
    tool = calc.parsed_tool(parsed)
    requested = getattr(calc, "calculation_requested", None)  # older trees: the question's wording alone
    calculable = tool is not None and (requested(text, parsed) if requested else wants(text))
    outcome = calc.run_calculation(parsed) if tool is not None else None
    results: list[dict[str, Any]] = []
    if outcome is not None:
        results = list(getattr(outcome, "results", None) or ([outcome.result] if outcome.result else []))
    answer = ""
    if outcome is not None:
        if hasattr(calc, "answer_text"):
            answer = calc.answer_text(outcome)
        elif outcome.needs:
            answer = calc.needs_sentence(outcome.needs, outcome.questions, outcome.tool)
        elif results:
            answer = " ".join(calc.calculation_sentence(r, 1) for r in results)
        if outcome.error:
            answer = f"{answer} {outcome.error}"
    return {
        "tool": tool,
        "calculable": calculable,
        "needs": list(outcome.needs) if outcome is not None else [],
        "error": outcome.error if outcome is not None else None,
        "results": results,
        "answer": answer,
    }


def score(item: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """exact / stated / needs_ok for one phrasing of one item."""
    if "needs" in item:
        ok = not got["results"] and sorted(set(got["needs"])) == sorted(set(item["needs"]))
        return {"ok": ok, "kind": "needs"}
    if "invalid" in item:
        field = item["invalid"]
        asked = field in got["needs"] or field in (got["error"] or "") or field in got["answer"]
        return {"ok": not got["results"] and asked, "kind": "invalid"}
    tol = item["tolerance"]
    exact = bool(got["calculable"]) and all(
        any(_within(v, exp, tol) for v in _lookup(got["results"], key))
        for key, exp in item["expected"].items()
    )
    stated = exact and all(_stated(got["answer"], exp, tol) for exp in item["expected"].values())
    return {"ok": exact, "stated": stated, "kind": "numeric"}


def evaluate(items: list[dict[str, Any]], calc: Any, wants: Any) -> dict[str, Any]:
    per_class: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failures: list[dict[str, Any]] = []
    times: list[float] = []
    totals: dict[str, int] = defaultdict(int)
    for item in items:
        phrasings = [item["question"], *item.get("paraphrases", [])]
        oks = []
        for i, text in enumerate(phrasings):
            start = time.perf_counter()
            got = run_one(calc, wants, text)
            times.append(time.perf_counter() - start)
            s = score(item, got)
            oks.append(s["ok"])
            totals["phrasings"] += 1
            totals["phrasings_ok"] += int(s["ok"])
            if i == 0:
                c = per_class[item["class"]]
                c["n"] += 1
                c["ok"] += int(s["ok"])
                c["stated"] += int(bool(s.get("stated")))
                c[s["kind"]] += 1
            if not s["ok"]:
                failures.append(
                    {
                        "id": item["id"],
                        "phrasing": i,
                        "question": text,
                        "tool": got["tool"],
                        "needs": got["needs"],
                        "error": got["error"],
                        "outputs": [r.get("outputs_rounded") or r.get("outputs") for r in got["results"]],
                    }
                )
        if len(phrasings) > 1:
            totals["robust_items"] += 1
            totals["robust_ok"] += int(all(oks))
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))] if times else 0.0
    return {"per_class": per_class, "failures": failures, "totals": totals, "p95_ms": round(p95 * 1000, 2)}


def summary(report: dict[str, Any]) -> dict[str, Any]:
    pc = report["per_class"]
    numeric = [c for c in pc.values() if c.get("numeric")]
    asks = [c for c in pc.values() if c.get("needs") or c.get("invalid")]
    n_num = sum(c["numeric"] for c in numeric)
    n_ask = sum(c.get("needs", 0) + c.get("invalid", 0) for c in asks)
    ok_num = sum(c["ok"] for c in numeric)
    ok_ask = sum(c["ok"] for c in asks)
    t = report["totals"]
    return {
        "items": sum(c["n"] for c in pc.values()),
        "exact_pct": round(100 * ok_num / n_num, 1) if n_num else None,
        "stated_pct": round(100 * sum(c["stated"] for c in numeric) / n_num, 1) if n_num else None,
        "needs_pct": round(100 * ok_ask / n_ask, 1) if n_ask else None,
        "all_phrasings_pct": round(100 * t["phrasings_ok"] / t["phrasings"], 1) if t["phrasings"] else None,
        "paraphrase_robust_pct": round(100 * t["robust_ok"] / t["robust_items"], 1)
        if t["robust_items"]
        else None,
        "p95_ms_per_question": report["p95_ms"],
    }


def run_in_tree(tree: Path, args: argparse.Namespace) -> int:
    """This file, run as a script with ``tree`` first on the import path: the same set against that code."""
    child = [sys.executable, str(Path(__file__).resolve()), "--split", args.split]
    child += [flag for flag, on in (("--failures", args.failures), ("--json", args.json)) if on]
    path = os.pathsep.join(p for p in (str(tree.resolve()), os.environ.get("PYTHONPATH", "")) if p)
    return subprocess.run(child, env={**os.environ, "PYTHONPATH": path}, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--split",
        choices=(
            "dev",
            "test",
            "dev2",
            "test2",
            "test3",
            "test4",
            "test5",
            "test6",
            "test7",
            "test8",
            "test9",
            "test10",
            "test11",
            "dev3",
            "dev4",
            "dev5",
            "dev6",
            "dev7",
            "dev8",
            "dev9",
            "dev10",
            "dev11",
            "dev12",
            "dev13",
            "dev14",
            "dev15",
            "dev16",
        ),
        default="dev",
    )
    ap.add_argument("--tree", help="run another checkout's planner/tools code (e.g. /work/base)")
    ap.add_argument("--failures", action="store_true", help="list every failing phrasing")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.tree:
        return run_in_tree(Path(args.tree), args)
    from planner import calculation as calc
    from planner.intent import wants_calculation

    items = load(args.split)
    report = evaluate(items, calc, wants_calculation)
    out = {
        "split": args.split,
        "code": str(Path(calc.__file__).resolve().parents[1]),
        "summary": summary(report),
        "per_class": {
            k: {"n": v["n"], "ok": v["ok"], "stated": v["stated"]}
            for k, v in sorted(report["per_class"].items())
        },
    }
    if args.failures:
        out["failures"] = report["failures"]
    if args.json:
        print(json.dumps(out, indent=2, default=str))
        return 0
    print(f"code: {out['code']}  split: {args.split}")
    print(json.dumps(out["summary"]))
    for name, c in out["per_class"].items():
        print(f"  {name:16s} {c['ok']:3d}/{c['n']:<3d} stated {c['stated']}")
    for f in out.get("failures", []):
        print(json.dumps(f, default=str)[:400])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
