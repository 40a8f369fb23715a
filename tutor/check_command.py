"""`tutor check [PATH...]`: validate case files and run the authors' own example answers.

What is checked is `tutor.cases.checker`. Problems go to stderr as
`file:line: message`, warnings as `file:line: warning: message`; the summary
line goes to stdout. Exit status 2 when there is a problem (or, with
`--strict`, a warning), 0 otherwise.
"""

from __future__ import annotations

import sys

from tutor.cases.author_warnings import is_warning
from tutor.cases.checker import check_paths
from tutor.cases.problems import CaseError, report_problems


def _shipped(path: str) -> bool:
    from pathlib import Path

    from tutor.cases.library import dialogues_dir

    try:
        return Path(path).resolve().is_relative_to(dialogues_dir().resolve())
    except (OSError, RuntimeError):
        return False


def run(args) -> int:
    paths = list(getattr(args, "paths", None) or [])
    report = check_paths(paths)
    if not paths:
        # The whole library was checked: how its folders are named is part of it.
        from tutor.cases.library import library_problems
        from tutor.cases.problems import in_file_order

        report.problems = in_file_order(library_problems() + report.problems)
        if not getattr(args, "strict", False):
            # Warnings are for the files an author is writing: the shipped library's own are
            # shown when it is named (`tutor check dialogues/`) or with --strict.
            report.problems = [p for p in report.problems if not (is_warning(p) and _shipped(p.path))]
    if report.problems:
        report_problems(CaseError(report.problems), sys.stderr)
    print(report.summary())
    return 2 if report.failed(strict=getattr(args, "strict", False)) else 0
