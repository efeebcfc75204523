"""The answer-relevance adapter: a LoRA adapter of the MiniLM embedder, trained to put a passage sentence that
answers a question close to it, so the answer's focused evidence is picked for what was asked, not for shared words.

Data: the planner answers each question of the chosen **dev** splits (``eval/answers_dev*.jsonl``; never a test
split) and its trace lists every passage sentence the focused evidence weighed (``plan.considered``). A sentence that
holds one of the question's key facts is a positive; one that holds none is a hard negative. A key-fact alternative
found in more than ``GENERIC_SHARE`` of all weighed sentences ("more", "look", "don't") labels nothing: it would
teach that common words answer questions. Facts are matched by the rule passed in
(the command passes the evaluation's own, ``eval.answers_eval.fact_present``), so the labels mean what the key facts
mean.

Training: sentence-transformers' trainer with MultipleNegativesRankingLoss (question, positive, hard negative, plus
the batch's other sentences as negatives), LoRA (peft) on the encoder's attention and dense layers, so the adapter
is a few hundred KB and ships in the repository. Chosen over a cross-encoder: a bi-encoder's vectors are cached per
sentence like the embedder's, and it starts from the embedder's own similarity instead of an untrained head (on the
dev splits it learnt from ~1.5k pairs). The adapter directory gets ``manifest.json``: base model and weight hash,
data hash, hyper-parameters, training time and the held-out ranking figures.

    .venv/bin/expgraph train-relevance --pools .data/relevance-pools.jsonl --max-pairs 3000

(the command, in ``cli/relevance_commands.py``, collects the pools with the evaluation's planner and its key-fact rule,
which this layer may not import: they are passed in).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from training.lora import MANIFEST_NAME, encoder_adapter_manifest

REPO_ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO_ROOT / "eval"
DEFAULT_EPOCHS = 2.0
DEFAULT_MAX_PAIRS = 1500
DEV_SPLITS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7")
GENERIC_SHARE = 0.04  # a key-fact alternative found in more of the weighed sentences than this labels nothing

FactPresent = Callable[[str, Sequence[str]], bool]


@dataclass(frozen=True, slots=True)
class Pool:
    """The sentences the focused evidence weighed for one question, with the question's key facts."""

    split: str
    question_id: str
    question: str
    key_facts: tuple[tuple[str, ...], ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RelevanceConfig:
    epochs: float = DEFAULT_EPOCHS
    batch_size: int = 32
    learning_rate: float = 2e-4
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    target_modules: tuple[str, ...] = ("query", "key", "value", "dense")
    max_seq_length: int = 96
    max_pairs: int = DEFAULT_MAX_PAIRS
    seed: int = 0


def generic_alternatives(
    pools: Sequence[Pool], present: FactPresent, share: float = GENERIC_SHARE
) -> set[str]:
    """Key-fact alternatives that occur in more than ``share`` of all distinct weighed sentences."""
    sentences = sorted({s for p in pools for s in p.sentences})
    if not sentences:
        return set()
    alternatives = sorted({a for p in pools for fact in p.key_facts for a in fact})
    return {a for a in alternatives if sum(present(s, [a]) for s in sentences) > share * len(sentences)}


def label(pool: Pool, generic: set[str], present: FactPresent) -> list[bool | None]:
    """Per sentence: True when it holds a key fact by a specific alternative, False when it holds none at all,
    None when only a generic alternative matches (neither a positive nor a safe negative)."""
    out: list[bool | None] = []
    for sentence in pool.sentences:
        specific = any(present(sentence, [a for a in fact if a not in generic]) for fact in pool.key_facts)
        anything = any(present(sentence, fact) for fact in pool.key_facts)
        out.append(True if specific else (None if anything else False))
    return out


def training_pairs(
    pools: Sequence[Pool],
    present: FactPresent,
    *,
    seed: int = 0,
    max_pairs: int | None = None,
    generic_share: float = GENERIC_SHARE,
) -> list[dict[str, str]]:
    """(question, positive, hard negative) triples, one per positive, shuffled; pools without both are skipped."""
    rnd = random.Random(seed)
    generic = generic_alternatives(pools, present, generic_share)
    pairs: list[dict[str, str]] = []
    for pool in pools:
        labels = label(pool, generic, present)
        positives = [s for s, y in zip(pool.sentences, labels, strict=True) if y is True]
        negatives = [s for s, y in zip(pool.sentences, labels, strict=True) if y is False]
        if not positives or not negatives:
            continue
        pairs += [
            {"anchor": pool.question, "positive": p, "negative": rnd.choice(negatives)} for p in positives
        ]
    rnd.shuffle(pairs)
    return pairs[:max_pairs] if max_pairs is not None else pairs


def facts_in_top(pool: Pool, scores: Sequence[float], k: int, present: FactPresent) -> int:
    """How many of the question's key facts the ``k`` best-scored sentences hold together."""
    top = sorted(range(len(scores)), key=lambda i: -scores[i])[:k]
    text = " ".join(pool.sentences[i] for i in top)
    return sum(present(text, fact) for fact in pool.key_facts)


def ranking_report(
    pools: Sequence[Pool],
    scorers: dict[str, Callable[[str, Sequence[str]], Sequence[float]]],
    present: FactPresent,
    ks: Iterable[int] = (2, 3, 5),
) -> dict[str, Any]:
    """Key facts held by the top-k sentences of each pool, per scorer: the adapter's held-out figure."""
    ks = tuple(ks)
    report: dict[str, Any] = {"questions": len(pools), "key_facts": sum(len(p.key_facts) for p in pools)}
    for name, scorer in scorers.items():
        found = dict.fromkeys(ks, 0)
        for pool in pools:
            scores = scorer(pool.question, pool.sentences)
            for k in ks:
                found[k] += facts_in_top(pool, scores, k, present)
        report[name] = {f"top{k}": found[k] for k in ks}
    return report


def data_hash(pools: Sequence[Pool]) -> str:
    blob = json.dumps([asdict(p) for p in pools], sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def load_questions(split: str) -> list[dict[str, Any]]:
    if not split.startswith("dev"):
        raise ValueError(f"{split} is not a dev split: the relevance adapter trains on dev splits only")
    path = EVAL_DIR / f"answers_{split}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def train(pairs: Sequence[dict[str, str]], out_dir: Path, config: RelevanceConfig, base_dir: Path) -> float:
    """Fine-tune the LoRA adapter on ``pairs`` and save peft's files to ``out_dir``; the training seconds."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.losses import MultipleNegativesRankingLoss

    torch.manual_seed(config.seed)
    model = SentenceTransformer(str(base_dir), device="cpu", local_files_only=True)
    model.max_seq_length = config.max_seq_length
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.target_modules),
    )
    # peft directly: transformers' add_adapter wants a newer peft than the pinned one
    encoder: Any = model[0]
    # keep the PeftModel itself: the encoder module hands back the wrapped model, whose save is the full weights
    adapted = get_peft_model(encoder.auto_model, lora)
    encoder.auto_model = adapted
    scratch = tempfile.mkdtemp(
        prefix="relevance-trainer-"
    )  # the trainer's own files; the adapter goes to out_dir
    args = SentenceTransformerTrainingArguments(
        output_dir=scratch,
        num_train_epochs=config.epochs,
        per_device_train_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        warmup_steps=0.1,
        logging_steps=10,
        save_strategy="no",
        report_to=[],
        seed=config.seed,
        use_cpu=True,
        disable_tqdm=True,
    )
    trainer = SentenceTransformerTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_list(list(pairs)),
        loss=MultipleNegativesRankingLoss(model),
    )
    started = time.perf_counter()
    try:
        trainer.train()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    seconds = time.perf_counter() - started
    adapted.save_pretrained(str(out_dir))
    return seconds


def read_pools(path: Path) -> list[Pool]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        Pool(
            **{**r, "key_facts": tuple(tuple(f) for f in r["key_facts"]), "sentences": tuple(r["sentences"])}
        )
        for r in rows
    ]


def write_pools(path: Path, pools: Sequence[Pool]) -> None:
    path.write_text("".join(json.dumps(asdict(p)) + "\n" for p in pools), encoding="utf-8")


def manifest_for(
    out_dir: Path,
    config: RelevanceConfig,
    base_dir: Path,
    *,
    splits: Sequence[str],
    pools: Sequence[Pool],
    pairs: int,
    seconds: float,
) -> dict[str, Any]:
    """What the adapter was trained from and how (``training.lora.encoder_adapter_manifest``)."""
    data = {
        "splits": list(splits),
        "questions": len(pools),
        "pairs": pairs,
        "hash": data_hash(pools),
        "generic_share": GENERIC_SHARE,
    }
    return encoder_adapter_manifest(out_dir, base_dir, config, data, seconds)


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
