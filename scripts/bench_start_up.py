#!/usr/bin/env python3
"""Where `tutor grade` spends its start-up, phase by phase, against another checkout in the same rounds.

    python scripts/bench_start_up.py                      # this checkout, 15 fresh processes
    python scripts/bench_start_up.py --against ../old     # and another checkout, interleaved

Each fresh process (the tutor's code compiled to bytecode, a prepared case in a cache folder
of its own) times with its own CPU clock: importing the command line and `tutor grade`,
importing the matcher, reading the prepared case back, and grading the first answer. The
figures are the min and the median over the rounds, in ms; the load average is printed
beside them, since other jobs share the machine. bench_grading.py --only speed times the
whole command against `python -c "import yaml, rapidfuzz"`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHASES = ("import the command line and tutor grade", "import the matcher", "read the prepared case back",
          "grade the first answer")
CHILD = """
import sys, time
clock = time.process_time
began = clock()
import tutor.cli, tutor.grade_command
commands = clock()
from tutor.prepared import prepared_grader
matcher = clock()
grader = prepared_grader("ifi-classic")
prepared = clock()
grader.grade("history", "no trauma, ischiofemoral impingement")
graded = clock()
import tutor
assert tutor.__file__.startswith(sys.argv[1]), tutor.__file__
print(*(f"{1000 * (b - a):.3f}" for a, b in ((began, commands), (commands, matcher), (matcher, prepared),
                                             (prepared, graded))))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", type=Path, metavar="FOLDER", help="another checkout of the tutor")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    roots = {"this checkout": ROOT}
    if args.against:
        roots[f"{args.against}"] = args.against.resolve()
    caches = {name: tempfile.mkdtemp(prefix="tutor-bench-start-") for name in roots}

    def env_for(name: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "TUTOR_CACHE_DIR")}
        return {**env, "TUTOR_CACHE_DIR": caches[name], "PYTHONPATH": str(roots[name])}

    times: dict[str, list[list[float]]] = {name: [] for name in roots}
    try:
        for name, root in roots.items():  # prepares the case and compiles the code
            subprocess.run([sys.executable, "-c", CHILD, str(root)], capture_output=True, env=env_for(name), cwd=root)
        load = os.getloadavg()
        for _ in range(args.rounds):
            for name, root in roots.items():
                done = subprocess.run([sys.executable, "-c", CHILD, str(root)], capture_output=True, text=True,
                                      env=env_for(name), cwd=root)
                if done.returncode != 0:
                    print(done.stderr, file=sys.stderr)
                    return 1
                times[name].append([float(x) for x in done.stdout.split()])
    finally:
        for folder in caches.values():
            shutil.rmtree(folder, ignore_errors=True)
    print(f"CPU ms per phase, min (median) of {args.rounds} fresh processes each, interleaved; "
          f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} before, "
          "{:.2f} {:.2f} {:.2f} after".format(*os.getloadavg()))
    print(f"{'phase':42}" + "".join(f"{name[-28:]:>30}" for name in roots))
    for k, phase in enumerate(PHASES):
        cells = []
        for name in roots:
            column = [row[k] for row in times[name]]
            cells.append(f"{min(column):.1f} ({statistics.median(column):.1f})")
        print(f"{phase:42}" + "".join(f"{cell:>30}" for cell in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
