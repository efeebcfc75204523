"""Which of two groups is the control, and the two groups' counts or means as grounded inputs.

``ordered_pairs`` decides which of two "x of n" groups is the control from the words nearest each group ("control
45/300", "12 of 15 in treatment", "480 of 10,000 (variant)"), not from the order alone. ``means_of_two`` reads two
arms' mean, SD and n through ``understanding.arm_statistics``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from understanding.arm_statistics import arm_summaries
from understanding.quantities import Quantity
from understanding.reading import Grounded

CONTROL_WORDS = {"control", "baseline", "a", "old", "current", "existing", "holdout"}
_LABEL = re.compile(
    r"\b(control|baseline|holdout|variant|treatment|treated|test arm|challenger|new(?: [a-z]+)?|old(?: [a-z]+)?|current"
    r"|a|b)\b"
)


# the first arm a question names (not "a"/"b", which are also articles)
_ARM_WORD = re.compile(
    r"\b(control|baseline|old|current|existing|holdout|treatment|treated|variant|new|challenger)\b"
)


def _label(t: str, q: Quantity, lo: int, hi: int) -> str | None:
    """'control' / 'treatment' from the words right after the group ("(variant)", "in control") or just before it."""
    right = t[q.end : min(hi, q.end + 30)]
    m = re.match(
        r"\s*(?:\(\s*|(?:[a-z-]+\s+){0,2}?(?:in|for|on|from)\s+(?:the\s+)?(?:[a-z-]+\s+)?|(?=control|variant|treatment))"
        r"(control|baseline|holdout|variant|treatment|treated|test arm|challenger|a|b)\b",
        right,
    )
    if m:
        return "control" if m.group(1) in CONTROL_WORDS else "treatment"
    left = t[max(lo, q.start - 30) : q.start]
    found = None
    for m in _LABEL.finditer(left):
        tail = left[m.end() :]
        if re.search(r"\d", tail) or len(tail.split()) > 3:
            continue
        if len(m.group(1)) == 1 and not re.fullmatch(
            r"\s*(?:[:=(]|got|had|has|gets|with|saw|converted)?\s*", tail
        ):
            continue  # a lone "a"/"b" names a group only right before its numbers ("B: 150 of 2,380")
        found = m.group(1).split()[0]
    if found is None:
        return None
    return "control" if found in CONTROL_WORDS else "treatment"


def group_labels(t: str, quantities: list[Quantity], chosen: list[Quantity]) -> list[str | None]:
    """The label of each chosen quantity, its windows bounded by the neighbouring quantities."""
    labels = []
    for q in chosen:
        i = quantities.index(q)
        lo = quantities[i - 1].end if i > 0 else 0
        hi = quantities[i + 1].start if i + 1 < len(quantities) else len(t)
        labels.append(_label(t, q, lo, hi))
    return labels


def ordered_pairs(
    t: str, quantities: list[Quantity], pairs: list[Quantity]
) -> tuple[Quantity, Quantity, str] | None:
    """(control, treatment, note) of the first two groups when their words say which is which, else None."""
    if len(pairs) < 2:
        return None
    first, second = pairs[0], pairs[1]
    note = "the group named control is read as A, the variant / treatment as B"
    # "for treatment minus control, 75 of 95 vs 62 of 90": the order the difference is written in
    minus = re.search(
        r"\b(treatment|variant|control|[ab])\s+(?:minus|-|−)\s+(?:the\s+)?(control|treatment|variant|[ab])\b[\s:,]*$",
        t[: first.start],
    )
    if minus and (minus.group(1) in CONTROL_WORDS) != (minus.group(2) in CONTROL_WORDS):
        b_first = minus.group(1) not in CONTROL_WORDS
        return (second, first, note) if b_first else (first, second, note)
    # "old vs new onboarding, completions 1905/7420 vs 2031/7388": the arms named in the order of the groups
    named = re.search(
        r"\b(old|new|current|control|treatment|variant|baseline)\s+(?:vs\.?|versus|/)\s+(?:the\s+)?"
        r"(old|new|current|control|treatment|variant|baseline)\b",
        t[: first.start],
    )
    if named and (named.group(1) in CONTROL_WORDS) != (named.group(2) in CONTROL_WORDS):
        b_first = named.group(1) not in CONTROL_WORDS
        return (second, first, note) if b_first else (first, second, note)
    la, lb = group_labels(t, quantities, [first, second])
    if la is not None and la == lb:
        return None  # both named alike: the words do not settle it
    if la == "treatment" or (la is None and lb == "control"):
        return second, first, note
    if la == "control" or lb == "treatment":
        return first, second, note
    return None


def _counts(pair_a: Quantity, pair_b: Quantity) -> dict[str, int]:
    return {
        "conversions_a": int(pair_a.values[0]),
        "n_a": int(pair_a.values[1]),
        "conversions_b": int(pair_b.values[0]),
        "n_b": int(pair_b.values[1]),
    }


def two_groups(b: Any, t: str, quantities: list[Quantity], pairs: list[Quantity]) -> dict[str, int] | None:
    """Conversions and users of control (A) and treatment (B), grounded; asks for them when absent."""
    if len(pairs) < 2:
        from understanding.arm_rates import arm_counts_in_words  # it reads this module's arm words

        in_words = arm_counts_in_words(t, quantities)
        if in_words is None:
            from_rates = counts_from_arm_rates(b, t, quantities)
            if from_rates is None:
                b.need("conversions")
            return from_rates
        (x_a, n_a), (x_b, n_b) = in_words
        b.notes.append(
            f"each arm's users and successes read as control {x_a:,} of {n_a:,}, treatment {x_b:,} of {n_b:,}"
        )
        return {"conversions_a": x_a, "n_a": n_a, "conversions_b": x_b, "n_b": n_b}
    ordered = ordered_pairs(t, quantities, pairs)
    if ordered is None:
        first, second = pairs[0], pairs[1]
        b.notes.append(
            "the first group mentioned is read as the control (A), the second as the treatment (B)"
        )
    else:
        first, second, note = ordered
        b.notes.append(note)
    b.used["group_a"] = Grounded(list(first.values), "question", first.span())
    b.used["group_b"] = Grounded(list(second.values), "question", second.span())
    return _counts(first, second)


def counts_from_arm_rates(b: Any, t: str, quantities: list[Quantity]) -> dict[str, int] | None:
    """Conversions and users of control (A) and treatment (B) from each arm's rate and users ("4.1% of 12,000"),
    the conversions derived and grounded; None when the question does not give both arms' rates and users."""
    from understanding.arm_rates import arm_rates  # it reads this module's arm words

    observed = arm_rates(t, quantities)
    if observed is None:
        return None
    control, treated = observed
    if control.users_from.unit == "count" and " over " in control.users_from.text:
        b.notes.append(f"the test's users from its traffic: {control.users_from.text}")
    conversions = [round(arm.rate * arm.users) for arm in observed]
    b.derive(
        "conversions",
        conversions,
        f"conversions from each arm's rate and users: control {control.rate:.4g} × {control.users:,} = "
        f"{conversions[0]:,}, treatment {treated.rate:.4g} × {treated.users:,} = {conversions[1]:,}",
    )
    b.used["rate_a"] = Grounded(control.rate, "question", control.rate_from.span())
    b.used["rate_b"] = Grounded(treated.rate, "question", treated.rate_from.span())
    return {
        "conversions_a": conversions[0],
        "n_a": control.users,
        "conversions_b": conversions[1],
        "n_b": treated.users,
    }


def strict_or_arm_means(
    t: str,
    quantities: list[Quantity],
    two_group_means: Callable[[str, list[Quantity]], dict[str, Grounded] | None],
) -> dict[str, Grounded] | None:
    """Mean, SD and size of control (A) and treatment (B), from the strict reader or the per-arm reader."""
    return two_group_means(t, quantities) or means_of_two(t, quantities)


def means_of_two(t: str, quantities: list[Quantity]) -> dict[str, Grounded] | None:
    """Mean, SD and size of two arms written in any of the per-arm forms (first written = control A)."""
    arms = arm_summaries(t)
    if arms is None or len(arms) != 2:
        return None
    (a, b_) = arms
    note = "mean, SD and n per arm in the order written (first = control A)"
    digit = re.search(r"\d", t)
    start = digit.start() if digit is not None else 0
    # the arm named right before the first number ("treatment averaged $3.92 (sd 13.1) vs control …"), else the one
    # named nearest after it ("$4.02 for the treatment …") is the arm written first
    named = list(_ARM_WORD.finditer(t))
    before = [m for m in named if start - 40 <= m.end() <= start]
    first = before[-1] if before else min(named, key=lambda m: abs(m.start() - start), default=None)
    if first is not None and first.group(1) not in CONTROL_WORDS:
        # "$4.02 for the treatment (sd ...) vs $3.87 for control": the arm named first is the treatment
        a, b_ = b_, a
        note = f"mean, SD and n per arm; the first written is the {first.group(1)} (B), the other the control (A)"
    return {
        "mean_a": Grounded(a.mean, "question", None, note), "sd_a": Grounded(a.sd, "question", None, note),
        "n_a": Grounded(a.n, "question", None, note), "mean_b": Grounded(b_.mean, "question", None, note),
        "sd_b": Grounded(b_.sd, "question", None, note), "n_b": Grounded(b_.n, "question", None, note),
    }  # fmt: skip
