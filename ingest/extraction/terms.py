"""Term shapes: the words a term never starts or ends with, how a term is read back from a cue, and name folding."""

from __future__ import annotations

import re

STOP = frozenset(
    """a an the this that these those it its it's they their them we our us you your he she his her i my me
    there here so and or but also which what when where why how who whom whose some any each every all
    one no not is are was were be been being has have had do does did can could will would should may
    might must shall of to in on at by for with from as into onto over under about after before between
    than then if because while though although just only very really more most less least much many such
    other another same use using used let lets let's see sees saw get gets got make makes made run runs
    ran go goes went say says""".split()  # noqa: SIM905  (a word list reads better as text)
)
LEAD_INS = frozenset({"the", "a", "an", "our", "your", "their", "its", "this", "that", "so", "also", "and"})
GENERIC_HEADS = frozenset(
    """thing things fix version problem problems idea way ways reason point answer question caveat note
    trick catch result results goal team page step section part kind type sort lot bit case example rule
    abstract summary heads owner q a tl;dr update edit ps""".split()  # noqa: SIM905  (a word list reads better as text)
)
# Verbs that introduce a term ("we propose X, a …"): a term never extends back over them.
INTRODUCERS = frozenset(
    """propose proposes introduce introduces study studies formalize formalise define call present""".split()  # noqa: SIM905  (a word list reads better as text)
)
ADVERBS = frozenset(
    """upstream downstream temporarily first later too again instead overall today there here ago""".split()  # noqa: SIM905  (a word list reads better as text)
)
WORD = r"[A-Za-z0-9][\w'’/.+-]*"
ABBR = r"[A-Z0-9][A-Za-z0-9]{1,7}"


def clean(text: str) -> str:
    """Markdown emphasis and list bullets blanked out, keeping every character's offset."""
    text = re.sub(r"[*`]|(?<![\w])_|_(?![\w])", " ", text)
    return re.sub(r"^(\s*)[-+•](\s)", r"\1 \2", text, flags=re.MULTILINE)


def _tokens(term: str) -> list[str]:
    return term.split()


def display(term: str) -> str:
    term = " ".join(term.split()).strip(" ,.;:")
    return term[:1].upper() + term[1:] if term[:1].islower() else term


def term_ok(term: str) -> bool:
    words = _tokens(term)
    if not 1 <= len(words) <= 6:
        return False
    low = [w.lower().strip(",.;:") for w in words]
    if low[0] in STOP or low[-1] in STOP or low[-1] in GENERIC_HEADS or low[0] in GENERIC_HEADS:
        return False
    if any(w in STOP and w not in {"of", "to"} for w in low):
        return False
    if len(words) == 1 and len(low[0]) < 3:
        return False
    return not all(re.fullmatch(r"[\d.%,]+", w) for w in low)


def scan_back(text: str, end: int, max_words: int = 6) -> tuple[int, str] | None:
    """The term ending at ``end``: term-like words back to a stop word, punctuation or ``max_words``."""
    words = list(re.finditer(WORD, text[:end]))
    start = None
    for taken, match in enumerate(reversed(words)):
        between = text[match.end() : (start if start is not None else end)]
        if between.strip():  # punctuation between words ends the term
            break
        if match.group(0).lower() in STOP or match.group(0).lower() in INTRODUCERS or taken == max_words:
            break
        start = match.start()
    if start is None:
        return None
    return start, text[start:end]


def strip_lead(text: str, start: int) -> int:
    """Skip lead-in words (the, a, our, so, ...) at ``start``."""
    while True:
        m = re.match(r"\s*(\w+)\s+", text[start:])
        if m and m.group(1).lower() in LEAD_INS:
            start += m.end()
        else:
            return start + (len(text[start:]) - len(text[start:].lstrip()))


def normalise(term: str) -> str:
    """Case, punctuation, hyphens and a plural ``s`` folded away: how names are compared."""
    words = re.sub(r"[^a-z0-9]+", " ", term.casefold().replace("’", "'").replace("'s", "")).split()
    if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)
