"""Reading the files of a labelled split (tests/newauthor/, tests/heldout2/, tests/heldout3/) for
tests/test_labelled_split_files.py, which checks their structure: never what the matcher makes
of them."""

from __future__ import annotations

from pathlib import Path

import yaml

ANSWER_KEYS = {"stage", "answer", "matched", "negated", "misconceptions", "tags"}
STAGE_KINDS = {"history", "findings", "differential", "diagnosis", "management"}


def read_yaml(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def concept_id(entry) -> str:
    return entry if isinstance(entry, str) else entry["concept"]


def stage_concepts(case) -> dict[str, tuple[set[str], set[str]]]:
    """Stage id -> (expected concept ids, misconception concept ids)."""
    return {
        stage["id"]: (
            {concept_id(entry) for entry in stage["expect"]},
            {concept_id(entry) for entry in stage.get("misconceptions", [])},
        )
        for stage in case["stages"]
    }
