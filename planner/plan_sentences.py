"""How a plan tells a relation and a guide's list item as a sentence that reads on its own (pure).

A relation's source reads "A/A test uses Null hypothesis: an A/A test makes the null hypothesis true ...": its
reading is a template. Most justifications already say the relation in plain words; told alone, they are the
sentence. When a justification leaves out one of the two concepts ("It is the decision criterion of many Bayesian
A/B testing tools."), the relation leads it, with the concept names in their running-text case ("the null
hypothesis", not "Null hypothesis"), so the sentence still says what is related to what.

A guide's numbered item often opens with a bold lead term ("**Uniform p-values.** Under the null ..."): the term
alone is a fragment; told with the sentence that follows it, it is a labelled point.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from planner.types import Hop
from textkit.markdown import plain_text
from textkit.sentences import source_sentences

_PAREN = re.compile(r"\s*\([^)]*\)")
_ACRONYM = re.compile(r"\(([^)]+)\)")
_WORDS = re.compile(r"[a-z0-9]+")
_PRONOUN_OPENING = re.compile(r"^(it|its|they|their|them|this|these|those|both|either|each)\b", re.I)
# a lead term the Markdown converter kept as the sentence's label: "Uniform p-values: Under the null, ..."
_LEAD_TERM = re.compile(r"^[^:.;]{2,60}:\s+\S")
STEM = 5  # letters of each name word that must start a word of the text ("randomi" ~ "randomised")


def _norm_words(text: str) -> list[str]:
    return _WORDS.findall(text.lower().replace("/", " "))


def names_in(text: str, name: str) -> bool:
    """Whether ``text`` names the concept ``name``: its words in order, each by its first letters, or its acronym.

    "Analysis of variance (ANOVA)" is named by "analysed with multi-way ANOVA" and by "analysis of variance".
    """
    low = " " + " ".join(_norm_words(text)) + " "
    words = _norm_words(_PAREN.sub("", name))
    if words:
        pattern = r"\s" + r"\w*\s(?:\w+\s)?".join(re.escape(w[:STEM]) for w in words) + r"\w*\s"
        if re.search(pattern, low):
            return True
    for acronym in _ACRONYM.findall(name):
        a = " ".join(_norm_words(acronym))
        if a and f" {a} " in low:
            return True
    return False


def running_case(name: str, corpus: str) -> str:
    """``name`` as running text writes it: lower-case first letter when the sources write it so ("null
    hypothesis"), as it is otherwise ("Bonferroni correction", "CUPED", "A/B test")."""
    first = name.split(" ", 1)[0]
    if not first[1:].islower() or not first.replace("-", "").isalpha():  # an acronym, A/B, Cohen's
        return name
    lowered = name[:1].lower() + name[1:]
    return lowered if re.search(r"(?<=[a-z,;] )" + re.escape(lowered) + r"\b", corpus) else name


def says_relation(from_name: str, to_name: str, justification: str) -> bool:
    """Whether a justification says its relation on its own: it names both concepts (the second alone when
    ``from_name`` is empty) and is a sentence."""
    return (
        len(justification.split()) >= 6
        and not _PRONOUN_OPENING.match(justification)
        and (not from_name or names_in(justification, from_name))
        and names_in(justification, to_name)
    )


# names whose last word ends in -s but that are one thing ("Selection bias", "Power analysis", "Null hypothesis")
_SINGULAR_S = re.compile(r"(ss|is|us|tics|as|os)$")
_AUXILIARY = {"is": "are", "has": "have", "was": "were", "does": "do"}


def plural_name(name: str) -> bool:
    """Whether a concept name is plural ("Heterogeneous treatment effects", "Outliers"), read from its last word."""
    words = _PAREN.sub("", name).split()
    last = words[-1] if words else ""
    # "CUPED", "SRMs", "Cox": no plural to read; "Difference-in-differences" is one method
    if len(last) <= 3 or not last[1:].islower() or "-" in last:
        return False
    return last.endswith("s") and _SINGULAR_S.search(last.lower()) is None


def agreeing(reading: str, subject: str) -> str:
    """A relation's reading ("is detected by", "mitigates") with its verb agreeing with ``subject``: "Outliers are
    detected by", "Heterogeneous treatment effects mitigate"."""
    if not plural_name(subject):
        return reading
    verb, _, rest = reading.partition(" ")
    if verb in _AUXILIARY:
        verb = _AUXILIARY[verb]
    elif verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith(("sses", "shes", "ches", "xes", "zes")):
        verb = verb[:-2]
    elif verb.endswith("s") and not verb.endswith("ss"):
        verb = verb[:-1]
    return f"{verb} {rest}".strip()


_NAME_OPENING = re.compile(r"^[A-Z][a-z]+(?:'s\b|-[A-Z]|(?: and| &|,) [A-Z][a-z]|(?: et al\b)| \(\d{4})")


def relation_sentence(
    from_name: str,
    reading: str,
    to_name: str,
    justification: str,
    case: Callable[[str], str],
    *,
    topic_known: bool = False,
) -> str:
    """A relation told as one plain sentence (see the module docstring); '' when it has nothing to say.

    ``topic_known``: the answer is about the relation's first concept (how it is handled, what it is for), so a
    justification naming the second one says the relation ("Most platforms compare arm means with a z-test because
    samples are large." in an answer about A/B tests); a path told hop by hop names both ends of each hop.
    """
    just = " ".join(justification.split()).strip()
    if just and not just.endswith((".", "!", "?")):
        just += "."
    if says_relation(from_name if not topic_known else "", to_name, just):
        return just[:1].upper() + just[1:]
    head = f"{from_name} {agreeing(reading, from_name)} {case(to_name)}"
    head = head[:1].upper() + head[1:]
    if not just:
        return f"{head}."
    return f"{head}: {continued(just)}"


def continued(sentence: str) -> str:
    """``sentence`` continuing another after a colon: its first word lower-cased ("the", "comparing"), unless it
    is a name: an acronym, a possessive ("Cohen's h"), a hyphenated name ("Clopper-Pearson"), or authors ("Deng and
    Shi (2016)", "Kohavi, Tang & Xu", "Johari et al.")."""
    first, space, rest = sentence.partition(" ")
    if _NAME_OPENING.match(sentence) or first[1:2].isupper():
        return sentence
    return first[:1].lower() + first[1:] + space + rest


def hop_sentence(
    hop: Hop, name: Callable[[str], str], case: Callable[[str], str], *, topic_known: bool = False
) -> str:
    """``relation_sentence`` of a hop, in the hop's direction of travel."""
    return relation_sentence(
        name(hop.from_id), hop.reading, name(hop.to_id), hop.justification, case, topic_known=topic_known
    )


# a pronoun subject early in the sentence stands for what the sentences before it said: "In online experimentation
# it is ..."; after a verb or a conjunction it belongs to the sentence's own clause ("X is fine when it is planned")
_PRONOUN_SUBJECT = re.compile(
    r"\b(it|they|this|these|such)\s+(is|are|was|were|has|have|can|does|do|often|also|should|may|must|will|"
    r"would|only|makes?|gives?)\b",
    re.IGNORECASE,
)
_OWN_CLAUSE = re.compile(
    r"\b(is|are|was|were|has|have|can|does|do|when|if|because|as|that|so|unless|while|since|once|until|and|but|"
    r"which|where|whether|than)\b",
    re.IGNORECASE,
)
EARLY_WORDS = 6
# "Conversely, ...", "Or use a bandit ...", "And do not ...": the sentence continues the one before it
_CONNECTIVE_OPENING = re.compile(
    r"^(or|and|but|nor|so|also|conversely|similarly|likewise|instead|finally|however|otherwise|then|thus|"
    r"therefore|hence|still|yet|in contrast|by contrast|on the other hand|in that case|even so)\b",
    re.IGNORECASE,
)
_PRONOUN_OBJECT = re.compile(
    r"^\w+\s+(it|them|this|these|those)\b(?!\s+(?:is|are|was|were)\b)", re.IGNORECASE
)


# "the main methods are as follows", "Two related problems make ...", "... would be chosen here": the sentence
# announces what follows it, or points at a worked example around it
_POINTING = re.compile(
    r"\b(as follows|the following|(shown|described|listed|given) (above|below)|in (this|the) example|"
    r"(would be|is|are) (chosen|shown|used) here)\b"
    r"|^(two|three|four|five|several|a few) (related |main |common |key |separate )?[a-z]+ (make|are|explain|cause)\b",
    re.IGNORECASE,
)


def stands_alone(sentence: str) -> bool:
    """Whether a passage sentence keeps its meaning lifted out of its passage: no early pronoun subject standing for
    what the sentences before it said, and no pointing at what comes before or after it."""
    if _PRONOUN_OBJECT.match(sentence) or _CONNECTIVE_OPENING.match(sentence) or _POINTING.search(sentence):
        return False
    m = _PRONOUN_SUBJECT.search(sentence)
    if m is None:
        return True
    before = sentence[: m.start()]
    return len(before.split()) > EARLY_WORDS or _OWN_CLAUSE.search(before) is not None


def step_sentence(step_markdown: str, n: int) -> str:
    """A guide's ``n``-th list item as one sentence that stands on its own; '' when it has none.

    "Compute the sample size first. ..." -> "Step 1: Compute the sample size first."; an item led by a bold term
    ("**Uniform p-values.** Under the null, p-values are uniform.") -> "Uniform p-values: Under the null, p-values
    are uniform." (the term with its sentence); an item that is only a term or a phrase is no sentence.
    """
    sentences = source_sentences(plain_text(step_markdown))
    if not sentences:
        return ""
    first = sentences[0]
    if _LEAD_TERM.match(first):
        return first if len(first.split()) >= 6 else ""
    if len(first.split()) < 6:  # a term or a phrase: it leads the sentence after it
        return f"{first.rstrip('.:;')}: {sentences[1]}" if len(sentences) > 1 else ""
    return f"Step {n}: {first}"


def near_duplicate(words: set[str], said: Sequence[set[str]], share: float) -> bool:
    """Whether at least ``share`` of ``words`` is already in one of the ``said`` sentences' words."""
    return bool(words) and any(len(words & s) / len(words) >= share for s in said)
