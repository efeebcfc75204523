"""Inputs outside their valid range (a rate of 140%, a power of 1.2), each turned into a request for a valid value."""

from __future__ import annotations

from understanding.reading import Grounded, MissingInput

_RATE_ROLES = {
    "baseline": "baseline conversion rate",
    "p2": "second (treatment) rate",
    "p0": "reference rate",
}


def out_of_range(roles: dict[str, Grounded]) -> list[MissingInput]:
    """Inputs outside their range, each with a request for a valid value."""
    bad: list[MissingInput] = []

    def said(name: str) -> str:
        span = roles[name].span
        return f"'{span['text']}'" if span else f"{roles[name].value:g}"

    for name, label in _RATE_ROLES.items():
        if name in roles and not 0 < roles[name].value < 1:
            bad.append(
                MissingInput(
                    "baseline" if name == "baseline" else name,
                    f"A {label} must be between 0% and 100%, but the question gives {said(name)}. What is the {label}?",
                )
            )
    if "power" in roles and not 0 < roles["power"].value < 1:
        bad.append(
            MissingInput(
                "power",
                f"Power is a probability between 0 and 1 (e.g. 0.8 or 80%), but the question gives {said('power')}. What power do you want?",
            )
        )
    if "alpha" in roles and not 0 < roles["alpha"].value < 1:
        bad.append(
            MissingInput(
                "alpha",
                f"The significance level α must be between 0 and 1 (e.g. 0.05), but the question gives {said('alpha')}. Which α should I use?",
            )
        )
    for name in ("n_per_group", "n_control", "n_treatment", "n_total", "daily_traffic"):
        if name in roles and roles[name].value <= 0:
            bad.append(
                MissingInput(
                    "n_per_group" if name.startswith("n_") else name,
                    f"A sample size or traffic figure must be positive, but the question gives {said(name)}. How many users?",
                )
            )
    if "exposed_share" in roles and not 0 < roles["exposed_share"].value <= 1:
        bad.append(
            MissingInput(
                "exposed_share",
                f"The share of traffic in the test must be between 0% and 100%, but the question gives {said('exposed_share')}.",
            )
        )
    return bad
