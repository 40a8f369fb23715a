"""`tutor stats [--json]`: what the learner's records add up to (tutor.stats)."""

from __future__ import annotations

import json
import sys

from tutor.text_safety import one_line


def concept_labels(case_ids=None) -> dict[str, str]:
    """Concept ids to their labels, from the shared lexicon and the library's cases (those of `case_ids`)."""
    labels: dict[str, str] = {}
    try:
        from tutor.cases.library import list_cases, load_case, shared_definitions

        labels.update({cid: c.label for cid, c in shared_definitions().concepts.items()})
        wanted = set(case_ids) if case_ids is not None else None
        for entry in list_cases():
            if entry.problems or (wanted is not None and entry.id not in wanted):
                continue
            try:
                case = load_case(str(entry.path))
            except Exception:
                continue
            for cid, concept in case.concepts.items():
                labels.setdefault(cid, concept.label)
    except Exception:
        pass  # labels are a nicety: the ids still say what is meant
    return labels


def open_existing_records(front_end: str | None = None):
    """The learner's records if there are any; None rather than a new empty file."""
    from tutor import locations
    from tutor.records import Records

    try:
        path = locations.records_file()
    except (OSError, RuntimeError) as error:
        print(f"tutor: the data folder cannot be used: {one_line(str(error), 200)}", file=sys.stderr)
        return None
    if not path.exists():
        return None
    return Records.open(path, front_end=front_end)


def run(args) -> int:
    from tutor import stats as statistics
    from tutor.history import History

    records = open_existing_records()
    try:
        history = records.history(answers="confused") if records is not None else History()
        cards = records.cards() if records is not None else []
    finally:
        if records is not None:
            records.close()
    result = statistics.compute(history, cards, concept_labels({s.case_id for s in history.sessions}) if history.sessions else {})
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        import shutil

        width = shutil.get_terminal_size((80, 24)).columns  # 80 in a pipe, unless COLUMNS says
        sys.stdout.write(statistics.render_text(result, width=width) + "\n")
    return 0

