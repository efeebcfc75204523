"""Import direction: a package imports only packages of lower layers, so no two packages import each other.

The layers are written out here on purpose: a new top-level package fails ``test_every_package_has_a_layer`` until
someone decides where it sits (and updates docs/architecture.md, which draws the same picture).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Bottom to top. A package may import packages of strictly lower layers only (never its own layer's neighbours).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"config", "tools", "textkit"}),  # settings; pure calculators; pure text rules
    frozenset({"engine", "model", "understanding"}),  # events + reads; runtime models; question parsing
    frozenset(
        {"ingest", "analysis"}
    ),  # sources → events (uses the embedder); scorecards (reads results as asked)
    frozenset({"planner"}),  # question → cited answer
    frozenset({"services"}),  # answering with cache and admission, writes under one lock, calculators
    frozenset({"api", "training", "eval"}),  # HTTP shell; fine-tuning; the planner evaluation
    frozenset({"cli", "bench"}),  # command line (serves the api, runs training and eval); benchmarks
)
# Narrower than the layers allow.
ONLY: dict[str, frozenset[str]] = {
    "tools": frozenset(),
    "textkit": frozenset(),
    "config": frozenset(),
    "model": frozenset({"config"}),
}
NOT_PACKAGES = {"tests", "docs", "corpus", "migrations", "scripts", "examples"}


def layer_of(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def top_level_packages(root: Path = ROOT) -> set[str]:
    return {
        p.name
        for p in root.iterdir()
        if p.is_dir() and (p / "__init__.py").is_file() and p.name not in NOT_PACKAGES
    }


def imports_of(package: str, root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """(file, imported top-level package of ours) for every import in ``package``, function-level ones included."""
    ours = top_level_packages(root)
    for path in sorted((root / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in ours and top != package:
                    yield str(path.relative_to(root)), top


def wrong_way_imports(package: str, root: Path = ROOT) -> list[str]:
    """Imports of ``package`` that go to its own layer or higher, or outside its narrower allowance."""
    placed = set().union(*LAYERS)
    allowed = ONLY.get(package)
    wrong = set()
    for where, imported in imports_of(package, root):
        if imported not in placed:
            continue  # reported by test_every_package_has_a_layer
        if layer_of(imported) >= layer_of(package) or (allowed is not None and imported not in allowed):
            wrong.add(f"{where} imports {imported}")
    return sorted(wrong)


def test_every_package_has_a_layer() -> None:
    placed = set().union(*LAYERS)
    assert top_level_packages() - placed == set(), "add the new package to LAYERS (and docs/architecture.md)"


@pytest.mark.parametrize("package", sorted(set().union(*LAYERS)))
def test_a_package_imports_only_lower_layers(package: str) -> None:
    if not (ROOT / package).is_dir():
        pytest.skip(f"{package}/ is not in this checkout")
    assert wrong_way_imports(package) == [], f"{package} is layer {layer_of(package)}"


def test_an_upward_import_or_a_cycle_is_caught(tmp_path: Path) -> None:
    for package, body in {
        "engine": "def f():\n    from planner.service import Planner\n",  # upward, inside a function
        "planner": "import engine.db\n",
        "eval": "from training import lora\n",  # same layer: the two would be free to import each other
        "training": "",
        "model": "from tools.registry import run_tool\n",  # lower, but model imports config only
        "tools": "",
    }.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(body)
    assert wrong_way_imports("engine", tmp_path) == ["engine/__init__.py imports planner"]
    assert wrong_way_imports("planner", tmp_path) == []
    assert wrong_way_imports("eval", tmp_path) == ["eval/__init__.py imports training"]
    assert wrong_way_imports("model", tmp_path) == ["model/__init__.py imports tools"]
