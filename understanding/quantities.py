"""The quantity tagger: every number in a question with its span, value and unit.

Exact rules, because number formats are exact: digits with thousands separators, ``k``/``M`` suffixes, numbers in
words ("six percent", "twenty-five", "a quarter"), %, percentage points, currency, time units, per-day / per-week
rates, count pairs ("90 of 1,000", "15/148"), splits ("90/10"), allocation ratios ("2:1"), and lists of p-values.
The text is first normalised (words become digits); spans refer to that normalised text, which the trace keeps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_WORDS = r"(?:" + "|".join([*_TENS, *_UNITS]) + r")(?:[- ](?:" + "|".join(_UNITS) + r"))?"
_SCALE = r"(?:hundred|thousand|million)"
# "twenty-five", "two hundred thousand", "one hundred fifty", "a hundred and twenty"
_AFTER_SCALE = rf"(?:\s+(?:and\s+)?{_WORDS}(?:\s+{_SCALE})*)*"  # number words may follow only a scale word
_WORD_NUMBER = re.compile(
    rf"\b(?:(?:a|one)\s+)?(?:(?:{_WORDS}(?:\s+{_SCALE})+|{_SCALE}){_AFTER_SCALE}|{_WORDS})\b",
    re.IGNORECASE,
)


# a number and up to two words before "a week": "25k visitors a week", "~3,000 new users a week"
_AFTER_A_COUNT = re.compile(
    r"(?:\d[\d.,]*\s?[kKmM]?|\b(?:hundred|thousand|million))\s+(?:(?!(?:and|for|in|over|within|only|about|then)\b)[a-zA-Z-]+\s+){1,2}$",
    re.IGNORECASE,
)


# a fraction said in words, in percent
_FRACTIONS = {"tenth": 10.0, "fifth": 20.0, "quarter": 25.0, "third": 100 / 3}


def _count(word: str) -> float:
    """A small count written as digits or a word ("a", "one", "3", "three")."""
    if word.isdigit():
        return float(word)
    return 1.0 if word.lower() in ("a", "one") else _word_value(word) or 1.0


def _word_value(words: str) -> float | None:
    total, current = 0.0, 0.0
    seen = False
    for w in re.split(r"[\s-]+", words.lower()):
        if w == "and" and seen:
            continue
        if w in ("a", "one") and not seen:
            seen = True
            continue
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w in _SCALES:
            current = max(current, 1.0) * _SCALES[w]
            if _SCALES[w] >= 1000:
                total, current = total + current, 0.0
        else:
            return None
        seen = True
    return total + current if seen else None


def normalise(question: str) -> str:
    """Typographic variants folded, words made digits ('six percent' → '6 percent', 'a quarter' → '25%')."""
    text = (
        question.replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
        .replace("\u2212", "-").replace("×", "x")
    )  # fmt: skip
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(
        r"(?:\bn\s*=\s*)?\b16\s?(?:σ|sigma|s)\s?(?:\^\s?2|²|\s?squared)\s*(?:/|over)\s*(?:δ|delta|d)\s?(?:\^\s?2|²|\s?squared)",
        "Kohavi rule of thumb",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\b16\s?σ²\s?/\s?δ²", "Kohavi rule of thumb", text)
    text = re.sub(r"\b(wh)at(?:s|’s)\b", r"\1at's", text, flags=re.IGNORECASE)  # "whats our mde", "what’s"
    # "3 in 100 visitors sign up", "4.5 per 1,000": a rate said per hundred or thousand ("3 out of 100" stays a count
    # pair: a small test's successes and users)
    text = re.sub(
        r"\b(\d+(?:\.\d+)?) (?:in|per|in every|out of every) (100|1,?000)\b(?![,.]?\d)",
        lambda m: f"{float(m.group(1)) / float(m.group(2).replace(',', '')) * 100:g}%",
        text,
        flags=re.IGNORECASE,
    )
    # "significant at 95?", "does it pass at 99": a confidence level said without its percent sign
    text = re.sub(
        r"\b((?:significant|sig|pass(?:es)?)\s+at\s+(?:the\s+)?)(9\d(?:\.\d+)?)(?![\d.%]|\s*(?:%|percent))",
        r"\1\2%",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\bhalf a (minute|second|day|point|percent|million)", r"0.5 \1", text, flags=re.IGNORECASE)
    # "a half point improvement", "a tenth of a percent": fractions of a unit
    text = re.sub(
        r"(?<!\band )\ba half[- ](percentage[- ]points?|points?|percent)\b",
        r"0.5 \1",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"(?<!\band )\ba (tenth|fifth|quarter) of an? (percentage[- ]point|point|percent)\b",
        lambda m: f"{_FRACTIONS[m.group(1).lower()] / 100:g} {m.group(2)}",
        text,
        flags=re.IGNORECASE,
    )
    # "one and a half million users", "one and a half points" (a lone "one" stays a word when words become digits)
    text = re.sub(r"\bone and a half\b", "1.5", text, flags=re.IGNORECASE)
    # "a dollar sixty", "two dollars fifty": dollars and cents in words
    text = re.sub(
        rf"\b(a|one|{_WORDS}|\d+) dollars? (?:and )?({_WORDS}|\d\d)(?: cents?)?\b"
        # not a count or a share after it: "40 dollars 20 percent of users", "5 dollars 30 days"
        r"(?!\s*(?:%|percent|per\b|days?|weeks?|users?|people|visitors|sessions|[kKmM]\b|\d|[,.]\d))",
        lambda m: f"${_count(m.group(1)):g}.{int(_word_value(m.group(2)) or m.group(2)):02d}",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\bhalf of\b", "50% of", text, flags=re.IGNORECASE)
    text = re.sub(r"\bhalf (?=are|of|is|the traffic|our traffic)", "50% ", text, flags=re.IGNORECASE)
    text = re.sub(r"\bthree[- ]quarters\b", "75%", text, flags=re.IGNORECASE)
    text = re.sub(r"\btwo[- ]thirds\b", "66.6667%", text, flags=re.IGNORECASE)
    text = re.sub(r"\ba quarter\b", "25%", text, flags=re.IGNORECASE)
    # "growing by a tenth", "cuts it by a fifth", "a third of traffic": a share said as a fraction ("a third
    # variant" is an ordinal)
    text = re.sub(
        r"(?:(?<=\bby )|(?<=\babout )|(?<=\baround )|(?<=\broughly )|(?<=\bnearly )|(?<=\balmost ))a (tenth|fifth|third)\b"
        r"|\ba (tenth|fifth|third)\b(?= of (?!an? ))",
        lambda m: f"{_FRACTIONS[(m.group(1) or m.group(2)).lower()]:g}%",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\b(\d+)-(day|week|month)s?\b", r"\1 \2s", text, flags=re.IGNORECASE)  # "a 10-day test"
    # "run it for a week" is a duration; "25k visitors a week" is a rate and stays one
    text = re.sub(
        r"\b(a|one|two|three|four|five|six)[- ]weeks?\b",
        lambda m: (
            m.group(0)
            if m.group(1).lower() == "a" and _AFTER_A_COUNT.search(m.string[: m.start()])
            else f"{7 * (_word_value(m.group(1)) or 1):g} days"
        ),
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\ba week\b",
        lambda m: m.group(0) if _AFTER_A_COUNT.search(m.string[: m.start()]) else "7 days",
        text,
        flags=re.IGNORECASE,
    )
    # "40k of our 80k daily visitors see it": the traffic the test gets is the 40k (unless an exposed share says so)
    text = (
        text
        if re.search(r"expos", text, re.IGNORECASE)
        else re.sub(
            r"\b(\d[\d.,]*\s?[km]?)\s+of\s+(?:our|the|my|all(?: of)?(?: our)?)\s+\d[\d.,]*\s?[km]?"
            r"(?=\s+(?:daily|weekly|monthly|[a-z-]+\s+(?:a|per|each|every)\s+(?:day|week|month))\b)",
            r"\1",
            text,
            flags=re.IGNORECASE,
        )
    )
    # "40% of 18k/day", "70 percent of our 25,000 daily users qualify": a share of the traffic is the exposed share
    text = re.sub(
        r"\b(\d+(?:\.\d+)?)\s?(?:%|percent\b)\s+of\s+(?:our\s+|the\s+|all\s+(?:of\s+)?(?:our\s+)?)?"
        r"(~?\s?\d[\d.,]*\s?[kKmM]?)(\s?/\s?day\b|\s+(?:a|per)\s+day\b|\s+daily\s+(?:users|visitors|sessions)\b"
        r"|\s+(?:users|visitors|sessions)\s+(?:a|per)\s+day\b)"
        r"(?!\s+(?:convert|buy|bought|purchase|sign|click|churn|open|retain|return|order)\w*)",
        r"\2\3 (\1% exposed)",
        text,
        flags=re.IGNORECASE,
    )
    # "within a month", "only have two months": the time a test can run. "600k visitors a month" stays a rate.
    text = re.sub(
        r"\b(within|in|for|over|under|inside|about|around|roughly|only|have|has|got|max(?:imum)?|most|than|run)\s+"
        r"(a|one|1|two|three|four|five|six|\d+)\s+months?\b",
        lambda m: f"{m.group(1)} {30 * _count(m.group(2)):g} days",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\b(a|one|1|two|three|\d+)\s+months?(?=\s+(?:max|maximum|tops|at most|at the most|deadline)\b)",
        lambda m: f"{30 * _count(m.group(1)):g} days",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(
        r"\b(\d+) ?(?:weeks?|wks?)\b", lambda m: f"{7 * int(m.group(1))} days", text, flags=re.IGNORECASE
    )

    def words(m: re.Match[str]) -> str:
        raw = m.group(0)
        if raw.lower() in ("a", "one") or re.fullmatch(r"(?i)one", raw):
            return raw
        value = _word_value(raw)
        if value is None:
            return raw
        return f"{int(value)}" if value == int(value) else f"{value:g}"  # "two million" is 2000000, not 2e+06

    # "one percentage point", "one dollar": a lone "one" before a unit is the number 1
    text = re.sub(
        r"\bone(?=[- ](?:percent|per cent|pct|percentage points?|points?|pp|dollars?|minutes?|seconds?|hours?|days?)\b)",
        "1",
        text,
        flags=re.IGNORECASE,
    )
    # "a couple million users" is two million ("a few" stays vague)
    text = re.sub(r"\ba couple(?: of)? (hundred|thousand|million)\b", r"2 \1", text, flags=re.IGNORECASE)
    text = re.sub(  # "1.2 million" is 1.2M, not "1.2 1000000"
        r"(\d(?:[\d.,]*\d)?)\s+(thousand|million)\b",
        lambda m: m.group(1) + ("k" if m.group(2).lower() == "thousand" else "M"),
        text,
        flags=re.IGNORECASE,
    )
    text = _WORD_NUMBER.sub(words, text)
    # "six and a half percent", "three point six percent"
    text = re.sub(r"\b(\d+) and a half\b", lambda m: f"{int(m.group(1)) + 0.5:g}", text, flags=re.IGNORECASE)
    text = re.sub(
        r"\b(\d+) and a quarter\b", lambda m: f"{int(m.group(1)) + 0.25:g}", text, flags=re.IGNORECASE
    )
    text = re.sub(r"\b(\d+) point (\d+)\b(?!\s*(?:percentage )?points?)", r"\1.\2", text, flags=re.IGNORECASE)
    # "1 in 20 visitors" is a rate of 5%; "20 basis points" is 0.2 percentage points
    text = re.sub(r"\b1 in (\d+)\b(?!\s*(?:days|weeks))", lambda m: f"{100 / int(m.group(1)):.6g}%", text)
    text = re.sub(
        r"(\d+(?:\.\d+)?) ?(?:basis points?|bps|bp)\b",
        lambda m: f"{float(m.group(1)) / 100:g} pp",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\b(\d+) cents?\b", lambda m: f"${int(m.group(1)) / 100:g}", text, flags=re.IGNORECASE)
    # "one-sample", "one sided", "1 in the other": keep the words that name designs
    text = re.sub(r"\b1([- ])(sample|sided|tailed|way)\b", r"one\1\2", text, flags=re.IGNORECASE)
    text = re.sub(r"\b2([- ])(sample|sided|tailed)\b", r"two\1\2", text, flags=re.IGNORECASE)
    text = re.sub(r"\b1 dollar\b", "$1", text, flags=re.IGNORECASE)
    text = re.sub(r"(\d(?:[\d.,]*\d)?) dollars?\b", r"$\1", text, flags=re.IGNORECASE)
    return text


@dataclass(frozen=True)
class Quantity:
    """One tagged quantity: where it is, what it says, and its value in canonical units."""

    start: int
    end: int
    text: str
    value: float
    unit: str  # percent | pp | money | time | count | number | pair | split | ratio | list | fraction
    per: str | None = None  # day | week: a rate of arrivals
    values: tuple[float, ...] = field(default=())  # pair: (successes, trials); split/list: the parts

    @property
    def is_rate(self) -> bool:
        return self.unit == "percent" or (self.unit in ("number", "fraction") and 0 < self.value < 1)

    def span(self) -> dict[str, object]:
        return {"text": self.text, "start": self.start, "end": self.end}


_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_MULT = r"(?:\s?(?:k|K|M|mm|million|thousand)(?![a-zA-Z]))"
_NUMBER = re.compile(
    r"(?<![\w.])(?P<neg>-)?(?P<cur>[$€£]\s?)?(?P<num>" + _NUM + r")(?P<mult>" + _MULT + r")?"
    r"(?P<unit>\s?(?:%|percent\b|per ?cent\b|pct\b|pp\b|p\.p\.|percentage[- ]points?\b|(?:points?|pts)\b(?!\s+(?:of|in)\b)"
    r"|ms\b|milliseconds?\b|s\b|secs?\b|seconds?\b|mins?\b|minutes?\b|hours?\b|days?\b|dollars?\b|usd\b|eur\b|euros?\b"
    r"|items?\b))?",
    re.IGNORECASE,
)
_PER = re.compile(
    r"^\s*(?:unique\s+)?(?:[a-z-]+\s*){0,2}?(?:a|per|each|every|/|an?)\s?(day|daily|week|wk|month|mo)\b|^\s*(?:[a-z]+\s+)?(daily|weekly|monthly|dau|wau|mau)\b"
    r"|^/(day|d|week|wk)\b",
    re.IGNORECASE,
)
_PAIR = re.compile(
    r"(?<![\w.,])(?P<a>"
    + _NUM
    + r")(?P<am>"
    + _MULT
    + r")?\s*(?:[a-z-]+\s+){0,2}?(?:out of|of|/|from|in)\s*(?:the\s+)?"
    r"(?P<b>" + _NUM + r")(?P<bm>" + _MULT + r")?(?![\d%])",
    re.IGNORECASE,
)
_TRIALS_AFTER = re.compile(
    r"\s*(?:visits|visitors|users|sessions|sends|emails|impressions|trials|attempts|page ?views|pageviews|people"
    r"|customers|shoppers|players|recipients)\b",
    re.IGNORECASE,
)
_REVERSED_PAIR = re.compile(
    r"(?<![\w.,])(?P<b>" + _NUM + r")(?P<bm>" + _MULT + r")?\s*(?:users|visitors|people|sessions)\s+and\s+"
    r"(?P<a>" + _NUM + r")(?P<am>" + _MULT + r")?\s*(?:signups|sign-ups|conversions|purchases|clicks|orders)",
    re.IGNORECASE,
)
# "rolled 60 times and a six appears 16 times", "of 400 users shown A, 48 converted"
_TRIALS_THEN_TIMES = re.compile(
    r"(?<![\w.,])(?P<b>"
    + _NUM
    + r")(?P<bm>"
    + _MULT
    + r")?\s*(?:times|rolls|flips|tosses|throws)\b[^\d]{0,40}?"
    r"\b(?:six(?:es)?|heads|tails|ones?|[1-6])\b[^\d]{0,20}?(?P<a>"
    + _NUM
    + r")(?P<am>"
    + _MULT
    + r")?\s*times\b",
    re.IGNORECASE,
)
_OF_N_THEN_M = re.compile(
    r"\bof (?:the )?(?P<b>"
    + _NUM
    + r")(?P<bm>"
    + _MULT
    + r")?\s+[a-z][^\d;.]{0,45}?,\s*(?P<a>"
    + _NUM
    + r")(?P<am>"
    + _MULT
    + r")?\s+(?:converted|bought|clicked|signed up|purchased|responded|churned|opened|upgraded|subscribed)\b",
    re.IGNORECASE,
)
_TRIALS_FIRST = re.compile(
    r"(?<![\w.,])(?P<b>"
    + _NUM
    + r")(?P<bm>"
    + _MULT
    + r")?\s*(?:times|flips|tosses|rolls|throws|trials|impressions|emails|sends)\b"
    r"[^\d]{0,25}?(?P<a>"
    + _NUM
    + r")(?P<am>"
    + _MULT
    + r")?\s*(?:heads|tails|sixes|successes|opens|clicks|conversions)\b",
    re.IGNORECASE,
)
# "70% in control and 30% in the variant", "control gets 70% of traffic, variant 30%": an allocation, not rates.
_NAMED_SPLIT = re.compile(
    r"(?:control\s+(?:gets?|has|receives)?\s*)?(\d{1,2}(?:\.\d+)?)\s?%\s*(?:(?:of (?:the )?traffic\s*)?(?:in|to|for|into)\s+(?:the\s+)?)?"
    r"(?:control)?\s*(?:of (?:the )?traffic)?\s*(?:,|and)\s*(?:the\s+)?(?:variant|treatment|test arm)?\s*(?:gets?|has)?\s*"
    r"(\d{1,2}(?:\.\d+)?)\s?%\s*(?:(?:in|to|for|into)\s+(?:the\s+)?(?:variant|treatment|test arm))?(?=\W|$)",
    re.IGNORECASE,
)
# "planned 60 treatment / 40 control", "50% control, 50% variant": each share named by its arm
_ARM_SPLIT = re.compile(
    r"(?<![\w.])(\d{1,2}(?:\.\d+)?)\s?%?\s+(?:control|treatment|variant|test)\b\s*(?:/|,|and|vs\.?)\s*"
    r"(\d{1,2}(?:\.\d+)?)\s?%?\s+(?:control|treatment|variant|test)\b",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"(?<![\w.,/])(\d{1,2}(?:\.\d+)?)\s?%?\s?(?:/|-)\s?(\d{1,2}(?:\.\d+)?)(?:\s?%?\s?/\s?(\d{1,2}(?:\.\d+)?))*\s?%?(?![\d/])(?!,\d)"
)
# "2:1"; not a label before a percentage ("two sided 0.05: 22% activation baseline")
_RATIO = re.compile(
    r"(?<![\w.,])(\d+(?:\.\d+)?)\s?:\s?(\d+(?:\.\d+)?)(?![\d]|,\d)(?!\s?(?:%|percent\b|per ?cent\b))"
)
_P_LIST = re.compile(r"(?<![\w.])(?:0?\.\d+|1\.0+|1(?![\d.,%])|0(?![\d.,%]))")


def number(digits: str, mult: str | None = None) -> float:
    """'1,000' → 1000, '2.5k' → 2500, '1M' → 1e6."""
    value = float(digits.replace(",", ""))
    if mult:
        m = mult.strip().lower()
        value *= 1e3 if m in ("k", "thousand") else 1e6
    return value


def _unit(raw: str | None, currency: str | None) -> str:
    if currency:
        return "money"
    u = (raw or "").strip().lower()
    if not u:
        return "number"
    if u in ("%", "percent", "per cent", "percent", "pct"):
        return "percent"
    if u.startswith(("pp", "p.p", "percentage", "point", "pt")):
        return "pp"
    if u.startswith(("dollar", "usd", "eur", "euro")):
        return "money"
    if u.startswith("day"):
        return "days"
    if u.startswith("item"):
        return "number"
    return "time"


def _p_value_lists(text: str) -> list[Quantity]:
    """Runs of two or more numbers in [0, 1] separated by commas, 'and' or slashes, after a p-value cue."""
    out: list[Quantity] = []
    cue = re.search(
        r"p[- ]?values?|p\s?=|bonferroni|holm|benjamini|hochberg|\bbh\b|fdr|adjust|correct",
        text,
        re.IGNORECASE,
    )
    if not cue:
        return out
    sep = r"\s*(?:,|and|/|;|\s)\s*(?:and\s+)?"
    item = r"(?:0?\.\d+|1\.0+|0(?![\d.]))"
    for m in re.finditer(r"(?<![\w.])" + item + r"(?:" + sep + item + r"(?![\d%]))+", text):
        values = tuple(float(v) for v in _P_LIST.findall(m.group(0)))
        if len(values) >= 2:
            out.append(Quantity(m.start(), m.end(), m.group(0), values[0], "list", values=values))
    return out


def split_parts(match: re.Match[str]) -> list[float]:
    return [float(p) for p in re.findall(r"\d{1,2}(?:\.\d+)?", match.group(0))]


def traffic_splits(text: str, start: int = 0, end: int | None = None) -> list[re.Match[str]]:
    """Shares of the traffic written as a split ("90/10", "52/48", "33/33/34"): parts that add up to 100."""
    matches = _SPLIT.finditer(text, start, len(text) if end is None else end)
    return [m for m in matches if len(parts := split_parts(m)) >= 2 and abs(sum(parts) - 100) < 1e-6]


def tag(text: str) -> list[Quantity]:
    """Every quantity in the (normalised) text, left to right, without overlaps (larger structures first)."""
    taken: list[tuple[int, int]] = []
    out: list[Quantity] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(q: Quantity) -> None:
        taken.append((q.start, q.end))
        out.append(q)

    for q in _p_value_lists(text):
        add(q)
    for m in [*_NAMED_SPLIT.finditer(text), *_ARM_SPLIT.finditer(text)]:
        parts = [float(m.group(1)), float(m.group(2))]
        if abs(sum(parts) - 100) < 1e-6 and free(m.start(), m.end()):
            add(
                Quantity(
                    m.start(),
                    m.end(),
                    m.group(0),
                    parts[0] / 100,
                    "split",
                    values=(parts[0] / 100, parts[1] / 100),
                )
            )
    for m in traffic_splits(text):
        parts = split_parts(m)
        if free(m.start(), m.end()):
            add(
                Quantity(
                    m.start(),
                    m.end(),
                    m.group(0),
                    parts[0] / 100,
                    "split",
                    values=tuple(p / 100 for p in parts),
                )
            )
    for pattern in (_TRIALS_THEN_TIMES, _OF_N_THEN_M, _REVERSED_PAIR, _TRIALS_FIRST, _PAIR):
        for m in pattern.finditer(text):
            a, b = number(m.group("a"), m.group("am")), number(m.group("b"), m.group("bm"))
            glue = text[m.end("a") : m.start("b")].lower()
            if not free(m.start(), m.end()) or a > b or b < 2 or a != int(a):  # successes are whole
                continue
            if (
                " in " in f" {glue} "
                and "out of" not in glue
                and not re.search(r"\d\s*in\s*\d|times|heads|sixes|successes", m.group(0))
                and not _TRIALS_AFTER.match(text, m.end())  # "131 signups in 2650 visits"
            ):
                continue
            if re.search(r"power|alpha|%|day|week|per|group|arm|each|variant", glue):
                continue
            if _PER.match(
                text[m.end() : m.end() + 40]
            ):  # "40k of our 80k daily visitors": traffic, not a count pair
                continue
            unit = "fraction" if b <= 12 and "/" in glue and a < b else "pair"
            add(Quantity(m.start(), m.end(), m.group(0), a / b, unit, values=(a, b)))
    for m in _RATIO.finditer(text):
        if free(m.start(), m.end()):
            add(Quantity(m.start(), m.end(), m.group(0), float(m.group(1)) / float(m.group(2)), "ratio"))
    for m in _NUMBER.finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = number(m.group("num"), m.group("mult"))
        if m.group("neg"):
            value = -value
        unit = _unit(m.group("unit"), m.group("cur"))
        end = m.end()
        per = None
        after = text[end : end + 40]
        pm = _PER.match(after)
        if pm and unit in ("number", "count"):
            word = (pm.group(1) or pm.group(2) or pm.group(3) or "").lower()
            per = "week" if word.startswith("w") else "month" if word.startswith(("mo", "mau")) else "day"
        if (
            unit == "number"
            and value == int(value)
            and abs(value) >= 2
            and not m.group("num").startswith(".")
        ):
            unit = "count"
        add(Quantity(m.start(), end, m.group(0).strip(), value, unit, per))
    out.sort(key=lambda q: q.start)
    return _shared_units(text, out)


_LEVEL_BEFORE = re.compile(
    r"(?:\balpha|α|\bsignificance(?: level)?|\bsig\.?(?: level)?|\bp-?values?|\bp)\s*(?:of|=|:|at|is|level)?\s*$",
    re.IGNORECASE,
)


def _shared_units(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """A bare number joined to a percentage shares its unit: "14 and 16 percent", "from 4 to 5%"."""
    out = list(quantities)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        joined = re.fullmatch(r"\s*(?:and|or|to|-|vs\.?|versus|->)\s*", text[a.end : b.start], re.IGNORECASE)
        bare = a.unit in ("count", "number") and a.per is None and 0 < a.value <= 100
        # "alpha 0.05 and 80% power": a significance level is not a percentage of the next one's kind
        level = _LEVEL_BEFORE.search(text[max(0, a.start - 30) : a.start])
        if joined and bare and not level and b.unit in ("percent", "pp"):
            out[i] = Quantity(a.start, a.end, a.text, a.value, b.unit)
    return out


SHARES_TOTAL_TOLERANCE = (
    0.5  # percentage points: reported shares are rounded, "50.4 vs 49.6" sums to exactly 100
)


@dataclass(frozen=True, slots=True)
class ObservedShares:
    """Each arm's observed share of one total, in percent, first-named arm first ("50.4% vs 49.6% of 2M users", "came
    out 52/48 ... 2M users", "control got 50.8% of 500k users"), and the planned split in the same order when the
    question gives it (``planned_from``: the quantities that say it)."""

    percents: tuple[float, ...]
    total: Quantity
    planned: tuple[float, ...] | None
    planned_from: Quantity | None


# words that mark a share as the planned one ("on a 50/50 config", "planned 60/40", "meant to get 10%") or as what
# came out ("came out 52/48", "only got 48.9%")
_PLANNED_BEFORE = re.compile(
    r"(?:plann?ed|intended|expected|designed|configured|config|supposed to (?:be|get)|meant to (?:be|get)|"
    r"should (?:be|get)|set (?:up )?(?:as|to|at|for)|target(?:ed)?|allocat\w*|on an?|for an?|in an?|ran an?|"
    r"running an?|run an?|instead of|rather than|vs\.? the planned)\s*(?:split|allocation|of|as|at|to|be)?\s*$",
    re.IGNORECASE,
)
_PLANNED_AFTER = re.compile(
    r"^\s*(?:config\w*|design\w*|setup|set-up|allocation|test|experiment|a/?b|holdout|"
    r"split (?:was )?(?:planned|intended|configured)|(?:was |is )?(?:planned|intended|expected|configured|target))\b",
    re.IGNORECASE,
)
_OBSERVED_BEFORE = re.compile(
    r"(?:came out|come out|comes out|came in|ended up|end up|got|getting|observed|observe|saw|see|seeing|actual(?:ly)?|"
    r"landed|landing|reads|is now|shows?|showing|sit|sits)\s*(?:as|at|to|like|with)?\s*(?:about|around|~|roughly)?\s*$",
    re.IGNORECASE,
)
PLANNED_WINDOW = 30  # characters before a share that say whether it is the planned or the observed one
# an observed share this far from the planned one is something else (a conversion rate, a lift), not the split
MAX_SHARE_DRIFT = 10.0
# arms of one test: the largest count more than this many times the smallest is a total beside a share, not an arm
MAX_ARM_RATIO = 100.0


def _planned_cue(text: str, q: Quantity) -> int:
    """+1 when the words around a share mark it as planned, -1 as observed, 0 when they say neither."""
    before = text[max(0, q.start - PLANNED_WINDOW) : q.start]
    after = text[q.end : q.end + PLANNED_WINDOW]
    planned = bool(_PLANNED_BEFORE.search(before) or _PLANNED_AFTER.search(after))
    observed = bool(_OBSERVED_BEFORE.search(before))
    return int(planned) - int(observed)


def _round(q: Quantity) -> bool:
    """A split as designs are written: even ("33/33/34" for thirds), or every part a multiple of five ("90/10")."""
    parts = [100 * v for v in q.values]
    thirds = len(parts) == 3 and all(abs(p - 100 / 3) < 1 for p in parts) and all(p == int(p) for p in parts)
    return max(parts) - min(parts) < 1e-9 or thirds or all(abs(p / 5 - round(p / 5)) < 1e-9 for p in parts)


def arm_counts(counts: list[Quantity]) -> list[Quantity]:
    """The counts that are arms' sizes: two or more of comparable size (not a total beside "60 treatment / 40")."""
    if len(counts) < 2 or max(q.value for q in counts) > MAX_ARM_RATIO * min(q.value for q in counts):
        return []
    return counts


def shares_of_total(
    quantities: list[Quantity], counts: list[Quantity], text: str = ""
) -> ObservedShares | None:
    """Each arm's observed share of the one total they are shares of; None when the question gives no such shares.

    Shares come as percentages that add up to 100 ("50.4% vs 49.6% of 2M users"), as a split the question says came
    out ("the split came out 52/48 on a 50/50 config"), or as one arm's share, the other arm having the rest
    ("control got 50.8% of 500k users on a 50/50 test"). The words around them say which split was planned; when
    they do not, a split written as designs are (even, multiples of five) is the plan, and of two such the first.
    """
    if len(counts) != 1:
        return None
    total = counts[0]
    splits = [q for q in quantities if q.unit == "split"]
    cues = {id(q): _planned_cue(text, q) for q in splits}
    observed_splits = [q for q in splits if cues[id(q)] < 0 or (cues[id(q)] == 0 and not _round(q))]
    planned_splits = [q for q in splits if q not in observed_splits]
    if len(observed_splits) > 1 and not planned_splits:
        # "61/39 ... 60/40" with no word for either: the plan is usually said first
        observed_splits, planned_splits = observed_splits[1:], observed_splits[:1]
    plan = planned_splits[0] if planned_splits else None
    planned_parts = [100 * v for v in plan.values] if plan is not None else []
    percents = [q for q in quantities if q.unit in ("percent", "number") and 0 < q.value < 100]
    said_planned = [q for q in percents if _planned_cue(text, q) > 0]
    if plan is None and len(said_planned) == 1:  # "supposed to be 60% ... came in at 60.5%"
        planned_parts = [said_planned[0].value, 100 - said_planned[0].value]
    elif plan is None and abs(sum(q.value for q in said_planned) - 100) < 1e-9:
        planned_parts = [q.value for q in said_planned]  # "vs the planned 10%, control planned at 90%"
    observed = [
        q
        for q in percents
        if q not in said_planned and not any(abs(q.value - p) < 1e-9 for p in planned_parts)
    ]
    shares: list[float] = []
    if len(observed) >= 2 and abs(sum(q.value for q in observed) - 100) <= SHARES_TOTAL_TOLERANCE:
        shares = [q.value for q in observed]
    elif observed_splits and len(observed_splits[0].values) >= 2:
        shares = [100 * v for v in observed_splits[0].values]
    elif len(observed) == 1 and len(planned_parts) <= 2:
        share = observed[0].value
        expected = planned_parts or [50.0, 50.0]
        own = min(expected, key=lambda p: abs(p - share))
        if abs(own - share) > MAX_SHARE_DRIFT:
            return None
        # the arm the question gives a share of comes first, as it is named first
        shares = [share, 100 - share]
        planned_parts = [own, 100 - own] if planned_parts else []
    if not shares:
        return None
    if planned_parts and len(planned_parts) == len(shares):
        # "variant meant to get 10% (90/10)": the named arm's part first
        if len(shares) == 2 and abs(planned_parts[0] - shares[0]) > abs(planned_parts[1] - shares[0]):
            planned_parts = planned_parts[::-1]
        said = plan or (said_planned[0] if said_planned else None)
        return ObservedShares(tuple(shares), total, tuple(p / 100 for p in planned_parts), said)
    return ObservedShares(tuple(shares), total, None, None)
