"""The plain, immutable data a case file becomes once loaded.

Everything below the loader (matching, grading, the engine, the front ends)
works on these objects only, never on YAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Mapping
from types import MappingProxyType

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing on `tutor grade`'s path
if TYPE_CHECKING:
    from typing import Any

STAGE_KINDS = ("history", "findings", "differential", "diagnosis", "management")


def frozen_mapping(items: Mapping[Any, Any] | None = None) -> Mapping[Any, Any]:
    """A read-only view over a copy, so frozen dataclasses stay frozen."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class Measure:
    """Extension: a concept a measurement states, e.g. the IFS under 17 mm is a narrow IFS."""

    of: tuple[str, ...]  # what is measured, as learners name it: "IFS", "ischiofemoral space"
    unit: str  # "mm" or "cm"
    below: float | None = None  # the value must be under this...
    above: float | None = None  # ...or over this


@dataclass(frozen=True)
class Concept:
    """Something a learner may say: a finding, a diagnosis, a feature of the history."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()
    origin: str = ""  # "file:line" where it was defined, for messages
    measure: Measure | None = None
    # Extension: words a learner must say for this concept, never left out as context
    # ("hamstring" in "Proximal hamstring tendinopathy").
    essential: tuple[str, ...] = ()
    # States an absence ("No fracture"): a normal finding, never noise to flag. Set by the
    # loader from the label, with the matcher's negation words (tutor.matching.terms).
    absence: bool = False
    # The shared lexicon concept that names the same thing, whose terms this case concept takes
    # too (tutor.cases.inheritance); they are the last of `synonyms`, listed in `inherited`.
    inherited_from: str | None = None
    inherited: tuple[str, ...] = ()
    # That concept's terms it does not take, each with why (it names another concept of the case...).
    not_inherited: tuple[tuple[str, str], ...] = ()

    @property
    def own_synonyms(self) -> tuple[str, ...]:
        """The synonyms its author wrote (without those taken from the shared lexicon)."""
        return self.synonyms[: len(self.synonyms) - len(self.inherited)]


@dataclass(frozen=True)
class Discriminator:
    """How to tell two confusable diagnoses apart."""

    id: str
    between: tuple[str, str]
    why_confused: str = ""
    points: tuple[str, ...] = ()
    trap: str | None = None
    origin: str = ""


@dataclass(frozen=True)
class Expectation:
    """A concept a stage expects, with its weight and what the tutor says about it."""

    concept: str
    weight: float = 1.0
    required: bool = False
    feedback: str | None = None
    # Extension: the concept is something to comment on, so stating it absent ("no hip
    # joint effusion", "IFS 22 mm" against a narrow-IFS threshold) earns it too.
    either_way: bool = False
    hint: str | None = None  # extension: a hint pointing at this concept, given while it is missing


@dataclass(frozen=True)
class Misconception:
    """A concept a stage counts as a wrong commitment, and what the tutor answers to it."""

    concept: str
    feedback: str | None = None
    discriminator: str | None = None
    # Not written by the author: a rival that a discriminator sets against the diagnosis.
    implied: bool = False


@dataclass(frozen=True)
class Example:
    """An author's own test answer: which concepts it must match (the checker runs these)."""

    answer: str
    matches: tuple[str, ...]
    line: int = 0


@dataclass(frozen=True)
class Stage:
    """One question of a case: what it asks, expects and explains."""

    id: str
    ask: str
    expect: tuple[Expectation, ...]
    explain: str
    kind: str | None = None
    pass_count: int = 1  # the resolved `pass` rule
    misconceptions: tuple[Misconception, ...] = ()
    hints: tuple[str, ...] = ()
    attempts: int = 3
    present: str | None = None  # extension: what the learner is shown before `ask`
    title: str | None = None  # extension: the stage's own short name ("Report"), shown instead of its kind
    examples: tuple[Example, ...] = ()
    line: int = 0

    @property
    def expected_ids(self) -> tuple[str, ...]:
        return tuple(e.concept for e in self.expect)

    @property
    def required_ids(self) -> tuple[str, ...]:
        return tuple(e.concept for e in self.expect if e.required)

    @property
    def either_way_ids(self) -> tuple[str, ...]:
        return tuple(e.concept for e in self.expect if e.either_way)

    @property
    def misconception_ids(self) -> tuple[str, ...]:
        return tuple(m.concept for m in self.misconceptions)


@dataclass(frozen=True)
class Case:
    """A case as loaded: its stages and every concept and discriminator it can use."""

    id: str
    title: str
    source: str
    stages: tuple[Stage, ...]
    # Every concept and discriminator the case can use: the shared lexicon and
    # discriminators merged with the case's own (the case's own win).
    concepts: Mapping[str, Concept] = field(default_factory=frozen_mapping)
    discriminators: Mapping[str, Discriminator] = field(default_factory=frozen_mapping)
    summary: str | None = None
    tags: tuple[str, ...] = ()
    difficulty: int | None = None
    time_limit: int | None = None
    intro: str | None = None  # extension: the vignette shown when the case opens
    path: str = ""
    side: str | None = None  # extension: "left" or "right", the side the case is about

    def stage(self, stage_id: str) -> Stage:
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def stage_title(self, stage: Stage) -> str | None:
        """The stage's own name when its kind alone would not tell it apart, else None (its kind names it).

        The author's `title:` first; else, when two stages share a kind (a report stage of kind
        findings after the findings stage), each one whose id is not the kind is called by its id.
        """
        if stage.title:
            return stage.title
        if stage.kind is None or stage.id == stage.kind:
            return None
        if sum(1 for other in self.stages if other.kind == stage.kind) < 2:
            return None
        return stage.id.replace("-", " ").capitalize()

    def label(self, concept_id: str) -> str:
        concept = self.concepts.get(concept_id)
        return concept.label if concept else concept_id

    def discriminator_between(self, a: str, b: str) -> Discriminator | None:
        for disc in self.discriminators.values():
            if set(disc.between) == {a, b}:
                return disc
        return None
