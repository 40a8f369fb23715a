"""`tutor play CASE --watch`: the case file read again when the author saves it.

An author edits a case in one window and plays it in another. Each front end
asks `CaseWatch.poll()` now and then (the app on a timer, the line REPL at
each prompt and while it waits, scripted play before each line); it answers
None when nothing changed, else a `FileChange`: the case read again, or the
errors that stop it loading, as `tutor check` prints them (file:line: message).
A broken file never ends the play: the learner goes on with the last version
that loaded, and the next save that loads is played from then on.

Watched: the case file, and the lexicon and discriminators files that can
extend it (the case's own folder and the one above, as the library reads
them, and the shipped ones). Each look is a `stat` of those few files
(inode, mtime_ns, size); only when one of those moved are the files read and
hashed, so a save that changed nothing (or a `touch`) reloads nothing; a
look during which the files moved again (a save still being written) takes
nothing, and the next look reads the finished file. That is all an
edit-play loop needs, so no file-watching library is used.

`carry_over` moves a session onto the new version (a pure function; the
engine never knows a file changed): the learner stays at the stage with the
same id; when that stage is gone, at the nearest earlier stage that is still
there (else the first), played again from its start. Answers given in the
current stage are kept only while what grades it is unchanged (its expected
concepts with their weights, `required` and `either_way`, and its pass rule);
otherwise the stage starts again. Closed stages before it keep their
outcomes and scores; every stage after it starts fresh.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from tutor.cases.library import dialogues_dir, shared_definitions_for_file, shown_path
from tutor.cases.loading import DISCRIMINATORS_FILE, LEXICON_FILE, load_case_bytes, read_limited
from tutor.cases.problems import CaseError, Problem
from tutor.engine import Session, StageProgress
from tutor.events import StageOpened
from tutor.model import Case, Stage
from tutor.render import wording

# How often the app and the waiting REPL prompt look at the files, in seconds: a `stat` of
# a handful of files, so often enough that a save shows at once and still costs nothing.
POLL_SECONDS = 0.5
# Errors shown at once when a save breaks the file; `tutor check` lists them all.
PROBLEMS_SHOWN = 8

NOT_RECORDED_NOTE = (
    "Watching the case file: this play reloads the case whenever you save it, and is not kept "
    "in your records (an author's test run, not practice)."
)


@dataclass(frozen=True)
class FileChange:
    """What a save did: a new version to play (`case`), or the problems that stop it loading."""

    case: Case | None = None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Carried:
    """A session moved onto a new version of its case, and what the learner is told about it."""

    stage: StageOpened  # the stage the learner is at now, to show again
    notes: tuple[str, ...]
    kept_answers: bool


Stamp = tuple[int, int, int] | None


def _stamp(path: Path) -> Stamp:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_limited(path)).hexdigest()
    except CaseError:
        return None  # missing or unreadable: loading says why, if it matters


def watched_files(case_file: Path) -> tuple[Path, ...]:
    """The case file and every shared file that could change how it loads, missing ones too
    (a lexicon.yaml added beside the case changes which definitions it is read with)."""
    folders = (case_file.parent, case_file.parent.parent, dialogues_dir())
    files = [case_file] + [folder / name for folder in folders for name in (LEXICON_FILE, DISCRIMINATORS_FILE)]
    return tuple(dict.fromkeys(Path(os.path.abspath(f)) for f in files))


def load_watched(case_file: Path) -> Case:
    """The case as `tutor play` loads it, read from the file itself rather than any cache."""
    shown = shown_path(case_file)
    try:
        return load_case_bytes(read_limited(case_file), shown, shared_definitions_for_file(case_file))
    except CaseError:
        raise
    except Exception as error:  # a bug of ours must not end the author's play either
        raise CaseError.single(
            shown, 1, f"the tutor failed while reading this file ({type(error).__name__}: {error})"
        ) from None


class CaseWatch:
    """One case file and its shared files, compared with how they were at the last look."""

    def __init__(self, case_file: Path, case: Case, load: Callable[[Path], Case] = load_watched):
        self.case_file = case_file
        self.poll_seconds = POLL_SECONDS  # how often front ends that wait look (tests look faster)
        self.case = case  # the last version that loaded: the one being played
        self.problems: tuple[Problem, ...] = ()  # why the file on disk does not load now, if it does not
        self._load = load
        self._files = watched_files(case_file)
        self._stamps = self._look()
        self._digests = {f: _digest(f) for f in self._files}

    @property
    def shown(self) -> str:
        return shown_path(self.case_file)

    def moved(self) -> bool:
        """Whether a watched file's stat differs from the last look; nothing is read or changed."""
        return self._look() != self._stamps

    def watches(self, case: Case) -> bool:
        """Whether `case` is a version of the watched one (a retry from the summary plays the latest)."""
        return case.id == self.case.id and case.path == self.case.path

    def poll(self) -> FileChange | None:
        """None when no file changed since the last look (or a save left its bytes the same)."""
        stamps = self._look()
        if stamps == self._stamps:
            return None
        moved = [f for f in self._files if stamps[f] != self._stamps[f]]
        digests = dict(self._digests)
        digests.update({f: _digest(f) for f in moved})
        if digests == self._digests:
            self._stamps = stamps
            return None
        try:
            result: Case | CaseError = self._load(self.case_file)
        except CaseError as error:
            result = error
        if self._look() != stamps:
            # Written to while it was read: half a save may still parse (a stage list cut short).
            # Nothing is taken from this look; the next one reads the finished file.
            return None
        self._stamps, self._digests = stamps, digests
        if isinstance(result, CaseError):
            problems = result.problems or (Problem(self.shown, None, "not a valid case"),)
            if problems == self.problems:
                return None  # saved again, still broken the same way: already said
            self.problems = problems
            return FileChange(problems=problems)
        self.problems = ()
        self.case = result
        return FileChange(case=result)

    def _look(self) -> dict[Path, Stamp]:
        return {f: _stamp(f) for f in self._files}


# --- What the learner is told ------------------------------------------------


def broken_text(change: FileChange, shown: str, width: int | None = None) -> str:
    """The errors of a save that does not load, and that play goes on with the last good version.

    The errors stay one line each, unwrapped, as `tutor check` prints them (editors jump to them)."""
    lines = [wording.wrap(f"{shown} has errors; you are still playing the last version that loaded. "
                          "Fix the file and save it to reload:", width)]
    lines += [f"  {problem}" for problem in change.problems[:PROBLEMS_SHOWN]]
    more = len(change.problems) - PROBLEMS_SHOWN
    if more > 0:
        lines.append(f"  … and {more} more (tutor check {shown} lists them all)")
    return "\n".join(lines)


def _place(index: int, stage: Stage, total: int) -> str:
    return f"stage {index + 1}/{total} ({stage.kind or stage.id})"


def grading_of(stage: Stage) -> tuple:
    """What decides a stage's credit and pass: its answers mean the same while this is unchanged."""
    expect = sorted((e.concept, e.weight, e.required, e.either_way) for e in stage.expect)
    return (tuple(expect), stage.pass_count)


def carry_over(session: Session, case: Case, grader, at: float) -> tuple[Session, Carried]:
    """`session` (not finished) moved onto `case`, a new version of its case, at time `at`."""
    old_case = session.case
    old_index = session.stage_index
    old_stage = old_case.stages[old_index]
    index_of = {stage.id: i for i, stage in enumerate(case.stages)}
    total = len(case.stages)
    notes: list[str] = []

    if old_stage.id in index_of:
        index = index_of[old_stage.id]
        stage = case.stages[index]
        before = session.progress[old_index]
        kept = grading_of(stage) == grading_of(old_stage)
        current = replace(before, opened_at=before.opened_at if before.opened_at is not None else at) if kept \
            else StageProgress(opened_at=at)
        if before.attempts or before.hints_used or before.found:
            said = ("your answers in it are kept" if kept
                    else "what it expects changed, so it starts again (your answers in it are set aside)")
        else:
            said = "nothing answered in it yet"
        notes.append(f"Reloaded {old_case.path or case.path}: you are at {_place(index, stage, total)}; {said}.")
    else:
        earlier = next((s.id for s in reversed(old_case.stages[:old_index]) if s.id in index_of), None)
        index = index_of[earlier] if earlier is not None else 0
        stage = case.stages[index]
        kept = False
        current = StageProgress(opened_at=at)
        where = "the nearest earlier stage still in the file" if earlier is not None else "the first stage"
        notes.append(
            f"Reloaded {old_case.path or case.path}: stage `{old_stage.id}` is no longer in the file, so you are "
            f"back at {_place(index, stage, total)}, {where}, played again from its start."
        )

    old_progress = {s.id: p for s, p in zip(old_case.stages, session.progress)}
    progress: list[StageProgress] = []
    skipped_new: list[str] = []
    for i, each in enumerate(case.stages):
        earlier_progress = old_progress.get(each.id)
        if i == index:
            progress.append(current)
        elif i < index and earlier_progress is not None and earlier_progress.outcome is not None:
            progress.append(earlier_progress)  # closed before the save: its outcome and score stand
        else:
            progress.append(StageProgress())
            if i < index:
                skipped_new.append(each.id)
    if skipped_new:
        notes.append(
            "Not played in this run (added before where you are; they score 0): "
            + ", ".join(f"`{s}`" for s in skipped_new) + ". Play the case again to try them."
        )
    session = replace(session, case=case, grader=grader, stage_index=index, progress=tuple(progress))
    opened = StageOpened(
        index=index, total=total, stage_id=stage.id, kind=stage.kind, present=stage.present,
        ask=stage.ask, attempts_allowed=stage.attempts, at=at,
    )
    return session, Carried(stage=opened, notes=tuple(notes), kept_answers=kept)
