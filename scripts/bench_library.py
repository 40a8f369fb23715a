"""How the tutor copes with a department's teaching file: 300 cases instead of the shipped few.

    python scripts/bench_library.py [--runs 5] [--cases 300]

Builds a library of CASES cases in a temporary folder (the shipped cases copied
under new ids, added through TUTOR_CASES) and measures, each as a ratio against a
baseline timed in the same run, so a slow or busy machine does not read as a slow
tutor:

- `tutor list`, 300 cases against the shipped library alone (target <= 2x);
- the app's first screen (headless `run_test`, a fresh process until the library
  table is filled), 300 cases against the shipped library alone (target <= 1.5x);
- `tutor check` per case: the 300-case folder's time less the shipped library's,
  over the cases added (target <= 30 ms);
- `tutor grade` with one answer against `python -c "import yaml, rapidfuzz"`
  (target <= 2x).

Every figure is the median of RUNS fresh processes, from bytecode as an installed
tutor runs (PYTHONDONTWRITEBYTECODE is not passed on), after one warm-up run that
fills the tutor's cache (the first run after an edit pays for reading the YAML,
and that cold figure is printed too). Records, settings and the cache go to
temporary folders, never the learner's own.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "dialogues" / "cases"

TARGETS = {"list": 2.0, "app": 1.5, "check_ms": 30.0, "grade": 2.0}

_ID_LINE = re.compile(r"^id:\s*(\S+)\s*$", re.MULTILINE)
_TITLE_LINE = re.compile(r"^title:\s*(.+)$", re.MULTILINE)


def build_library(folder: Path, total: int) -> int:
    """Copies of the shipped cases under new ids, so that with the shipped ones there are `total`."""
    shipped = sorted(SHIPPED.glob("*.yaml"))
    added = max(0, total - len(shipped))
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(added):
        source = shipped[n % len(shipped)]
        text = source.read_text(encoding="utf-8")
        case_id = _ID_LINE.search(text).group(1)
        new_id = f"{case_id}-copy-{n:03d}"
        text = _ID_LINE.sub(f"id: {new_id}", text, count=1)
        text = _TITLE_LINE.sub(lambda m: f"title: {m.group(1).rstrip()} ({n})"
                               if not m.group(1).lstrip().startswith(("'", '"', ">", "|"))
                               else m.group(0), text, count=1)
        (folder / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    return added


def timed(command: list[str], env: dict, ok_codes=(0,)) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - start
    if result.returncode not in ok_codes:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def median_of(runs: int, command: list[str], env: dict, ok_codes=(0,)) -> float:
    return statistics.median(timed(command, env, ok_codes) for _ in range(runs))


APP_CHILD = """
import asyncio, sys, time
started = time.perf_counter()
from textual.widgets import DataTable
from tutor.tui.app import build_app

async def measure():
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(20000):
            tables = app.screen.query("#library")
            if tables and tables.first(DataTable).row_count >= int(sys.argv[1]) and app.focused is not None:
                return time.perf_counter() - started
            await pilot.pause()
        raise SystemExit("the library never filled")

print(asyncio.run(measure()))
"""


def app_first_screen(runs: int, rows: int, env: dict) -> float:
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", APP_CHILD, str(rows)], env=env, cwd=REPO,
                             capture_output=True, text=True, timeout=600)
        if out.returncode != 0:
            raise SystemExit(f"the app run failed:\n{out.stderr[-2000:]}")
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--no-app", action="store_true", help="skip the app (no Textual)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tutor-bench-library-") as tmp:
        tmp_path = Path(tmp)
        big = tmp_path / "teaching-file"
        added = build_library(big, args.cases)
        shipped_count = len(list(SHIPPED.glob("*.yaml")))
        base_env = dict(os.environ)
        # PYTHONDONTWRITEBYTECODE too: an installed tutor runs from bytecode compiled once (pip
        # compiles a package as it installs it, as it did yaml and rapidfuzz), not from source.
        for name in ("TUTOR_CASES", "TUTOR_DIALOGUES", "TUTOR_DB", "PYTHONDONTWRITEBYTECODE"):
            base_env.pop(name, None)
        base_env.update(TUTOR_DATA_DIR=str(tmp_path / "data"), TUTOR_CONFIG_DIR=str(tmp_path / "config"),
                        TUTOR_CACHE_DIR=str(tmp_path / "cache"),
                        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        shipped_env = dict(base_env)
        big_env = dict(base_env, TUTOR_CASES=str(big))
        tutor = [sys.executable, "-m", "tutor"]

        print(f"library: {shipped_count} shipped cases + {added} copies = {shipped_count + added} cases; "
              f"median of {args.runs} fresh processes each")

        # Cold: the first run after the files appear (the cache is empty).
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)
        cold_big = timed(tutor + ["list"], big_env)
        cold_shipped = timed(tutor + ["list"], shipped_env)

        list_shipped = median_of(args.runs, tutor + ["list"], shipped_env)
        list_big = median_of(args.runs, tutor + ["list"], big_env)
        print(f"tutor list         shipped {list_shipped * 1000:7.1f} ms   {args.cases} cases "
              f"{list_big * 1000:7.1f} ms   ratio {list_big / list_shipped:5.2f}x  (target <= {TARGETS['list']}x)"
              f"   [cold, first run: {cold_shipped * 1000:.0f} ms / {cold_big * 1000:.0f} ms]")

        if not args.no_app:
            app_shipped = app_first_screen(args.runs, shipped_count, shipped_env)
            app_big = app_first_screen(args.runs, shipped_count + added, big_env)
            print(f"app first screen   shipped {app_shipped * 1000:7.1f} ms   {args.cases} cases "
                  f"{app_big * 1000:7.1f} ms   ratio {app_big / app_shipped:5.2f}x  (target <= {TARGETS['app']}x)")

        # `tutor check` exits 2 on any problem; the copies are valid, so 0 is expected.
        cold_check = timed(tutor + ["check", str(SHIPPED.parent), str(big)], shipped_env)  # fills the cache
        check_shipped = median_of(args.runs, tutor + ["check", str(SHIPPED.parent)], shipped_env)
        check_big = median_of(args.runs, tutor + ["check", str(SHIPPED.parent), str(big)], shipped_env)
        per_case = (check_big - check_shipped) / max(1, added) * 1000
        print(f"tutor check        shipped {check_shipped * 1000:7.1f} ms   {args.cases} cases "
              f"{check_big * 1000:7.1f} ms   per added case {per_case:5.1f} ms  (target <= {TARGETS['check_ms']:.0f} ms)"
              f"   [cold, first run: {(cold_check - check_shipped) / max(1, added) * 1000:.0f} ms per added case]")

        grade_command = tutor + ["grade", "ifi-classic", "--stage", "history", "--answer",
                                 "no trauma, pain on long strides"]
        cold_grade = timed(grade_command, shipped_env)  # prepares the case and keeps it
        floor = median_of(args.runs, [sys.executable, "-c", "import yaml, rapidfuzz"], base_env)
        grade = median_of(args.runs, grade_command, shipped_env)
        print(f"tutor grade        import yaml, rapidfuzz {floor * 1000:7.1f} ms   tutor grade "
              f"{grade * 1000:7.1f} ms   ratio {grade / floor:5.2f}x  (target <= {TARGETS['grade']}x)"
              f"   [cold, first run: {cold_grade * 1000:.0f} ms]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
