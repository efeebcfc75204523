"""Question focus: the part of a casually written question that linking, intent and the question embedding read.

Practitioners write "sry if basic but whats a CI actualy telling me?? thoughts". The hedges, sign-offs, chat
spellings and typos carry no topic, yet they pull the embedding away from the concept and hide rule words from the
intent classifier ("whats" is "what is"). The focus keeps every content word and the order of the asks; it only

1. rewrites chat spellings to plain English (``CHAT_FORMS``: "u" → "you", "ppl" → "people", "wat" → "what");
2. drops conversational openers and sign-offs (``_OPENERS``, ``_SIGN_OFFS``) and repeated punctuation;
3. corrects typos against the graph's own vocabulary (``Speller``: words of the chunk texts and of concept names),
   so "actualy" becomes "actually" and "randomizaton" "randomization";
4. names the concepts a described situation stands for (the graph's concept ``phrasings``, matched by
   ``planner.practitioner_phrases``: "wants to call the test early" → "(Peeking)"), appended so that linking,
   intent and the embedding see them.

Typo correction uses rapidfuzz (``process.extractOne`` with the Levenshtein-based ``fuzz.ratio``): a C++ scorer
that checks a word against the ~15k-word vocabulary in well under a millisecond, where ``difflib`` takes tens of
milliseconds per word. The original question stays in the state and the trace; answers quote it, not the focus.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from engine.text_index import ChunkTextIndex, stem
from planner.practitioner_phrases import PhrasingMatch, PhrasingMatcher
from planner.state import GraphView

# Chat spellings → plain English (whole words, lower case).
CHAT_FORMS: dict[str, str] = {
    "u": "you",
    "ur": "your",
    "ppl": "people",
    "wat": "what",
    "wut": "what",
    "whats": "what is",
    "wats": "what is",
    "hows": "how is",
    "whys": "why is",
    "thats": "that is",
    "isnt": "is not",
    "dont": "do not",
    "doesnt": "does not",
    "cant": "cannot",
    "shouldnt": "should not",
    "wont": "will not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "didnt": "did not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "wouldnt": "would not",
    "couldnt": "could not",
    "youre": "you are",
    "theyre": "they are",
    "im": "I am",
    "ive": "I have",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "have to",
    "kinda": "kind of",
    "sorta": "sort of",
    "dunno": "do not know",
    "b4": "before",
    "wk": "week",
    "wks": "weeks",
    "hrs": "hours",
    "mos": "months",
    "yrs": "years",
    "coz": "because",
    "bcuz": "because",
    "becuz": "because",
    "pls": "please",
    "plz": "please",
    "bc": "because",
    "cuz": "because",
    "b/c": "because",
    "w/": "with",
    "w/o": "without",
    "abt": "about",
    "shud": "should",
    "shld": "should",
    "cud": "could",
    "wud": "would",
    "tho": "though",
    "thru": "through",
    "prob": "probably",
    "diff": "difference",
    "btwn": "between",
    "stat sig": "statistically significant",
    "stat-sig": "statistically significant",
    "statsig": "statistically significant",
    "sig": "significant",
    # dashboards colour a significant result green
    "turns green": "becomes significant",
    "turned green": "became significant",
    "goes green": "becomes significant",
    "went green": "became significant",
    "gone green": "become significant",
}

# Hedges and greetings at the start ("sorry if this is basic but", "quick q:", "hey all,").
_OPENERS = re.compile(
    r"^\s*(?:(?:hey|hi|hiya|hello|ok(?:ay)?|so|um+|hmm+|yo)\b(?:\s+(?:all|guys|folks|team|everyone))?[\s,!:.-]*)*"
    r"(?:(?:sorry|sry|apologies)\s+if\s+(?:this\s+is\s+|it'?s\s+)?(?:a\s+)?(?:basic|dumb|stupid|silly|obvious|"
    r"naive|noob|newbie)(?:\s+question)?(?:\s+but)?[\s,:.-]*"
    r"|(?:quick|random|dumb|stupid|basic|noob|newbie|silly|simple)\s+(?:one|q|qn|question)\b[\s,:.-]*"
    r"|(?:possibly\s+|probably\s+)?(?:a\s+)?(?:dumb|stupid|basic|noob|newbie|silly)\s+question(?:\s+but)?[\s,:.-]*"
    r"|(?:newbie|noob|beginner|new\s+to\s+(?:this|a/?b\s+testing|experimentation))(?:\s+here)?\s*[,:.!-][\s,:.!-]*"
    r"|(?:asking\s+for\s+a\s+friend|genuine\s+question|honest\s+question|serious\s+question)[\s,:.-]*)*",
    re.IGNORECASE,
)
# Sign-offs at the end ("thoughts??", "any help appreciated", "thanks in advance", "lol"). Words that could be the
# question's own ("advice", "help", "tips") count only after a sentence break, so "any tips?" keeps its ask.
_SIGN_OFFS = re.compile(
    r"(?:(?:(?<=[.?!,;:])|\s+-+)\s*(?:thoughts|ideas|opinions|advice|help|any\s+(?:help|thoughts|ideas|advice)"
    r"(?:\s+(?:appreciated|welcome|please))?)\s*[?.!]*"
    r"|\s+(?:thoughts\s*\?+|any\s+(?:help|thoughts|ideas|advice)\s+(?:appreciated|welcome)\s*[.!]*)"
    r"|[\s,;:-]*\b(?:thanks|thank\s+you|thx|tia)(?:\s+in\s+advance)?\s*[!.]*"
    r"|[\s,;:-]*\b(?:lol|lmao|haha+|tbh|imo|imho|fwiw|pls\s+help|please\s+help|help\s+pls|halp)\s*[!.?]*)+\s*$",
    re.IGNORECASE,
)
_REPEATED_PUNCT = re.compile(r"([?!.])\1+")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'/]*")
_VOCAB_WORD = re.compile(r"[a-z][a-z'\-]+")

SPELL_MIN_CHARS = 6  # shorter words have too many one-edit neighbours ("heard" → "hard") to correct safely
SPELL_MIN_SCORE = 85.0  # fuzz.ratio: one edit in a 7-letter word scores ~86, in a 5-letter word ~89 (insert)
SPELL_MIN_COUNT = 2  # a correction must be a word the corpus uses at least this often


@dataclass(frozen=True, slots=True)
class QuestionFocus:
    """The focused text and what was changed to get it (recorded in the trace)."""

    original: str
    text: str
    removed: list[str] = field(default_factory=list)
    rewrites: list[tuple[str, str]] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    hints: list[PhrasingMatch] = field(default_factory=list)  # the phrasings that name a concept

    @property
    def changed(self) -> bool:
        return self.text != self.original


class Speller:
    """Corrects words outside a known vocabulary to its closest frequent word; build one per graph version."""

    def __init__(
        self, texts: Iterable[str], *, extra_words: Iterable[str] = (), known_words: Iterable[str] = ()
    ) -> None:
        """``texts`` give the correctable vocabulary with counts (the corpus); ``extra_words`` count as frequent
        (concept names and aliases); ``known_words`` are never corrected but never suggested either (a general
        English word list, so that "heard" is not turned into the corpus's "hard")."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_words(text))
        for word in extra_words:
            counts.update(_words(word) * SPELL_MIN_COUNT)
        self.known = frozenset(counts) | {w.lower() for w in known_words}
        self._choices = sorted(
            w
            for w, n in counts.items()
            if n >= SPELL_MIN_COUNT and len(w) >= SPELL_MIN_CHARS - 1 and w.isalpha()
        )

    def correct(self, word: str) -> str | None:
        """The vocabulary word ``word`` was meant to be, or None (known, too short, or nothing close enough)."""
        lower = word.lower()
        if len(lower) < SPELL_MIN_CHARS or lower in self.known or not lower.isalpha():
            return None
        root = stem(lower)
        if root != lower and root in self.known:  # an inflection of a known word ("cheating" of "cheat")
            return None
        best = process.extractOne(lower, self._choices, scorer=fuzz.ratio, score_cutoff=SPELL_MIN_SCORE)
        if best is None or best[0][0] != lower[0]:  # typos rarely hit the first letter; guessing it misfires
            return None
        return str(best[0])


def _words(text: str) -> list[str]:
    """Lower-case words, and the parts of hyphenated ones ("intention-to-treat" → also "intention", "treat")."""
    out: list[str] = []
    for word in _VOCAB_WORD.findall(text.lower()):
        out.append(word)
        if "-" in word:
            out.extend(p for p in word.split("-") if p)
    return out


def _rewrite_chat_forms(text: str) -> tuple[str, list[tuple[str, str]]]:
    done: list[tuple[str, str]] = []
    for form, plain in sorted(CHAT_FORMS.items(), key=lambda kv: -len(kv[0])):
        pattern = re.compile(rf"(?<![\w/-]){re.escape(form)}(?![\w/-])", re.IGNORECASE)
        if pattern.search(text):
            text = pattern.sub(plain, text)
            done.append((form, plain))
    return text, done


def focus_question(
    question: str, speller: Speller | None = None, phrasings: PhrasingMatcher | None = None
) -> QuestionFocus:
    """``question`` without chat spellings, openers, sign-offs and typos; the content words in their order, then
    the names of the concepts whose ``phrasings`` it describes."""
    text = " ".join(question.split())
    removed: list[str] = []
    opener = _OPENERS.match(text)
    if opener and opener.end() and opener.end() < len(text):
        removed.append(text[: opener.end()].strip())
        text = text[opener.end() :]
    sign_off = _SIGN_OFFS.search(text)
    if sign_off and sign_off.start() > 0:
        removed.append(text[sign_off.start() :].strip(" ,.;:"))
        text = text[: sign_off.start()].rstrip(" ,;:-")
    text = _REPEATED_PUNCT.sub(r"\1", text).strip()
    text, rewrites = _rewrite_chat_forms(text)
    corrections: list[tuple[str, str]] = []
    if speller is not None:
        pieces: list[str] = []
        last = 0
        for match in _TOKEN.finditer(text):
            fixed = speller.correct(match.group())
            if fixed is not None:
                pieces.append(text[last : match.start()] + fixed)
                last = match.end()
                corrections.append((match.group(), fixed))
        text = "".join(pieces) + text[last:]
    text = " ".join(text.split()) or " ".join(question.split())
    found = phrasings.match(text) if phrasings is not None else []
    hints = [m for m in found if m.name.lower() not in text.lower()]
    if hints:  # name the concepts the question describes, so that linking and the embedding see them
        text = f"{text} ({'; '.join(m.name for m in hints)})"
    return QuestionFocus(question, text, removed, rewrites, corrections, hints)


def speller_for(view: GraphView) -> Speller:
    """The graph version's speller (its chunk words, concept names and aliases), built once per version."""
    if view.speller is None:
        if view.chunk_text is None:
            view.chunk_text = ChunkTextIndex.load(view.db)
        view.speller = Speller(
            (str(row.get("text") or "") for row in view.chunk_text.rows.values()),
            extra_words=view.linker.vocabulary,
            known_words=view.linker.english_words,
        )
    speller: Speller = view.speller
    return speller
