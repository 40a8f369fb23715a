"""`tutor schema`: a JSON Schema an editor can use, true to what the loader accepts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from tutor.cases import loading
from tutor.cases.schema import case_schema
from tutor.cli import main

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "dialogues" / "cases").glob("*.yaml"))
# The format page's example beside the repo, and the copy the attack tests start from.
FORMAT_EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "format-example.yaml"
BASE_CASE = REPO / "tests" / "hostile" / "base-case.yaml"


@pytest.fixture(scope="module")
def validator():
    schema = case_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_tutor_schema_prints_the_schema_as_json(capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == case_schema()
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_knows_every_key_the_loader_knows(validator):
    schema = case_schema()
    defs = schema["$defs"]
    assert set(schema["properties"]) == set(loading.CASE_KEYS)
    assert set(defs["stage"]["properties"]) == set(loading.STAGE_KEYS)
    assert set(defs["concept"]["properties"]) == set(loading.CONCEPT_KEYS)
    assert set(defs["measure"]["properties"]) == set(loading.MEASURE_KEYS)
    assert set(defs["discriminator"]["properties"]) == set(loading.DISCRIMINATOR_KEYS)
    assert set(defs["example"]["properties"]) == set(loading.EXAMPLE_KEYS)
    assert set(defs["expectation"]["anyOf"][1]["properties"]) == set(loading.EXPECT_KEYS)
    assert set(defs["misconception"]["anyOf"][1]["properties"]) == set(loading.MISCONCEPTION_KEYS)
    for extension in ("intro", "side"):
        assert extension in schema["properties"]
    assert "present" in defs["stage"]["properties"] and "measure" in defs["concept"]["properties"]
    assert {"either_way", "hint"} <= set(defs["expectation"]["anyOf"][1]["properties"])


@pytest.mark.parametrize("path", SHIPPED + [FORMAT_EXAMPLE, BASE_CASE], ids=lambda p: p.name)
def test_every_shipped_case_and_the_format_example_are_valid(validator, path):
    if not path.is_file():
        pytest.skip(f"{path} is not on this machine")
    errors = sorted(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))), key=str)
    assert errors == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("change, where", [
    (lambda case: case.update(difficulty="hard"), ["difficulty"]),
    (lambda case: case.update(stages="history"), ["stages"]),
    (lambda case: case["stages"][0].update(attempts=2.5), ["stages", 0, "attempts"]),
    (lambda case: case["stages"][0].update(expct=["ifi"]), ["stages", 0]),
    (lambda case: case.update(id="Has Spaces"), ["id"]),
    (lambda case: case["stages"][0]["expect"].append({"concept": "ifi", "weight": "heavy"}),
     ["stages", 0, "expect"]),
    (lambda case: case.update(side="both"), ["side"]),
])
def test_a_wrongly_typed_case_is_rejected_where_it_is_wrong(validator, change, where):
    case = yaml.safe_load(SHIPPED[0].read_text(encoding="utf-8"))
    assert list(validator.iter_errors(case)) == []
    change(case)
    errors = list(validator.iter_errors(case))
    assert errors
    assert any(list(e.absolute_path)[: len(where)] == where for e in errors), [list(e.absolute_path) for e in errors]
