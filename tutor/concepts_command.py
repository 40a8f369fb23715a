"""`tutor concepts [QUERY] [--json] [--case CASE]`: the shared concepts an author can use without defining them.

Each with its id (what a case's `expect:` names), label and synonyms, and the
shared discriminators with the two concepts each tells apart. QUERY keeps those
whose id, label or a synonym contains it (case and accents aside). The shipped
lexicon comes first, then the lexicon of each of your folders of cases.

With `--case`, the concepts of one case instead, as the tutor grades them: for
each of the case's own concepts its own synonyms, the terms it takes from the
shared lexicon concept that names the same thing, and the terms it does not
take, with why (see tutor.cases.inheritance).
"""

from __future__ import annotations

import sys
import unicodedata

from tutor.text_safety import one_line, speaks_utf8, terminal_json


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _entries():
    """(folder as shown, its own concepts, its own discriminators) for the shipped lexicon and each folder."""
    from tutor.cases.library import SHIPPED, case_folders, shared_definitions
    from tutor.cases.problems import CaseError

    folders, _ = case_folders()
    seen_concepts: dict[str, object] = {}
    seen_discriminators: dict[str, object] = {}
    for folder in folders:
        try:
            shared = shared_definitions(None if folder.shipped else folder.path)
        except CaseError as error:
            yield folder.shown, [], [], error.problems
            continue
        # A folder's definitions extend the shipped ones: list only what it adds or replaces.
        concepts = [c for c in shared.concepts.values() if seen_concepts.get(c.id) is not c]
        discriminators = [d for d in shared.discriminators.values() if seen_discriminators.get(d.id) is not d]
        seen_concepts.update({c.id: c for c in shared.concepts.values()})
        seen_discriminators.update({d.id: d for d in shared.discriminators.values()})
        yield (SHIPPED if folder.shipped else folder.shown), concepts, discriminators, ()


def _case_entries(ref: str, wanted) -> list[dict[str, object]]:
    """The case's concepts: its own (with what each inherits) and the shared ones its stages use."""
    from tutor.cases.library import load_case

    case = load_case(ref)
    used = {c for stage in case.stages for c in (*stage.expected_ids, *stage.misconception_ids)}
    own_file = case.path or ""
    out = []
    for c in sorted(case.concepts.values(), key=lambda c: c.id):
        own = c.origin.rpartition(":")[0] == own_file
        if not (own or c.id in used) or not wanted(c.id, c.label, *c.synonyms):
            continue
        entry: dict[str, object] = {"kind": "concept", "id": c.id, "label": c.label, "from": "case" if own else "lexicon",
                 "synonyms": list(c.own_synonyms if own else c.synonyms)}
        if c.inherited_from is not None:
            entry["inherited_from"] = c.inherited_from
            entry["inherited"] = list(c.inherited)
            entry["not_inherited"] = [{"term": term, "why": why} for term, why in c.not_inherited]
        out.append(entry)
    return out


def _case_lines(entries: list[dict]) -> list[str]:
    lines = ["CONCEPTS OF THE CASE (id: label; synonyms)"]
    for e in entries:
        synonyms = "; ".join(one_line(s, 80) for s in e["synonyms"])
        where = "  [shared lexicon]" if e["from"] == "lexicon" else ""
        lines.append(f"  {one_line(e['id'], 100)}: {one_line(e['label'], 120)}"
                     + (f"; {synonyms}" if synonyms else "") + where)
        if "inherited_from" in e:
            taken = "; ".join(one_line(s, 80) for s in e["inherited"]) or "nothing new"
            lines.append(f"    + from the lexicon's `{one_line(e['inherited_from'], 100)}`: {taken}")
            for refused in e["not_inherited"]:
                lines.append(f"    - not {one_line(refused['term'], 80)!r}: {one_line(refused['why'], 120)}")
    lines.append("A case concept takes the terms of the lexicon concept that names the same thing; "
                 "`inherit: false` keeps it to its own.")
    return lines


def run(args) -> int:
    query = _fold(" ".join((getattr(args, "query", None) or [])).strip())

    def wanted(*texts: str) -> bool:
        return not query or any(query in _fold(t) for t in texts)

    if getattr(args, "case", None):
        from tutor.cases.problems import CaseError, report_problems

        try:
            entries = _case_entries(args.case, wanted)
        except CaseError as error:
            return report_problems(error)
        if getattr(args, "json", False):
            print(terminal_json(entries, indent=2, ascii_only=not speaks_utf8(sys.stdout)))
            return 0
        if not entries:
            print(f"No concept of the case matches {one_line(query, 80)!r}.", file=sys.stderr)
            return 1
        print("\n".join(_case_lines(entries)))
        return 0

    out = []
    problems = []
    for origin, concepts, discriminators, trouble in _entries():
        problems.extend(trouble)
        for c in sorted(concepts, key=lambda c: c.id):
            if wanted(c.id, c.label, *c.synonyms):
                out.append({"kind": "concept", "id": c.id, "label": c.label, "synonyms": list(c.synonyms),
                            "from": origin})
        for d in sorted(discriminators, key=lambda d: d.id):
            if wanted(d.id, *d.between):
                out.append({"kind": "discriminator", "id": d.id, "between": list(d.between), "from": origin})
    for problem in problems:
        print(problem, file=sys.stderr)
    if getattr(args, "json", False):
        print(terminal_json(out, indent=2, ascii_only=not speaks_utf8(sys.stdout)))
        return 2 if problems else 0
    if not out:
        print(f"No shared concept matches {one_line(query, 80)!r}." if query else "No shared concepts.",
              file=sys.stderr)
        return 2 if problems else 1
    concepts = [e for e in out if e["kind"] == "concept"]
    discriminators = [e for e in out if e["kind"] == "discriminator"]
    lines = []
    if concepts:
        lines.append("CONCEPTS (id: label; synonyms)")
        for e in concepts:
            where = f"  [{one_line(e['from'], 120)}]" if e["from"] != "shipped" else ""
            synonyms = "; ".join(one_line(s, 80) for s in e["synonyms"])
            lines.append(f"  {one_line(e['id'], 100)}: {one_line(e['label'], 120)}"
                         + (f"; {synonyms}" if synonyms else "") + where)
    if discriminators:
        lines.append("DISCRIMINATORS (id: between)")
        for e in discriminators:
            where = f"  [{one_line(e['from'], 120)}]" if e["from"] != "shipped" else ""
            lines.append(f"  {one_line(e['id'], 100)}: {' vs '.join(one_line(b, 100) for b in e['between'])}{where}")
    print("\n".join(lines))
    return 2 if problems else 0
