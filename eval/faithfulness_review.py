"""Faithfulness measured by a human reader, apart from the planner's gate (issue 15, item 5).

The planner's own gate (``planner/faithfulness.py``, embedding cosine) and the lexical "supported" judge in
``eval/answers_eval.py`` are both scripts. This module turns the answers into pairs a person judges by reading:
each answer sentence next to the full text of each passage it cites.

Pairs. An answer is split into sentences (``textkit.sentences.split_sentences``, the rule the eval uses); each
distinct citation marker of a sentence gives one pair (sentence, cited passage), resolved through the response's
``citations`` to the passage's full text (``answers_eval.PassageTexts``: a concept's definition, when to use and
mistakes; a chunk's heading and text; a relation's reading and justification; a calculation's quote, here with the
response's calculation records: method, inputs, outputs, assumptions). A marker that
points to no citation gives a pair with no passage. A sentence with no marker gives one pair with no passage too.

Uncited sentences (decided here, one rule): a sentence with no marker is **connective** and left out of the counts
when it makes no claim about the subject: a question to the user ("How many users enter the experiment per day?"),
a request ("Say whether it is relative ..."), the planner saying what it needs ("... I also need the minimum
detectable effect."), a lead ending in a colon, or text with no content words. Every other uncited sentence, and
every pair whose marker points nowhere, counts as **unsupported by rule**, with no annotation needed.

Key. ``sha256(normalised sentence + "\\n" + cited id)``: the sentence lower-cased, markers removed, dashes and
quotes unified, whitespace collapsed, final punctuation dropped; the cited id is ``kind:id`` (``chunk:…``,
``concept:…``), empty for no passage. Marker numbers are not in the key, so the same sentence citing the same
passage keeps its key when the citation order changes.

Annotations (``eval/faithfulness_annotations.jsonl``), one line per key, judged by reading:
``supported`` (every claim is stated or directly implied by the passage), ``partial`` (the gist is there, a detail
such as a number, a direction or the scope is not), ``unsupported`` (not in the passage, contradicts it, or garbled);
``note`` says why when not supported, ``commit`` is the commit whose answer the pair was judged in. Conventions used:
a sentence copied from its passage but cut from what it depends on (a glossary entry without the term it defines, a
worked example's number or premise stated as general) is ``partial``; relevance to the question is not judged.

Usage::

    .venv/bin/python -m eval.faithfulness_review --split test2 --out /tmp/review.jsonl   # write the review file
    .venv/bin/python -m eval.faithfulness_review --split test2 --report                  # counts against annotations
    .venv/bin/python -m eval.faithfulness_review --review /tmp/review.jsonl --report     # no planner run
    .venv/bin/python -m eval.faithfulness_review --split test2 --mode tuned --report     # plans off: the model writes

No library fits a per-pair hand annotation file with one stable key, so this is plain JSONL and ``hashlib``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from eval.answers_eval import SPLITS, PassageTexts, build_planner, content, load_split, normalise
from textkit.citations import citation_markers
from textkit.sentences import split_sentences

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE / "faithfulness_annotations.jsonl"
VERDICTS = ("supported", "partial", "unsupported")

_REQUEST = re.compile(r"^(say|tell me|give me|let me know|please)\b|\bi (also )?need\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Pair:
    """One sentence of an answer next to one passage it cites (``chunk_id`` None: it cites nothing valid)."""

    key: str
    question_id: str
    sentence: str
    chunk_id: str | None
    passage: str | None
    connective: bool = False


@dataclass(slots=True)
class Report:
    answers: int = 0
    pairs: int = 0
    connective: int = 0
    uncited_claims: int = 0
    cited_pairs: int = 0
    annotated: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    unannotated: list[Pair] = field(default_factory=list)

    @property
    def judged(self) -> int:
        """Annotated cited pairs plus uncited claims (unsupported by rule)."""
        return self.annotated + self.uncited_claims

    @property
    def supported_share(self) -> float | None:
        return round(self.verdicts["supported"] / self.judged, 4) if self.judged else None


# ---- pure logic ----


def normalise_sentence(sentence: str) -> str:
    text = normalise(sentence).replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split()).rstrip(" .!?;:")


def pair_key(sentence: str, chunk_id: str | None) -> str:
    return hashlib.sha256(f"{normalise_sentence(sentence)}\n{chunk_id or ''}".encode()).hexdigest()


def is_connective(sentence: str) -> bool:
    """An uncited sentence that makes no claim: a question, a request for input, a lead ending in a colon."""
    body = normalise_sentence(sentence)
    raw = sentence.strip()
    return raw.endswith(("?", ":")) or not content(body) or bool(_REQUEST.search(body))


def answer_pairs(
    question_id: str,
    answer: str,
    citations: Iterable[Mapping[str, Any]],
    passage_text: Callable[[Mapping[str, Any]], str],
) -> list[Pair]:
    """The review pairs of one answer, in answer order."""
    by_marker = {int(c["marker"]): c for c in citations}
    out: list[Pair] = []
    for s in split_sentences(answer):
        markers = list(dict.fromkeys(citation_markers(s)))
        if not markers:
            out.append(Pair(pair_key(s, None), question_id, s, None, None, connective=is_connective(s)))
            continue
        for m in markers:
            cit = by_marker.get(m)
            if cit is None:
                out.append(Pair(pair_key(s, None), question_id, s, None, None))
                continue
            cid = f"{cit.get('kind')}:{cit.get('id')}"
            out.append(Pair(pair_key(s, cid), question_id, s, cid, passage_text(cit)))
    return out


def calculation_passage(quote: str, calculations: Iterable[Mapping[str, Any]]) -> str:
    """A calculation citation's passage: its quote, then each calculation's method, inputs and assumptions (the
    record the calculation sentences are written from; the quote alone holds only the headline number)."""
    parts = [quote]
    for c in calculations:
        parts.append(
            f"{c.get('tool')} ({c.get('method')}): inputs {json.dumps(c.get('inputs'), ensure_ascii=False)}; "
            f"outputs {json.dumps(c.get('outputs'), ensure_ascii=False)}; assumptions: "
            + "; ".join(str(a) for a in c.get("assumptions") or [])
        )
    return "\n".join(parts)


def count(pairs: Sequence[Pair], annotations: Mapping[str, str], answers: int) -> Report:
    """Counts of ``pairs`` against ``annotations`` (key → verdict)."""
    rep = Report(answers=answers, pairs=len(pairs))
    for p in pairs:
        if p.chunk_id is None:
            if p.connective:
                rep.connective += 1
            else:
                rep.uncited_claims += 1
                rep.verdicts["unsupported"] += 1
            continue
        rep.cited_pairs += 1
        verdict = annotations.get(p.key)
        if verdict is None:
            rep.unannotated.append(p)
            continue
        rep.annotated += 1
        rep.verdicts[verdict] += 1
    return rep


def render(rep: Report) -> str:
    lines = [
        f"answers: {rep.answers}",
        f"pairs: {rep.pairs} (cited {rep.cited_pairs}, uncited claims {rep.uncited_claims}, "
        f"connective left out {rep.connective})",
        f"annotated cited pairs: {rep.annotated}/{rep.cited_pairs}"
        + (f" ({rep.annotated / rep.cited_pairs:.1%})" if rep.cited_pairs else ""),
        "verdicts (annotated + uncited claims): "
        + ", ".join(f"{v} {rep.verdicts[v]}" for v in VERDICTS)
        + f"; supported share {rep.supported_share}",
        f"unannotated pairs: {len(rep.unannotated)}",
    ]
    lines += [f"  {p.key}  {p.question_id}  {p.chunk_id}  {p.sentence}" for p in rep.unannotated]
    return "\n".join(lines)


def parse_annotations(lines: Iterable[str]) -> dict[str, str]:
    """key → verdict; a key annotated twice keeps its last line, a verdict outside ``VERDICTS`` is an error."""
    out: dict[str, str] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row["verdict"] not in VERDICTS:
            raise ValueError(f"annotation line {n}: verdict {row['verdict']!r} is not one of {VERDICTS}")
        out[row["key"]] = row["verdict"]
    return out


# ---- I/O ----


def collect(split: str, limit: int | None = None) -> tuple[list[Pair], int]:
    """Run the planner (this checkout's) over ``split`` and return its review pairs and the number of answers."""
    questions = load_split(split)[:limit]
    planner, db = build_planner()
    texts = PassageTexts(db)
    pairs: list[Pair] = []
    for i, q in enumerate(questions, start=1):
        response = planner.ask(q["question"]).to_dict()
        calcs = response.get("calculations") or []

        def passage(cit: Mapping[str, Any], calcs: list[dict[str, Any]] = calcs) -> str:
            text = texts.text(dict(cit))
            return calculation_passage(text, calcs) if cit.get("kind") == "calculation" else text

        pairs += answer_pairs(
            q["id"], str(response.get("answer") or ""), response.get("citations", []), passage
        )
        print(f"[{i}/{len(questions)}] {q['id']}", file=sys.stderr, flush=True)
    return pairs, len(questions)


def read_review(path: Path) -> tuple[list[Pair], int]:
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    pairs = [Pair(**r) for r in rows]
    return pairs, len({p.question_id for p in pairs})


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=SPLITS, default="test2")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="write the review file (JSONL) here")
    parser.add_argument(
        "--review", type=Path, default=None, help="read an earlier review file instead of running"
    )
    parser.add_argument("--annotations", type=Path, default=ANNOTATIONS)
    parser.add_argument("--report", action="store_true", help="print counts against the annotations")
    parser.add_argument(
        "--mode",
        choices=("serving", "base", "tuned"),
        default="serving",
        help="serving (default): the planner as served; base/tuned: answer plans off, the model writes every "
        "answer (eval.generator_compare's modes), to judge what the gate lets through from the model",
    )
    parser.add_argument("--max-new-tokens", type=int, default=None, help="with --mode base/tuned")
    args = parser.parse_args(argv)
    if args.mode != "serving":
        from eval.generator_compare import configure

        configure(args.mode, None, args.max_new_tokens)
    pairs, answers = read_review(args.review) if args.review else collect(args.split, args.limit)
    if args.out:
        with args.out.open("w", encoding="utf-8") as sink:
            for p in pairs:
                sink.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    if args.report:
        path = args.annotations
        annotations = (
            parse_annotations(path.read_text(encoding="utf-8").splitlines()) if path.exists() else {}
        )
        print(render(count(pairs, annotations, answers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
