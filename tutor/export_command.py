"""`tutor export --format csv|json [--since DATE] [--case ID] [--table answers|results]`.

For an instructor: the learner's answers and results, read from the records.

Answers, one row per counted answer (CSV `--table answers`, JSON "answers"):
  case_id, session_id, stage_id, stage_kind, attempt, answer, recognised (1/0),
  credited (the concept ids this answer newly earned, ";"-separated in CSV),
  misconceptions (ids it asserted), confusions (wrong>expected pairs), credit (the
  stage's credit after it, 0..1), at (ISO 8601, UTC), seconds (into the play).
Results, one row per play (CSV `--table results`, JSON "results"):
  case_id, session_id, title, front_end, drill, started_at, finished_at (empty if
  never finished), score (0..1, empty if unfinished), hints_used, seconds,
  time_limit, counts (1 when the play is a result: finished with a stage worked).

Safe for spreadsheets: in CSV a text cell that starts with = + - @ (or a tab or a
carriage return) gets a leading apostrophe, so it is shown, never run as a formula.
JSON keeps the text exactly.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime, timezone

from tutor.text_safety import one_line


ANSWER_COLUMNS = ("case_id", "session_id", "stage_id", "stage_kind", "attempt", "answer", "recognised", "credited",
                  "misconceptions", "confusions", "credit", "at", "seconds")
RESULT_COLUMNS = ("case_id", "session_id", "title", "front_end", "drill", "started_at", "finished_at", "score",
                  "hints_used", "seconds", "time_limit", "counts")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat(timespec="milliseconds")


def rows_of(history) -> tuple[list[dict], list[dict]]:
    sessions = {s.id: s for s in history.sessions}
    kinds = {(st.session_id, st.stage_id): st.kind for st in history.stages}
    worked = {st.session_id for st in history.stages if st.outcome != "quit"}
    answers = []
    for a in history.answers:
        session = sessions.get(a.session_id)
        if session is None:
            continue
        answers.append({
            "case_id": session.case_id, "session_id": a.session_id, "stage_id": a.stage_id,
            "stage_kind": kinds.get((a.session_id, a.stage_id)), "attempt": a.attempt, "answer": a.answer,
            "recognised": int(a.recognised), "credited": list(a.found), "misconceptions": list(a.misconceptions),
            "confusions": [list(pair) for pair in (a.confusions or ())], "credit": round(a.credit, 4),
            "at": iso(a.at), "seconds": round(max(0.0, a.at - session.started_at), 3),
        })
    results = [{
        "case_id": s.case_id, "session_id": s.id, "title": s.title, "front_end": s.front_end, "drill": s.drill,
        "started_at": iso(s.started_at), "finished_at": iso(s.finished_at),
        "score": None if s.score is None else round(s.score, 4), "hints_used": s.hints_used,
        "seconds": None if s.seconds is None else round(s.seconds, 3), "time_limit": s.time_limit,
        "counts": int(s.finished_at is not None and s.score is not None and s.id in worked),
    } for s in history.sessions]
    return answers, results


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, list):
        value = ";".join(">".join(v) if isinstance(v, list) else str(v) for v in value)
    return spreadsheet_safe(value)


def write_csv(rows: list[dict], columns: tuple[str, ...], out) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row[c]) for c in columns])


def _unknown_case(case_id: str, recorded: set[str]) -> str | None:
    """Why `--case` names no case (neither in the records nor in the library), or None.

    A case played once and since removed from the library is still in the records: not unknown."""
    from tutor.suggestions import did_you_mean

    if case_id in recorded:
        return None
    try:
        from tutor.cases.library import list_cases

        known = recorded | {entry.id for entry in list_cases()}
    except Exception:
        known = set(recorded)
    if case_id in known:
        return None
    hint = did_you_mean(case_id, sorted(known)) or "`tutor list` shows the cases, `tutor stats` the ones played"
    return f"--case: no case with id `{one_line(case_id, 100)}` in your records or the library; {hint}"


def run(args) -> int:
    from tutor.history import History
    from tutor.stats_command import open_existing_records

    records = open_existing_records()
    try:
        history = records.history(since=args.since, case_id=args.case) if records is not None else History()
        if args.case is not None and not history.sessions:
            recorded = {s.case_id for s in records.history(answers=False).sessions} if records is not None else set()
            unknown = _unknown_case(args.case, recorded)
            if unknown is not None:
                print(unknown, file=sys.stderr)
                return 2
            print(f"tutor export: no plays of `{one_line(args.case, 100)}` in your records"
                  + (" since that date" if args.since is not None else ""), file=sys.stderr)
    finally:
        if records is not None:
            records.close()
    answers, results = rows_of(history)
    if args.format == "json":
        json.dump({"answers": answers, "results": results}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif args.table == "results":
        write_csv(results, RESULT_COLUMNS, sys.stdout)
    else:
        write_csv(answers, ANSWER_COLUMNS, sys.stdout)
    return 0

