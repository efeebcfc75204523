"""Every setting a user can set is in the README's settings table: an undocumented knob is one nobody can find."""

from __future__ import annotations

from config import REPO_ROOT, Settings


def test_every_setting_has_a_row_in_the_readme_table() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = [line for line in readme.splitlines() if line.startswith("| `EXPGRAPH_")]
    documented = " ".join(table)
    missing = [
        f"EXPGRAPH_{name.upper()}"
        for name in Settings.model_fields
        if f"EXPGRAPH_{name.upper()}`" not in documented
    ]
    assert missing == [], f"add a row to the README's settings table for: {', '.join(missing)}"
