#!/usr/bin/env python3
"""Grading quality and speed, against baselines run in the same process.

    python scripts/bench_grading.py              # corpus, new-author, newauthor-dev, negation (dev), speed
    python scripts/bench_grading.py --heldout    # and the frozen held-out split (totals only)
    python scripts/bench_grading.py --heldout2   # and the second frozen held-out split (totals only)
    python scripts/bench_grading.py --heldout3   # and the third frozen held-out split (totals only)
    python scripts/bench_grading.py --mistakes   # and every answer the tutor got wrong
                                                 # (never those of the held-out split)
    python scripts/bench_grading.py --only corpus,new-author

Sections:
  corpus       the labeled corpus (tests/corpus/) graded with the shipped cases as they are.
  new-author   the same answers, each case stripped the way a new instructor writes it: every
               concept it uses keeps its label and at most its first two synonyms; no other
               lexicon concept is loaded. `measure:` thresholds stay (they are not synonyms);
               word-level data under dialogues/ (shorthand, English-Chinese word pairs) stays.
  newauthor-dev  tests/newauthor/: four cases and their labelled answers by authors who never
               read the matcher, graded the way the held-out split is, with per-case figures. A
               dev split: tune on it freely (`--mistakes` lists what the tutor got wrong).
  heldout      tests/heldout/: cases and answers the matcher was never tuned on. Only totals
               are printed; the individual mistakes are never shown.
  heldout2     tests/heldout2/: a second frozen split by another independent author, graded the same
               way as `heldout` and likewise printed as totals only (with --heldout2).
  heldout3     tests/heldout3/: a third frozen split by a third independent author, written on
               2026-12-02; totals only (with --heldout3).
  negation     tests/heldout/negation.yaml, the `dev` split (and with --heldout the `test` split,
               totals only) reported apart, and tests/negation/written-dev.yaml (sentences the
               matcher's helper wrote and tuned on: a regression check, not a held-out one); the
               tutor beside negspacy (NegEx) and medspaCy ConText when installed
               (`pip install -e '.[bench]'`). spaCy models cannot be downloaded here, so both
               run on spacy.blank('en') with an EntityRuler that marks the sentence's terms.
  speed        ms per answer against plain rapidfuzz (budget 6x), and `tutor grade` for one
               answer as a new process against `python -c "import yaml, rapidfuzz"` (budget 2x),
               every command run in each of 15 rounds, in a new order each round; medians with
               the middle half of the runs, ratios per round. `--speed-against FOLDER` times
               another checkout's `python -m tutor grade` in the same rounds. `--speed-answer TEXT`
               grades another history answer: the default names only words the case knows; one
               with a word it does not know ("patient denies trauma") makes the tutor look for a
               typo, which loads rapidfuzz's fuzzy search, as most free-text answers do.

Grading methods:
  tutor     the tutor's matcher (tutor.grading.CaseGrader)
  exact     exact phrase match: a label or synonym appears as a whole phrase (case-insensitive);
            knows no negation, so every mention counts as asserted
  partial   plain rapidfuzz: fuzz.partial_ratio(term, answer) >= 85 over label and synonyms;
            no negation either
Figures: micro precision / recall / F1 over (answer, concept, asserted|denied) verdicts restricted
to each stage's concepts; false positives on answers tagged `trap`; milliseconds per answer
(median of 5 passes over the corpus after one warm-up, the methods' passes interleaved).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from tutor.evaluation import read_corpus, score  # noqa: E402
from tutor.grading import CaseGrader  # noqa: E402
from tutor.cases.library import load_case  # noqa: E402
from tutor.model import Concept, frozen_mapping  # noqa: E402

FORMAT_EXAMPLE = ROOT.parent / "shared" / "examples" / "format-example.yaml"
HELDOUT = ROOT / "tests" / "heldout"
HELDOUT2 = ROOT / "tests" / "heldout2"
HELDOUT3 = ROOT / "tests" / "heldout3"
NEWAUTHOR_DEV = ROOT / "tests" / "newauthor"
SECTIONS = ("corpus", "new-author", "newauthor-dev", "heldout", "heldout2", "heldout3", "negation", "speed")
NEW_AUTHOR_SYNONYMS = 2
PER_ANSWER_PASSES = 5  # passes over the corpus per method, interleaved
START_UP_ROUNDS = 15  # fresh processes per command, interleaved


def case_for(ref: str, folder: Path | None = None):
    if ref == "format-example" and FORMAT_EXAMPLE.exists():
        return load_case(str(FORMAT_EXAMPLE))
    if folder is not None:
        for path in sorted(folder.glob("*.yaml")):
            case = load_case(str(path))
            if case.id == ref:
                return case
    return load_case(ref)


def own_concept_ids(case) -> set[str]:
    """The concepts a case file defines itself (not those it takes from the shared lexicon)."""
    path = Path(case.path) if case.path else None
    if path is None or not path.is_file():
        return set()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return set((data.get("concepts") or {}).keys())


def as_new_author_wrote_it(case):
    """The case as a new instructor would write it: label plus two synonyms, no shared lexicon."""
    used = own_concept_ids(case)
    for stage in case.stages:
        used |= set(stage.expected_ids) | set(stage.misconception_ids)
    discriminators = {k: d for k, d in case.discriminators.items() if set(d.between) <= used}
    concepts = {}
    for cid in sorted(used):
        concept = case.concepts.get(cid)
        if concept is not None:
            concepts[cid] = Concept(concept.id, concept.label, concept.own_synonyms[:NEW_AUTHOR_SYNONYMS],
                                    concept.origin, concept.measure)
    return dataclasses.replace(case, concepts=frozen_mapping(concepts), discriminators=frozen_mapping(discriminators))


def terms_by_concept(case):
    return {cid: [t.casefold() for t in (c.label, *c.synonyms)] for cid, c in case.concepts.items()}


class Methods:
    """The tutor and the two baselines, each built once per case."""

    def __init__(self, cases: dict):
        self.cases = cases
        self.graders = {ref: CaseGrader(case) for ref, case in cases.items()}
        self.terms = {ref: terms_by_concept(case) for ref, case in cases.items()}
        self.patterns = {
            ref: {cid: [re.compile(r"(?<!\w)" + re.escape(t) + r"(?!\w)") for t in ts] for cid, ts in by.items()}
            for ref, by in self.terms.items()
        }
        self.ref_of = {id(case): ref for ref, case in cases.items()}

    def tutor(self, case, stage, answer):
        grade = self.graders[self.ref_of[id(case)]].grade(stage, answer)
        return {(c, "asserted") for c in grade.matched + grade.misconceptions} | {(c, "denied") for c in grade.negated}

    def exact(self, case, stage, answer):
        text = answer.casefold()
        return {(cid, "asserted") for cid, ps in self.patterns[self.ref_of[id(case)]].items()
                if any(p.search(text) for p in ps)}

    def partial(self, case, stage, answer):
        text = answer.casefold()
        return {
            (cid, "asserted")
            for cid, ts in self.terms[self.ref_of[id(case)]].items()
            if any(fuzz.partial_ratio(t, text, score_cutoff=85) for t in ts)
        }

    def all(self):
        return {"tutor": self.tutor, "exact": self.exact, "partial": self.partial}


def grading_table(title: str, answers, cases, *, timed: bool, mistakes: bool) -> dict:
    methods = Methods(cases).all()
    print(f"\n## {title}: {len(answers)} answers over {len(cases)} cases, {sum(a.is_trap for a in answers)} traps")
    print(f"{'method':8} {'precision':>9} {'recall':>7} {'F1':>6} {'trap FP':>8}" + (f" {'ms/answer':>10}" if timed else ""))
    results = {name: score(answers, cases, predict) for name, predict in methods.items()}
    passes: dict[str, list[float]] = {name: [] for name in methods}
    if timed:
        def one_pass(predict) -> float:
            began = time.perf_counter()
            for item in answers:
                predict(cases[item.case_ref], cases[item.case_ref].stage(item.stage), item.answer)
            return (time.perf_counter() - began) * 1000 / max(1, len(answers))

        for predict in methods.values():
            one_pass(predict)  # warm-up: caches, lazy imports
        # Interleaved, so a burst of load from another job falls on every method alike.
        for _ in range(PER_ANSWER_PASSES):
            for name, predict in methods.items():
                passes[name].append(one_pass(predict))
    rows = {}
    for name, result in results.items():
        ms = statistics.median(passes[name]) if passes[name] else 0.0
        rows[name] = (result, ms, passes[name])
        print(f"{name:8} {result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f} "
              f"{result.trap_false_positives:8d}" + (f" {ms:10.3f}" if timed else ""))
    if mistakes:
        print(f"\nmistakes of the tutor ({title}):")
        for line in rows["tutor"][0].mistakes:
            print("  " + line)
    return rows


def newauthor_dev_table(mistakes: bool) -> None:
    """The new-author dev split, loaded and scored like the held-out split, plus a row per case."""
    held = read_corpus(NEWAUTHOR_DEV / "answers") if (NEWAUTHOR_DEV / "answers").is_dir() else []
    if not held:
        print("\n## new-author dev: tests/newauthor/answers/ has no answers yet")
        return
    dev_cases = {ref: case_for(ref, NEWAUTHOR_DEV / "cases") for ref in sorted({a.case_ref for a in held})}
    grading_table("new-author dev split (tests/newauthor/, tunable)", held, dev_cases, timed=False, mistakes=mistakes)
    methods = Methods(dev_cases).all()
    print(f"\nper case: {'case':26} {'method':8} {'answers':>7} {'traps':>5} {'precision':>9} {'recall':>7} "
          f"{'F1':>6} {'trap FP':>8}")
    for ref in dev_cases:
        answers = [a for a in held if a.case_ref == ref]
        for name, predict in methods.items():
            result = score(answers, dev_cases, predict)
            print(f"          {ref:26} {name:8} {len(answers):7d} {sum(a.is_trap for a in answers):5d} "
                  f"{result.precision:9.3f} {result.recall:7.3f} {result.f1:6.3f} {result.trap_false_positives:8d}")


def frozen_split_totals(folder: Path, title: str) -> None:
    """A frozen split graded as a whole: totals only, so its individual mistakes are never seen."""
    held = read_corpus(folder / "answers") if (folder / "answers").is_dir() else []
    if not held:
        print(f"\n## {title}: {folder.relative_to(ROOT)}/answers/ has no answers yet")
        return
    held_cases = {ref: case_for(ref, folder / "cases") for ref in sorted({a.case_ref for a in held})}
    grading_table(f"{title} (totals only)", held, held_cases, timed=False, mistakes=False)


# -- negation -------------------------------------------------------------------------------


def read_negation(path: Path) -> list[dict]:
    """One item per labelled mention: {sentence, term, status, negated, split}.

    The file holds `sentences`, each {text, mentions: [{term, status}], split}; status is
    asserted, denied or hedged. A denial is the positive class: hedged counts as not denied.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for item in data.get("sentences") or []:
        for mention in item.get("mentions") or []:
            status = str(mention.get("status"))
            out.append({"sentence": str(item.get("text") or ""), "term": str(mention.get("term")),
                        "status": status, "negated": status == "denied", "split": str(item.get("split") or "dev")})
    return out


def tutor_denies(sentence: str, term: str) -> bool | None:
    """Whether the tutor reads `term` as denied in `sentence`; None when it does not find the term."""
    from tutor.matching.index import ConceptIndex

    index = ConceptIndex([Concept("target", term)])
    found = [m for m in index.find(sentence).mentions if m.concept == "target"]
    if not found:
        return None
    return all(m.negated for m in found)


def _spacy_pipeline(kind: str):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    if kind == "negspacy":
        import negspacy.negation  # noqa: F401  registers the "negex" factory
        from negspacy.termsets import termset

        nlp.add_pipe("negex", config={"neg_termset": termset("en_clinical").get_patterns(),
                                      "ent_types": ["TARGET"]})
    else:
        import medspacy  # noqa: F401  registers "medspacy_context"

        nlp.add_pipe("medspacy_context")
    return nlp, ruler


def library_denier(kind: str):
    """A function (sentence, term) -> denied?, or None when the library is not installed."""
    try:
        nlp, ruler = _spacy_pipeline(kind)
    except Exception as error:  # noqa: BLE001  not installed, or an incompatible version
        print(f"  ({kind} not available: {type(error).__name__}: {error})")
        return None
    patterns: set[str] = set()

    def denies(sentence: str, term: str) -> bool | None:
        if term not in patterns:
            patterns.add(term)
            ruler.add_patterns([{"label": "TARGET", "pattern": term}])
        doc = nlp(sentence)
        ents = [e for e in doc.ents if e.label_ == "TARGET" and e.text.casefold() == term.casefold()]
        if not ents:
            return None
        if kind == "negspacy":
            return all(e._.negex for e in ents)
        return all(e._.is_negated for e in ents)

    return denies


def cue_anywhere_before(sentence: str, term: str) -> bool | None:
    at = sentence.casefold().find(term.casefold())
    if at < 0:
        return None
    return bool(re.search(r"\b(no|not|without|denies|denied|negative|absent|free of|unlikely|ruled out|none)\b",
                          sentence.casefold()[:at]))


def negation_table(mistakes: bool, with_test_split: bool) -> None:
    path = HELDOUT / "negation.yaml"
    if not path.is_file():
        print(f"\n## negation: {path.relative_to(ROOT)} not found")
        return
    items = read_negation(path)
    written = ROOT / "tests" / "negation" / "written-dev.yaml"
    if written.is_file():
        items += [{**item, "split": "written-dev"} for item in read_negation(written)]
    methods = {"tutor": tutor_denies}
    for kind in ("negspacy", "medspacy"):
        denier = library_denier(kind)
        if denier is not None:
            methods[kind] = denier
    methods["cue-before"] = cue_anywhere_before
    for split in ("dev", "written-dev", "test") if with_test_split else ("dev", "written-dev"):
        chosen = [i for i in items if i["split"] == split]
        denied = sum(i["negated"] for i in chosen)
        print(f"\n## negation, {split} split: {len(chosen)} targets, {denied} denied "
              "(positive class = denied; a term not found counts as not denied)")
        print(f"{'method':10} {'precision':>9} {'recall':>7} {'F1':>6} {'not found':>10}")
        for name, denies in methods.items():
            tp = fp = fn = missing = 0
            wrong = []
            for item in chosen:
                verdict = denies(item["sentence"], item["term"])
                if verdict is None:
                    missing += 1
                said = bool(verdict)
                tp += said and item["negated"]
                fp += said and not item["negated"]
                fn += (not said) and item["negated"]
                if said != item["negated"]:
                    wrong.append(f"{item['term']!r} in {item['sentence']!r}: said "
                                 f"{'denied' if said else 'not denied'}{' (not found)' if verdict is None else ''}")
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            print(f"{name:10} {p:9.3f} {r:7.3f} {f1:6.3f} {missing:10d}")
            if mistakes and split != "test" and name == "tutor":
                for line in wrong:
                    print("    " + line)


# -- speed ----------------------------------------------------------------------------------


def _spread(values: list[float]) -> str:
    """Median and the range of the middle half, as "m (q1-q3)"."""
    if len(values) < 4:
        return f"{statistics.median(values):.2f}"
    q1, _, q3 = statistics.quantiles(values, n=4)
    return f"{statistics.median(values):.2f} ({q1:.2f}-{q3:.2f})"


def _load() -> str:
    import os

    try:
        return "load %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load unknown"


SPEED_ANSWER = "no trauma, ischiofemoral impingement"


def speed_table(rows: dict, against: Path | None = None, answer_text: str = SPEED_ANSWER) -> None:
    print("\n## speed")
    if rows:
        tutor, partial = rows["tutor"][2], rows["partial"][2]
        ratios = [t / p for t, p in zip(tutor, partial) if p]
        print(f"per answer: tutor {_spread(tutor)} ms, plain rapidfuzz {_spread(partial)} ms; tutor = "
              f"{_spread(ratios)}x the plain rapidfuzz baseline, per interleaved pass (median (q1-q3) of "
              f"{len(ratios)} passes over the corpus; budget 6x)")

    import os
    import random
    import tempfile

    # The child processes run as an installed tutor does: the tutor's own code compiled once to
    # bytecode (pip compiles a package when it installs it, and yaml and rapidfuzz come compiled),
    # so PYTHONDONTWRITEBYTECODE is not passed on; the cache goes to a folder of its own.
    cache = tempfile.mkdtemp(prefix="tutor-bench-grade-")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "TUTOR_CACHE_DIR")}
    env["TUTOR_CACHE_DIR"] = cache

    def run_once(cmd: list[str], folder: Path = ROOT) -> tuple[float, float]:
        """Wall time and CPU time (user + system) of one run of a command, in ms."""
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=False, cwd=folder,
                       env=env if folder == ROOT else {**env, "TUTOR_CACHE_DIR": cache + "-against"})
        wall = (time.perf_counter() - began) * 1000
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000

    answer = ["ifi-classic", "--stage", "history", "--answer", answer_text]
    commands = {
        "pass": [sys.executable, "-c", "pass"],
        "bare": [sys.executable, "-c", "import yaml, rapidfuzz"],
        # As the `tutor` console script starts it (tutor.entry:run), and as `python -m tutor`.
        "grade": [sys.executable, "-c", "import sys; from tutor.entry import run; sys.exit(run())", "grade",
                  *answer],
        "grade -m": [sys.executable, "-m", "tutor", "grade", *answer],
    }
    folders = {name: ROOT for name in commands}
    if against is not None:  # another checkout of the tutor (the code before a change), timed alike
        commands["against"] = commands["grade -m"]  # the way every version of the tutor starts
        folders["against"] = against
    load_before = _load()
    cold = run_once(commands["grade"])  # the first run prepares the case (reads the YAML) and keeps it
    if against is not None:
        run_once(commands["against"], against)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    order = list(commands)
    shuffle = random.Random(8)
    for _ in range(START_UP_ROUNDS):
        shuffle.shuffle(order)  # interleaved, in a new order each round: load falls on all alike
        for name in order:
            times[name].append(run_once(commands[name], folders[name]))
    shutil_rmtree(cache)
    shutil_rmtree(cache + "-against")

    def column(name: str, k: int) -> list[float]:
        return [t[k] for t in times[name]]

    print(f"`tutor grade` one answer ({answer_text!r}), a fresh process per run, {START_UP_ROUNDS} interleaved "
          f"rounds ({load_before} before, {_load()} after); median (q1-q3), ms:")
    print(f"{'command':44} {'wall':>20} {'CPU':>20}")
    for name, label in (("pass", 'python -c pass'), ("bare", 'python -c "import yaml, rapidfuzz"'),
                        ("grade", "tutor grade (console script, case prepared)"),
                        ("grade -m", "python -m tutor grade (case prepared)"),
                        ("against", f"python -m tutor grade of {against}")):
        if name in times:
            print(f"{label:44} {_spread(column(name, 0)):>20} {_spread(column(name, 1)):>20}")
    for name in [n for n in ("grade", "grade -m", "against") if n in times]:
        wall = [g / b for g, b in zip(column(name, 0), column("bare", 0)) if b]
        cpu = [g / b for g, b in zip(column(name, 1), column("bare", 1)) if b]
        print(f"{name:8} / bare, per round: wall {_spread(wall)}x, CPU {_spread(cpu)}x (budget 2x)")
    print(f"first run (preparing the case): wall {cold[0]:.0f} ms, CPU {cold[1]:.0f} ms")


def shutil_rmtree(folder: str) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    parser.add_argument("--mistakes", action="store_true",
                        help="list the tutor's mistakes (corpus, new-author, newauthor-dev, negation dev split only)")
    parser.add_argument("--heldout", action="store_true", help="also grade the frozen held-out split (totals only)")
    parser.add_argument("--heldout2", action="store_true",
                        help="also grade the second frozen held-out split, tests/heldout2/ (totals only)")
    parser.add_argument("--heldout3", action="store_true",
                        help="also grade the third frozen held-out split, tests/heldout3/ (totals only)")
    parser.add_argument("--speed-against", type=Path, metavar="FOLDER",
                        help="also time `tutor grade` from another checkout (say, main before a change) in the same rounds")
    parser.add_argument("--speed-answer", default=SPEED_ANSWER, metavar="TEXT",
                        help="the history answer `tutor grade` is timed on (speed section)")
    parser.add_argument("--only", default="", help=f"comma-separated sections of {', '.join(SECTIONS)}")
    args = parser.parse_args()
    sections = set(filter(None, args.only.split(","))) or (set(SECTIONS) - ({"heldout"} - ({"heldout"} if args.heldout else set())))
    if not args.heldout:
        sections.discard("heldout")
    # The second frozen split is graded only when asked for by name, so that a plain run (or one
    # with --heldout alone) prints exactly what it printed before the split existed.
    if args.heldout2:
        sections.add("heldout2")
    else:
        sections.discard("heldout2")
    if args.heldout3:
        sections.add("heldout3")
    else:
        sections.discard("heldout3")

    answers = [a for a in read_corpus(args.corpus) if a.case_ref != "format-example" or FORMAT_EXAMPLE.exists()]
    cases = {ref: case_for(ref) for ref in sorted({a.case_ref for a in answers})}
    rows: dict = {}
    if "corpus" in sections or "speed" in sections:
        rows = grading_table("corpus, shipped cases", answers, cases, timed="speed" in sections,
                             mistakes=args.mistakes and "corpus" in sections)
    if "new-author" in sections:
        stripped = {ref: as_new_author_wrote_it(case) for ref, case in cases.items()}
        grading_table("new-author: shipped cases stripped to label + 2 synonyms", answers, stripped,
                      timed=False, mistakes=args.mistakes)
    if "newauthor-dev" in sections:
        newauthor_dev_table(args.mistakes)
    if "heldout" in sections:
        frozen_split_totals(HELDOUT, "held-out split")
    if "heldout2" in sections:
        frozen_split_totals(HELDOUT2, "second held-out split")
    if "heldout3" in sections:
        frozen_split_totals(HELDOUT3, "third held-out split")
    if "negation" in sections:
        negation_table(args.mistakes, with_test_split=args.heldout)
    if "speed" in sections:
        speed_table(rows, args.speed_against.resolve() if args.speed_against else None, args.speed_answer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
