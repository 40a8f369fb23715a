"""`tutor misses [CASE] [--since DATE]`: the answers learners typed that a case did not know.

Per case and stage, the answers from the records that matched nothing or earned less
than a stage that was never passed needed, grouped and counted, with what the matcher
finds in them now or the closest term it knows (tutor.misses). Then, to teach the case
one of them:

    tutor misses CASE --add-example "ANSWER" --stage STAGE [--matches a,b]
    tutor misses CASE --add-synonym "TEXT" --concept CONCEPT

which write into the case file and leave the rest of it as it was (tutor.cases.case_edits).
An example's `matches` defaults to what the matcher finds in it today, so `tutor check`
passes and the answer is pinned; give `--matches` for what it should match.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from tutor.cases.problems import CaseError, report_problems
from tutor.text_safety import one_line


def _since(text: str | None) -> float | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CaseError.single("--since", None, f"not a date: {text!r}; write it as 2026-12-01 or 2026-12-01T09:30") \
            from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # the learner's own clock
    return moment.astimezone(timezone.utc).timestamp()


def _case_path(ref: str) -> Path:
    from tutor.cases.library import resolve_case_path

    return resolve_case_path(ref)


def _add(args) -> int:
    from tutor.cases import case_edits
    from tutor.cases.library import load_case

    path = _case_path(args.case)
    if args.add_example is not None:
        if not args.stage:
            raise CaseError.single(str(path), None, "--add-example needs --stage STAGE (the stage it answers)")
        from tutor.stage_names import find_stage

        case = load_case(str(path))
        stage, why_not = find_stage(case, args.stage)  # its id, or a name the tutor shows for it
        if stage is None:
            raise CaseError.single("--stage", None, why_not or "no such stage")
        if args.matches is not None:
            matches = [m.strip() for m in args.matches.split(",") if m.strip()]
        else:
            from tutor.grading import CaseGrader

            grade = CaseGrader(case).grade(stage, args.add_example)
            matches = [c for c in stage.expected_ids + stage.misconception_ids
                       if c in set(grade.matched) | set(grade.misconceptions)]
        edit = case_edits.add_example(path, stage.id, args.add_example, matches)
        what = f"example {one_line(args.add_example, 80)!r} (matches: [{', '.join(matches)}])"
    else:
        if not args.concept:
            raise CaseError.single(str(path), None, "--add-synonym needs --concept CONCEPT (whose synonym it is)")
        edit = case_edits.add_synonym(path, args.concept, args.add_synonym)
        what = f"synonym {one_line(args.add_synonym, 80)!r} of `{args.concept}`"
    case_edits.write(edit)
    print(f"{path}:{edit.line}: added the {what}. Run `tutor check {path}` to see it graded.")
    return 0


def _list(args) -> int:
    from tutor import misses
    from tutor.cases.library import load_case
    from tutor.stats_command import open_existing_records

    case_id = None
    cases: dict[str, object] = {}
    if args.case:
        named = load_case(args.case)  # a path works too, for a case not (yet) in the library
        case_id = named.id
        cases[case_id] = named
    since = _since(args.since)
    records = open_existing_records()
    if records is None:
        print("No records yet: play a case first (`tutor play CASE`).", file=sys.stderr)
        return 1
    try:
        history = records.history(since=since, case_id=case_id)
    finally:
        records.close()
    found = misses.collect(history, case_id)
    if not found:
        print("No missed answers" + (f" for `{case_id}`" if case_id else "") + " in the records.")
        return 0
    lines = []
    for stage_misses in found:
        case = cases.get(stage_misses.case_id)
        if stage_misses.case_id not in cases:
            try:
                case = load_case(stage_misses.case_id)
            except CaseError:
                case = None  # a case no longer in the library: its answers are still worth reading
            cases[stage_misses.case_id] = case
        if case is not None:
            misses.explain(stage_misses, case)  # type: ignore[arg-type]
        lines.append(f"{one_line(stage_misses.case_id, 100)} / {one_line(stage_misses.stage_id, 100)}: "
                     f"{stage_misses.total} missed answer{'s' if stage_misses.total != 1 else ''}")
        for group in stage_misses.groups:
            said = "matched nothing" if group.earned_nothing else "earned too little"
            now = f"; finds now: {', '.join(group.found_now)}" if group.found_now else ""
            closest = f"; closest: {one_line(group.closest, 160)}" if group.closest else ""
            lines.append(f"  {group.count:>3}x  {one_line(group.answer, 100)!r}  {said}{now}{closest}")
    print("\n".join(lines))
    return 0


def run(args) -> int:
    try:
        if args.add_example is not None or args.add_synonym is not None:
            if not args.case:
                raise CaseError.single("tutor misses", None, "name the CASE to add to")
            return _add(args)
        return _list(args)
    except CaseError as error:
        return report_problems(error, sys.stderr)
