"""Drills: cases in a row, each under its own clock, driven by a fake clock through the engine."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from test_engine import build_case
from tutor import drill as drilling
from tutor.drill import Drill, choose, play_script, table, time_limit_for
from tutor.records import Records

NOW = 1_700_000_000.0
REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120  # seconds: far above normal, only to catch a hang


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def two_cases():
    first = build_case()
    second = replace(build_case(), id="second-case", title="The second case", time_limit=90)
    return first, second


def ticking(clock: Clock, lines: list[tuple[float, str]]):
    """Input lines, each arriving `wait` seconds (on the fake clock) after the one before."""
    for wait, line in lines:
        clock.now += wait
        yield line + "\n"


def test_each_case_gets_the_flag_or_its_own_limit_or_ten_minutes():
    first, second = two_cases()
    assert time_limit_for(first) == drilling.DEFAULT_SECONDS
    assert time_limit_for(second) == 90
    assert time_limit_for(second, 30) == 30


def test_at_time_up_the_stage_ends_with_its_model_answer_and_the_drill_moves_on(tmp_path):
    first, second = two_cases()
    clock = Clock()
    with Records.open(tmp_path / "records.sqlite3", front_end="script") as records:
        drill = Drill([first, second], records=records, clock=clock, time_limit=60)
        out = io.StringIO()
        play_script(drill, ticking(clock, [(5, "atraumatic"), (70, "IFI"), (5, "atraumatic, worse with long strides, IFI"),
                                           (5, "IFI")]), out)
    text = out.getvalue()
    # The answer at 75 s came after the bell: not graded, said to be late; the stage's model answer follows.
    assert "> IFI\nLate: this case's time ran out 15 s before this line; it is not graded." in text
    assert "Time is up" in text
    assert "Time ran out during this stage." in text
    assert first.stages[0].explain.split(":")[0] in text
    assert "# Case 2 of 2: 1 min 00 s on the clock." in text
    assert [line.ended for line in drill.lines] == ["time", "finished"]
    assert drill.lines[0].seconds == 60 and drill.lines[1].score == pytest.approx(1.0)
    assert "Pain with long strides" in drill.lines[0].misses
    table_text = text.split("## Drill summary")[1]
    assert "engine-test" in table_text and "1 min 00 s (time up)" in table_text and "second-case" in table_text
    assert text.rstrip().splitlines()[-1] == f"Drill score: {drilling.wording.percent(drill.mean_score)}"
    with sqlite3.connect(tmp_path / "records.sqlite3") as db:
        sessions = db.execute("SELECT case_id, time_limit, drill, front_end FROM sessions ORDER BY id").fetchall()
        answers = [a for (a,) in db.execute("SELECT answer FROM attempts ORDER BY id")]
    assert sessions == [("engine-test", 60.0, drill.id, "script"), ("second-case", 60.0, drill.id, "script")]
    assert "IFI" not in answers[:1] and answers[0] == "atraumatic"  # the late line is no attempt


def test_end_of_input_stops_the_case_and_lists_the_rest_as_not_played():
    first, second = two_cases()
    clock = Clock()
    drill = Drill([first, second], clock=clock)
    out = io.StringIO()
    play_script(drill, ticking(clock, [(3, "atraumatic")]), out)
    assert [line.ended for line in drill.lines] == ["stopped", "not played"]
    assert "not played" in out.getvalue().split("## Drill summary")[1]


def test_quit_leaves_the_drill():
    first, second = two_cases()
    clock = Clock()
    drill = Drill([first, second], clock=clock)
    play_script(drill, ticking(clock, [(3, "/quit"), (1, "atraumatic")]), io.StringIO())
    assert [line.ended for line in drill.lines] == ["stopped", "not played"]


def test_the_table_has_case_score_time_and_misses():
    lines = [drilling.DrillLine("a-case", "A", "finished", 0.5, 125.0, 600, ("Missed thing",)),
             drilling.DrillLine("b-case", "B", "not played")]
    rows = table(lines).splitlines()
    assert rows[0].split() == ["Case", "Score", "Time", "Misses"]
    assert rows[1].split()[:4] == ["a-case", "50%", "2", "min"] and rows[1].endswith("Missed thing")
    assert "not played" in rows[2]


class FakeRecords:
    def __init__(self, last, cards=()):
        self._last = last
        self._cards = list(cards)

    def last_results(self):
        return self._last

    def cards(self):
        return self._cards


def test_choose_by_name_tag_weakest_and_count():
    first, second = two_cases()
    third = replace(build_case(), id="third", tags=("knee",))
    entries = [first, second, third]
    assert [c.id for c in choose(entries, named=["third", "engine-test"])] == ["third", "engine-test"]
    assert [c.id for c in choose(entries, tag="KNEE")] == ["third"]
    records = FakeRecords({"engine-test": (0.9, NOW), "second-case": (0.2, NOW)})
    assert [c.id for c in choose(entries, records, weakest=True)] == ["third", "second-case", "engine-test"]
    assert [c.id for c in choose(entries, records, weakest=True, count=2)] == ["third", "second-case"]


def test_choose_due_plays_only_what_is_due_weakest_first(tmp_path):
    from tutor.engine import Answer, Skip, advance, open_case
    from tutor.grading import CaseGrader

    first, second = two_cases()
    with Records.open(tmp_path / "r.sqlite3") as records:
        for case, answers in ((first, [Skip(at=NOW + 1), Skip(at=NOW + 2)]),
                              (second, [Answer("atraumatic, worse with long strides, IFI", at=NOW + 1),
                                        Skip(at=NOW + 2)])):
            session, events = open_case(case, CaseGrader(case), at=NOW)
            records.save(session, events)
            for action in answers:
                session, events = advance(session, action)
                records.save(session, events)
        # 0 % is rated Again, 50 % Hard: once both are due, the weaker comes first.
        later = max(c.due_at for c in records.cards() if c.kind == "case")
        order = [c.id for c in choose([second, first], records, due=True, now=later)]
        assert order == ["engine-test", "second-case"]  # the 0 % case is weaker
        assert choose([first, second], records, due=True, now=NOW) == []


def test_a_short_limit_on_a_real_pipe_makes_a_slow_answer_late(tmp_path):
    """Real time: a 1-second drill, one answer at once and one after the bell."""
    env = {**os.environ, "TUTOR_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tutor", "drill", "ifi-classic", "--time-limit", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO,
    )
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    try:
        proc.stdin.write(b"no trauma\n")
        proc.stdin.flush()
        # Wait for the tutor to answer the first line, then for its second of drill to pass.
        seen = b""
        while b"> no trauma" not in seen:
            chunk = proc.stdout.readline()
            assert chunk, proc.stderr.read().decode()
            seen += chunk
        started = time.monotonic()
        while time.monotonic() - started < 1.5:
            time.sleep(0.1)
        proc.stdin.write(b"long strides\n")
        proc.stdin.close()
        out = seen + proc.stdout.read()
        proc.wait(timeout=TIMEOUT)
    finally:
        watchdog.cancel()
    text = out.decode()
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert "> long strides\nLate: this case's time ran out" in text
    assert "Time is up" in text and "## Drill summary" in text
    assert "(time up)" in text.split("## Drill summary")[1]
    assert not (tmp_path / "data" / "records.sqlite3").exists()  # a pipe without --record keeps no records
