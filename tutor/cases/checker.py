"""What `tutor check` finds: case files loaded against their shared files, the authors'
own example answers graded, two concepts the matcher cannot tell apart, and text a
` #` cut short.

With no paths it checks the whole library: the shared lexicon, the shared
discriminators and every case, then each instructor folder ($TUTOR_CASES,
`case_dirs` in the settings file). A path may be a case file, a shared file
(lexicon.yaml / discriminators.yaml) or a folder; a folder that holds a
lexicon or discriminators file is checked with them extending the shipped
ones, as the library plays it, so a folder can be checked before it is added.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from tutor.cases.library import (
    CASE_SUFFIXES,
    dialogues_dir,
    dialogues_folder_of,
    shared_definitions,
    shipped_definitions_or_none,
    shown_path,
)
from tutor.cases.loading import (
    DISCRIMINATORS_FILE,
    LEXICON_FILE,
    CaseError,
    Problem,
    SharedDefinitions,
    load_case_file,
    read_shared,
)
from tutor.cases.fields import quoted
from tutor.model import Case, Concept
from tutor.cases.problems import in_file_order
from tutor.matching.tokens import WORDS_FILE
from tutor.cases.author_warnings import is_warning

SHARED_FILES = (LEXICON_FILE, DISCRIMINATORS_FILE)
WORD_SECTIONS = {"shorthand": dict, "capitals": dict, "same": dict, "zh": dict, "essential": list,
                 "context": list, "said_last_in_chinese": list, "makes_a_modifier": list,
                 "also_means": dict, "word_for_word": dict, "character_for_word": dict,
                 "phrases_read_as": dict, "negation": dict, "coexistence_cues": list,
                 "coexistence_in_a_discriminator": list, "composites": dict, "name_nothing": list,
                 "structures": list, "places": list, "qualifiers": list, "other_regions": list,
                 "modalities": dict, "within": dict, "contrasts": dict,
                 "someone_else": list, "another_time": dict, "place_nouns": list,
                 "other_conditions": list, "another_disease": list, "infection": list, "specialists": list,
                 "says_only_where_from": list}
# Sections whose every entry is a list of words (a `no` left unquoted reads as false in YAML).
_WORD_LIST_SECTIONS = frozenset({"phrases_read_as", "negation", "composites", "within", "contrasts", "modalities",
                                 "another_time"})


@dataclass
class CheckReport:
    cases: int = 0
    stages: int = 0
    examples: int = 0
    problems: list[Problem] = field(default_factory=list)
    case_ids: dict[str, str] = field(default_factory=dict)  # id -> the file that defines it
    reported_terms: set[tuple] = field(default_factory=set)  # (term, concept, concept) already reported
    not_loaded: list[str] = field(default_factory=list)  # case files (as shown) that did not load
    not_found: list[str] = field(default_factory=list)  # paths named that are not there
    shared_files: int = 0  # lexicon, discriminators and word files checked in their own right

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not is_warning(p)]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if is_warning(p)]

    def failed(self, strict: bool = False) -> bool:
        """Errors fail a check; warnings only with `--strict`."""
        return bool(self.problems if strict else self.errors)

    def summary(self) -> str:
        """One line saying what was checked and how it went, in words that fit what happened:
        "12 cases, 65 stages, 280 examples: all good", "1 case file does not load (2 problems)"."""
        warned = f" ({_plural(len(self.warnings), 'warning')})" if self.warnings else ""
        apart = set(self.not_loaded) | set(self.not_found)
        unloaded = [p for p in self.errors if p.path in self.not_loaded]
        others = [p for p in self.errors if p.path not in apart]
        parts = []
        if self.cases:
            counts = (f"{_plural(self.cases, 'case')}, {_plural(self.stages, 'stage')}, "
                      f"{_plural(self.examples, 'example')}")
            if others:
                files = len({p.path for p in others})
                parts.append(f"{counts}: {_plural(len(others), 'problem')} in {_plural(files, 'file')}{warned}")
            else:
                parts.append(f"{counts}: all good{warned}")
            warned = ""
        if self.not_loaded:
            count = len(self.not_loaded)
            more = "more " if self.cases else ""
            verb = "does" if count == 1 else "do"
            parts.append(f"{count} {more}case file{'s' if count != 1 else ''} {verb} not load "
                         f"({_plural(len(unloaded), 'problem')})")
        if self.not_found:
            parts.append(f"{_plural(len(self.not_found), 'file')} not found")
        if not self.cases and others:
            files = len({p.path for p in others})
            parts.append(f"{_plural(len(others), 'problem')} in {_plural(files, 'file')}")
        elif not parts:
            shared = self.shared_files
            parts.append(f"{_plural(shared, 'shared file')}: all good" if shared else "no case files to check")
        return "; ".join(parts) + warned


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# -- what to check ---------------------------------------------------------------


@dataclass
class _Target:
    """Case files to check against one set of shared files."""

    shared_folder: Path
    cases: list[Path] = field(default_factory=list)
    check_shared: bool = False
    word_files: list[Path] = field(default_factory=list)


def _yaml_files(folder: Path) -> list[Path]:
    """YAML files under a folder, leaving out hidden folders such as .git or .venv."""
    return sorted(
        p for p in folder.rglob("*")
        if p.suffix in CASE_SUFFIXES and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _targets(paths: list[str]) -> list[_Target]:
    """Group the files to check by the shared files they are checked against.

    A case is checked against the lexicon and discriminators of the dialogues
    folder it sits in, else against the shipped ones; a shared file named on
    the command line or met in a folder is checked itself.
    """
    # Paths are shown as the author typed them; the shipped folder relative to here when inside it.
    shipped = Path(shown_path(dialogues_dir()))
    files: list[tuple[int, Path]] = []
    if not paths:
        from tutor.cases.library import case_folders

        paths = [str(shipped)] + [shown_path(f.path) for f in case_folders()[0] if not f.shipped]
    for index, ref in enumerate(paths):
        path = Path(ref).expanduser()
        files.extend((index, p) for p in (_yaml_files(path) if path.is_dir() else [path]))
    # Cases are checked in the order of the paths given, so a duplicated id is blamed on the later one.
    targets: dict[tuple[int, str], _Target] = {}

    def target_for(index: int, folder: Path) -> _Target:
        key = (index, str(folder.resolve()))
        if key not in targets:
            targets[key] = _Target(folder)
        return targets[key]

    for path_index, path in files:
        if path.name == WORDS_FILE and path.is_file():
            target_for(path_index, path.parent).word_files.append(path)
        elif path.name in SHARED_FILES and path.is_file():
            target_for(path_index, path.parent).check_shared = True
        else:
            # Missing or unreadable files are reported by the loader like any other problem.
            target_for(path_index, dialogues_folder_of(path) or shipped).cases.append(path)
    return list(targets.values())


# -- checking --------------------------------------------------------------------


def check_paths(paths: list[str]) -> CheckReport:
    report = CheckReport()
    for target in _targets(paths):
        shared = _shared_for(target, report)
        report.shared_files += len(target.word_files) + (1 if target.check_shared else 0)
        for words_path in target.word_files:
            report.problems.extend(_word_file_problems(words_path))
        seen: set[str] = set()
        for case_path in target.cases:
            key = str(case_path.resolve()) if case_path.exists() else str(case_path)
            if key in seen:
                continue
            seen.add(key)
            _check_case(case_path, shared, report)
    report.problems = in_file_order(report.problems)
    return report


def _word_file_problems(path: Path) -> list[Problem]:
    """The word data file (words.yaml): a mapping of known sections, each of the right shape."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return [Problem(str(path), None, f"cannot be read: {error}")]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return [Problem(str(path), (mark.line + 1) if mark else None, "not valid YAML")]
    if not isinstance(data, dict):
        return [Problem(str(path), None, "word data must be a mapping of sections: " + ", ".join(WORD_SECTIONS))]
    problems = []
    for key, value in data.items():
        if key == "format":
            continue
        shape = WORD_SECTIONS.get(key)
        if shape is None:
            problems.append(Problem(str(path), 1, f"unknown section `{key}`; known: {', '.join(WORD_SECTIONS)}"))
        elif value is not None and not isinstance(value, shape):
            kind = "a mapping of word: meaning" if shape is dict else "a list of words"
            problems.append(Problem(str(path), 1, f"`{key}` must be {kind}"))
        elif isinstance(value, dict) and key in _WORD_LIST_SECTIONS:
            for name, words in value.items():
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    problems.append(Problem(str(path), 1, f"`{key}: {name}` must be a list of words, each quoted "
                                                          "where YAML would read it otherwise (\"no\", \"not\", \"or\")"))
        if shape is list and isinstance(value, list) and not all(isinstance(w, str) for w in value):
            problems.append(Problem(str(path), 1, f"`{key}` must be a list of words (quote \"no\", \"or\")"))
    return problems


def _shared_for(target: _Target, report: CheckReport) -> SharedDefinitions:
    if target.check_shared:
        try:
            # Files that load are files without problems, and are then read from the cache.
            shared = shared_definitions(target.shared_folder)
        except CaseError:
            shipped = dialogues_dir().resolve()
            base = None if target.shared_folder.resolve() == shipped else shipped_definitions_or_none()
            shared, problems = read_shared(target.shared_folder, base)
            report.problems.extend(problems)
        for pair, problem in _shared_findings(target.shared_folder, shared):
            if pair is None or pair not in report.reported_terms:
                if pair is not None:
                    report.reported_terms.add(pair)
                report.problems.append(problem)
        return shared
    try:
        return shared_definitions(target.shared_folder)
    except CaseError:
        # The shipped shared files are broken: say so once, and check the cases with what is usable.
        shared, problems = read_shared(target.shared_folder)
        report.problems.extend(problems)
        return shared


def _shared_findings(folder: Path, shared: SharedDefinitions) -> list[tuple[tuple | None, Problem]]:
    """Collisions and warnings among the concepts a folder's lexicon defines (cached like a case's)."""
    from tutor.cases import parsed_cache
    from tutor.cases.author_warnings import concept_warnings, lines_of
    from tutor.cases.library import shared_key

    key = shared_key(shared)
    name = str(folder.resolve())
    if key is not None:
        stored = parsed_cache.load("check-shared", name, key)
        if isinstance(stored, tuple):
            return [(pair, problem) for pair, problem in stored]
    lexicon = folder / LEXICON_FILE
    own = [c for c in shared.concepts.values() if Path(c.origin.rpartition(":")[0]).name == LEXICON_FILE
           and Path(c.origin.rpartition(":")[0]).resolve() == lexicon.resolve()]
    findings: list[tuple[tuple | None, Problem]] = list(_term_collisions(shared.concepts.values()))
    try:
        text = lexicon.read_bytes().decode("utf-8-sig", "replace")
    except OSError:
        text = ""
    findings += [(None, w) for w in concept_warnings(own, shared.concepts.values(), str(lexicon), lines_of(text))]
    if key is not None:
        parsed_cache.store("check-shared", name, key, tuple(tuple(item) for item in findings))
    return findings


@dataclass
class _CaseFindings:
    """What checking one case found, before it is added to the report.

    Each problem may carry the (term, concept, concept) collision it reports, so a collision
    that several cases share is reported once, whichever case met it first."""

    case_id: str | None = None
    stages: int = 0
    examples: int = 0
    problems: list[tuple[tuple | None, Problem]] = field(default_factory=list)


def _check_case(path: Path, shared: SharedDefinitions, report: CheckReport) -> None:
    shown = str(path)
    findings = _case_findings(path, shown, shared)
    for pair, problem in findings.problems:
        if pair is not None:
            if pair in report.reported_terms:
                continue
            report.reported_terms.add(pair)
        report.problems.append(problem)
    if findings.case_id is None:
        (report.not_loaded if os.path.lexists(path) else report.not_found).append(shown)
        return
    report.cases += 1
    report.stages += findings.stages
    report.examples += findings.examples
    first = report.case_ids.setdefault(findings.case_id, shown)
    if first != shown:
        from tutor.cases.library import top_level_key_line

        report.problems.append(Problem(
            shown, top_level_key_line(path, "id"),
            f"case id `{findings.case_id}` is also used by {first}; each case needs its own id",
        ))


def _case_findings(path: Path, shown: str, shared: SharedDefinitions) -> _CaseFindings:
    """One case checked on its own, from the user's cache when neither the file, its shared
    files nor the tutor changed since it was last checked (see tutor.cases.parsed_cache)."""
    from tutor.cases import parsed_cache
    from tutor.cases.library import cached_case, shared_key

    shared_from = shared_key(shared)
    try:
        stamp = (path.stat().st_mtime_ns, path.stat().st_size)
    except OSError:
        stamp = None
    key = (stamp, shared_from) if stamp is not None and shared_from is not None else None
    name = f"{path.resolve() if stamp else path}\0{shown}"
    if key is not None:
        stored = parsed_cache.load("check", name, key)
        if isinstance(stored, tuple) and len(stored) == 4:
            case_id, stages, examples, problems = stored
            return _CaseFindings(case_id, stages, examples, [(pair, problem) for pair, problem in problems])
    findings = _CaseFindings()
    try:
        case = cached_case(path, shared, shown) if shared_from is not None else load_case_file(Path(shown), shared)
    except CaseError as error:
        findings.problems = [(None, problem) for problem in error.problems]
    else:
        findings.case_id = case.id
        findings.stages = len(case.stages)
        findings.examples = sum(len(stage.examples) for stage in case.stages)
        findings.problems = [(None, p) for p in _example_problems(case, shown)]
        findings.problems += _term_collisions(case.concepts.values(), involving=shown)
        findings.problems += [(None, p) for p in _text_cut_by_hash(path, shown)]
        findings.problems += [(None, w) for w in _warnings(case, path, shown, shared)]
    if key is not None:
        parsed_cache.store("check", name, key, (findings.case_id, findings.stages, findings.examples,
                                                tuple(tuple(item) for item in findings.problems)))
    return findings


_CUT_BY_HASH = re.compile(r"\s#\S")


def _text_cut_by_hash(path: Path, shown: str) -> list[Problem]:
    """Unquoted text followed by " #2"-style words: YAML took the rest of the line as a comment.

    A comment meant as one reads "  # words"; "grade #2 worse" is text the author lost.
    """
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    from tutor.cases.safe_yaml import compose_tree

    try:
        data = path.read_bytes()
        root = compose_tree(data, shown)
    except (OSError, CaseError):
        return []
    lines = data.decode("utf-8", errors="replace").splitlines()
    problems: list[Problem] = []
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if isinstance(node, MappingNode):
            stack += [value for _, value in node.value]
        elif isinstance(node, SequenceNode):
            stack += node.value
        elif isinstance(node, ScalarNode) and not node.style and " " in node.value:
            line = node.end_mark.line
            if node.start_mark.line == line and line < len(lines):
                rest = lines[line][node.end_mark.column:]
                if _CUT_BY_HASH.match(rest):
                    problems.append(Problem(
                        shown, line + 1,
                        f"the text {_quote(node.value)} stops before '{rest.strip()[:20].strip()}': YAML reads"
                        " ' #' as the start of a comment; put the whole text in quotes to keep it",
                    ))
    return problems


def _warnings(case: Case, path: Path, shown: str, shared: SharedDefinitions) -> list[Problem]:
    from tutor.cases.author_warnings import case_warnings

    try:
        text = path.read_bytes().decode("utf-8-sig", "replace")
    except OSError:
        return []
    return case_warnings(case, shown, text, shared.concepts)


def _example_problems(case: Case, shown: str) -> list[Problem]:
    from tutor.grading import CaseGrader  # the matcher is only needed once a case loads

    problems = []
    grader = None
    for stage in case.stages:
        for example in stage.examples:
            try:
                grader = grader or CaseGrader(case)
                grade = grader.grade(stage, example.answer)
            except Exception as error:  # a grader bug must not hide the other examples
                problems.append(Problem(
                    shown, example.line,
                    f"example answer {_quote(example.answer)} could not be graded "
                    f"({type(error).__name__}: {error})",
                ))
                continue
            found = set(grade.matched) | set(grade.misconceptions)
            if found != set(example.matches):
                matched = [c for c in stage.expected_ids + stage.misconception_ids if c in found]
                problems.append(Problem(
                    shown, example.line,
                    f"example answer {_quote(example.answer)} should match {_ids(example.matches)} "
                    f"but matched {_ids(matched)}{_difference(example.matches, found)}; "
                    f"why: {_why(case, grader, grade, example.matches, found)}",
                ))
    return problems


def _why(case: Case, grader, grade, wanted, found: set[str]) -> str:
    """In the matcher's terms, why an example came out as it did: for each concept missed, what
    the answer did say of it (denied, only kept in play) or the closest term the matcher knows;
    for each concept found that should not be, the words that earned it."""
    from rapidfuzz import fuzz

    reasons = []
    for concept_id in sorted(set(wanted) - found):
        if concept_id in grade.negated:
            reasons.append(f"`{concept_id}` is mentioned only to deny it")
            continue
        concept = case.concepts.get(concept_id)
        terms = (concept.label, *concept.synonyms) if concept is not None else ()
        others = sorted({m.concept for m in grade.mentions if not m.negated} - {concept_id})
        text = grade.answer.casefold()
        best = max(terms, key=lambda t: fuzz.partial_ratio(t.casefold(), text), default=None)
        if best is None:
            reasons.append(f"`{concept_id}` has no terms")
            continue
        score = fuzz.partial_ratio(best.casefold(), text)
        seen = f"; the answer names {', '.join(f'`{c}`' for c in others)} instead" if others else ""
        reasons.append(f"no term of `{concept_id}` is in the answer (closest: {_quote(best)}, "
                       f"{score:.0f}% alike){seen}; add the learner's words as a synonym if they mean it")
    for concept_id in sorted(found - set(wanted)):
        evidence = grade.best_mention(concept_id)
        if evidence is not None:
            reasons.append(f"`{concept_id}` is earned by {_quote(evidence.evidence)} (its term {_quote(evidence.term)})")
        else:
            reasons.append(f"`{concept_id}` is earned by the answer")
    return "; ".join(reasons) or "the matcher found what the example lists, in another stage role"


def _term_keys(concept: Concept) -> dict[str, set[tuple]]:
    """Each of a concept's terms (label, synonyms) as the matcher compares it, variants included.

    The keys come from the matcher's own `terms_of`, so whatever it folds (case, plurals,
    spelling, a hyphen typed or not, two words typed as one) is folded here too.
    """
    from tutor.matching.terms import terms_of  # the matcher is only needed once a case loads

    keys: dict[str, set[tuple]] = {}
    for term in terms_of(concept):
        words = tuple(w.norm for w in term.words)
        if words:
            keys.setdefault(term.text, set()).add((words, term.denial_core))
    return keys


def _term_collisions(concepts, involving: str | None = None) -> list[tuple[tuple, Problem]]:
    """Two concepts with one term between them: the matcher cannot tell which the learner meant.

    With `involving` (a case file), only collisions that involve a concept defined in that file.
    Each problem comes with its (term, concept, concept) so the report can say it once.
    """
    owner: dict[tuple, str] = {}
    by_id = {c.id: c for c in concepts}
    problems = []
    for concept in concepts:
        keys = _term_keys(concept)
        for term in (concept.label, *concept.synonyms):
            # The first of this term's forms that another concept already has, if any.
            owners = [(key, owner.setdefault(key, concept.id)) for key in sorted(keys.get(term, ()))]
            key, other = next(((k, o) for k, o in owners if o != concept.id), (None, concept.id))
            if other == concept.id:
                continue
            if involving is not None and involving not in (
                _origin(concept.origin)[0], _origin(by_id[other].origin)[0]
            ):
                continue
            pair = (key, *sorted((other, concept.id)))
            path, line = _origin(concept.origin)
            other_path, other_line = _origin(by_id[other].origin)
            problems.append((pair, Problem(
                path, line,
                f"concept `{concept.id}` has the term {_quote(term)}, which concept `{other}` "
                f"({other_path}:{other_line}) also has; the tutor cannot tell which one a learner means "
                "by it, so keep it in one of them",
            )))
    return problems


def _origin(origin: str) -> tuple[str, int]:
    """A concept's "file:line" origin, split."""
    path, _, line = origin.rpartition(":")
    return (path or "?"), (int(line) if line.isdigit() else 1)


def _quote(text: str) -> str:
    return quoted(text, 80)


def _ids(ids: Iterable[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _difference(wanted: Iterable[str], found: set[str]) -> str:
    wanted = set(wanted)
    parts = []
    if wanted - found:
        parts.append("missing " + ", ".join(sorted(wanted - found)))
    if found - wanted:
        parts.append("unexpected " + ", ".join(sorted(found - wanted)))
    return f" ({'; '.join(parts)})" if parts else ""
