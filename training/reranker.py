"""The answer reranker's adapter: a LoRA adapter and a one-output head on the MiniLM encoder, trained as a
cross-encoder to score how well a passage sentence answers a question (``model.reranker``).

Data: the relevance adapter's pools (``training.relevance``: for each question of the chosen **dev** splits, every
passage sentence the plan's focused evidence weighed; never a test split). Of each pool, the ``candidates``
sentences the planner's own ranking puts first are the examples (the ones the reranker is asked about when it
serves), labelled 1 when the sentence holds one of the question's key facts by the rule passed in (the command passes
the evaluation's, ``eval.answers_eval.fact_present``), else 0.

Training: binary cross-entropy on the head's logit, AdamW with a linear warm-up and decay, in a plain torch loop over
transformers and peft (sentence-transformers 6's ``CrossEncoderTrainer`` failed on a peft-wrapped model here); LoRA
on the encoder's attention and dense layers, the new head trained whole (``modules_to_save``), so the adapter is under
3 MB and ships in the repository. One epoch over ~14k examples takes ~10 minutes on 2 AVX-512 cores, 47 minutes on 2
AVX2-only cores.

Labels: any key fact makes a positive, though nearly half the examples are then positives. A soft label for the facts
few of a pool's sentences hold (3 / the number of sentences holding it, at most 1; 3,119 of 14,358 in total) ranked
worse on the held-out pools of dev10 and dev12: key facts in the top three 196 -> 176 of 350, top five 221 -> 214.

    .venv/bin/expgraph train-reranker --pools .data/relevance-pools.jsonl
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.lora import encoder_adapter_manifest
from training.relevance import FactPresent, Pool, data_hash

DEFAULT_CANDIDATES = 30
# dev10 and dev12 are held out: the ranking report and the reranker's weight in a plan (planner.reranking) read them
TRAIN_SPLITS = ("dev", "dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev8", "dev9", "dev11")
HELD_OUT_SPLITS = ("dev10", "dev12")
WARMUP_SHARE = 0.1  # of the steps, the learning rate rising linearly; then falling linearly to zero

# The planner's score of each sentence of a pool, before reranking (its order decides which sentences are examples).
PoolRanking = Callable[[Pool], Sequence[float]]


@dataclass(frozen=True, slots=True)
class RerankerConfig:
    epochs: float = 1.0
    batch_size: int = 16
    learning_rate: float = 3e-4
    weight_decay: float = 0.01
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    target_modules: tuple[str, ...] = ("query", "key", "value", "dense")
    max_length: int = 128
    candidates: int = DEFAULT_CANDIDATES
    seed: int = 0


def training_examples(
    pools: Sequence[Pool], ranking: PoolRanking, present: FactPresent, *, candidates: int, seed: int = 0
) -> list[dict[str, Any]]:
    """(question, sentence, label) for each pool's ``candidates`` best-ranked sentences, shuffled."""
    examples: list[dict[str, Any]] = []
    for pool in pools:
        scores = ranking(pool)
        best = sorted(range(len(pool.sentences)), key=lambda i: -scores[i])[:candidates]
        for i in best:
            sentence = pool.sentences[i]
            held = any(present(sentence, fact) for fact in pool.key_facts)
            examples.append({"question": pool.question, "sentence": sentence, "label": float(held)})
    random.Random(seed).shuffle(examples)
    return examples


def train(examples: Sequence[dict[str, Any]], out_dir: Path, config: RerankerConfig, base_dir: Path) -> float:
    """Fine-tune the adapter and head on ``examples`` and save peft's files to ``out_dir``; the training seconds."""
    import torch
    from peft import LoraConfig, TaskType, get_peft_model
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(config.seed)  # the head starts from random weights
    tokenizer = AutoTokenizer.from_pretrained(str(base_dir), local_files_only=True)
    base = AutoModelForSequenceClassification.from_pretrained(
        str(base_dir), num_labels=1, local_files_only=True
    )
    lora = LoraConfig(
        task_type=TaskType.SEQ_CLS,
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.target_modules),
        modules_to_save=["classifier"],
    )
    model = get_peft_model(base, lora)
    steps = max(1, int(len(examples) * config.epochs / config.batch_size))
    warmup = max(1, int(WARMUP_SHARE * steps))
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, 1 - step / steps)
    )
    loss_of = torch.nn.BCEWithLogitsLoss()
    model.train()
    started = time.perf_counter()
    for step in range(steps):
        batch = [examples[(step * config.batch_size + j) % len(examples)] for j in range(config.batch_size)]
        encoded = tokenizer(
            [e["question"] for e in batch],
            [e["sentence"] for e in batch],
            truncation=True,
            max_length=config.max_length,
            padding=True,
            return_tensors="pt",
        )
        loss = loss_of(model(**encoded).logits[:, 0], torch.tensor([e["label"] for e in batch]))
        loss.backward()
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
    seconds = time.perf_counter() - started
    model.save_pretrained(str(out_dir))
    return seconds


def manifest_for(
    out_dir: Path,
    config: RerankerConfig,
    base_dir: Path,
    *,
    splits: Sequence[str],
    pools: Sequence[Pool],
    examples: Sequence[dict[str, Any]],
    seconds: float,
) -> dict[str, Any]:
    """What the adapter was trained from and how (``training.lora.encoder_adapter_manifest``)."""
    data = {
        "splits": list(splits),
        "questions": len(pools),
        "examples": len(examples),
        "positives": int(sum(e["label"] for e in examples)),
        "hash": data_hash(pools),
    }
    return encoder_adapter_manifest(out_dir, base_dir, config, data, seconds)
