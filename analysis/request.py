"""One analysis request: the raw input (CSV, Parquet or a question), its format and the options; its inputs hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from analysis.data import AnalysisInputError, AnalysisOptions, ExperimentData
from analysis.question import parse_results_from_question
from analysis.reading import check_size, read_csv, read_parquet

Format = Literal["csv", "parquet", "question"]
FORMATS: tuple[str, ...] = ("csv", "parquet", "question")


@dataclass(frozen=True)
class AnalysisRequest:
    content: bytes
    format: Format
    options: AnalysisOptions

    @property
    def inputs_hash(self) -> str:
        """sha256 over the format, the exact bytes and the options (canonical JSON): same inputs, same hash."""
        digest = hashlib.sha256()
        digest.update(self.format.encode())
        digest.update(b"\0")
        digest.update(self.content)
        digest.update(b"\0")
        digest.update(json.dumps(asdict(self.options), sort_keys=True, default=list).encode())
        return digest.hexdigest()

    def load(self, limit: int) -> ExperimentData:
        """The validated data; raises ``AnalysisInputError`` naming the row and column of the first problem."""
        check_size(len(self.content), limit)
        types = self.options.metric_types
        if self.format == "parquet":
            return read_parquet(self.content, limit=limit, metric_types=types, control=self.options.control)
        try:
            text = self.content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AnalysisInputError(
                "the file is not UTF-8 text; save it as UTF-8 CSV (or send Parquet)"
            ) from exc
        if self.format == "question":
            data = parse_results_from_question(text)
            if data is None:
                raise AnalysisInputError(
                    "no results found in the question; write e.g. 'control 10,000 users and 1,000 conversions, "
                    "treatment 10,050 and 1,090'",
                    column="question",
                )
            return data
        return read_csv(text, limit=limit, metric_types=types, control=self.options.control)


def options_from_mapping(values: Mapping[str, Any]) -> AnalysisOptions:
    """Options from JSON or CLI values; unknown keys and wrong types are errors naming the key."""
    known = set(AnalysisOptions.__dataclass_fields__)
    unknown = sorted(set(values) - known)
    if unknown:
        raise AnalysisInputError(
            f"unknown option; options are: {', '.join(sorted(known))}", column=unknown[0]
        )
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        try:
            if key in ("alpha", "srm_threshold"):
                kwargs[key] = float(value)
            elif key == "bayesian":
                kwargs[key] = (
                    value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes", "on")
                )
            elif key in ("guardrails", "lower_is_better"):
                items = value.split(",") if isinstance(value, str) else list(value)
                kwargs[key] = tuple(str(v).strip().lower() for v in items if str(v).strip())
            elif key == "split":
                items = value.split(",") if isinstance(value, str) else list(value)
                kwargs[key] = tuple(float(v) for v in items)
            elif key == "metric_types":
                if not isinstance(value, Mapping):
                    raise TypeError(value)
                kwargs[key] = {str(k).strip().lower(): str(v).strip().lower() for k, v in value.items()}
            elif key in ("primary",):
                kwargs[key] = str(value).strip().lower() or None
            else:
                kwargs[key] = str(value).strip()
        except (TypeError, ValueError) as exc:
            raise AnalysisInputError(f"cannot read {value!r} for this option", column=key) from exc
    return AnalysisOptions(**kwargs).validate()
