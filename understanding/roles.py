"""Role assignment: what each tagged quantity *is* (baseline, second rate, MDE, power, σ, n per group, traffic …).

Chosen design: a scorer over cue words in each quantity's context windows, not a trained model. Each role has
prefix cues (words before the number: "baseline of 5%", "power 0.8") and suffix cues (words after it: "5% baseline",
"80% power"); a cue scores its weight, decayed by how many words stand between it and the number, and only when
the quantity's unit fits the role (a σ is never a percentage, traffic is a count per day). Windows stop at the
neighbouring quantity and at sentence ends, so cues belong to the nearest number. Roles are then assigned greedily
by score, one quantity per role, with positional fallbacks for what practitioners leave implicit (of two bare rates
the first is the baseline, the second the target).

Why not a trained token classifier (MiniLM) or constrained JSON decoding with the generator: on this shared 2-core
CPU the generator costs seconds per question against a 150 ms budget for the whole pre-generation path, and a
token classifier would need thousands of labelled questions we do not have — trained on the dev half it would learn
that half's wording, which is exactly the failure this package replaces. The cue lexicon generalises because it
encodes the vocabulary of the domain, not the phrasing of any set; the held-out test half and its paraphrases
measure that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from understanding.quantities import Quantity

# words that say a rate was known before the test ("our usual 4.2%", "we normally convert 2.5%", "the long-run rate")
BENCHMARK = r"\b(?:benchmark|usual(?:ly)?|normally|historical(?:ly)?|long[- ]run(?: rate)?|typical(?:ly)?)\b"

# how practitioners say a metric falls: after the number ("a 15% drop", "5% lower", "6 percent fewer") ...
FALL_AFTER_WORDS = r"(?:drop|decrease|decline|reduction|fall|dip|fewer|lower|shorter|slower)"
# ... and in any place ("drops", "knocks it down", "goes down", "loses")
FALL_WORDS = (
    r"(?:drop(?:s|ped|ping)?|decreas\w*|declin\w*|reduc\w*|fall(?:s|ing)?|fell|dip(?:s|ped)?|shrink\w*"
    r"|los(?:e|es|ing)|cut(?:s|ting)?|knock\w*(?: \w+)? down|go(?:es|ing)? down|went down|fewer|lower"
    r"|cost(?:s|ing)? us)"
)

RATE_UNITS = ("percent", "number", "fraction")
COUNT_UNITS = ("count", "number")
MEASURE_UNITS = ("money", "time", "number", "count")
RATE_ROLES = ("baseline", "p2", "p0", "correlation")

# role → (prefix cues, suffix cues, units it accepts)
_CUES: dict[str, tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...], tuple[str, ...]]] = {
    "power": (
        (
            (r"\b(?:power|pwr)\b(?: of| at| =| is| to| check:?)?", 10),
            (r"\b(?:n|sample size|users|per group|per arm|per variant)\b[^\d]{0,12}\bat\s*$", 5),
        ),
        ((r"^\s*(?:statistical\s+)?(?:power|pwr)\b", 10), (r"^\s*(?:instead|power)", 1)),
        ("percent", "number", "count"),
    ),
    "alpha": (
        (
            (r"\b(?:alpha|α|significance(?: level)?|sig(?:\.|nificance)? level|level of)\b", 10),
            (r"\bat the\b", 1),
            # "1-tailed test at 5%", "two sided at 10%"
            (r"\b(?:sided|tailed)(?:\s+(?:test|z-?test|t-?test))?\s+(?:at|@)\s*$", 10),
        ),
        ((r"^\s*(?:significance|sig\b|alpha|level\b|significance level)", 10),),
        ("percent", "number", "count"),
    ),
    "confidence": (
        ((r"\bconfidence(?: level)?\b", 8),),
        ((r"^\s*(?:confidence|ci\b|conf)", 8),),
        ("percent",),
    ),
    "exposed_share": (
        (
            (r"\b(?:send|expose|exposed|eligible|allocate|route|only)\b", 4),
            (r"\bexposure\b", 8),
            (
                r"\bof (?:which|whom|those|them)\s*(?:only\s+|about\s+|~\s*)?$",
                8,
            ),  # "10k a day, of which 60% …"
        ),
        (
            (r"^\s*(?:of (?:the |our |all |daily )?(?:traffic|users|visitors|sessions|them))", 9),
            # "20% reach the product page", "30% of them open the cart": the share the tested page sees
            (
                r"^\s*(?:of (?:them|those|these|the (?:users|visitors))\s+)?(?:ever\s+|actually\s+)?"
                r"(?:reach(?:es)?|see|sees|hit|hits|get to|gets to|make it to|land on|lands on|opens?|visits?)\b"
                r"(?!\s*(?:rates?|ratio)\b)",  # "25% open rate" is a rate
                8,
            ),
            (r"^\s*(?:exposed|exposure|eligible|in(?:to)? the (?:test|experiment))", 9),
            (r"^\s*(?:enter|are eligible)", 6),
            (r"^\s*(?:allocated|assigned|routed|sent|bucketed)\b", 8),
            (r"^\s*(?:[a-z]+\s+){0,3}?(?:included|enrolled|bucketed|let) in(?:to)?\b", 8),
        ),
        ("percent",),
    ),
    "variance_reduction": (
        (
            (r"\b(?:variance|cuts? variance|reduces? (?:the )?variance)\b.{0,20}\b(?:by|of)\b", 10),
            (r"\bvariance reduction of\b", 12),
            (r"\b(?:cuts?|removes?|reduces?)\b.{0,12}$", 3),
        ),
        ((r"^\s*(?:variance reduction|of (?:the )?variance|less variance|variance)", 10),),
        ("percent",),
    ),
    "mde_abs": (
        ((r"\babsolute\b", 3),),
        ((r"^\s*(?:absolute|abs\b)", 6), (r"^\s*(?:\(?absolute\)?)", 3)),
        ("pp",),
    ),
    "mde": (
        (
            (
                r"\b(?:mde|minimum detectable effect|lift|uplift|improvement|change|increase|effect"
                r"|drop|decrease|decline|reduction|fall|dip)\b(?: of| is| =| at)?\s*$",
                7,
            ),
            # a verb for the change, its object and "by": "bump it ~15%", "grows that by eight percent",
            # "knocks it down 12%", "going down by 0.8 points"
            (
                r"\b(?:bump|grow|raise|boost|improve|lift|increase|push|move)\w*(?:\s+(?:it|that|this|them))?\s+"
                r"(?:up\s+)?(?:by\s+)?(?:about\s+|around\s+|roughly\s+|~\s*)?$",
                7,
            ),
            (
                rf"\b(?!lower\b|fewer\b){FALL_WORDS}(?:\s+(?:it|that|this|them))?\s+(?:by\s+)?(?:about\s+|around\s+|~\s*)?$",
                7,
            ),
            (r"\b(?:detect|see|catch|pick up)\s+(?:an?\s+)?(?:\+)?$", 4),
            (r"\+$", 3),
        ),
        (
            (r"^\s*(?:relative|rel\.?)\b", 8),
            (r"^\s*(?:\(relative\))", 8),
            (
                rf"^\s*(?:mde|minimum detectable|lift|uplift|improvement|increase|change|effect|relative|rise|difference"
                rf"|bump|{FALL_AFTER_WORDS})\b",
                7,
            ),
            # "sessions get 3% longer": a comparative after the number is a change, not a rate the variant gets
            (r"^\s*(?:longer|shorter|higher|bigger|larger|faster|slower)\b", 10),
        ),
        ("percent",),
    ),
    "baseline": (
        (
            (
                r"\b(?:baseline|base ?rate|control|current(?:ly)?|today|now|p1|converts?|conversion(?: rate)?|conv|cr|ctr|rate|sits|is at|at about|we convert|convert(?:ing)?|open rate|retention|bounce rate|from)\b[^%\d]{0,25}$",
                5,
            ),
            (r"\bfrom\s*$", 6),
            (r"\bp1\s*=?\s*$", 10),
            # "2 points lower than the current 30%" (not a one-sample test's "than" a benchmark)
            (r"\bthan\s+(?:the\s+|our\s+)?(?:current|existing|present|today'?s|baseline)\b[^%\d]{0,20}$", 8),
            # "costs us five percent of our 28% retention": the rate the change is a share of
            (r"(?:%|\bpercent|\bper ?cent)\s+of\s+(?:our|the|its|their|that|this)\s+(?:current\s+)?$", 7),
            # a metric said to be at a level: "onboarding completion is 40%", "current d30 is 0.14" (weak: a named
            # role's own cue outscores it)
            (
                r"\b[a-z][\w-]*\s+(?:rate\s+)?(?:is|was|sits at|runs at|runs)\s+(?:about\s+|around\s+|roughly\s+|~\s*)?$",
                3,
            ),
        ),
        (
            (
                r"^\s*(?:baseline|base rate|conversion|conv\b|cr\b|in control|now|today|control|open rate|to begin|currently)",
                5,
            ),
            (r"^\s*(?:vs\.?|versus|->|→|to)\s", 2),
            (r"^\s*[a-z][\w-]*\s+(?:baseline|base rate)\b", 5),  # "22% activation baseline"
            # "45% opens now": over the exposed share's "opens" (the share that opens a page)
            (r"^\s*[a-z][\w-]*\s+(?:now|today|currently|at the moment)\b", 9),
            # "1.8% of users wishlist something today": the share of users doing it now
            (
                r"^\s*of\s+(?:our\s+|all\s+)?(?:users|visitors|customers|people|sessions|shoppers|players|members"
                r"|subscribers|signups|accounts)\b(?:(?!\b(?:test|experiment|treatment|variant|expos|eligib|see|reach)"
                r")[^.;%\d]){0,40}\b(?:today|currently|right now|now|these days|at the moment|at present)\b",
                10,  # over the exposed share's "of users": the share doing something now is a rate
            ),
        ),
        RATE_UNITS,
    ),
    "p2": (
        (
            (
                r"(?:\b(?:to|target|hope(?:d)?(?:[- ]for)?|expect(?:ed|ing)?|treatment|variant|new|gets?|vs\.?|versus|p2|move to|down to|rise to|into)|->|→)\s*(?:is|at|of|=|around|about|hopefully|rate)?\s*$",
                6,
            ),
            (r"\bp2\s*=?\s*$", 10),
            (r"\b(?:and|with the new|push it to|lifts? it to|gets? it to)\s*$", 3),
        ),
        (
            (
                r"^\s*(?:target|in the (?:other|variant|treatment|test)|hoped|with the new|in treatment|for the variant"
                r"|expected (?:after|with|from|for|in)|anticipated)",
                6,
            ),
        ),
        RATE_UNITS,
    ),
    "p0": (
        (
            (
                r"\b(?:against|different from|than|known rate|fair rate of|industry|compared to|expected?)\b[^\d]{0,20}$",
                6,
            ),
            # a rate known before the test: "vs benchmark 0.32", "our usual 4.2 percent", "historically converts at"
            (BENCHMARK + r"[^\d]{0,20}$", 7),
        ),
        ((r"^\s*(?:industry|expected|known|benchmark)", 4),),
        ("percent", "fraction", "number"),
    ),
    "sd": (
        (
            (
                # "the sd of the per-user change is about 3.5", "sd of the before/after differences is 3.5"
                r"\b(?:sd|s\.d\.|σ|sigma|standard deviation|std\.? ?dev|std|stdev|variability)\b[^\d$€£]{0,40}$",
                10,
            ),
        ),
        ((r"^\s*(?:\)?\s*(?:sd|standard deviation|std)\b)", 8),),
        MEASURE_UNITS,
    ),
    "delta": (
        (
            (
                r"\b(?:difference|diff|change|lift|increase|improvement|shift|delta|δ|mde|deviation|effect|detect|see|pick up|catch|care about|move|mean difference|difference of|up by|down by|a)\b[^\d$€£]{0,14}$",
                4,
            ),
            (r"\b(?:delta|δ|mean diff(?:erence)?|diff)\s*(?:of|=|is)?\s*$", 9),
            (r"\b(?:expect(?:ed|ing)?|hope(?:d)? for|anticipate)\s*(?:an?\s+)?(?:change of\s+)?\+?\s*$", 5),
        ),
        (
            (
                r"^\s*(?:[a-z]+\s)?(?:difference|change|lift|increase|improvement|shift|mde|decrease|reduction|bump|more|rise|swing)",
                7,
            ),
            (r"^\s*(?:-?unit|units)\b", 3),
            (r"^\s*(?:expected|hoped for|anticipated)\b", 5),
        ),
        MEASURE_UNITS,
    ),
    "mean": (
        (
            (
                r"\b(?:mean|average|averages|averaging|avg|aov is|basket is)\b\s*(?:of|=|is|:)?\s*"
                r"(?:~|about|around|roughly)?\s*$",
                8,
            ),
            (
                r"\b(?:mean|average|avg|arpu|aov)\b"
                r"(?:(?!shift|diff|change|increase|decrease|lift|improv|deviat|effect|sample|size|\bsd\b|standard|\bn\b)"
                r"[^\d$€£.;:]){0,30}?\b(?:is|of|at|around|about|roughly)\s*~?\s*$",
                7,
            ),
            (r"\b(?:arpu|aov)\s*$", 7),
            # "revenue per user $4.20 sd $15": a per-unit metric's value
            (
                r"\b(?:revenue|spend|order value|basket size|items|time on (?:page|site)|session length|sessions)\s+"
                r"per\s+(?:user|visitor|order|session|customer|buyer)\s*(?:is|of|=|:|at|around|about)?\s*~?\s*$",
                7,
            ),
            # the reference mean of a one-sample test is not the difference to detect
            (r"\b(?:target|known|reference|benchmark|historical)(?: mean| value)?\s*(?:of|=|is|:)?\s*$", 6),
        ),
        (),
        ("money", "number", "count", "time"),
    ),
    "n_per_group": (
        (
            (r"\b(?:n|sample size)\s*(?:=|of|is|:)?\s*$", 5),
            (r"\bn\s*=\s*$", 6),
            (
                r"\b(?:n|sample size|sample|users?)\s+(?:per|in each|each)\s+(?:group|arm|variant)\s*"
                r"(?:is|=|of|:|would be|will be)?\s*$",
                9,
            ),
            (r"\bn[12]\s*=\s*(?:n[12]\s*=\s*)?$", 8),
            (r"\b(?:only |can |)(?:have|with|get|gets|of|recruit|afford|if each variant gets|has)\s*$", 2),
        ),
        (
            (
                r"^[\s-]*(?:[a-z]+\s+){0,2}?(?:per|in each|each|a|per-)\s?(?:group|arm|variant|variation|side|condition|cell|bucket)",
                9,
            ),
            (r"^\s*(?:in each|each)\b", 8),
            (r"^\s*(?:[a-z]+\s+){0,1}(?:per\s?(?:group|arm|variant))", 9),
        ),
        COUNT_UNITS,
    ),
    "n_control": (
        (
            (
                r"\b(?:control|n_control|control n|control users)\b(?:\s+(?:will|would|should|group|users))*"
                r"\s*(?:=|had|has|gets?|got|with|of)?\s*$",
                7,
            ),
        ),
        (
            (r"^\s*(?:(?!and\b|but\b|while\b|whereas\b)[a-z]+\s+){0,3}?(?:in (?:the )?control|control)", 8),
            (r"^\s*(?:[a-z]+\s+)?(?:in|for) (?:a|the )?control", 8),
        ),
        COUNT_UNITS,
    ),
    "n_treatment": (
        (
            (
                r"\b(?:treatment|variant|treated|n_treatment|treatment n)\b(?:\s+(?:will|would|should|group|users))*"
                r"\s*(?:=|had|has|gets?|got|group)?\s*$",
                7,
            ),
        ),
        (
            (
                r"^\s*(?:(?!and\b|but\b|while\b|whereas\b)[a-z]+\s+){0,3}?(?:in (?:the )?(?:treatment|variant|test arm)|treatment|treated|variant"
                r"|the new (?:page|version|flow|design|variant))",
                8,
            ),
        ),
        COUNT_UNITS,
    ),
    "n_total": (
        (
            (r"\b(?:total|overall|in total|N\s*=|need|needed|total sample)\b[^\d]{0,10}$", 4),
            (r"\btotal\b.{0,12}$", 4),
            (r"\b(?:collect|gather|accumulate|reach)\b[^\d]{0,10}$", 5),
        ),
        (
            (r"^\s*(?:[a-z]+\s+){0,2}?(?:in total|total|overall)", 8),
            (r"^\s*(?:[a-z]+\s+){0,1}needed overall", 8),
            (r"^\s*(?:[a-z]+\s+)?(?:split|divided|spread|shared)\b", 9),  # "1.5M users split 50/50"
        ),
        COUNT_UNITS,
    ),
    "n_one": (
        ((r"\b(?:sample of|n\s*=)\s*$", 4),),
        (
            (r"^\s*(?:pairs|measurements|observations|subjects|people)\b", 3),
            (r"^\s*(?:drivers|users|participants|patients|stores|customers|respondents|players)\b", 2),
        ),
        COUNT_UNITS,
    ),
    "n_pairs": (
        (),
        ((r"^\s*pairs\b", 8),),
        COUNT_UNITS,
    ),
    "correlation": (
        ((r"\b(?:correlation|correlated|correlates|corr|rho|ρ|r)\b[^\d]{0,45}$", 10),),
        ((r"^\s*(?:\(cuped\)|correlation|with the pre)", 6),),
        ("number",),
    ),
    "effect_d": (
        ((r"\b(?:cohen'?s d|d\s*=?|effect size d|effect size)\s*(?:of|=|is)?\s*$", 10),),
        (),
        ("number",),
    ),
    "effect_f": (
        ((r"\b(?:cohen'?s f|f\s*=?|effect size f|effect size)\s*(?:of|=|is|around)?\s*$", 10),),
        ((r"^\s*(?:\(f\))", 4),),
        ("number",),
    ),
    "effect_w": (((r"\b(?:cohen'?s w|w\s*=?|effect size w)\s*(?:of|=|is)?\s*$", 10),), (), ("number",)),
    "df": (
        ((r"\b(?:df|degrees of freedom)\s*(?:of|=|is)?\s*$", 10),),
        ((r"^\s*(?:df|degrees of freedom|dof)\b", 10),),
        ("count", "number"),
    ),
    "k_groups": (
        ((r"\bk\s*=\s*$", 10),),
        ((r"^\s*(?:[a-z]+\s+)?(?:groups|arms|versions|conditions)\b", 7),),
        ("count",),
    ),
    "looks": (
        # "if we peek 5 times" ("look 4 times" is as often the situation of a question about the idea)
        ((r"\bpeek(?:ing|ed|s)?(?: at (?:it|the (?:results|data|test)))?\s*$", 6),),
        ((r"^\s*(?:[a-z]+\s+){0,2}?(?:looks|analyses|peeks|stages|interim)", 10), (r"^\s*times\b", 4)),
        ("count",),
    ),
    "variants": (
        (),
        (
            (r"^\s*(?:variants|treatments|challengers|variations)\b(?!\s+per)", 8),
            # "two new layouts vs control"
            (
                r"^\s*(?:new|different|alternative)\s+[a-z-]+?s\s+(?:vs\.?|versus|against|and|plus|\+)\s+"
                r"(?:the\s+|a\s+)?(?:control|current|old)\b",
                10,
            ),
        ),
        ("count",),
    ),
    "q_ratio": (
        (
            (
                r"(?:β/α|beta/alpha|beta to alpha|ratio q|q\s*=|β/α ratio(?: of)?|beta/alpha ratio(?: of)?)\s*(?:=|of|is)?\s*$",
                10,
            ),
            (r"\bratio (?:of )?$", 2),
        ),
        ((r"^\s*\(beta to alpha\)", 8),),
        ("count", "number"),
    ),
    "ratio": (
        ((r"\b(?:ratio|allocation ratio|ratio of)\s*(?:of|=|is)?\s*$", 8),),
        ((r"^\s*(?:x|times)\b", 6),),
        ("count", "number", "ratio"),
    ),
    "daily_traffic": (  # mostly decided by the per-day unit; "daily traffic 20k" names it before the number
        (
            (
                r"\b(?:daily|per[- ]day)\s+(?:traffic|visitors|users|sessions|visits|pageviews)\b\s*(?:of|is|=|:|at)?\s*$",
                12,
            ),
        ),
        (),
        ("count", "number"),
    ),
    "days": ((), (), ("days",)),
    "looks_placeholder": ((), (), ()),
}

_STOP = re.compile(r"[.;?!](?=\s|$)|\n")


def _windows(text: str, quantities: list[Quantity], i: int) -> tuple[str, str]:
    q = quantities[i]
    left_start = quantities[i - 1].end if i > 0 else 0
    right_end = quantities[i + 1].start if i + 1 < len(quantities) else len(text)
    left = text[max(left_start, q.start - 60) : q.start]
    stops = list(_STOP.finditer(left))
    if stops:
        left = left[stops[-1].end() :]
    right = text[q.end : min(right_end, q.end + 45)]
    stop = _STOP.search(right)
    if stop:
        right = right[: stop.start()]
    return left.lower(), right.lower()


@dataclass(frozen=True)
class Assignment:
    """A quantity with the role it was given and the evidence (score, cue)."""

    role: str
    quantity: Quantity
    score: float
    cue: str


def _plausible(role: str, q: Quantity, left: str = "", right: str = "") -> bool:
    """Ranges a role's number can take as people write it (a power of 800 is a group size, not a power)."""
    v = q.value
    if role.startswith("n_") and (v < 2 or v != int(v)):
        return False  # "control 0.10" is a rate, not a group size
    if role == "exposed_share" and re.match(
        r"\s*of (?:the |our |all )?(?:visitors|users|sessions|customers|people)\s+(?:buy|convert|purchase|sign|click|churn|return|subscribe|open|order)",
        right,
    ):
        return False  # "5% of visitors buy": a conversion rate
    if (
        role == "power"
    ):  # an input power below 50% is not something people ask for; "power = 2" is kept to reject it
        if q.unit == "percent":
            return v >= 50
        if q.unit == "count":
            return 50 <= v < 100 or (v < 10 and bool(re.search(r"power\s*(?:=|of|is|:)\s*$", left)))
        return v >= 0.5
    if role == "exposed_share" and re.search(r"\bconver(?:t|ts|ting|sion)\b|\bsign(?:s|ed)? up\b", left):
        return False  # "we convert 4.5% of visitors" is a rate, not the share sent into the test
    if role == "alpha":
        return q.unit == "percent" or v < 2 or ("." in q.text and v < 10)
    if role in ("effect_d", "effect_f", "effect_w", "correlation"):
        return abs(v) < 5
    return True


def _score(role: str, q: Quantity, left: str, right: str, shared: bool = False) -> tuple[float, str]:
    prefix, suffix, units = _CUES[role]
    if q.unit not in units or not _plausible(role, q, left, right):
        return 0.0, ""
    if role in RATE_ROLES and q.unit != "percent" and not 0 < q.value < 1:
        return 0.0, ""
    best, cue = 0.0, ""
    for pattern, weight in prefix:
        m = re.search(pattern, left)
        if m:
            gap = len(left[m.end() :].split())
            s = weight / (1 + gap / 3)
            if s > best:
                best, cue = s, m.group(0).strip()
    for pattern, weight in suffix:
        m = re.search(pattern, right)
        if m:
            gap = len(right[: m.start()].split())
            s = weight / (1 + gap / 3)
            if shared and not right[m.end() :].strip(" =:,"):
                s *= 0.7  # the cue sits right before the next number: it more likely names that one
            if s > best:
                best, cue = s, m.group(0).strip()
    return best, cue


def candidates(text: str, quantities: list[Quantity]) -> list[list[tuple[float, str, str]]]:
    """For each quantity, every role it could play, best first: (score, role, cue)."""
    out = []
    for i, q in enumerate(quantities):
        left, right = _windows(text, quantities, i)
        shared = i + 1 < len(quantities) and quantities[i + 1].start - q.end <= 45
        scored = []
        for role in _CUES:
            s, cue = _score(role, q, left, right, shared)
            if s > 0:
                scored.append((s, role, cue))
        if q.per in ("day", "week", "month") and q.unit in ("count", "number"):
            scored.append((12.0, "daily_traffic", f"per {q.per}"))
        if q.unit == "days":
            scored.append((9.0, "days", "days"))
        if q.unit == "pp":
            scored.append((9.0, "mde_abs", "percentage points"))
        scored.sort(key=lambda t: -t[0])
        out.append(scored)
    return out
