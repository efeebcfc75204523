"""Practitioner phrasings that name a concept without its name: "calling the test early" is peeking, "use last
month's revenue to cut the noise" is CUPED, "the lift faded after a week" is a novelty effect.

The question embedding does not bridge these: the concept index holds definitions, and a sentence about a product
manager who wants to stop a test on day three lands nearer "test duration" than "peeking". Each entry is a pattern
for a common way of describing a situation in the field, and the graph concept name that the situation is about.
``concept_hints`` returns the names; the question focus appends them, so the linker links them like any name and
the trace shows which phrase brought them in.

Patterns describe situations, not question wordings: each must read as a description of the concept's situation to
someone who knows the field, whatever the question around it asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ACT = r"(?:call(?:ing|ed|s)?|stop(?:ping|ped|s)?|end(?:ing|ed|s)?|kill(?:ing|ed|s)?|cut(?:ting|s)?|"
_ACT += r"wrap(?:ping|ped|s)?(?: up)?|finish(?:ing|ed|es)?|shut(?:ting|s)? (?:it )?down)"
_TEST = r"(?:it|this|that|the (?:test|experiment|ab test|a/b test)|a (?:test|winner)|an experiment|things)"


@dataclass(frozen=True, slots=True)
class PhraseHint:
    """A situation pattern and the concept name it stands for."""

    concept: str
    pattern: re.Pattern[str]


def _hint(concept: str, *patterns: str) -> PhraseHint:
    return PhraseHint(concept, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))


PHRASE_HINTS: tuple[PhraseHint, ...] = (
    _hint(
        "Peeking",
        rf"\b{_ACT} (?:{_TEST} )?(?:early|before (?:the end|it'?s done|the planned))\b",
        rf"\b{_ACT} {_TEST} (?:on|after) (?:day|week) \w+",
        r"\bstop(?:ping|s)? (?:it |the test )?(?:when|once|as soon as) (?:it'?s |it is |it gets |it hits )?"
        r"(?:stat(?:istically)? ?)?sig",
        r"\b(?:keeps?|keeping|constantly|repeatedly|always) (?:checking|looking at|watching|refreshing|monitoring)"
        r" (?:the )?(?:results?|numbers|dashboard|p-?values?|significance)",
        r"\bcheck(?:ing|s|ed)? (?:the )?(?:results?|dashboard|p-?values?|numbers) (?:every (?:day|hour|morning)|"
        r"daily|hourly|constantly)",
        r"\b(?:as soon as|the moment|once) (?:it|we|the test|the result)(?:'s| is| hits?| reach(?:es)?| gets?) "
        r"(?:stat(?:istically)? ?)?sig",
    ),
    _hint(
        "CUPED",
        r"\b(?:pre-?period|pre-?experiment|pre-?test|pre-?treatment|historical|last (?:week|month|quarter)'?s?|"
        r"prior[- ]period|before[- ]the[- ]test) (?:data|revenue|spend|metrics?|values?|behaviou?r|activity|"
        r"conversions?)\b",
    ),
    _hint(
        "Variance reduction",
        r"\b(?:reduc\w*|cut\w*|lower\w*|less|shrink\w*|tame|dampen\w*) (?:the )?(?:noise|variance|variability)\b",
    ),
    _hint(
        "Factorial design",
        r"\b(?:chang\w*|test\w*|tweak\w*|ship\w*) (?:two|2|three|3|several|multiple|a few) "
        r"(?:things|changes|elements|variables|factors|features)\b",
        r"\b\w+ and (?:the )?\w+ (?:at once|at the same time|together|in (?:one|the same|a single) "
        r"(?:test|experiment|variant))\b",
    ),
    _hint(
        "Carryover effect",
        r"\b(?:reus\w*|re-us\w*|recycl\w*|same) (?:the same )?(?:buckets?|users|population|audience|traffic|"
        r"randomi[sz]ation) (?:between|across|for|in) (?:tests|experiments|every|each|the next)",
        r"\b(?:re-?randomi[sz]\w*|reshuffl\w*|re-?bucket\w*) (?:the )?(?:users|buckets|traffic)",
    ),
    _hint(
        "Sample ratio mismatch",
        r"\b(?:uneven|unequal|lopsided|imbalanced|unbalanced|off|skewed) (?:split|traffic split|groups|buckets|"
        r"allocation|user counts)\b",
        r"\b(?:more|fewer|less) users in (?:the )?(?:control|treatment|one (?:arm|group|variant|bucket))",
    ),
    _hint(
        "Novelty effect",
        r"\b(?:lift|effect|uplift|gain|engagement|spike|bump)\b[^.?!]{0,40}\b(?:wore off|wears? off|wearing off|"
        r"faded?|fading|went away|disappeared|dropped off)\b",
    ),
    _hint(
        "Multiple testing problem",
        r"\b(?:lots of|many|dozens of|tons of|a bunch of|hundreds of|\d{2,}) (?:metrics|kpis|segments|"
        r"variants|comparisons|hypotheses)\b",
    ),
    _hint(
        "Segment analysis",
        r"\b(?:slic\w+|break\w* (?:it |the results? )?down|drill\w* down|split\w* (?:the results? )?) "
        r"(?:the )?(?:results? |data )?by (?:country|device|platform|segment|browser|region|user type|cohort)",
    ),
    _hint(
        "Outliers",
        r"\bwhales?\b",
        r"\b(?:a few|some|handful of) (?:huge|big|massive|extreme) (?:spenders|orders|users)",
    ),
    _hint(
        "Interference",
        r"\bspill ?overs?\b",
        r"\b(?:users|treatment and control|groups) (?:talk|interact|share|compete)\w*\b",
        r"\bcontaminat\w+ (?:between|across|of the control)",
    ),
    _hint(
        "Launch decision",
        r"\b(?:whether|if|when) (?:we |to )?(?:actually )?(?:ship|launch|roll ?out)\b",
        r"\b(?:test|experiment|variant|treatment) (?:that )?(?:lost|failed|was flat|came back flat|"
        r"was inconclusive)\b",
        r"\b(?:losing|failed|flat|inconclusive) (?:test|experiment|result|variant)\b",
    ),
    _hint(
        "Statistical power",
        r"\bunder-?powered\b",
        r"\bnot enough (?:traffic|users|data|samples?|visitors)\b",
    ),
    _hint(
        "Twyman's law",
        r"\b(?:suspiciously|unbelievably|surprisingly|crazy|insanely) (?:good|large|big|high|huge)\b",
        r"\b(?:suspicious|unbelievable|crazy|insane|huge|massive) (?:lift|uplift|win|jump|gain|improvement)\b",
    ),
    _hint(
        "p-hacking",
        r"\b(?:fishing (?:for|expedition)|cherry-?pick\w*)\b",
        r"\b(?:keep|kept|keeps) (?:slicing|trying|testing|looking) until\b",
    ),
    _hint(
        "Winner's curse",
        r"\b(?:lift|effect|win|gain|uplift)\b[^.?!]{0,40}\b(?:shr[iau]nk|smaller|disappeared|went away|"
        r"didn'?t hold|did not hold|vanished)\b[^.?!]{0,30}\b(?:after|post|once) (?:launch|shipping|rollout|"
        r"we shipped|we launched|rolling out)",
    ),
    _hint(
        "Effect dilution",
        r"\bonly (?:a )?(?:few|small (?:fraction|share|part|percent\w*)|some|\d+ ?%) (?:of )?(?:the )?"
        r"(?:users|visitors|people) (?:actually |ever |even )?(?:see|saw|hit|reach|use|get|touch|notice)",
    ),
    _hint(
        "Intention-to-treat analysis",
        r"\bnon-?complian\w*|\bnon-?compliers?\b",
        r"\b(?:not all|not every|only some|only part of the|some of the|half (?:of )?the|many) (?:of the )?(?:assigned |treated )?"
        r"(?:users|people|customers|units)\b[^.?!]{0,30}\b(?:got|get|received?|saw|see|used?|took|opened)\b"
        r"[^.?!]{0,15}\b(?:treatment|change|feature|variant|offer|email)",
        r"\b(?:didn'?t|did not|never|don'?t|do not) (?:actually )?(?:get|got|receive|received|see|saw|use|used|open|"
        r"opened|take up|took up) (?:the )?"
        r"(?:treatment|variant|offer|email|new (?:feature|experience|version))",
    ),
    _hint(
        "False positive risk",
        r"\b(?:only|just|about|maybe|like) (?:a few|some|a handful|a small (?:share|fraction)|\d+ ?%|one in \w+)"
        r"(?: of (?:our|the|them|those))?(?: (?:tests|experiments|ideas))? (?:win|wins|succeed|are winners|"
        r"work out|pay off|ship)\b",
        r"\b(?:low|typical|historical) (?:win|success|hit) rate\b",
    ),
    _hint("Holdout group", r"\bhold-?backs?\b"),
    _hint(
        "Day-of-week effect",
        r"\b(?:weekend|weekday) (?:traffic|users|effects?|behaviou?r|seasonality|dip|spike)",
    ),
)


def concept_hints(text: str) -> list[tuple[str, str]]:
    """``(concept name, matched phrase)`` for each situation ``text`` describes, in the order of the table."""
    out: list[tuple[str, str]] = []
    for hint in PHRASE_HINTS:
        match = hint.pattern.search(text)
        if match:
            out.append((hint.concept, match.group()))
    return out
