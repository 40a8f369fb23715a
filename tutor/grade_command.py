"""`tutor grade`: grade answers without playing, one JSON object per answer.

Every problem (no such case, an invalid case, an unknown stage, a bad batch
line) is reported as `where:line: message` on stderr with exit status 2. In a
batch the good lines are still graded, one JSON object each in input order, so
one typo in a long file costs one line, not the whole run.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass

from tutor.model import Case
from tutor.cases.problems import CaseError, report_problems
from tutor.text_safety import one_line, speaks_utf8, terminal_json

USAGE_ERROR = 2


@dataclass(frozen=True)
class _Request:
    stage: str
    answer: str


def _print_problems(lines: list[str]) -> int:
    for line in lines:
        print(one_line(line, 2000), file=sys.stderr)
    return USAGE_ERROR


def _stage_problem(case: Case, stage_id: object) -> str | None:
    known = [s.id for s in case.stages]
    if not isinstance(stage_id, str) or stage_id not in known:
        return f"no stage {stage_id!r} in case {case.id!r} (its stages: {', '.join(known)})"
    return None


def _read_batch(path: str, case: Case) -> tuple[list[_Request], list[str]]:
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        # Windows editors save UTF-8 with a byte order mark, which JSON does not allow.
        lines = text.removeprefix("\ufeff").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return [], [f"{path}:1: cannot read the batch file: {reason}"]
    requests: list[_Request] = []
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}: not a JSON object: {error.msg}")
            continue
        except RecursionError:  # the decoder recurses once per level of [ or {
            problems.append(f"{path}:{number}: not a JSON object like {{\"stage\": ..., \"answer\": ...}}: "
                            "it is nested too deeply to read")
            continue
        if not isinstance(item, dict):
            problems.append(f'{path}:{number}: expected a JSON object like {{"stage": ..., "answer": ...}}')
            continue
        missing = [key for key in ("stage", "answer") if key not in item]
        if missing:
            problems.append(f"{path}:{number}: missing {' and '.join(repr(k) for k in missing)}")
            continue
        if not isinstance(item["answer"], str):
            problems.append(f"{path}:{number}: 'answer' must be a string")
            continue
        stage_problem = _stage_problem(case, item["stage"])
        if stage_problem:
            problems.append(f"{path}:{number}: {stage_problem}")
            continue
        requests.append(_Request(item["stage"], item["answer"]))
    return requests, problems


def run(args) -> int:
    if args.batch is None and (args.stage is None or args.answer is None):
        return _print_problems(["tutor grade: give --stage and --answer, or --batch FILE"])
    if args.batch is not None and (args.stage is not None or args.answer is not None):
        return _print_problems(["tutor grade: --batch cannot be combined with --stage/--answer"])

    from tutor.prepared import prepared_grader  # after argument checks: loading is the slow part

    try:
        grader = prepared_grader(args.case)
    except CaseError as error:
        return report_problems(error)
    case = grader.case

    problems: list[str] = []
    if args.batch is not None:
        requests, problems = _read_batch(args.batch, case)
    else:
        problem = _stage_problem(case, args.stage)
        if problem:
            return _print_problems([f"--stage: {problem}"])
        requests = [_Request(args.stage, args.answer)]

    out = sys.stdout
    ascii_only = not speaks_utf8(out)
    for request in requests:
        grade = grader.grade(request.stage, request.answer)
        out.write(terminal_json(grade.to_json(), ascii_only=ascii_only) + "\n")
    out.flush()
    return _print_problems(problems) if problems else 0
