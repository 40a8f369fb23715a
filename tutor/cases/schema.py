"""A JSON Schema (draft 2020-12) of the case format, for editors that complete and underline YAML.

It describes what the loader accepts, extensions included: keys, which are required,
their types and ranges, and a description of each taken from the authoring guide's
words. The loader stays the judge (it also checks what a schema cannot say: that a
concept id used is defined, that `pass` is reachable); the schema is how an editor
knows the keys at all. Its key lists come from the loader's own, so a key added there
and not here fails a test.
"""

from __future__ import annotations

from typing import Any

from tutor.cases.fields import ID_LIMIT, ID_PATTERN
from tutor.cases.loading import (
    CASE_KEYS,
    CASE_REQUIRED,
    CONCEPT_KEYS,
    DISCRIMINATOR_KEYS,
    EXAMPLE_KEYS,
    EXPECT_KEYS,
    FORMAT_VERSION,
    MAX_TIME_LIMIT,
    MEASURE_KEYS,
    MEASURE_UNITS,
    MISCONCEPTION_KEYS,
    SIDES,
    STAGE_KEYS,
    STAGE_REQUIRED,
)
from tutor.model import STAGE_KINDS

SCHEMA_ID = "https://example.invalid/tutor/case-format-1.schema.json"

# YAML reads `title: 1984` as a number and the loader takes it as written: text may be any scalar.
TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"]}
FLAG: dict[str, Any] = {"anyOf": [{"type": "boolean"}, {"enum": ["yes", "no", "on", "off", "true", "false"]}]}
ID: dict[str, Any] = {"type": "string", "pattern": "^" + ID_PATTERN.pattern.removesuffix("\\Z") + "$",
                      "maxLength": ID_LIMIT}


def _texts(description: str) -> dict[str, Any]:
    # A lone value reads as a list of one.
    return {"description": description, "anyOf": [TEXT, {"type": "array", "items": TEXT}]}


def _ids(description: str, **array: Any) -> dict[str, Any]:
    return {"description": description, "anyOf": [{"$ref": "#/$defs/id"}, {"type": "array", "items": {"$ref": "#/$defs/id"}, **array}]}


def _object(properties: dict[str, Any], keys: tuple[str, ...], required: list[str], description: str) -> dict:
    assert set(properties) == set(keys), sorted(set(properties) ^ set(keys))
    return {"type": "object", "description": description, "properties": properties,
            "required": required, "additionalProperties": False}


def _described(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, **schema}


def case_schema() -> dict[str, Any]:
    concept = _object({
        "label": _described("The name shown to the learner; matched like a synonym.", TEXT),
        "synonyms": _texts("Other ways learners say it: abbreviations, spellings, plain words, Chinese."),
        "essential": _texts("Words of its terms that must be in an answer (never dropped as setting words)."),
        "measure": {"$ref": "#/$defs/measure"},
        "inherit": {"description": "Whether it also takes the terms of the shared lexicon concept that names the "
                                   "same thing (default true); false keeps it to its own; or that concept's id.",
                    "anyOf": [FLAG, {"$ref": "#/$defs/id"}]},
    }, CONCEPT_KEYS, ["label"], "A thing learners may say, and how else they may say it.")
    measure = _object({
        "of": _texts("What is measured, as learners name it, e.g. [IFS, ischiofemoral space]."),
        "unit": {"description": "The unit of the threshold.", "enum": list(MEASURE_UNITS)},
        "below": _described("The concept is stated by a value below this.", {"type": "number", "exclusiveMinimum": 0}),
        "above": _described("The concept is stated by a value above this.", {"type": "number", "exclusiveMinimum": 0}),
    }, MEASURE_KEYS, ["of", "unit"], "Extension: a measurement past a threshold states the concept ('IFS 11 mm').")
    measure["anyOf"] = [{"required": ["below"]}, {"required": ["above"]}]
    discriminator = _object({
        "between": {"description": "The two concept ids it tells apart.", "type": "array",
                    "items": {"$ref": "#/$defs/id"}, "minItems": 2, "maxItems": 2},
        "why_confused": _described("Why the two are confused.", TEXT),
        "points": _texts("How to tell them apart, one point an item."),
        "trap": _described("A trap to avoid (e.g. they can coexist).", TEXT),
    }, DISCRIMINATOR_KEYS, ["between"], "How to tell two confusable diagnoses apart.")
    expectation = {"description": "An expected concept: its id (weight 1, not required), or the id with options.",
                   "anyOf": [{"$ref": "#/$defs/id"}, _object({
                       "concept": {"$ref": "#/$defs/id"},
                       "required": _described("The stage is not passed without it.", FLAG),
                       "weight": _described("Its share of the stage's credit (default 1).",
                                            {"type": "number", "exclusiveMinimum": 0}),
                       "feedback": _described("Shown when the learner names it.", TEXT),
                       "either_way": _described("Extension: a thing to comment on; stating it absent earns it too.",
                                                FLAG),
                       "hint": _described("Extension: a hint pointing at this concept while it is missing.", TEXT),
                   }, EXPECT_KEYS, ["concept"], "An expected concept with options.")]}
    misconception = {"description": "A wrong answer that deserves a specific reply: its id, or the id with options.",
                     "anyOf": [{"$ref": "#/$defs/id"}, _object({
                         "concept": {"$ref": "#/$defs/id"},
                         "feedback": _described("What the tutor says when the learner names it.", TEXT),
                         "discriminator": _described("The discriminator shown to tell it from the answer.",
                                                     {"$ref": "#/$defs/id"}),
                     }, MISCONCEPTION_KEYS, ["concept"], "A misconception with options.")]}
    example = _object({
        "answer": _described("An answer as a learner would type it.", TEXT),
        "matches": _ids("The concepts of the stage (expected or misconceptions) it must match; [] for none."),
    }, EXAMPLE_KEYS, ["answer"], "The author's own test answer; `tutor check` runs it through the matcher.")
    stage = _object({
        "id": _described("Unique within the case, e.g. history.", {"$ref": "#/$defs/id"}),
        "kind": {"description": "What the stage asks for.", "enum": list(STAGE_KINDS)},
        "title": _described("Extension: the stage's own short name (e.g. Report), shown in place of its kind.",
                            TEXT),
        "present": _described("Extension: what the learner is shown before the question (Markdown).", TEXT),
        "ask": _described("The tutor's question.", TEXT),
        "expect": {"description": "The concepts an expert answer contains.",
                   "anyOf": [{"$ref": "#/$defs/expectation"},
                             {"type": "array", "items": {"$ref": "#/$defs/expectation"}, "minItems": 1}]},
        "pass": _described("Expected concepts needed to pass (default: all required ones, or 1).",
                           {"type": "integer", "minimum": 1}),
        "misconceptions": {"description": "Wrong answers that deserve a specific reply.",
                           "anyOf": [{"$ref": "#/$defs/misconception"},
                                     {"type": "array", "items": {"$ref": "#/$defs/misconception"}}]},
        "hints": _texts("Hints, from gentle to strong; each costs the learner points."),
        "attempts": _described("Tries before the tutor explains and moves on (default 3).",
                               {"type": "integer", "minimum": 1, "maximum": 100}),
        "explain": _described("The model answer, shown when the stage ends.", TEXT),
        "examples": {"description": "The author's own test answers.", "type": "array",
                     "items": {"$ref": "#/$defs/example"}},
    }, STAGE_KEYS, sorted(STAGE_REQUIRED), "One question of the case, played in order.")
    properties = {
        "format": {"description": "The format version.", "const": FORMAT_VERSION},
        "id": _described("Unique; lowercase letters, digits and '-'.", {"$ref": "#/$defs/id"}),
        "title": _described("The title shown in the case list.", TEXT),
        "summary": _described("One line for lists.", TEXT),
        "tags": _texts("Words to filter the library by."),
        "difficulty": {"description": "1 (intro) to 3 (hard).", "type": "integer", "minimum": 1, "maximum": 3},
        "time_limit": {"description": "Seconds for the whole case in a drill.", "type": "integer",
                       "minimum": 1, "maximum": MAX_TIME_LIMIT},
        "source": _described("Where the clinical facts come from.", TEXT),
        "intro": _described("Extension: the story told before the first stage (Markdown).", TEXT),
        "side": {"description": "Extension: the side of the complaint; the wrong side is told so.",
                 "enum": list(SIDES)},
        "concepts": {"description": "The case's own concepts (a shared one with the same id is overridden).",
                     "type": "object", "propertyNames": {"$ref": "#/$defs/id"},
                     "additionalProperties": {"$ref": "#/$defs/concept"}},
        "discriminators": {"description": "How to tell confusable diagnoses apart.", "type": "object",
                           "propertyNames": {"$ref": "#/$defs/id"},
                           "additionalProperties": {"$ref": "#/$defs/discriminator"}},
        "stages": {"description": "At least one, played in order.", "type": "array",
                   "items": {"$ref": "#/$defs/stage"}, "minItems": 1},
    }
    case = _object(properties, CASE_KEYS, sorted(CASE_REQUIRED), "A case for the tutor (dialogue format 1).")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "tutor case file",
        **case,
        "$defs": {
            "id": ID, "concept": concept, "measure": measure, "discriminator": discriminator,
            "expectation": expectation, "misconception": misconception, "example": example, "stage": stage,
        },
    }
