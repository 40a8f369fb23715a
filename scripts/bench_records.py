"""How the learner's records hold up: many tutors writing at once, and a long history.

    python scripts/bench_records.py [--writers 64] [--plays 2] [--answers 100000]
    python scripts/bench_records.py --only concurrency     # or: --only volume

(i) concurrency: `--writers` processes start in the same instant on one records
    file, each a scripted play (tutor.session.play_script, as `tutor play
    --record` runs it) of a shipped case, `--plays` times, every answer a counted
    attempt. Reported: writers, answers written (what the writers were given),
    answers found in the file afterwards (and before: what was still in a spool at
    the end, written by the next tutor that opened the file), the time each save
    took (what the learner waits: median, p99, max), the time from a save to its
    commit into the file, and each wait for a turn to write. Then the baseline in
    the same run: the same writers, each on its own records file (no lock to wait
    for: the machine's own share of the wait). Nothing may be lost.
(ii) volume: `--answers` answers written through Records.save, one engine step
    (one transaction) at a time, in plays of a shipped case; beside it, in turns
    with it (after each play, as many rows as that play's answers), a bare SQLite
    loop inserting rows of the same size into a table of the same columns, one
    transaction each, with the same pragmas. Then the time of
    `tutor stats` (a fresh process) and of the app's progress screen (headless) over
    that history, and the file's size.

Everything goes to a temporary folder, never the learner's own records.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CASE = "ifi-classic"


def _lines(writer: int, play: int, count: int) -> list[str]:
    # Words no case knows: each is a counted attempt, three end a stage, so a play of a
    # five-stage case takes fifteen.
    return [f"zzq {writer} {play} {n}" for n in range(count)]


def run_writer(args) -> None:
    """One scripted player (a child process of the concurrency run)."""
    from tutor.cases.library import load_case
    from tutor.session import Play, play_script
    from tutor.records import Records

    case = load_case(CASE)
    per_play = sum(stage.attempts for stage in case.stages)
    warnings: list[str] = []
    while time.time() < args.start_at:
        time.sleep(0.002)
    answers = 0
    with open(os.devnull, "w") as sink:
        records = Records.open(args.db, warn=warnings.append, front_end="script")
        for play_number in range(args.plays):
            play = Play(case, records)
            lines = _lines(args.writer, play_number, per_play)
            play_script(play, (line + "\n" for line in lines), sink)
            answers += len(lines)
        records.close()
    print(json.dumps({"answers": answers, "waits": records.waits, "saves": records.save_seconds,
                      "turns": records.turn_waits, "warnings": warnings}))


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def concurrency(folder: Path, writers: int, plays: int, shared: bool = True) -> dict:
    """`shared`: one records file for every writer; otherwise each its own (the baseline: the same
    processes on the same cores, no lock to wait for)."""
    folder = folder / ("shared" if shared else "separate")
    folder.mkdir()
    db = folder / "shared.sqlite3"
    start_at = time.time() + 3.0 + writers * 0.05  # every process imported and waiting before the gun
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--writer", str(n), "--db", str(db if shared else folder / f"own-{n}.sqlite3"),
             "--plays", str(plays),
             "--start-at", str(start_at)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
            env={**os.environ, "TUTOR_DATA_DIR": str(folder / "data")},
        )
        for n in range(writers)
    ]
    written, waits, saves, turns, warned, failed = 0, [], [], [], 0, 0
    for child in children:
        out, err = child.communicate(timeout=900)
        if child.returncode != 0:
            failed += 1
            print(err, file=sys.stderr)
            continue
        report = json.loads(out.strip().splitlines()[-1])
        written += report["answers"]
        waits += report["waits"]
        saves += report["saves"]
        turns += report["turns"]
        warned += bool(report["warnings"])
    elapsed = time.time() - start_at
    if not shared:
        found = 0
        for own in folder.glob("own-*.sqlite3"):
            with sqlite3.connect(own) as connection:
                found += connection.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
            connection.close()
        return {"writers": writers, "own_file_each": True, "answers_written": written, "answers_found": found,
                "save_median_s": round(statistics.median(saves), 4) if saves else 0,
                "save_p99_s": round(percentile(saves, 0.99), 4), "save_max_s": round(max(saves, default=0), 4),
                "elapsed_s": round(elapsed, 1)}
    spool = db.with_name(db.name + ".spool")
    left_in_spools = len(list(spool.glob("*.jsonl"))) if spool.exists() else 0
    with sqlite3.connect(db) as connection:
        found_before_reopen = connection.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    connection.close()
    from tutor.records import Records

    Records.open(db).close()  # what a tutor that stopped left in its spool, written by the next one
    with sqlite3.connect(db) as connection:
        found = connection.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
        sessions = connection.execute("SELECT COUNT(*) FROM sessions WHERE finished_at IS NOT NULL").fetchone()[0]
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
    return {
        "writers": writers, "failed_writers": failed, "answers_written": written, "answers_found": found,
        "lost": written - found, "finished_sessions": sessions, "integrity": integrity,
        "found_before_reopen": found_before_reopen, "spools_left": left_in_spools,
        "writers_warned": warned,
        # What the learner waits: a save, from its call to its return (the answer is on disk then,
        # in the records or in the spool).
        "save_median_s": round(statistics.median(saves), 4) if saves else 0,
        "save_p99_s": round(percentile(saves, 0.99), 4), "save_max_s": round(max(saves, default=0), 4),
        # From a save to its commit into the records file.
        "commit_median_s": round(statistics.median(waits), 4) if waits else 0,
        "commit_p99_s": round(percentile(waits, 0.99), 4), "commit_max_s": round(max(waits, default=0), 4),
        # Each wait for a turn to write.
        "turn_p99_s": round(percentile(turns, 0.99), 4), "turn_max_s": round(max(turns, default=0), 4),
        "elapsed_s": round(elapsed, 1),
    }


class _RememberingGrader:
    """The tutor's grader, asked once per distinct answer: the volume run times the records, not grading."""

    def __init__(self, grader):
        self._grader = grader
        self._grades: dict = {}

    def grade(self, stage, answer):
        key = (getattr(stage, "id", stage), answer)
        if key not in self._grades:
            self._grades[key] = self._grader.grade(stage, answer)
        return self._grades[key]


def volume(folder: Path, answers: int) -> dict:
    from tutor.engine import Answer, Quit, advance, open_case
    from tutor.grading import CaseGrader
    from tutor.cases.library import load_case
    from tutor.records import Records

    db = folder / "volume.sqlite3"
    case = load_case(CASE)
    grader = _RememberingGrader(CaseGrader(case))
    texts = ["no trauma, pain on long strides", "hamstring tendinopathy", "narrow IFS, QF edema", "zzq",
             "ischiofemoral impingement", "IFS and QFS, hamstring tendons"]
    records = Records.open(db, front_end="script")
    # The bare loop runs in turns with the tutor's writes (the same number of rows after each
    # play), so both meet the same load on a shared machine.
    bare = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    bare.execute("PRAGMA journal_mode=WAL")
    bare.execute("PRAGMA synchronous=FULL")
    bare.execute("CREATE TABLE attempts (id INTEGER PRIMARY KEY, session_id INTEGER, stage_id TEXT,"
                 " attempt INTEGER, answer TEXT, recognised INTEGER, credit REAL, found TEXT,"
                 " misconceptions TEXT, at REAL, confusions TEXT)")
    saving = bare_seconds = 0.0
    written = bare_written = 0
    t = 1_700_000_000.0
    while written < answers:
        session, events = open_case(case, grader, at=t)
        records.save(session, events)
        n = 0
        while not session.finished and written < answers:
            t += 7.0
            session, events = advance(session, Answer(texts[n % len(texts)], at=t))
            n += 1
            began = time.perf_counter()
            records.save(session, events)
            saving += time.perf_counter() - began
            written += sum(1 for e in events if type(e).__name__ in ("AnswerGraded", "NotRecognised"))
        if not session.finished:
            session, events = advance(session, Quit(at=t + 1))
            records.save(session, events)
        t += 86_400 / 8
        began = time.perf_counter()
        while bare_written < written:
            bare.execute("BEGIN IMMEDIATE")
            bare.execute("INSERT INTO attempts (session_id, stage_id, attempt, answer, recognised, credit, found,"
                         " misconceptions, at, confusions) VALUES (?, ?, ?, ?, 1, 0.5, ?, '[]', ?, '[]')",
                         (bare_written // 15, "history", bare_written % 3 + 1, texts[bare_written % len(texts)],
                          '["no-trauma"]', float(bare_written)))
            bare.execute("COMMIT")
            bare_written += 1
        bare_seconds += time.perf_counter() - began
    records.close()
    bare.close()
    size = db.stat().st_size + sum(p.stat().st_size for p in folder.glob("volume.sqlite3-*"))

    env = {**os.environ, "TUTOR_DB": str(db), "TUTOR_DATA_DIR": str(folder / "data")}
    began = time.perf_counter()
    stats = subprocess.run([sys.executable, "-m", "tutor", "stats"], capture_output=True, text=True, env=env, cwd=REPO)
    stats_seconds = time.perf_counter() - began
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tutor.cli"], capture_output=True, env=env, cwd=REPO)
    python_seconds = time.perf_counter() - began
    return {
        "answers": written, "answers_per_s": round(written / saving), "bare_sqlite_per_s": round(bare_written / bare_seconds),
        "file_mb": round(size / 1e6, 1), "stats_s": round(stats_seconds, 2) if stats.returncode == 0 else None,
        "stats_exit": stats.returncode, "python_start_s": round(python_seconds, 2),
        "progress_screen_s": progress_screen_seconds(db),
    }


def progress_screen_seconds(db: Path) -> float | None:
    """From pushing the progress screen to its tables filled, in a headless app over these records."""
    try:
        from tutor.tui.app import build_app
        from tutor.tui.progress import ProgressScreen
    except ImportError:
        return None
    from tutor.records import Records

    async def measure() -> float:
        app = build_app(open_records=lambda warn: Records.open(db, warn=warn, front_end="app"))
        async with app.run_test(size=(100, 40)) as pilot:
            began = time.perf_counter()
            screen = ProgressScreen()
            await app.push_screen(screen)
            for _ in range(20_000):
                if screen.loaded:
                    break
                await pilot.pause()
            return time.perf_counter() - began

    return round(asyncio.run(measure()), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=64)
    parser.add_argument("--plays", type=int, default=2)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--only", choices=("concurrency", "volume"))
    parser.add_argument("--no-baseline", action="store_true",
                        help="leave out the concurrency run's baseline (each writer its own records file)")
    parser.add_argument("--writer", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer is not None:
        run_writer(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-records-") as folder:
        if args.only in (None, "concurrency"):
            print(json.dumps({"concurrency": concurrency(Path(folder), args.writers, args.plays)}), flush=True)
            if not args.no_baseline:
                print(json.dumps({"baseline": concurrency(Path(folder), args.writers, args.plays, shared=False)}),
                      flush=True)
        if args.only in (None, "volume"):
            print(json.dumps({"volume": volume(Path(folder), args.answers)}), flush=True)


if __name__ == "__main__":
    main()
