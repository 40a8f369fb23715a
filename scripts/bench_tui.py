"""How fast the app feels: launch to a usable library, and Enter to feedback.

    python scripts/bench_tui.py [--runs 5] [--answers 30]

Each figure is printed beside a baseline measured in the same run on the same
machine, so a slow machine does not read as a slow app:

- startup: a fresh Python process, from its first line to the library table
  filled and the filter focused (imports included), against a process that
  starts an empty Textual app until its one widget is mounted;
- answer: in one running app (headless, App.run_test), from pressing Enter on
  an answer to the tutor's feedback mounted in the transcript, against an app
  that only mounts the typed line when Enter is pressed.

Targets: startup under 1 s, answer under 50 ms. Records go to a temporary
folder, never the learner's own.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTUP_TARGET = 1.0
ANSWER_TARGET = 0.050
PAUSE_LIMIT = 2000
REPO = Path(__file__).resolve().parent.parent

# Answers that touch several stages of any hip case: credit, confusion, nothing recognised.
ANSWERS = [
    "no trauma, pain on long strides",
    "hamstring tendinopathy",
    "I am not sure",
    "narrow ischiofemoral space with quadratus femoris edema",
    "hip osteoarthritis",
    "ischiofemoral impingement",
    "MRI of the pelvis",
]


async def _until(pilot, condition) -> None:
    for _ in range(PAUSE_LIMIT):
        if condition():
            return
        await pilot.pause()
    raise RuntimeError("the app never reached the state being timed")


async def _timed_enter(app, shown) -> float:
    """Seconds from an Enter key reaching the app to `shown()` holding.

    The key goes in as a terminal driver would send it, and the loop is only
    yielded to (no Pilot.pause, which waits for the CPU to go idle and would
    time itself rather than the app).
    """
    from textual import events

    start = time.perf_counter()
    app.post_message(events.Key("enter", "\r"))
    deadline = start + 10
    while not shown():
        if time.perf_counter() > deadline:
            raise RuntimeError("the feedback never appeared")
        await asyncio.sleep(0)
    return time.perf_counter() - start


def _painted(widgets) -> bool:
    """The newest widget is mounted and laid out on screen, with a size."""
    return bool(widgets) and widgets[-1].is_mounted and widgets[-1].region.height > 0


# --- Children: one startup sample each, in a fresh process ---------------------


def child_startup_app(started: float) -> float:
    from textual.widgets import DataTable

    from tutor.tui.app import build_app

    async def measure() -> float:
        app = build_app()
        async with app.run_test(size=(100, 30)) as pilot:
            def usable() -> bool:
                tables = app.screen.query("#library")
                return bool(tables) and tables.first(DataTable).row_count > 0 and app.focused is not None

            await _until(pilot, usable)
            return time.perf_counter() - started

    return asyncio.run(measure())


def child_startup_empty(started: float) -> float:
    from textual.app import App
    from textual.widgets import Static

    class Empty(App):
        def compose(self):
            yield Static("ready", id="ready")

    async def measure() -> float:
        app = Empty()
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(pilot, lambda: bool(app.screen.query("#ready")))
            return time.perf_counter() - started

    return asyncio.run(measure())


def startup_samples(kind: str, runs: int, env: dict) -> list[float]:
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child", kind], capture_output=True, text=True, env=env, cwd=REPO, check=True
        )
        samples.append(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])
    return samples


# --- Enter to feedback, in one running app --------------------------------------


async def answer_samples(count: int) -> list[float]:
    from tutor.cases.library import list_cases
    from tutor.tui.app import build_app
    case_id = list_cases()[0].id
    app = build_app()
    samples: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await _until(pilot, lambda: app.screen.query("#library"))
        home = app.screen
        while len(samples) < count:
            home.open_case(case_id)
            await _until(pilot, lambda: type(app.screen).__name__ == "CaseScreen" and app.screen.play is not None)
            screen = app.screen
            for answer in ANSWERS:
                if screen.summary is not None or len(samples) >= count:
                    break
                screen.input.value = answer
                await pilot.pause()
                turns = screen.transcript.children
                before = len(turns)
                # Shown: the answer and at least one reply of the tutor are on screen.
                samples.append(await _timed_enter(app, lambda: len(turns) > before + 1 and _painted(turns)))
                await pilot.pause()
            app.pop_screen()
            await _until(pilot, lambda: app.screen is home)
    return samples


async def baseline_answer_samples(count: int) -> list[float]:
    from textual.app import App
    from textual.containers import VerticalScroll
    from textual.widgets import Input, Static

    class Echo(App):
        def compose(self):
            yield VerticalScroll(id="log")
            yield Input(id="line")

        async def on_input_submitted(self, event: Input.Submitted) -> None:
            log = self.query_one("#log")
            await log.mount(Static(event.value))
            log.scroll_end(animate=False)

    app = Echo()
    samples: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        log = app.query_one("#log")
        app.query_one("#line", Input).focus()
        await pilot.pause()
        for i in range(count):
            app.query_one("#line", Input).value = ANSWERS[i % len(ANSWERS)]
            await pilot.pause()
            before = len(log.children)
            samples.append(await _timed_enter(app, lambda: len(log.children) > before and _painted(log.children)))
    return samples


# --- Report -----------------------------------------------------------------------


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return f"median {statistics.median(samples) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms   (n={len(samples)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per startup figure")
    parser.add_argument("--answers", type=int, default=30, help="answers timed")
    parser.add_argument("--child", choices=["startup-app", "startup-empty"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        started = time.perf_counter()
        seconds = (child_startup_app if args.child == "startup-app" else child_startup_empty)(started)
        print(json.dumps({"seconds": seconds}))
        return 0

    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "TUTOR_DATA_DIR": data, "TUTOR_CONFIG_DIR": data}
        os.environ.update({"TUTOR_DATA_DIR": data, "TUTOR_CONFIG_DIR": data})
        sys.path.insert(0, str(REPO))
        empty = startup_samples("startup-empty", args.runs, env)
        app = startup_samples("startup-app", args.runs, env)
        base_answers = asyncio.run(baseline_answer_samples(args.answers))
        answers = asyncio.run(answer_samples(args.answers))

    app_median, answer_median = statistics.median(app), statistics.median(answers)
    print("tutor TUI benchmark (headless, Textual run_test)")
    print(f"startup  baseline (empty Textual app)  {describe(empty)}")
    print(f"startup  tutor (library usable)        {describe(app)}")
    print(f"         tutor - baseline: {(app_median - statistics.median(empty)) * 1000:+.1f} ms;"
          f" target < {STARTUP_TARGET * 1000:.0f} ms: {'met' if app_median < STARTUP_TARGET else 'MISSED'}")
    print(f"answer   baseline (Enter -> echo line) {describe(base_answers)}")
    print(f"answer   tutor (Enter -> feedback)     {describe(answers)}")
    print(f"         tutor - baseline: {(answer_median - statistics.median(base_answers)) * 1000:+.1f} ms;"
          f" target < {ANSWER_TARGET * 1000:.0f} ms: {'met' if answer_median < ANSWER_TARGET else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
