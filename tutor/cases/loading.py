"""Case files and the shared lexicon, read into `tutor.model` objects with every problem reported.

The YAML is composed into nodes (see safe_yaml) and the case is built from
the nodes, never from a plain dict, so each problem carries its line and a
duplicated key is caught instead of silently dropped. All problems in a file
are collected and raised together as one CaseError.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tutor.cases.fields import FieldReader, describe, is_null, line_of, quoted, suggestion
from tutor.model import (
    STAGE_KINDS,
    Case,
    Concept,
    Discriminator,
    Example,
    Expectation,
    Measure,
    Misconception,
    Stage,
    frozen_mapping,
)
from tutor.cases.problems import CaseError, Problem, in_file_order, report_problems
from tutor.cases.safe_yaml import MAX_FILE_BYTES, compose_tree
from tutor.matching.terms import is_absence_concept

__all__ = [
    "CaseError", "Problem", "SharedDefinitions", "load_case_file", "load_case_bytes",
    "load_shared", "read_shared", "report_problems", "LEXICON_FILE", "DISCRIMINATORS_FILE",
]

FORMAT_VERSION = 1
LEXICON_FILE = "lexicon.yaml"
DISCRIMINATORS_FILE = "discriminators.yaml"
DEFAULT_ATTEMPTS = 3
MAX_TIME_LIMIT = 24 * 3600  # seconds, as for `tutor play --time-limit`

CASE_KEYS = (
    "format", "id", "title", "summary", "tags", "difficulty", "time_limit", "source",
    "intro", "side", "concepts", "discriminators", "stages",
)
SIDES = ("left", "right")
CASE_REQUIRED = {
    "format": "the format version, `format: 1`",
    "id": "the case id, lowercase letters, digits and '-'",
    "title": "the title shown in the case list",
    "source": "where the clinical facts come from",
    "stages": "the list of stages, played in order",
}
CONCEPT_KEYS = ("label", "synonyms", "measure", "essential", "inherit")
MEASURE_KEYS = ("of", "unit", "below", "above")
MEASURE_REQUIRED = {
    "of": "what is measured, as learners name it, e.g. `of: [IFS, ischiofemoral space]`",
    "unit": "`mm` or `cm`",
}
MEASURE_UNITS = ("mm", "cm")
CONCEPT_REQUIRED = {"label": "the name shown to the learner, also matched like a synonym"}
DISCRIMINATOR_KEYS = ("between", "why_confused", "points", "trap")
DISCRIMINATOR_REQUIRED = {"between": "the two concept ids it tells apart, e.g. `between: [a, b]`"}
STAGE_KEYS = (
    "id", "kind", "title", "present", "ask", "expect", "pass", "misconceptions", "hints", "attempts",
    "explain", "examples",
)
STAGE_REQUIRED = {
    "id": "a name unique within the case, e.g. `id: history`",
    "ask": "the question the tutor asks",
    "expect": "the concepts an expert answer contains",
    "explain": "the model answer shown when the stage ends",
}
EXPECT_KEYS = ("concept", "required", "weight", "feedback", "either_way", "hint")
MISCONCEPTION_KEYS = ("concept", "feedback", "discriminator")
EXAMPLE_KEYS = ("answer", "matches")
LEXICON_KEYS = ("format", "concepts")
SHARED_DISCRIMINATOR_KEYS = ("format", "discriminators")


@dataclass(frozen=True)
class SharedDefinitions:
    """Concepts and discriminators that every case may use (from the dialogues folder)."""

    concepts: Mapping[str, Concept] = field(default_factory=frozen_mapping)
    discriminators: Mapping[str, Discriminator] = field(default_factory=frozen_mapping)
    # Ids defined in the shared files whose definitions have problems (see FieldReader.broken).
    broken: frozenset[str] = frozenset()


NO_SHARED = SharedDefinitions()


def read_limited(path: Path) -> bytes:
    """The file's bytes, refusing folders, missing files, special files and anything over the size cap.

    Opened without blocking and checked before it is read: a named pipe would otherwise wait
    for a writer forever, and /dev/zero would never end.
    """
    shown = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise CaseError.single(shown, None, "no such file") from None
    except IsADirectoryError:
        raise CaseError.single(shown, None, "this is a folder, not a case file") from None
    except OSError as error:
        raise CaseError.single(shown, None, f"cannot read the file: {_reason(error)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise CaseError.single(shown, None, "this is a folder, not a case file")
        if not stat.S_ISREG(mode):
            raise CaseError.single(shown, None, f"this is not a regular file (it is {_kind_of(mode)}); "
                                             "a case file is a YAML text file")
        with os.fdopen(fd, "rb") as handle:
            fd = -1  # the handle closes it
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise CaseError.single(shown, None, f"cannot read the file: {_reason(error)}") from None
    finally:
        if fd >= 0:
            os.close(fd)


def _reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "its symbolic links go round in a loop"
    return error.strerror or str(error)


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


# -- the shared files ---------------------------------------------------------


def load_shared(dialogues_dir: str | Path, base: SharedDefinitions | None = None) -> SharedDefinitions:
    """The shared lexicon and discriminators of a dialogues folder (either file may be absent)."""
    shared, problems = read_shared(dialogues_dir, base)
    if problems:
        raise CaseError(problems)
    return shared


def read_shared(dialogues_dir: str | Path, base: SharedDefinitions | None = None
                ) -> tuple[SharedDefinitions, list[Problem]]:
    """What can be used of the shared files, and their problems (for the checker, which goes on).

    With `base` (the shipped definitions), the folder's files extend it: its concepts and
    discriminators are added, one with an id of the base's replaces it, and its
    discriminators may name the base's concepts."""
    folder = Path(dialogues_dir)
    base = base or NO_SHARED
    lexicon = _SharedFile(folder / LEXICON_FILE, "concepts")
    if lexicon.path.is_file():
        lexicon.read(LEXICON_KEYS)
    discriminators = _SharedFile(folder / DISCRIMINATORS_FILE, "discriminators", lexicon, base)
    if discriminators.path.is_file():
        discriminators.read(SHARED_DISCRIMINATOR_KEYS)
    problems = in_file_order(lexicon.reader.problems + discriminators.reader.problems)
    # A definition of the folder's that has problems still hides the base's: it was meant to replace it.
    own_broken = lexicon.reader.broken | discriminators.reader.broken
    shared = SharedDefinitions(
        frozen_mapping({**{k: c for k, c in base.concepts.items() if f"concept:{k}" not in own_broken},
                        **lexicon.concepts}),
        frozen_mapping({**{k: d for k, d in base.discriminators.items() if f"discriminator:{k}" not in own_broken},
                        **discriminators.discriminators}),
        frozenset(base.broken | lexicon.reader.broken | discriminators.reader.broken),
    )
    return shared, problems


class _SharedFile:
    def __init__(self, path: Path, section: str, lexicon: "_SharedFile | None" = None,
                 base: SharedDefinitions = NO_SHARED):
        self.path = path
        self.section = section
        self.reader = FieldReader(str(path))
        if lexicon is not None:  # concepts broken in the lexicon are reported there, not again here
            self.reader.broken |= {k for k in lexicon.reader.broken if k.startswith("concept:")}
        self.lexicon_concepts = {**base.concepts, **(lexicon.concepts if lexicon is not None else {})}
        self.concepts: dict[str, Concept] = {}
        self.discriminators: dict[str, Discriminator] = {}

    def read(self, keys: tuple[str, ...]) -> None:
        reader, section = self.reader, self.section
        try:
            root = compose_tree(read_limited(self.path), reader.path)
        except CaseError as error:
            reader.problems.extend(error.problems)
            return
        if root is None:
            reader.problem(1, f"the file has only comments; it needs `format: 1` and `{section}:`")
            return
        what = f"the shared {section} file"
        fields = reader.fields(root, what, keys, {"format": "the format version, `format: 1`",
                                                  section: f"the shared {section}"})
        if fields is None:
            return
        _check_format(reader, fields.get("format"), what)
        if section == "concepts" and section in fields:
            self.concepts = _read_concepts(reader, fields["concepts"], "the shared lexicon")
        if section == "discriminators" and section in fields:
            self.discriminators = _read_discriminators(
                reader, fields["discriminators"], self.lexicon_concepts, "the shared discriminators",
                where_to_define=f"in {LEXICON_FILE}",
            )


# -- a case file ----------------------------------------------------------------


def load_case_file(path: str | Path, shared: SharedDefinitions | None = None) -> Case:
    """The case in `path`, its concepts and discriminators merged over `shared` (case wins)."""
    path = Path(path)
    return load_case_bytes(read_limited(path), str(path), shared)


def load_case_bytes(data: bytes, path: str, shared: SharedDefinitions | None = None) -> Case:
    """The case in `data` (the contents of the file at `path`, which is used in messages)."""
    shared = shared or NO_SHARED
    root = compose_tree(data, path)
    if root is None:
        raise CaseError.single(path, None, "the file has only comments; a case file starts with `format: 1`")
    builder = _CaseBuilder(path, shared, data.decode("utf-8-sig", "replace"))
    case = builder.build(root)
    if builder.reader.problems or case is None:
        # With no problem of its own, a case fails only through broken shared definitions.
        fallback = Problem(path, None, "this case uses shared definitions that have problems (reported there)"
                           if shared.broken else "not a valid case")
        raise CaseError(in_file_order(builder.reader.problems) or [fallback])
    return case


def _check_format(reader: FieldReader, node: Node | None, what: str) -> None:
    if node is None:
        return  # reported as missing
    value = node.value.strip() if isinstance(node, ScalarNode) else None
    if value != str(FORMAT_VERSION):
        reader.problem(
            node,
            f"{what} says `format: {value if value is not None else '...'}`, but this tutor reads "
            f"format {FORMAT_VERSION}; write `format: {FORMAT_VERSION}` and follow the format page",
        )


def _read_concepts(reader: FieldReader, node: Node, where: str,
                   inherit: dict[str, tuple[Node, str | bool]] | None = None) -> dict[str, Concept]:
    """The concepts under `node`; with `inherit` (a case's concepts), each concept's `inherit:`
    goes there by id, with its node for messages (a shared lexicon's concepts have none)."""
    concepts: dict[str, Concept] = {}
    for key, key_node, value_node in reader.entries(node, f"`concepts` in {where}") or ():
        concept_id = reader.identifier(key_node, "concept", where)
        what = f"concept `{key}`"
        fields = reader.fields(value_node, what, CONCEPT_KEYS, CONCEPT_REQUIRED)
        label = reader.text(fields.get("label"), "label", what) if fields is not None else None
        synonyms = reader.texts(fields.get("synonyms"), "synonyms", what) if fields is not None else ()
        essential = reader.texts(fields.get("essential"), "essential", what) if fields is not None else ()
        measure = None
        if fields is not None and "measure" in fields:
            measure = _read_measure(reader, fields["measure"], what)
            if measure is None:
                label = None
        if fields is not None and "inherit" in fields:
            choice = _read_inherit(reader, fields["inherit"], what, inherit is not None)
            if choice is not None and inherit is not None and concept_id is not None:
                inherit[concept_id] = (fields["inherit"], choice)
        if concept_id is None or label is None:
            # Known but unusable: uses of it are not reported again as undefined.
            reader.broken.add(f"concept:{key}")
            continue
        concept = Concept(
            id=concept_id, label=label, synonyms=synonyms, origin=f"{reader.path}:{line_of(key_node)}",
            measure=measure, essential=essential,
        )
        concepts[concept_id] = replace(concept, absence=is_absence_concept(concept))
    return concepts


def _read_inherit(reader: FieldReader, node: Node, what: str, in_case: bool) -> str | bool | None:
    """`inherit: false` (only its own terms) or `inherit: LEXICON-ID` (the shared concept whose
    terms it takes); `true` is the default. See tutor.cases.inheritance."""
    if not in_case:
        reader.problem(node, f"`inherit` in {what} is for a case's concepts: a concept of a shared "
                             "lexicon is the one cases inherit from")
        return None
    if isinstance(node, ScalarNode) and node.value.strip().lower() in ("true", "false", "yes", "no", "on", "off"):
        return False if reader.flag(node, "inherit", what) is False else None
    return reader.identifier(node, "concept", f"`inherit` of {what}")


def _read_measure(reader: FieldReader, node: Node, concept: str) -> Measure | None:
    """Extension: the concept is also stated by a measurement past a threshold ("IFS 11 mm")."""
    what = f"`measure` of {concept}"
    fields = reader.fields(node, what, MEASURE_KEYS, MEASURE_REQUIRED)
    if fields is None:
        return None
    of = reader.texts(fields.get("of"), "of", what)
    unit = reader.text(fields.get("unit"), "unit", what)
    if unit is not None and unit not in MEASURE_UNITS:
        reader.problem(fields["unit"], f"`unit` in {what} must be one of {', '.join(MEASURE_UNITS)}, "
                                       f"got {quoted(unit)}")
        unit = None
    if "of" in fields and not of:
        reader.problem(fields["of"], f"`of` in {what} is empty; name what is measured, e.g. `[IFS]`")
    below = reader.positive_number(fields.get("below"), "below", what)
    above = reader.positive_number(fields.get("above"), "above", what)
    if "below" not in fields and "above" not in fields:
        reader.problem(node, f"{what} needs `below:` or `above:` (the threshold the measurement must pass)")
        return None
    if below is not None and above is not None and above >= below:
        reader.problem(node, f"{what} asks for a value above {above:g} and below {below:g}, which no "
                             "measurement can be")
        return None
    if not of or unit is None or (below is None and above is None):
        return None
    return Measure(of=of, unit=unit, below=below, above=above)


def _read_discriminators(
    reader: FieldReader, node: Node, concepts: Mapping[str, Concept], where: str, where_to_define: str
) -> dict[str, Discriminator]:
    discriminators: dict[str, Discriminator] = {}
    for key, key_node, value_node in reader.entries(node, f"`discriminators` in {where}") or ():
        disc_id = reader.identifier(key_node, "discriminator", where)
        what = f"discriminator `{key}`"
        fields = reader.fields(value_node, what, DISCRIMINATOR_KEYS, DISCRIMINATOR_REQUIRED)
        if disc_id is None or fields is None:
            reader.broken.add(f"discriminator:{key}")
            continue
        between = _read_between(reader, fields.get("between"), what, concepts, where_to_define)
        why = reader.text(fields.get("why_confused"), "why_confused", what)
        points = reader.texts(fields.get("points"), "points", what)
        trap = reader.text(fields.get("trap"), "trap", what)
        if "between" in fields and not why and not points:
            reader.problem(key_node, f"{what} has neither `why_confused` nor `points`; "
                                     "say how to tell the two apart")
        if between is None:
            reader.broken.add(f"discriminator:{key}")
            continue
        discriminators[disc_id] = Discriminator(
            id=disc_id, between=between, why_confused=why or "", points=points, trap=trap,
            origin=f"{reader.path}:{line_of(key_node)}",
        )
    return discriminators


def _read_between(reader, node, what, concepts, where_to_define) -> tuple[str, str] | None:
    if node is None:
        return None
    items = reader.items(node, "between", what)
    if len(items) != 2:
        reader.problem(node, f"`between` in {what} must name exactly two concept ids, got {len(items)}")
        return None
    ids = []
    for item in items:
        concept_id = _concept_ref(reader, item, concepts, f"`between` in {what}", where_to_define)
        if concept_id is None:
            return None
        ids.append(concept_id)
    if ids[0] == ids[1]:
        reader.problem(node, f"`between` in {what} names `{ids[0]}` twice; it needs two different concepts")
        return None
    return ids[0], ids[1]


def _concept_ref(reader, node, concepts: Mapping[str, Concept], where: str, where_to_define: str) -> str | None:
    """A reference to a defined concept, or None (reported, with a did-you-mean)."""
    if not isinstance(node, ScalarNode) or is_null(node):
        hint = ""
        if isinstance(node, MappingNode):
            hint = " (a value containing ': ' inside [...] must be quoted)"
        reader.problem(node, f"{where} must name a concept id, got {describe(node)}{hint}")
        return None
    concept_id = node.value.strip()
    if concept_id in concepts:
        return concept_id
    if f"concept:{concept_id}" in reader.broken:
        return None  # its definition's problems are reported where it is defined
    broken = [key.split(":", 1)[1] for key in reader.broken if key.startswith("concept:")]
    hint = _concept_suggestion(concept_id, concepts, broken)
    fix = f" If not, define it {where_to_define}" if hint else f"; define it {where_to_define}"
    reader.problem(node, f"{where} names concept `{concept_id}`, which is not defined{hint}{fix}")
    return None


def _concept_suggestion(word: str, concepts: Mapping[str, Concept], broken_ids: list[str]) -> str:
    # Authors sometimes write a label or a synonym where the id belongs.
    folded = " ".join(word.casefold().split())
    for concept in concepts.values():
        terms = (concept.label, *concept.synonyms)
        if any(" ".join(t.casefold().split()) == folded for t in terms):
            return f"; did you mean `{concept.id}` (whose label is {quoted(concept.label)})?"
    return suggestion(word, [*concepts, *broken_ids])


def _what_it_holds(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list"
    if is_null(node):
        return "nothing"
    return "a single text"


def _with_known_rivals(stage: Stage, discriminators: Mapping[str, Discriminator]) -> Stage:
    """A diagnosis stage that also counts, as wrong diagnoses, the rivals a discriminator sets
    against its expected diagnosis.

    Without this, a learner who commits to a rival the author did not list ("osteosarcoma" in
    an avulsion case) reads "Noted ... not scored" instead of what tells the two apart. The
    author's own misconception entries (with their feedback) always come first."""
    if stage.kind != "diagnosis":
        return stage
    expected = set(stage.expected_ids)
    listed = set(stage.misconception_ids)
    rivals: list[Misconception] = []
    for disc_id, disc in discriminators.items():
        if not expected & set(disc.between):
            continue
        for rival in disc.between:
            if rival not in expected and rival not in listed:
                listed.add(rival)
                rivals.append(Misconception(concept=rival, discriminator=disc_id, implied=True))
    if not rivals:
        return stage
    return replace(stage, misconceptions=stage.misconceptions + tuple(rivals))


class _CaseBuilder:
    def __init__(self, path: str, shared: SharedDefinitions, text: str = ""):
        self.path = path
        self.shared = shared
        self.reader = FieldReader(path, text)
        self.reader.broken |= shared.broken
        self.concepts: dict[str, Concept] = dict(shared.concepts)
        self.discriminators: dict[str, Discriminator] = dict(shared.discriminators)

    @property
    def where_to_define(self) -> str:
        return f"under `concepts:` in this file or in the shared {LEXICON_FILE}"

    def build(self, root: Node) -> Case | None:
        reader = self.reader
        # A file that is no case at all is never quoted: the path may name anyone's file
        # (`tutor grade /etc/shadow`), and its first line is nobody's business.
        if not isinstance(root, MappingNode):
            reader.problem(
                root,
                f"a case file must be a mapping of keys ({', '.join(CASE_REQUIRED)}, ...), "
                f"but this file holds {_what_it_holds(root)}",
            )
            return None
        keys = [k.value for k, _ in root.value if isinstance(k, ScalarNode)]
        if keys and not set(keys) & set(CASE_KEYS):
            reader.problem(
                root,
                "this does not look like a case file: it has none of the case keys "
                f"({', '.join(CASE_REQUIRED)}, ...)",
            )
            return None
        fields = reader.fields(root, "the case", CASE_KEYS, CASE_REQUIRED)
        if fields is None:
            return None
        _check_format(reader, fields.get("format"), "the case")
        case_id = reader.identifier(fields["id"], "case", "the case") if "id" in fields else None
        title = reader.text(fields.get("title"), "title", "the case")
        source = reader.text(fields.get("source"), "source", "the case")
        summary = reader.text(fields.get("summary"), "summary", "the case")
        intro = reader.text(fields.get("intro"), "intro", "the case")
        side = self._side(fields.get("side"))
        tags = reader.texts(fields.get("tags"), "tags", "the case")
        difficulty = reader.whole_number(fields.get("difficulty"), "difficulty", "the case", 1, 3)
        time_limit = reader.whole_number(fields.get("time_limit"), "time_limit", "the case", 1, MAX_TIME_LIMIT)

        own: dict[str, Concept] = {}
        inherit: dict[str, tuple[Node, str | bool]] = {}
        if "concepts" in fields:
            own = _read_concepts(reader, fields["concepts"], "this case", inherit)
            self.concepts.update(own)
        own_discriminators: dict[str, Discriminator] = {}
        if "discriminators" in fields:
            own_discriminators = _read_discriminators(
                reader, fields["discriminators"], self.concepts, "this case", self.where_to_define
            )
            self.discriminators.update(own_discriminators)
        stages = self._stages(fields["stages"]) if "stages" in fields else ()
        self._inherit(own, inherit, stages, own_discriminators, side)
        stages = tuple(_with_known_rivals(stage, self.discriminators) for stage in stages)

        if case_id is None or title is None or source is None or not stages:
            return None
        return Case(
            id=case_id, title=title, source=source, stages=stages,
            concepts=frozen_mapping(self.concepts),
            discriminators=frozen_mapping(self.discriminators),
            summary=summary, tags=tags, difficulty=difficulty, time_limit=time_limit,
            intro=intro, path=self.path, side=side,
        )

    def _inherit(self, own: dict[str, Concept], inherit: dict[str, tuple[Node, str | bool]],
                 stages: tuple[Stage, ...], own_discriminators: dict[str, Discriminator], side: str | None) -> None:
        """The case's concepts with the terms the shared lexicon knows for the same things
        (tutor.cases.inheritance); a lexicon twin they absorb leaves the case, and the shared
        discriminators that named it name the case's concept instead."""
        from tutor.cases.inheritance import inherit_shared_terms

        shared = self.shared.concepts
        used = {c for stage in stages for c in (*stage.expected_ids, *stage.misconception_ids)}
        used |= {c for stage in stages for example in stage.examples for c in example.matches}
        used |= {c for d in own_discriminators.values() for c in d.between}
        choices: dict[str, str | bool] = {}
        for concept_id, (node, choice) in inherit.items():
            if isinstance(choice, str) and choice not in shared:
                hint = suggestion(choice, shared)
                self.reader.problem(node, f"`inherit: {choice}` of concept `{concept_id}` names no concept of "
                                          f"the shared lexicon{hint} (`tutor concepts` lists them)")
                continue
            if isinstance(choice, str) and choice != concept_id and choice in used:
                self.reader.problem(node, f"concept `{concept_id}` inherits from `{choice}`, which this case "
                                          f"also uses itself; use `{choice}` or `{concept_id}`, not both")
                continue
            if isinstance(choice, str) and choice != concept_id and choice in own:
                self.reader.problem(node, f"concept `{concept_id}` inherits from `{choice}`, which this case "
                                          "defines itself; a case concept inherits only from the shared lexicon")
                continue
            choices[concept_id] = choice
        if not own or not shared:
            return
        result = inherit_shared_terms(self.concepts, own, shared, choices, used, side)
        self.concepts = result.concepts
        if result.absorbed:
            self.discriminators = {
                key: replace(d, between=tuple(result.absorbed.get(c, c) for c in d.between))  # type: ignore[arg-type]
                if key not in own_discriminators else d
                for key, d in self.discriminators.items()
            }

    def _side(self, node: Node | None) -> str | None:
        side = self.reader.text(node, "side", "the case")
        if side is None:
            return None
        if side.strip().casefold() in SIDES:
            return side.strip().casefold()
        self.reader.problem(node, f"`side` is {quoted(side)}; write `side: left` or `side: right` "
                                  "(leave it out when the case is about both sides or neither)")
        return None

    def _stages(self, node: Node) -> tuple[Stage, ...]:
        reader = self.reader
        if not isinstance(node, SequenceNode):
            reader.problem(node, f"`stages` must be a list of stages (each starting with `- id: ...`), "
                                 f"got {describe(node)}")
            return ()
        items = node.value
        if not items:
            reader.problem(node, "`stages` is empty; a case needs at least one stage")
            return ()
        stages = []
        first_line: dict[str, int] = {}
        for number, item in enumerate(items, start=1):
            stage = self._stage(item, number)
            # A stage with an error of its own still claims its id: a second `- id: history`
            # is reported now, not only once the first mistake is fixed.
            id_node = _value_of(item, "id")
            stage_id = id_node.value.strip() if isinstance(id_node, ScalarNode) and id_node.value.strip() else None
            if stage_id is not None and stage_id in first_line:
                reader.problem(
                    line_of(item),
                    f"duplicate stage id `{stage_id}` (first on line {first_line[stage_id]}); "
                    "stage ids must be unique within a case, so rename one",
                )
                continue
            if stage_id is not None:
                first_line[stage_id] = line_of(item)
            if stage is not None:
                stages.append(stage)
        return tuple(stages)

    def _stage(self, node: Node, number: int) -> Stage | None:
        reader = self.reader
        id_node = _value_of(node, "id")
        label = id_node.value.strip() if isinstance(id_node, ScalarNode) and id_node.value.strip() else None
        what = f"stage `{label}`" if label else f"stage {number}"
        fields = reader.fields(node, what, STAGE_KEYS, STAGE_REQUIRED)
        if fields is None:
            return None
        stage_id = reader.identifier(fields["id"], "stage", what) if "id" in fields else None
        kind = self._kind(fields.get("kind"), what)
        title = reader.text(fields.get("title"), "title", what)
        present = reader.text(fields.get("present"), "present", what)
        ask = reader.text(fields.get("ask"), "ask", what)
        explain = reader.text(fields.get("explain"), "explain", what)
        hints = reader.texts(fields.get("hints"), "hints", what)
        attempts = reader.whole_number(fields.get("attempts"), "attempts", what, 1, 100)
        expect = self._expectations(fields.get("expect"), what)
        misconceptions = self._misconceptions(fields.get("misconceptions"), what, expect)
        pass_count = self._pass_count(fields.get("pass"), what, expect, _item_count(fields.get("expect")))
        complete = len(expect) == _item_count(fields.get("expect")) and len(misconceptions) == _item_count(
            fields.get("misconceptions"))
        examples = self._examples(fields.get("examples"), what, expect, misconceptions, complete)
        if None in (stage_id, ask, explain) or not expect:
            return None
        return Stage(
            id=stage_id, ask=ask, expect=expect, explain=explain, kind=kind,
            pass_count=pass_count, misconceptions=misconceptions, hints=hints,
            attempts=attempts if attempts is not None else DEFAULT_ATTEMPTS,
            present=present, examples=examples, line=line_of(node), title=title,
        )

    def _kind(self, node: Node | None, what: str) -> str | None:
        kind = self.reader.text(node, "kind", what)
        if kind is None or kind in STAGE_KINDS:
            return kind
        hint = suggestion(kind, STAGE_KINDS)
        self.reader.problem(
            node, f"unknown stage kind {quoted(kind)} in {what}{hint} (one of: {', '.join(STAGE_KINDS)})"
        )
        return None

    def _expectations(self, node: Node | None, what: str) -> tuple[Expectation, ...]:
        reader = self.reader
        if node is None:
            return ()
        items = reader.items(node, "expect", what)
        if not items and not isinstance(node, MappingNode):
            reader.problem(node, f"`expect` in {what} is empty; list at least one concept id")
        expectations: list[Expectation] = []
        seen: dict[str, int] = {}
        for item in items:
            where = f"`expect` in {what}"
            if isinstance(item, MappingNode):
                fields = reader.fields(item, f"an `expect` entry of {what}", EXPECT_KEYS,
                                       {"concept": "the concept id"})
                if fields is None or "concept" not in fields:
                    continue
                concept_id = self._concept(fields["concept"], where)
                required = reader.flag(fields.get("required"), "required", where)
                weight = reader.positive_number(fields.get("weight"), "weight", where)
                feedback = reader.text(fields.get("feedback"), "feedback", where)
                either_way = reader.flag(fields.get("either_way"), "either_way", where)
                hint = reader.text(fields.get("hint"), "hint", where)
                id_node = fields["concept"]
            else:
                concept_id = self._concept(item, where)
                required, weight, feedback, either_way, hint, id_node = None, None, None, None, None, item
            if concept_id is None:
                continue
            if concept_id in seen:
                reader.problem(id_node, f"{where} lists `{concept_id}` twice (first on line {seen[concept_id]})")
                continue
            seen[concept_id] = line_of(id_node)
            expectations.append(Expectation(
                concept=concept_id, weight=weight if weight is not None else 1.0,
                required=bool(required), feedback=feedback, either_way=bool(either_way), hint=hint,
            ))
        return tuple(expectations)

    def _misconceptions(self, node, what: str, expect: tuple[Expectation, ...]) -> tuple[Misconception, ...]:
        reader = self.reader
        expected = {e.concept for e in expect}
        result: list[Misconception] = []
        seen: set[str] = set()
        where = f"`misconceptions` in {what}"
        for item in reader.items(node, "misconceptions", what):
            discriminator_id = None
            if isinstance(item, MappingNode):
                fields = reader.fields(item, f"a `misconceptions` entry of {what}", MISCONCEPTION_KEYS,
                                       {"concept": "the concept id of the wrong answer"})
                if fields is None or "concept" not in fields:
                    continue
                concept_id = self._concept(fields["concept"], where)
                feedback = reader.text(fields.get("feedback"), "feedback", where)
                id_node = fields["concept"]
                if "discriminator" in fields:
                    discriminator_id = self._discriminator(fields["discriminator"], concept_id, where)
            else:
                concept_id = self._concept(item, where)
                feedback, id_node = None, item
            if concept_id is None:
                continue
            if concept_id in expected:
                reader.problem(id_node, f"`{concept_id}` is both expected and a misconception in {what}; "
                                        "keep it in one of the two lists")
                continue
            if concept_id in seen:
                reader.problem(id_node, f"{where} lists `{concept_id}` twice")
                continue
            seen.add(concept_id)
            result.append(Misconception(concept=concept_id, feedback=feedback, discriminator=discriminator_id))
        return tuple(result)

    def _discriminator(self, node: Node, concept_id: str | None, where: str) -> str | None:
        reader = self.reader
        disc_id = reader.text(node, "discriminator", where)
        if disc_id is None:
            return None
        disc = self.discriminators.get(disc_id)
        if disc is None and f"discriminator:{disc_id}" in reader.broken:
            return None
        if disc is None:
            hint = suggestion(disc_id, self.discriminators)
            fix = (f"define it under `discriminators:` in this file or in the shared {DISCRIMINATORS_FILE}")
            reader.problem(
                node,
                f"{where} names discriminator `{disc_id}`, which is not defined{hint}"
                f"{' If not, ' if hint else '; '}{fix}",
            )
            return None
        if concept_id is not None and concept_id not in disc.between:
            reader.problem(
                node,
                f"discriminator `{disc_id}` is between `{disc.between[0]}` and `{disc.between[1]}`, "
                f"so it cannot explain the misconception `{concept_id}`; pick one that names it",
            )
            return None
        return disc_id

    def _pass_count(self, node: Node | None, what: str, expect: tuple[Expectation, ...], written: int) -> int:
        required = sum(1 for e in expect if e.required)
        default = required or 1
        if node is None:
            return default
        count = self.reader.whole_number(node, "pass", what, sensible=f"from 1 to {max(written, 1)}")
        if count is None:
            return default
        if count < 1:
            self.reader.problem(node, f"`pass: {count}` in {what} is impossible; use at least 1")
            return default
        if written and count > written:
            self.reader.problem(
                node,
                f"`pass: {count}` in {what} can never be reached: the stage expects only {written} "
                f"concept{'s' if written != 1 else ''}; use a number from 1 to {written}",
            )
            return default
        return count

    def _examples(self, node, what: str, expect, misconceptions, complete: bool) -> tuple[Example, ...]:
        """The stage's examples; `complete` is False when some of its concepts did not resolve,
        and then an example naming one of those is not blamed for it."""
        reader = self.reader
        gradeable = {e.concept for e in expect} | {m.concept for m in misconceptions}
        examples = []
        for item in reader.items(node, "examples", what):
            entry_what = f"an example of {what}"
            fields = reader.fields(item, entry_what, EXAMPLE_KEYS, {"answer": "the answer text"})
            if fields is None:
                continue
            if "matches" not in fields:
                reader.problem(item, f"{entry_what} is missing `matches` (the concept ids the answer "
                                     "must match, `[]` for none)")
            answer = reader.text(fields.get("answer"), "answer", entry_what)
            matches = []
            ok = answer is not None
            for match_node in reader.items(fields.get("matches"), "matches", entry_what):
                concept_id = self._concept(match_node, f"`matches` in {entry_what}")
                if concept_id is None:
                    ok = False
                elif concept_id not in gradeable:
                    ok = False
                    if not complete:
                        continue
                    reader.problem(
                        match_node,
                        f"the example expects `{concept_id}`, but {what} neither expects it nor lists it "
                        "as a misconception, so no answer can match it here",
                    )
                else:
                    matches.append(concept_id)
            if ok and "matches" in fields:
                examples.append(Example(answer=answer, matches=tuple(matches), line=line_of(item)))
        return tuple(examples)

    def _concept(self, node: Node, where: str) -> str | None:
        return _concept_ref(self.reader, node, self.concepts, where, self.where_to_define)


def _item_count(node: Node | None) -> int:
    if isinstance(node, SequenceNode):
        return len(node.value)
    return 0 if is_null(node) or isinstance(node, MappingNode) else 1


def _value_of(node: Node, key: str) -> Node | None:
    """The value of `key` in a mapping node, without any checking (for naming things in messages)."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value_node
    return None
