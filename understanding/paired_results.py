"""A before/after result on the same units, given as the mean and SD of the per-unit changes: "same 40 users
before and after the redesign: mean change 1.2 min, sd of the changes 3.1. significant?" is a paired t test, not a
two-group comparison (the two groups are the same units).

Pure: text (lower case, normalised) in, (mean change, SD of the changes, pairs) out, or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(-?[$€£]?\d[\d,]*(?:\.\d+)?)"
# "mean change in session minutes 1.2", "average difference 3.4%", "avg diff of +0.8"
_MEAN_CHANGE = re.compile(
    r"\b(?:mean|average|avg)\s+(?:per[- ](?:user|unit|store|pair)\s+)?(?:change|difference|diff|increase|decrease|"
    r"lift|improvement)\b(?:\s+(?:in|of)\s+[a-z ]{1,30}?)?\s*(?:was|is|of|=|:)?\s*\+?" + _NUMBER
)
# "sd of the changes 3.1", "standard deviation of differences 6.0", "sd of diffs = 2"
_SD_CHANGE = re.compile(
    r"\b(?:sd|std|standard deviation|stdev)\s+(?:of\s+(?:the\s+)?)?(?:changes?|differences?|diffs?)\s*"
    r"(?:was|is|of|=|:)?\s*" + _NUMBER
)
_PAIRS = re.compile(
    r"\b(\d[\d,]*)\s+(?:paired\s+)?(?:users|people|customers|stores|pairs|participants|subjects|accounts|sites|"
    r"units|shops|schools|drivers|players)\b"
)
_PAIRED_CUE = re.compile(
    r"\bsame\b|\bpaired\b|\bbefore and after\b|\bbefore/after\b|\bpre[- /]post\b|\bwithin[- ]"
)


@dataclass(frozen=True, slots=True)
class PairedResult:
    """The mean and SD of the per-unit changes and the number of units measured twice."""

    mean_difference: float
    sd_difference: float
    n_pairs: int


def _value(text: str) -> float:
    return float(text.replace(",", "").replace("$", "").replace("€", "").replace("£", ""))


def paired_result(t: str) -> PairedResult | None:
    """The paired before/after result the question gives, when it gives all three numbers and says the units are
    the same (or the test paired)."""
    if not _PAIRED_CUE.search(t):
        return None
    mean, sd, pairs = _MEAN_CHANGE.search(t), _SD_CHANGE.search(t), _PAIRS.search(t)
    if mean is None or sd is None or pairs is None:
        return None
    n = int(pairs.group(1).replace(",", ""))
    s = _value(sd.group(1))
    if n < 2 or s <= 0:
        return None
    return PairedResult(_value(mean.group(1)), s, n)
