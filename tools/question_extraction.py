"""Quantities in plain-English A/B-testing questions: numbers, rates, effects, traffic, splits, counts.

Pure regular-expression extractors used by ``tools.question_parser``; each returns None (or an empty list) when
the question does not state the quantity, so the parser can ask for it instead of guessing.
"""

from __future__ import annotations

import re

NUMBER = r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)(\s?[kKmM](?![a-zA-Z]))?"
PERCENT = NUMBER + r"\s?(%|percent\b|per cent\b)"


def to_number(digits: str, suffix: str | None = None) -> float:
    """'1,000' → 1000, '2.5k' → 2500, '1M' → 1e6."""
    value = float(digits.replace(",", ""))
    if suffix:
        value *= {"k": 1e3, "m": 1e6}[suffix.strip().lower()]
    return value


def pct(match: re.Match[str], group: int = 1) -> float:
    return to_number(match.group(group), match.group(group + 1)) / 100


def clean(question: str) -> str:
    text = (
        question.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    )
    return re.sub(r"\s+", " ", text).strip()


def first(patterns: list[str], text: str) -> re.Match[str] | None:
    for pattern in patterns:
        match = re.search(pattern, text, re.IGNORECASE)
        if match:
            return match
    return None


def find_p_value_list(text: str) -> list[float]:
    match = re.search(r"p-?\s?values?\s*(?:of|are|were|:|=)?\s*(.*)", text, re.IGNORECASE)
    if not match:
        return []
    tail = match.group(1)
    tail = re.split(r"\b(alpha|α|q\s?=|fdr (?:of|at)|level)\b", tail, flags=re.IGNORECASE)[0]
    return [float(v) for v in re.findall(r"(?<![\d.])(0?\.\d+|1\.0+|1(?![\d.,])|0(?![\d.,]))", tail)]


def find_count_pairs(text: str) -> list[tuple[float, float]]:
    pairs = re.findall(
        NUMBER + r"\s*(?:conversions?|successes|sign-?ups|purchases|clicks)?\s*(?:out of|of|/)\s*" + NUMBER,
        text,
    )
    return [
        (to_number(a, sa), to_number(b, sb)) for a, sa, b, sb in pairs if to_number(a, sa) <= to_number(b, sb)
    ]


def find_alpha(text: str) -> float | None:
    m = first(
        [
            r"\b(?:alpha|α)\s*(?:of|=|:|is|at)?\s*" + NUMBER + r"\s?(%)?",
            r"significance(?: level)?\s*(?:of|=|:|is|at)?\s*" + NUMBER + r"\s?(%)?",
            r"" + NUMBER + r"\s?(%)?\s*significance",
        ],
        text,
    )
    if m:
        value = to_number(m.group(1), m.group(2))
        return value / 100 if (m.group(3) or value >= 1) else value
    m = first(
        [NUMBER + r"\s?%\s*confidence", r"confidence(?: level)?\s*(?:of|=|:|is|at)?\s*" + NUMBER + r"\s?%"],
        text,
    )
    if m:
        return round(1 - to_number(m.group(1), m.group(2)) / 100, 10)
    return None


def find_power(text: str) -> float | None:
    m = first(
        [PERCENT + r"\s*(?:statistical )?power", r"power\s*(?:of|=|:|is|at)?\s*" + NUMBER + r"\s?(%)?"], text
    )
    if not m:
        return None
    value = to_number(m.group(1), m.group(2))
    return value / 100 if (m.group(3) or value > 1) else value


def find_alternative(text: str) -> str | None:
    t = text.lower()
    if re.search(r"\b(one|1)[- ]?(tailed|sided)\b", t):
        return "smaller" if re.search(r"\b(decrease|drop|reduc|lower)", t) else "larger"
    if re.search(r"\b(two|2)[- ]?(tailed|sided)\b", t):
        return "two-sided"
    return None


def find_method(text: str) -> tuple[str | None, str | None]:
    t = text.lower()
    table = [
        (r"cohen'?s h|arcsine|pwr\.2p", "cohens_h"),
        (r"evan ?miller", "evan_miller"),
        (r"power\.prop\.test|\bpooled\b", "pooled"),
        (r"\bunpooled\b", "unpooled"),
        (r"rule of thumb|16\s?σ|16 ?sigma|lehr", "rule_of_thumb"),
        (r"power\.t\.test|noncentral t|t-?test", "t"),
        (r"\bz-?test\b|normal approximation", "z"),
        (r"wilson", "wilson"),
        (r"clopper|exact (binomial )?interval", "clopper_pearson"),
        (r"agresti[- ]coull", "agresti_coull"),
        (r"newcombe", "newcombe"),
        (r"agresti[- ]caffo", "agresti_caffo"),
        (r"\bwald\b", "wald"),
        (r"benjamini[- ]yekutieli", "benjamini_yekutieli"),
        (r"benjamini[- ]hochberg|\bbh\b|false discovery", "benjamini_hochberg"),
        (r"\bholm\b", "holm"),
        (r"bonferroni", "bonferroni"),
        (r"o'?brien", "obrien_fleming"),
        (r"pocock", "pocock"),
    ]
    for pattern, name in table:
        if re.search(pattern, t):
            return name, re.search(pattern, t).group(0)  # type: ignore[union-attr]
    return None, None


NOT_OTHER = r"(?!\s*(?:power|confidence|significance|mde|lift|relative|uplift|increase|of (?:the )?traffic))"


def find_baseline_and_target(text: str) -> tuple[float | None, float | None, list[str]]:
    notes: list[str] = []
    m = re.search(r"from\s+" + PERCENT + r"\s+to\s+" + PERCENT, text, re.IGNORECASE)
    if m:
        return pct(m, 1), to_number(m.group(4), m.group(5)) / 100, notes
    # "45% to 65%" without "from": still a baseline and a target, unless the second rate is power, traffic, ...
    m = re.search(
        r"(?<!between )(?<!by )" + PERCENT + r"\s*(?:to|->|→)\s*" + PERCENT + NOT_OTHER, text, re.IGNORECASE
    )
    if m:
        baseline, target = pct(m, 1), to_number(m.group(4), m.group(5)) / 100
        notes.append(f"'{m.group(0).strip()}' read as baseline {baseline:.4g} and target rate {target:.4g}")
        return baseline, target, notes
    m = first(
        [
            PERCENT + r"\s*(?:baseline|base rate|control (?:conversion )?rate)",
            r"baseline(?: conversion)?(?: rate)?\s*(?:of|is|=|:|around|about)?\s*" + PERCENT + NOT_OTHER,
            r"(?:conversion rate|converts?|converting|\bcr)\s*(?:of|is|=|:|at|around|about)?\s*"
            + PERCENT
            + NOT_OTHER,
            PERCENT + r"\s*conversion(?: rate)?",
            r"(?:control|current rate)\s*(?:group )?(?:rate |converts )?(?:of|is|=|:|at)?\s*" + PERCENT,
        ],
        text,
    )
    if m:
        return pct(m, 1), None, notes
    m = re.search(r"baseline(?: conversion)?(?: rate)?\s*(?:of|is|=|:|at)?\s*(0?\.\d+)", text, re.IGNORECASE)
    if m:
        return float(m.group(1)), None, notes
    return None, None, notes


def find_mde(text: str) -> tuple[float | None, str | None, list[str]]:
    notes: list[str] = []
    absolute = first(
        [
            NUMBER + r"\s?(?:pp|p\.p\.|percentage[- ]points?|points?)\b",
        ],
        text,
    )
    if absolute:
        return to_number(absolute.group(1), absolute.group(2)) / 100, "absolute", notes
    rel = first(
        [
            PERCENT
            + r"\s*(?:relative\s+)?(?:mde|minimum detectable effect|lift|uplift|increase|improvement|change|difference|effect|drop|decrease)",
            r"(?:mde|minimum detectable effect|lift|uplift|improvement)\s*(?:of|is|=|:|at)?\s*" + PERCENT,
            r"(?:detect|see)\s+(?:a|an)?\s*" + PERCENT,
        ],
        text,
    )
    if rel:
        value = pct(rel, 1)
        span = text[max(0, rel.start() - 20) : rel.end() + 12].lower()
        if "absolute" in span:
            return value, "absolute", notes
        if "relative" not in span:
            notes.append(
                f"'{rel.group(0).strip()}' read as a relative change ({value:.0%} of the baseline), not percentage points"
            )
        return value, "relative", notes
    return None, None, notes


def find_daily_traffic(text: str) -> float | None:
    m = first(
        [
            NUMBER
            + r"\s*(?:unique\s+)?(?:visitors|users|sessions|visits|people|customers|players)?\s*(?:a|per|each|/)\s*day",
            NUMBER + r"\s*(?:daily|a day)\b",
            r"daily (?:traffic|visitors|users|sessions)\s*(?:of|is|=|:)?\s*" + NUMBER,
            NUMBER + r"\s*daily\s*(?:visitors|users|sessions|traffic)",
        ],
        text,
    )
    return to_number(m.group(1), m.group(2)) if m else None


def find_weekly_traffic(text: str) -> float | None:
    m = re.search(
        NUMBER + r"\s*(?:visitors|users|sessions|visits)?\s*(?:a|per|each|/)\s*week", text, re.IGNORECASE
    )
    return to_number(m.group(1), m.group(2)) if m else None


def find_split(text: str) -> list[float] | None:
    m = re.search(
        r"\b(\d{1,2}(?:\.\d+)?)\s?%?\s?/\s?(\d{1,2}(?:\.\d+)?)\s?%?(?:\s?/\s?(\d{1,2}(?:\.\d+)?)\s?%?)*\s*(?:split|allocation|traffic)?",
        text,
    )
    if m and re.search(r"split|allocation|traffic|/\s?\d{1,2}\s?%?\s*(split)?", m.group(0)):
        parts = [float(p) for p in re.findall(r"\d{1,2}(?:\.\d+)?", m.group(0))]
        if abs(sum(parts) - 100) < 1e-6 or abs(sum(parts) - 1) < 1e-6:
            return parts
    return None


def find_variants(text: str) -> tuple[int | None, list[str]]:
    words = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
    m = re.search(
        r"\b(\d+|two|three|four|five|six)\s+(variants|variations|treatments|challengers)\b",
        text,
        re.IGNORECASE,
    )
    if m:
        k = int(words.get(m.group(1).lower(), m.group(1)) if not m.group(1).isdigit() else m.group(1))
        return k, [
            f"'{m.group(0)}' read as {k} treatment variants each compared with one control ({k + 1} groups)"
        ]
    m = re.search(r"\b(\d+|two|three|four|five|six)\s+(arms|groups|versions)\b", text, re.IGNORECASE)
    if m:
        k = int(words.get(m.group(1).lower(), m.group(1)) if not m.group(1).isdigit() else m.group(1))
        if k >= 2:
            return k - 1, [f"'{m.group(0)}' read as one control and {k - 1} variant(s)"]
    m = re.search(r"\bA/B(/[C-Z])+\b", text)
    if m:
        return m.group(0).count("/"), []
    return None, []


def find_n_per_group(text: str, per_group_only: bool = False) -> float | None:
    m = first(
        [
            NUMBER
            + r"\s*(?:users|visitors|people|participants|subjects|observations|sessions|customers)?\s*(?:per|in each|each|a)\s*(?:group|variant|arm|variation|side)",
            r"\b(?:n|sample size)\s*(?:of|=|is|:)\s*" + NUMBER,
            r"(?:with|have|has|get)\s+"
            + NUMBER
            + r"\s*(?:users|visitors|people|participants|subjects|observations|sessions|customers)\b"
            + r"(?!\s*(?:a|per|each|every|/)\s*(?:day|week|month))(?! daily)",
        ][: 2 if per_group_only else 3],
        text,
    )
    return to_number(m.group(1), m.group(2)) if m else None


SPLIT = r"(?<![\d,.])\d{1,2}(?:\.\d+)?\s?%?\s?/\s?\d{1,2}(?:\.\d+)?(?:\s?%?\s?/\s?\d{1,2}(?:\.\d+)?)*\s?%?(?![\d,])"


def find_srm_counts(text: str) -> list[float]:
    """Every whole count of at least 10 in the question, once splits, percentages and thresholds are removed."""
    cleaned = re.sub(SPLIT, " ", text)
    cleaned = re.sub(PERCENT, " ", cleaned, flags=re.IGNORECASE)
    cleaned = re.sub(r"(?:p\s?[<=]|threshold(?: of)?|alpha|α)\s*\d*\.?\d+", " ", cleaned, flags=re.IGNORECASE)
    numbers = [to_number(digits, suffix) for digits, suffix in re.findall(NUMBER, cleaned)]
    counts = [n for n in numbers if n >= 10 and n == int(n)]
    return counts if len(counts) >= 2 else []


def find_srm_threshold(text: str) -> float | None:
    m = first(
        [PERCENT + r"\s*(?:threshold|level)", r"(?:threshold(?: of)?|p\s?<)\s*" + NUMBER + r"\s?(%)?"], text
    )
    if not m:
        return None
    value = to_number(m.group(1), m.group(2))
    return value / 100 if (m.group(3) or value >= 1) else value


def find_correlation(text: str) -> float | None:
    m = first([r"(?:correlation|correlated|ρ|rho|r)\s*(?:of|=|:|is|at|around|about)?\s*(-?\d*\.\d+)"], text)
    return float(m.group(1)) if m else None


def find_means_delta(text: str) -> float | None:
    """Difference in means: 'a difference of 2', 'delta = 2', 'a $2 difference', '2 units increase'."""
    after = find_number_after(
        r"difference(?: in (?:the )?means?)?|delta|δ|detect(?: a change of| an? (?:increase|difference|lift) of)?"
        r"|increase of|lift of",
        text,
    )
    if after is not None:
        return after
    m = re.search(
        r"\$?" + NUMBER + r"\s*(?:units?|dollars?|usd|eur|€|\$)?\s*(?:difference|increase|change|lift)",
        text,
        re.IGNORECASE,
    )
    return to_number(m.group(1), m.group(2)) if m else None


def find_number_after(words: str, text: str) -> float | None:
    m = re.search(r"(?:" + words + r")\s*(?:of|=|:|is|at|around|about)?\s*\$?" + NUMBER, text, re.IGNORECASE)
    return to_number(m.group(1), m.group(2)) if m else None


def find_correlation_to_detect(text: str) -> float | None:
    """The correlation a power question wants to detect: 'a correlation of r = 0.3', 'r = .25', 'ρ of 0.4'."""
    m = first(
        [
            r"\b(?:r|ρ|rho)\s*(?:=|of|is)\s*(-?\d*\.\d+)",
            r"correlation(?: coefficient)?\s*(?:of|=|:|is|at|around|about)?\s*(-?\d*\.\d+)",
        ],
        text,
    )
    return float(m.group(1)) if m else None


_GROUP_SIZE = (
    r"\bn\s*(?:=|:|of|is)?\s*"
    + NUMBER
    + r"|"
    + NUMBER
    + r"\s*(?:users|visitors|people|participants|subjects|observations|sessions|customers)\b"
    + r"(?!\s*(?:a|per|each|every|/)\s*(?:day|week|month))"
)


def find_two_group_means(text: str) -> dict[str, float] | None:
    """Mean, SD and size of two groups, in the order written (first = control A, second = treatment B).

    Returns None unless exactly two of each are stated, so a partial description is asked about, not guessed.
    """
    means = [
        to_number(a, sa)
        for a, sa in re.findall(
            r"\b(?:mean|average|avg)\s*(?:of|=|:|is)?\s*\$?" + NUMBER, text, re.IGNORECASE
        )
    ]
    sds = [
        to_number(a, sa)
        for a, sa in re.findall(
            r"(?:\bsd\b|standard deviation|std\.? ?dev|σ)\s*(?:of|=|:|is)?\s*\$?" + NUMBER,
            text,
            re.IGNORECASE,
        )
    ]
    sizes = [
        to_number(m.group(1) or m.group(3), m.group(2) if m.group(1) else m.group(4))
        for m in re.finditer(_GROUP_SIZE, text, re.IGNORECASE)
    ]
    if len(means) != 2 or len(sds) != 2 or len(sizes) != 2:
        return None
    return {
        "mean_a": means[0],
        "sd_a": sds[0],
        "n_a": sizes[0],
        "mean_b": means[1],
        "sd_b": sds[1],
        "n_b": sizes[1],
    }
