"""`tutor grade`: grade answers without playing, one JSON object per answer.

Every problem (no such case, an invalid case, an unknown stage, a bad batch
line) is reported as `where:line: message` on stderr with exit status 2 (`where:
message` when no line is involved: a missing file, an unknown id). A stage is named
by its id or by what the tutor shows for it ("Imaging findings", "management", "5"). In a
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
    """One answer to grade, at a stage named by its id."""

    stage: str
    answer: str


def _print_problems(lines: list[str]) -> int:
    for line in lines:
        print(one_line(line, 2000), file=sys.stderr)
    return USAGE_ERROR


def _stage_id(case: Case, name: object) -> tuple[str | None, str | None]:
    """The id of the stage `name` means (its id, or a name the tutor shows for it), or why none."""
    from tutor.stage_names import find_stage

    stage, problem = find_stage(case, name)
    return (stage.id if stage is not None else None), problem


def _read_batch(path: str, case: Case) -> tuple[list[_Request], list[str]]:
    try:
        if path == "-":
            buffer = getattr(sys.stdin, "buffer", None)
            data = buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8", "surrogateescape")
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return [], [f"{path}: cannot read the batch file: {reason}"]  # no line of it was read
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return [], [f"{path}:{line}: the batch file is not UTF-8 text (byte 0x{data[error.start]:02x} "
                    "cannot be read); save it as UTF-8"]
    # Windows editors save UTF-8 with a byte order mark, which JSON does not allow.
    lines = text.removeprefix("\ufeff").splitlines()
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
        stage_id, stage_problem = _stage_id(case, item["stage"])
        if stage_id is None:
            problems.append(f"{path}:{number}: {stage_problem}")
            continue
        requests.append(_Request(stage_id, item["answer"]))
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
        from tutor import collector

        collector.resume()  # many answers, each leaving a little behind
        requests, problems = _read_batch(args.batch, case)
    else:
        stage_id, problem = _stage_id(case, args.stage)
        if stage_id is None:
            return _print_problems([f"--stage: {problem}"])
        requests = [_Request(stage_id, args.answer)]

    out = sys.stdout
    ascii_only = not speaks_utf8(out)
    for request in requests:
        grade = grader.grade(request.stage, request.answer)
        out.write(terminal_json(grade.to_json(), ascii_only=ascii_only) + "\n")
    out.flush()
    return _print_problems(problems) if problems else 0
