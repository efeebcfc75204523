"""Intent classification: deterministic rules first, embedding similarity to prototypes as the tie-breaker.

Pure: the caller passes whether the calculator parser found something calculable and, optionally, the cosine
similarities of the question to each intent's prototype questions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import cast

from planner.types import EXPERIMENT_WORDS, INTENTS, Intent

# Prototype questions per intent (embedded once per planner; similarity breaks ties when no rule fires).
INTENT_PROTOTYPES: dict[Intent, tuple[str, ...]] = {
    "definition": (
        "What is statistical power?",
        "Define the minimum detectable effect.",
        "What does p-value mean?",
    ),
    "calculation": (
        "What sample size do I need for a 2% lift on a 10% baseline?",
        "How many users per variant do I need at 80% power?",
        "Compute the p-value for 120 conversions out of 1000 versus 100 out of 1000.",
    ),
    "methodology": (
        "How does variance affect sample size?",
        "How do I analyse a ratio metric?",
        "Why does peeking inflate the false positive rate?",
    ),
    "comparison": (
        "What is the difference between a t-test and a z-test?",
        "Bayesian versus frequentist A/B testing: which should I use?",
        "Compare Bonferroni and Benjamini-Hochberg corrections.",
    ),
    "best_practice": (
        "What are common mistakes when running A/B tests?",
        "Should I stop my experiment early when it looks significant?",
        "What are best practices for choosing guardrail metrics?",
    ),
}

# Generic experimentation vocabulary; concept names and aliases from the graph are added by the caller.
DOMAIN_WORDS: frozenset[str] = EXPERIMENT_WORDS | frozenset(
    [
        "variant",
        "variants",
        "control",
        "treatment",
        "sample",
        "samples",
        "power",
        "significance",
        "significant",
        "p-value",
        "pvalue",
        "metric",
        "metrics",
        "conversion",
        "conversions",
        "variance",
        "hypothesis",
        "effect",
        "lift",
        "mde",
        "confidence",
        "interval",
        "intervals",
        "bayesian",
        "frequentist",
        "randomization",
        "randomisation",
        "randomized",
        "randomised",
        "statistic",
        "statistics",
        "statistical",
        "baseline",
        "alpha",
        "beta",
        "error",
        "errors",
        "false",
        "positive",
        "negative",
        "rate",
        "rates",
        "users",
        "traffic",
        "split",
        "allocation",
        "uplift",
        "regression",
        "bootstrap",
        "t-test",
        "z-test",
        "chi-square",
        "standard",
        "deviation",
        "mean",
        "median",
        "guardrail",
        "srm",
        "cuped",
        "peeking",
        "sequential",
        "bandit",
        "novelty",
        "holdout",
        "cohort",
        "result",
        "results",
        "correction",
        "corrections",
        "bonferroni",
    ]
)

_WORD = re.compile(r"[a-z0-9][a-z0-9/\-']*")

_RULES: tuple[tuple[Intent, re.Pattern[str], float], ...] = (
    (
        "comparison",
        re.compile(
            r"\b(vs\b\.?|versus|difference between|differ(s|ence)? from|compare[ds]?|comparison|"
            r"better than|or should i|which (one|is better|should)|"
            # "use a bandit instead of an A/B test" chooses; "a CI for the relative lift instead of the absolute
            # difference" or "avg order value instead of conversion" says what the question is about
            r"(use|using|pick|choose|prefer|go with|switch to)\b[^?.]{0,40}\binstead of)\b"
        ),
        2.0,
    ),
    # "should I use Bonferroni or BH", "do we pick CUPED or stratification": a choice between two named options
    (
        "comparison",
        re.compile(
            r"\b(use|pick|go with|prefer|recommend|switch to)\s+(an?\s+|the\s+)?[\w/'-]+(\s+[\w/'-]+){0,3}"
            r"\s+or\s+(an?\s+|the\s+)?(?!not\b|something\b|anything\b|nothing\b|is\b|are\b|do\b|should\b|"
            r"can\b|would\b|will\b|just\b|wait\b|stop\b)[\w/'-]+"
        ),
        2.0,
    ),
    (
        "definition",
        re.compile(
            r"^\s*(?:[^:?.!]{1,40}:\s*)?(what(\s+(is|are|does)|'s|s)\b(?!.*\b(difference|better|best|need|affect|mistakes?|pitfalls?|common|typical|usual|ways|causes|should|practices?|process|steps?|"
            r"sensible|reasonable|good|right|ok|okay|enough|wrong|link|connection|relation|check)\b)|"
            r"define\b|definition of|meaning of|what('s| is) meant by|explain what|"
            r"^\s*(?:(?:can|could|would) (?:you|someone|anyone|somebody) |please |pls |eli5:?\s*)?explain "
            r"(?:to me )?(?!how\b|why\b|when\b|whether\b|the difference\b))"
        ),
        2.0,
    ),
    # "what does MDE mean" asks for a definition; "what does that mean for our forecasts" for an implication;
    # "what does SRM stand for" for the name and what it is
    (
        "definition",
        re.compile(
            r"\bwhat (?:does|do) (?!(?:it|that|this|they|these|those)\b).{1,60} (?:mean\b(?!\s+for\b)|stand for\b)"
        ),
        2.0,
    ),
    (
        "best_practice",
        re.compile(
            r"\b(best practices?|should (i|we)(?! care\b)|recommend(ed|ation)?s?|mistakes?|pitfalls?|"
            r"avoid|common errors?|tips?|do's|good practice|when to use|when should)\b"
        ),
        1.5,
    ),
    # the casual forms of asking for advice ("is it ok to...", "is that a problem", "how do I push back")
    (
        "best_practice",
        re.compile(
            r"\b(is (it|that|this) (ok|okay|fine|bad|safe|wrong|legit|valid|normal|acceptable|a problem|an issue|"
            r"a good idea|a bad idea|worth it)|(ok|okay|fine|safe|legit|acceptable) to|worth (it|doing|bothering)|"
            r"good idea|bad idea|(legit|good|valid) reason to|"
            r"overkill|bother|sensible|reasonable|what now|red flags?|gotchas?|sanity checks?|"
            # "... wants to run one more week to get it over the line. legit?", "ship or not?", "can we just stop?"
            r"legit|(ship|launch)( it| this)? or not|go or no.go|"
            # "can we still trust the number?", "can we just say we use alpha = 0.1?": whether a move is allowed
            # ("how can we report a CI for the lift?" asks how, not whether)
            r"(?<!how )(can|could) (i|we) (just |still |now |really |safely |legitimately )?"
            r"(ship|stop|call|launch|extend|trust|say|claim|report|believe|conclude|ignore|pool)|"
            # "are we good to ship?", "would you trust a p of 0.049?", "is this lift real or noise?", "how worried
            # should we be?", "what's the right call here?": a verdict on the situation, asked casually
            r"(good|safe|ready) to (go|ship|launch|stop|call)|(do|would|should) (i|we|you) (still |really |even )?trust|"
            r"(real|true) or (just )?(noise|chance|luck|a fluke|random)|(is|are) (this|it|that|these|the) "
            r"(result|lift|effect|win|difference|uplift)s? (even |actually |really )?real\b|"
            r"how (worried|concerned|bad|serious)|overthinking|right call|is there a (problem|issue|catch)|"
            # "one account spent $40k, the next highest $2k. drop it?": the verdict asked as a bare verb
            r"(drop|remove|exclude|filter|keep|toss|ignore|cut|ship|launch|call) (it|them|that|this|those|him|her)"
            r"( out)?(?=\s*\?)|"
            # "is winsorizing revenue considered cheating?": whether a practice is allowed
            r"cheating|kosher|frowned upon|"
            # the same asked indirectly: "stakeholders ask if we can call it significant"
            r"(if|whether) (i|we) can (just |still |now )?(ship|stop|call|launch|extend)|"
            # "is p-hacking really that common? what are the typical ways it sneaks in": where things go wrong
            r"(typical|common|usual|classic|main) (ways?|causes?|sources?|failure modes?|traps?)|"
            r"(how|that|really|so) common|"
            r"how (do|should|can|would) (i|we|you) (deal|handle|push back|convince|present|explain|communicate|"
            r"prevent|fix|protect|justify|defend)|how to (deal|handle|push back|convince|present|explain|"
            r"communicate|prevent|fix|protect|justify|defend)|"
            r"what (should|do|would) (i|we|you) (check|do|look|watch|tell|say)|"
            # "what to do if my test is underpowered": no rule fired and the prototypes read it as a definition
            r"what (to|(can|could) (i|we|you)) do|advice|thoughts(?=\s*\?))\b"
        ),
        1.5,
    ),
    (
        "methodology",
        re.compile(
            r"\b(how (do|does|can|should|to)|why|affect|affects|impact|influence|relationship|"
            r"relate|work|works|steps?|procedure|analy[sz]e|interpret|link between|connection between|connect|"
            r"ties? into|feeds? into)\b"
        ),
        1.0,
    ),
    (
        "calculation",
        re.compile(
            r"\b(how many (users|visitors|samples|participants|observations|days|weeks)|"
            r"sample size (do|would|will) (i|we) need|calculate|compute|what (is|would be) the "
            r"(power|sample size|p-value)\b.*\d)"
        ),
        1.5,
    ),
)

_INJECTION = re.compile(
    r"(ignore (all |the |any )?(previous|prior|above|earlier) (instructions|prompts?|rules)|disregard (the|all|your)|"
    r"system prompt|you are now|jailbreak|developer mode|reveal your (instructions|prompt))",
    re.IGNORECASE,
)
_QUERY_FRAGMENT = re.compile(
    r"(\b(select|delete|update|insert|remove|define|relate|upsert)\b.+\b(from|table|set|where|into)\b|;\s*--|"
    r"\$[a-z_]+|->\w+->|<-\w+<-)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class IntentDecision:
    """The classified intent with the evidence behind it (recorded in the trace)."""

    intent: Intent
    scores: dict[str, float]
    rules_fired: list[str]
    in_domain: bool
    domain_terms: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    # what the question asks if it is in scope after all: an ``out_of_scope`` question without a domain word whose
    # retrieval then finds relevant passages ("what should i check before i trust a big surprising win") is answered
    # as this intent, not from a plan for no intent
    in_scope_intent: Intent = "methodology"


_OWN_DATA_QUESTION = re.compile(
    r"^\s*(?:(?:is|are|do|does|did|was|were|have|has)\b.*\b(?:my|our)\s+(?:test|experiment|a/?b test|data|results?|split|arms?)\b"
    r"|how\s+(?:much|many)\b.*\b(?:my|our)\b)",
    re.IGNORECASE,
)


# a ramp schedule ("5% -> 20% -> 50%", "ramped 1%, 5%, 25%"): the shares of traffic exposed, not a baseline and a target
_PERCENT = r"\d+(?:\.\d+)?\s*%"
_RAMP = re.compile(
    rf"{_PERCENT}\s*(?:->|→|>|,|to|then)\s*{_PERCENT}\s*(?:->|→|>|,|to|then|and)\s*{_PERCENT}"
    r"|\bramp(?:ed|ing|s)? (?:up )?(?:(?:the |our )?(?:traffic|exposure|allocation|it) )?(?:from|to|through|\d)|\broll(?:ed)?[- ]?out (?:went )?(?:from|to)\b",
    re.IGNORECASE,
)


# a number that names the metric, not a value of it: "30 day retention", "7-day actives", "d7 retention", "p95 latency"
_METRIC_NAME_NUMBER = re.compile(
    r"\b(?:\d+[- ]?day|day[- ]?\d+|d\d+|w\d+)\s+(?:retention|retained|actives?|churn|conversion|revenue|ltv|engagement)\b"
    r"|\bp(?:50|75|90|95|99|99\.9)\b(?!\s*[=:<>]?\s*\d)",
    re.IGNORECASE,
)


_WORDED_QUANTITY = re.compile(
    r"[$€£]\s?\d|\d\s?(?:%|percent\b|pct\b|pp\b|percentage|points?\b|minutes?\b|seconds?\b|users\b|visitors\b)",
    re.IGNORECASE,
)


# "X vs Y" / "the difference between X and Y" where X and Y are ideas, not numbers ("O'Brien-Fleming vs Bonferroni
# across my 5 peeks", "the difference between MDE and the observed effect"): the numbers set the scene, the question
# compares methods. "4% vs 5%" or "200/4000 in control vs 260/4100" compare numbers and stay calculations.
_IDEA_COMPARISON = re.compile(r"\b(?:vs\.?|versus|difference between)\s", re.IGNORECASE)
_CALCULATION_REQUEST = re.compile(
    # "how long do people keep a holdout?", "what goes into deciding how long to run it?": practice, not a number
    # "how many of those wins are real?" counts the asker's own results: no number of users to compute
    r"\b(?:(?<!deciding )(?<!decide )how (?:many|long)(?! do (?:people|teams|companies|others|most))(?! of (?:those|them|these|the wins)\b)|how much(?![^?.]*\b(?:trust|believe|rely|worry)\b)|calculate|compute|what(?:'s| is| are| would be) (?:the|my|our) "
    r"(?:sample size|power|p[- ]?values?|interval|duration|threshold|boundar))|how (?:big|large)|needed|\bn\s*\?"
    r"|\d\s*/\s*\d|\d+ (?:out )?of \d",  # "5/25 vs 13/27", "60 of 800": counts are data
    re.IGNORECASE,
)
# "what's a holdout group and ...? thinking 5% for a quarter": the numbers are the situation of a definition question
# ("what's a good MDE for a 2% baseline?" asks for a number)
_ASKS_WHAT_A_THING_IS = re.compile(
    r"\s*what(?:'s| is| are) an? (?!good|reasonable|realistic|typical|sensible|normal|decent|min)\w",
    re.IGNORECASE,
)
_SIDE_TOKENS = 3  # words each side of the cue that must carry no number for the sides to be ideas
# sides that name the experiment's groups compare their data ("control vs treatment conversion was 5% and 6%")
_GROUP_WORDS = re.compile(r"\b(?i:control|treatment|variants?|arms?|groups?)\b|(?<![/\w])[AB][12]?(?![/\w])")


def compares_ideas(question: str) -> bool:
    """Whether ``question`` compares two methods or ideas by name, with no request to calculate."""
    from understanding.quantities import normalise

    return _compares_ideas(normalise(question))  # "fifteen vs seventeen percent" compares numbers


def _compares_ideas(question: str) -> bool:
    """``compares_ideas`` of a question whose numbers in words are already digits."""
    if _CALCULATION_REQUEST.search(question):
        return False
    for cue in _IDEA_COMPARISON.finditer(question):
        before = question[: cue.start()].split()[-_SIDE_TOKENS:]
        after = question[cue.end() :].split()[:_SIDE_TOKENS]
        sides = " ".join(before + after)
        if before and after and not any(ch.isdigit() for ch in sides) and not _GROUP_WORDS.search(sides):
            return True
    return False


# a measured value beside "vs" ("+12% vs control", "4.1% vs 3.8%"): signed, a share, money or a decimal; a bare
# integer names an idea ("type 1 vs type 2")
_RESULT_VALUE = re.compile(
    r"^[(\[]?(?:[+\-−~][$€£]?\d[\d,]*(?:\.\d+)?(?:%|pp|k)?|[$€£]\d[\d,]*(?:\.\d+)?k?|\d[\d,]*\.\d+(?:%|pp)?"
    r"|\d[\d,]*(?:%|pp|k))[)\],.;:!?]*$"
)
_RESULT_GROUP = re.compile(r"^(?:the |our )?(?:control|treatment|baseline|variants?|arms?)\b(?! groups?\b)")
_RESULT_DIFFERENCE = re.compile(
    r"\b(?:no|significant|meaningful|noticeable|measurable|detectable|big|huge|small|tiny) $"
)


def _reports_result(text: str, cue: re.Match[str]) -> bool:
    """Whether a "vs" / "difference between" ``cue`` of a comparison rule in ``text`` (lower case) reports what the
    experiment measured ("+12% vs control", "no significant difference between variants") rather than naming two
    ideas to compare."""
    if _RESULT_GROUP.match(text[cue.end() :]):
        return True
    if cue.group(0).startswith("difference"):
        return bool(_RESULT_DIFFERENCE.search(text[: cue.start()]))
    before = text[: cue.start()].split()
    return bool(before) and bool(_RESULT_VALUE.match(before[-1]))


def _rule_fires(intent: str, pattern: re.Pattern[str], text: str) -> bool:
    """Whether a rule matches ``text``; a comparison rule's "vs" or "difference between" does not count where it
    reports a result (``_reports_result``)."""
    for match in pattern.finditer(text):
        cue = _IDEA_COMPARISON.match(text, match.start()) if intent == "comparison" else None
        if cue is None or not _reports_result(text, cue):
            return True
    return False


# what follows "how do I estimate/compute ..." when the asker wants the number itself ("the sample size for a 5%
# baseline"), not the method: the calculator answers those, asking for any input it lacks
_NOT_A_NUMBER_ASKED = (
    r"(?! (?:the |my |our |a |an )?"
    r"(?:sample|power|mde|minimum|duration|p[- ]?values?|confidence|interval|lift|uplift)\b)"
)

# "can we just reweight the groups?", "is it fine to stop there?", "how do I do the power analysis when ...": the
# question asks what to do; its numbers (a p-value, "4 days", "4 variants") describe the situation
_ADVICE_ASK = re.compile(
    r"\b(?:can|could|should|shall) (?:i|we)\b(?! (?:detect|calculate|compute|estimate|expect|see)\b)"
    r"|\bis (?:it|that|this) (?:ok|okay|fine|safe|valid|legit|wrong|bad|a problem|an issue)\b"
    r"|\b(?:ok|okay|fine|safe|legit) to\b|\bor do (?:i|we) need\b|\bdo (?:i|we) have to\b"
    r"|\bhow (?:do|should|would|can) (?:i|we|you) (?:do|run|approach|set up|plan|handle|structure)\b"
    # "how to estimate a quantile treatment effect, e.g. the slowest 5% of page loads": a method, not a number
    r"|\bhow (?:to|do (?:i|we|you)|should (?:i|we)|can (?:i|we)|would (?:i|we|you)) (?:estimate|measure|analy[sz]e)"
    r"\b" + _NOT_A_NUMBER_ASKED +
    # or what to make of the situation: whether to trust it, what it means, which figure holds, when something starts
    r"|\b(?:trust|believe|believable|credible|too good to be true)\b|\bwhy\b|\bmakes? sense\b"
    r"|\bwhich (?:one|number|figure|result|estimate|do|should)\b|\bwhen (?:do|should|can|could|would|to)\b"
    r"|\b(?:does|do|did|would|will|could) (?:it|that|this|they|the \w+) (?:bias|skew|invalidate|break|ruin|matter|mean)\b"
    r"|\bwhat does (?:it|that|this) (?:mean|say about)\b|\bhow many of (?:those|them|these)\b"
    # "+3% significant, then +0.5% flat on the rerun. what's the real effect?": which result to believe
    r"|\bwhat(?:'s| is) the (?:real|true|actual) (?:effect|lift|impact|number)\b"
    # or whether to go ahead, or what to do next: "ship or not?", "what do we do", "what else should go into it?"
    r"|\b(?:ship|launch|roll \w+ out|rollout)(?: it| this)? or not\b|\bgo or no[- ]go\b|\bworth (?:it|shipping|launching)\b"
    r"|\bwhat (?:do|should|can) (?:i|we) do\b|\bwhat now\b|\bwhat else\b|\blegit\b|\badvice\b"
    r"|\bhow (?:long|often) do (?:people|teams|companies|others|most)\b"
    # or which of two methods to use: "t-test or bootstrap?", "mean or median?"
    r"|\b[a-z][\w'-]* or (?!not\b)[a-z][\w'-]*\s*\?\s*$",
    re.IGNORECASE,
)


_SPLIT = re.compile(r"(?<![\d.])(\d{1,2})\s*/\s*(\d{1,2})(?![\d.])")  # "a 50/50 test" is a split, not counts


def asks_advice(question: str) -> bool:
    """Whether ``question`` asks what to do or what to make of its situation ("can we ship?", "believable?", "does the
    ramp bias the result?") and asks for no number (``_CALCULATION_REQUEST``), whatever numbers it carries."""
    from understanding.quantities import normalise

    normalised = _SPLIT.sub(lambda m: "split" if int(m[1]) + int(m[2]) == 100 else m[0], normalise(question))
    return bool(_ADVICE_ASK.search(normalised)) and not _CALCULATION_REQUEST.search(normalised)


# a question that asks for a number and also for an explanation or a choice ("what happens to the CI width, the false
# positives and how many users we need", "each arm its own control or do we share one, and how big should it be")
_EXPLANATION_ASK = re.compile(
    r"\bwhat happens\b|\bwhy\b|\bexplain\b|\bwhat (?:does|do) (?:it|that|this|they) (?:do|mean)\b"
    # "what does a 95% CI of [-0.2%, +1.8%] actually mean?", "what does that tell me"
    r"|\bwhat (?:does|do)\b[^?]{0,60}\b(?:mean|tell (?:me|us))\b"
    r"|\bhow (?:does|do|would|will) (?:it|that|this|they|the \w+|\w+) (?:affect|change|impact|work|interact|play)\b"
    r"|\bor do (?:i|we|you)\b|\bor (?:should|can) (?:i|we)\b"
    # "exec wants to bake the 2% into the forecast. advice?": the numbers are read, and the situation answered
    r"|\b(?:any )?advice\b|\bthoughts\s*\?",
    re.IGNORECASE,
)


# how a situation came about or how a mechanism works ("how is that even possible?", "how does low power end up
# exaggerating effects?") or the right way to handle it: numbers in such a question describe what happened
_MECHANISM_ASK = re.compile(
    r"\bhow (?:is|was|are) (?:that|this|it)\b(?: even)? possible\b|\bhow come\b"
    r"|\bhow (?:does|do|did|can|could|would|will) [^?.]{0,80}?\b(?:end up|lead|led|cause|make|bias|inflate|exaggerat\w*"
    r"|flip|turn|hurt|happen)"
    r"|\bwhat(?:'s|s| is) the (?:right|best|correct|proper|standard) way\b"
    # "... the pooled numbers look weird. could simpsons paradox be the reason?": whether an idea explains it
    r"|\b(?:could|can|might|would|is|was) (?:this|that|it|(?!(?:the|an?) (?:reason|cause|explanation|culprit)\b)[a-z'\- ]{3,40}?) (?:be )?(?:the |a )?"
    r"(?:reason|cause|explanation|culprit|to blame|behind (?:it|this|that))\b",
    re.IGNORECASE,
)


# how to do a computation, or whether to do it at all ("how do we pick the covariate and compute theta?", "director
# wants me to compute observed power ... is that a thing I should be doing?"): a method or a judgement, which a
# calculator that still lacks its inputs would answer only by asking for them
_HOW_OR_WHETHER_TO_COMPUTE = re.compile(
    r"\bhow (?:do|does|should|would|can|could|to) (?:(?:i|we|you|one|people|teams) )?(?:\w+ ){0,5}?"
    r"(?:compute|calculate|estimate|pick|choose|select|derive)\b"
    + _NOT_A_NUMBER_ASKED
    + r"|\bis (?:that|this|it) (?:even )?(?:a thing|something) (?:i|we|you|anyone|people)\b"
    r"|\bshould (?:i|we) (?:even |really )?be doing\b"
    r"|\bis (?:that|this|it) (?:even )?(?:meaningful|valid|useful|a good idea|a valid \w+)\b",
    re.IGNORECASE,
)


def asks_explanation(question: str) -> bool:
    """Whether ``question`` also asks why, what happens or which way to go, besides any number it asks for: an answer
    that only asked for the calculator's missing inputs would leave that part unanswered."""
    return bool(_EXPLANATION_ASK.search(question))


# "800 signups a month ... 5% relative lifts. realistic or are we kidding ourselves?": the number answers part of it
_ASKS_IF_REALISTIC = re.compile(
    r"\b(?:realistic|feasible|doable|achievable)\s*(?:\?|$|,|\bor\b)", re.IGNORECASE
)


def asks_judgement(question: str) -> bool:
    """Whether ``question`` asks what to do or what to make of its situation (``asks_advice``: "should we even bother
    running it?") or whether its plan is realistic: a calculation answers only part of it. "How long should I run
    it?" asks for the number."""
    return asks_advice(question) or bool(_ASKS_IF_REALISTIC.search(question))


def wants_calculation(
    question: str, *, incomplete: bool = False, unknown_asked: bool = True, read_any: bool = True
) -> bool:
    """Whether a question with a recognised calculator is a request to calculate, not a question about the idea.

    True when it carries numbers, or asks about the asker's own experiment ("is there an SRM in my test?", "how much
    will CUPED cut my sample size?"), which needs their data. Advice questions ("how long should I run a test?")
    stay explanations. The caller says what the calculator made of the question; its numbers are the situation, not
    data, when the question asks what to do or what to make of it (``asks_advice``) and the calculator would either
    only ask for inputs (``incomplete``: "we got an SRM (p=0.0003), can we just reweight the groups?") or answer for
    an unknown the wording never asked for (not ``unknown_asked``: "we ramped 5% -> 20% -> 50%, can I pool
    everything?" is no sample-size question). A number in a metric's name ("30 day retention", "p95 latency") is
    no data either, and nor are numbers the calculator could not use (not ``read_any`` of an ``incomplete``
    reading: "switchback with 1 hour windows, how do we deal with carryover?"): then only wording that asks for a
    number, or about the asker's own data, makes it a calculation. Nor does an incomplete reading of a question that
    opens by asking what a thing is ("what's a holdout group and how long do people keep them? thinking 5% ...").
    Nor is a sizing reading that fell back on the sample size, of a question asking how or why something happened
    ("10% treatment on monday, 50% on thursday, pooled it loses but wins every day: how is that possible?"). Nor is
    an incomplete reading of a question that asks how a computation is done or whether to do it ("how do we pick the
    covariate and compute theta?", "compute observed power from the result: is that a thing I should be doing?").
    """
    from understanding.quantities import normalise

    # numbers in words count when they carry a unit ("a two dollar change", "ten percent"), not "two weeks" advice
    normalised = normalise(question)
    worded = _WORDED_QUANTITY.search(normalised)
    if _compares_ideas(normalised) or ((incomplete or not unknown_asked) and asks_advice(question)):
        return False
    if not unknown_asked and (asks_explanation(normalised) or _MECHANISM_ASK.search(normalised)):
        return False
    # a ramp schedule is the situation of a rollout question: "1% -> 5% -> 50%, how long should we sit at each stage?"
    # asks for a policy unless its numbers let the calculator answer it
    if (not unknown_asked or incomplete) and _RAMP.search(normalised):
        return False
    if incomplete and _ASKS_WHAT_A_THING_IS.match(normalised) and not _CALCULATION_REQUEST.search(normalised):
        return False
    if incomplete and _HOW_OR_WHETHER_TO_COMPUTE.search(normalised):
        return False
    own_data = bool(_OWN_DATA_QUESTION.search(question))
    if incomplete and not read_any and not own_data and not _CALCULATION_REQUEST.search(normalised):
        return False
    digits = any(ch.isdigit() for ch in _METRIC_NAME_NUMBER.sub(" ", question))
    return digits or bool(worded) or own_data


def words(text: str) -> list[str]:
    """Lower-case ASCII word tokens (keeps a/b, p-value, t-test together)."""
    return _WORD.findall(text.lower())


def has_text(text: str) -> bool:
    """True if ``text`` has any letter or digit in any script (the opposite of an empty question)."""
    return any(ch.isalnum() for ch in text)


def input_flags(question: str) -> list[str]:
    """Flags about hostile or odd input: prompt injection, query fragments, non-ASCII-heavy text."""
    flags: list[str] = []
    if _INJECTION.search(question):
        flags.append("prompt_injection")
    if _QUERY_FRAGMENT.search(question):
        flags.append("query_fragment")
    letters = [c for c in question if c.isalpha()]
    if letters and sum(1 for c in letters if not c.isascii()) / len(letters) > 0.3:
        flags.append("non_english")
    return flags


def classify_intent(
    question: str,
    *,
    calculable: bool,
    vocabulary: Iterable[str] = (),
    prototype_scores: Mapping[str, float] | None = None,
) -> IntentDecision:
    """Classify ``question`` into one of the six intents.

    ``calculable`` is True when the calculator parser found a tool for the question (even with missing inputs).
    ``vocabulary`` adds domain words (concept names and aliases, lower case). A question without any domain word is
    provisionally ``out_of_scope``; the route refuses only if retrieval then finds nothing relevant either.
    """
    text = " ".join(question.split()).lower()
    flags = input_flags(question)
    tokens = words(text)
    vocab = DOMAIN_WORDS | {v.lower() for v in vocabulary}
    hits = sorted({t for t in tokens if t in vocab} | {v for v in vocab if " " in v and v in text})
    in_domain = bool(hits)
    scores: dict[str, float] = {}
    fired: list[str] = []
    for rule_intent, pattern, weight in _RULES:
        if _rule_fires(rule_intent, pattern, text):
            scores[rule_intent] = scores.get(rule_intent, 0.0) + weight
            fired.append(f"{rule_intent}:{pattern.pattern[:40]}")
    if calculable:
        scores["calculation"] = scores.get("calculation", 0.0) + 3.0
        fired.append("calculation:parser")
    if prototype_scores:
        for proto_intent, sim in prototype_scores.items():
            scores[proto_intent] = scores.get(proto_intent, 0.0) + max(0.0, float(sim))
    if not has_text(text):
        return IntentDecision("out_of_scope", scores, fired, False, hits, [*flags, "empty"])
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if (
        ranked
        and ranked[0][0] == "calculation"
        and not calculable
        and not any(f.startswith("calculation:") for f in fired)
    ):
        # Numbers in a question make it look like a calculation ("we got p=0.03 on a 2% lift, can we ship?"), but
        # with no calculator recognised and no calculation wording, a calculation answer would have nothing to
        # compute and could only quote someone else's worked example.
        ranked = ranked[1:]
        fired.append("not calculation: nothing to calculate, only prototype similarity")
    chosen: Intent = "methodology"
    if ranked and ranked[0][1] > 0 and ranked[0][0] in INTENTS:
        chosen = cast(Intent, ranked[0][0])
    if not in_domain and not calculable:
        # with no rule fired only the prototypes speak, too weakly for a question in no known words ("we ship when
        # p<0.05, what else should the launch call weigh?" is nearest the definitions'): it asks how, so the
        # passages answer it as a practical question
        ruled = any(f.startswith(tuple(INTENTS)) for f in fired)
        in_scope: Intent = chosen if ruled else "methodology"
        return IntentDecision("out_of_scope", scores, fired, False, hits, flags, in_scope_intent=in_scope)
    return IntentDecision(chosen, scores, fired, True, hits, flags, in_scope_intent=chosen)
