"""Relations read as sentences in their stored direction: "CUPED decreases sample size", never the passive inverse.

A traversal may walk an edge backwards (the ontology's inverse reading, "sample size is decreased by CUPED"); for
people the active reading from the relation's source to its target is the clearer one, so every label is built here
from the ontology (``engine.ontology.RELATION_TYPES``), one copy of the rule for the explorer, paths and answers.
"""

from __future__ import annotations

from typing import Any

from engine.ontology import RELATION_TYPES, SYMMETRIC_RELATIONS


def reads_as(rel_type: str) -> str:
    """The relation's forward (active) reading, or its name with spaces when the ontology does not know it."""
    rel = RELATION_TYPES.get(rel_type)
    return rel.reads_as if rel else rel_type.replace("_", " ")


def sentence(rel_type: str, source_name: str, target_name: str) -> dict[str, str]:
    """Subject, verb and object of ``source —rel_type→ target``, and the whole sentence as ``text``."""
    verb = reads_as(rel_type)
    return {
        "subject": source_name,
        "verb": verb,
        "object": target_name,
        "text": f"{source_name} {verb} {target_name}",
    }


def ontology_readings() -> list[dict[str, Any]]:
    """Every relation type with its forward and inverse readings (the pages flip inverse labels with this)."""
    return [
        {
            "name": rel.name,
            "reads_as": rel.reads_as,
            "inverse_reads_as": rel.reads_as if rel.name in SYMMETRIC_RELATIONS else rel.inverse_reads_as,
            "symmetric": rel.name in SYMMETRIC_RELATIONS,
            "meaning": rel.meaning,
        }
        for rel in RELATION_TYPES.values()
    ]
