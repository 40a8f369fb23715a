"""`tutor play CASE --watch`: a case file edited while it is played (tutor.case_watch).

The case here is made up (its concepts are letters of the Greek alphabet), so no clinical
claim is made; each test writes it to a temporary folder, plays some of it, saves an
edit and looks at the watched files once, as a front end does on its timer.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from io import StringIO
from pathlib import Path

from tutor.case_watch import CaseWatch, carry_over, grading_of
from tutor.cases.library import load_case
from tutor.session import Play, play_script, watched_change_text

REPO = Path(__file__).resolve().parents[1]
TIMEOUT = 120

CONCEPTS = """\
concepts:
  alpha-sign: {label: Alpha sign, synonyms: [alpha mark]}
  beta-sign: {label: Beta sign, synonyms: [beta mark]}
  gamma-sign: {label: Gamma sign, synonyms: [gamma mark]}
  delta-diagnosis: {label: Delta disease, synonyms: [delta]}
"""

STAGES = {
    "history": """\
  - id: history
    kind: history
    ask: Which feature of the story matters?
    expect: [alpha-sign]
    explain: The alpha sign.
""",
    "findings": """\
  - id: findings
    kind: findings
    ask: What do you see on the images?
    expect: [beta-sign, gamma-sign]
    pass: 2
    explain: The beta and gamma signs.
""",
    "diagnosis": """\
  - id: diagnosis
    kind: diagnosis
    ask: What is the diagnosis?
    expect: [delta-diagnosis]
    explain: Delta disease.
""",
}


def case_text(stages=("history", "findings", "diagnosis"), *, replace: dict[str, str] | None = None,
              concepts: str = CONCEPTS) -> str:
    text = ("format: 1\nid: watched-case\ntitle: A watched case\nsource: Invented for the watch tests\n"
            + concepts + "stages:\n" + "".join(STAGES[s] for s in stages))
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    return text


def save(path: Path, text: str) -> None:
    """Write as an editor does; the size changes with every edit these tests make, the stamp always."""
    path.write_text(text, encoding="utf-8")
    info = os.stat(path)
    # Filesystems with coarse timestamps could give an edit the old mtime: move it on by hand.
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))


def start(tmp_path: Path, text: str | None = None):
    folder = tmp_path / "cases"
    folder.mkdir(exist_ok=True)
    path = folder / "watched.yaml"
    path.write_text(text or case_text(), encoding="utf-8")
    case = load_case(str(path))
    clock = iter(range(1_000, 100_000)).__next__
    play = Play(case, None, clock=lambda: float(clock()))
    return path, play, CaseWatch(path, case)


def stage_id(play: Play) -> str:
    return play.session.current_stage.id


def test_nothing_saved_nothing_reloaded_and_a_save_of_the_same_bytes_reloads_nothing(tmp_path):
    path, play, watch = start(tmp_path)
    assert watch.poll() is None
    save(path, path.read_text(encoding="utf-8"))  # saved unchanged: the stamp moved, the bytes did not
    assert watch.moved()
    assert watch.poll() is None
    assert not watch.moved()


def test_an_edit_reloads_at_the_same_stage_and_keeps_its_answers_when_its_grading_is_unchanged(tmp_path):
    path, play, watch = start(tmp_path)
    play.answer("alpha mark")
    play.next()
    play.answer("beta mark")
    assert stage_id(play) == "findings"
    save(path, case_text(replace={"What do you see on the images?": "What do the new images show?"}))
    change = watch.poll()
    assert change is not None and change.case is not None and not change.problems
    carried = play.reload(change.case)
    assert stage_id(play) == "findings"
    assert carried.kept_answers
    assert play.session.current_progress.found == ("beta-sign",)
    assert carried.stage.ask == "What do the new images show?"
    assert play.case.stages[1].ask == "What do the new images show?"
    assert "you are at stage 2/3 (findings); your answers in it are kept" in carried.notes[0]
    # The stage before keeps its outcome; the play goes on in the new version.
    assert play.session.progress[0].outcome is not None
    events = play.answer("gamma mark")
    assert any(type(e).__name__ == "StageClosed" for e in events)
    assert stage_id(play) == "diagnosis"


def test_an_edit_to_what_the_stage_expects_starts_the_stage_again(tmp_path):
    path, play, watch = start(tmp_path)
    play.answer("alpha mark")
    play.next()
    play.answer("beta mark")
    save(path, case_text(replace={"expect: [beta-sign, gamma-sign]": "expect: [beta-sign, gamma-sign, alpha-sign]"}))
    change = watch.poll()
    carried = play.reload(change.case)
    assert stage_id(play) == "findings"
    assert not carried.kept_answers
    assert play.session.current_progress.found == ()
    assert play.session.current_progress.attempts == 0
    assert "what it expects changed, so it starts again" in carried.notes[0]


def test_a_removed_stage_sends_the_learner_to_the_nearest_earlier_stage_and_says_so(tmp_path):
    path, play, watch = start(tmp_path)
    play.answer("alpha mark")
    play.next()
    assert stage_id(play) == "findings"
    save(path, case_text(stages=("history", "diagnosis")))
    carried = play.reload(watch.poll().case)
    assert stage_id(play) == "history"
    assert play.session.stage_index == 0
    assert play.session.current_progress.outcome is None  # played again from its start
    assert play.session.current_progress.found == ()
    assert "stage `findings` is no longer in the file" in carried.notes[0]
    assert "the nearest earlier stage still in the file" in carried.notes[0]
    assert carried.stage.stage_id == "history"
    play.answer("alpha mark")
    play.next()
    assert stage_id(play) == "diagnosis"


def test_a_removed_first_stage_goes_back_to_the_new_first_stage(tmp_path):
    path, play, watch = start(tmp_path)
    save(path, case_text(stages=("findings", "diagnosis")))
    carried = play.reload(watch.poll().case)
    assert stage_id(play) == "findings"
    assert "the first stage" in carried.notes[0]


def test_stages_moved_or_added_before_the_learner_are_not_left_half_played(tmp_path):
    path, play, watch = start(tmp_path)
    play.answer("alpha mark")
    play.next()
    play.answer("beta mark")
    play.answer("gamma mark")  # findings complete: closed, on to the diagnosis
    assert stage_id(play) == "diagnosis"
    # The author moves the findings after the diagnosis and adds nothing new.
    save(path, case_text(stages=("history", "diagnosis", "findings")))
    play.reload(watch.poll().case)
    assert play.session.stage_index == 1 and stage_id(play) == "diagnosis"
    findings = play.session.progress[2]
    assert findings.outcome is None and findings.found == ()  # after the learner now: played afresh
    play.answer("delta")
    play.next()
    assert stage_id(play) == "findings"


def test_a_stage_added_before_the_learner_is_named_as_not_played(tmp_path):
    path, play, watch = start(tmp_path, case_text(stages=("history", "diagnosis")))
    play.answer("alpha mark")
    play.next()
    assert stage_id(play) == "diagnosis"
    save(path, case_text())  # findings added between the two
    carried = play.reload(watch.poll().case)
    assert stage_id(play) == "diagnosis" and play.session.stage_index == 2
    assert play.session.progress[1].opened_at is None  # never reached: scores 0 in the summary
    assert any("Not played in this run" in note and "`findings`" in note for note in carried.notes)
    play.answer("delta")
    assert play.finished
    assert [s.stage_id for s in play.session.summary().stages] == ["history", "findings", "diagnosis"]


def test_a_broken_save_is_reported_with_its_line_and_play_goes_on_with_the_last_good_version(tmp_path):
    path, play, watch = start(tmp_path)
    play.answer("alpha mark")
    good = play.case
    broken = case_text(replace={"    expect: [delta-diagnosis]\n": "    expect: [no-such-concept]\n"})
    save(path, broken)
    change = watch.poll()
    assert change is not None and change.case is None
    assert change.problems
    problem = change.problems[0]
    line = broken.splitlines().index("    expect: [no-such-concept]") + 1
    assert str(problem).startswith(f"{problem.path}:{line}: ")
    assert problem.path.endswith("watched.yaml")
    assert watch.case is good and play.case is good
    # The learner plays on.
    play.next()
    assert stage_id(play) == "findings"
    # Saved again, still broken the same way: said once.
    save(path, broken + "\n")
    assert watch.poll() is None
    # Fixed: reloaded, at the stage the learner reached on the old version.
    save(path, case_text(replace={"What is the diagnosis?": "Which disease is it?"}))
    change = watch.poll()
    assert change is not None and change.case is not None
    assert not watch.problems
    carried = play.reload(change.case)
    assert stage_id(play) == "findings"
    assert play.case.stages[2].ask == "Which disease is it?"
    assert carried.notes


def test_a_file_written_to_while_it_is_read_is_read_again_at_the_next_look(tmp_path):
    from tutor.case_watch import load_watched

    path, play, _ = start(tmp_path)
    final = case_text(replace={"What is the diagnosis?": "Which disease is it?"})
    cut_short = case_text(stages=("history",))  # half a save of a stage list still parses
    writes_left = [final]

    def load_while_the_editor_writes(case_file):
        case = load_watched(case_file)
        if writes_left:
            save(path, writes_left.pop())  # the rest of the save lands after the tutor read the first part
        return case

    watch = CaseWatch(path, play.case, load=load_while_the_editor_writes)
    save(path, cut_short)
    assert watch.poll() is None  # nothing taken from a read that raced with a write
    assert watch.case.stages[-1].id == "diagnosis" and watch.moved()
    change = watch.poll()
    assert change is not None and [s.id for s in change.case.stages] == ["history", "findings", "diagnosis"]
    assert change.case.stages[2].ask == "Which disease is it?"


def test_the_errors_shown_are_the_ones_tutor_check_reports(tmp_path):
    from tutor.cases.checker import check_paths

    path, play, watch = start(tmp_path)
    save(path, case_text(replace={"    expect: [delta-diagnosis]\n": "    expect: [nowhere]\n",
                                  "kind: history": "kind: story"}))
    change = watch.poll()
    assert change.case is None and len(change.problems) == 2
    checked = check_paths([str(path)])
    assert [str(p) for p in change.problems] == [str(p) for p in checked.errors]


def test_yaml_that_does_not_parse_and_a_deleted_file_are_errors_not_crashes(tmp_path):
    path, play, watch = start(tmp_path)
    save(path, "format: 1\nid: [unclosed\n")
    change = watch.poll()
    assert change.case is None and all(":" in str(p) for p in change.problems)
    path.unlink()
    change = watch.poll()
    assert change.case is None and "no such file" in str(change.problems[0])
    save(path, case_text())
    assert watch.poll().case is not None


def test_the_case_folders_own_lexicon_is_watched_too(tmp_path):
    text = case_text(concepts="", replace={"expect: [alpha-sign]": "expect: [epsilon-sign]"})
    text = text.replace("stages:\n", CONCEPTS + "stages:\n")
    path, play, watch = start(tmp_path, text.replace("expect: [epsilon-sign]", "expect: [alpha-sign]"))
    # The folder gets a lexicon of its own; the case then uses a concept defined only there.
    lexicon = path.parent / "lexicon.yaml"
    lexicon.write_text("format: 1\nconcepts:\n  epsilon-sign: {label: Epsilon sign, synonyms: [epsilon mark]}\n",
                       encoding="utf-8")
    save(path, text)
    change = watch.poll()
    assert change.case is not None, change.problems
    play.reload(change.case)
    assert "epsilon-sign" in play.case.stages[0].expected_ids
    assert not play.answer("epsilon mark")[0].__class__.__name__ == "NotRecognised"
    # An edit to the lexicon alone reloads as well: a synonym added there is heard at once.
    assert play.answer("eps sign")[0].__class__.__name__ == "NotRecognised"
    save(lexicon, lexicon.read_text(encoding="utf-8").replace("[epsilon mark]", "[epsilon mark, eps sign]"))
    change = watch.poll()
    assert change is not None and change.case is not None
    play.reload(change.case)
    assert play.answer("eps sign")[0].__class__.__name__ != "NotRecognised"
    # A broken lexicon is reported with its own file and line.
    save(lexicon, "format: 1\nconcepts:\n  epsilon-sign: {label: [oops}\n")
    change = watch.poll()
    assert change.case is None and any("lexicon.yaml:" in str(p) for p in change.problems)


def test_grading_of_ignores_wording_and_sees_weights_and_the_pass_rule(tmp_path):
    path, play, watch = start(tmp_path)
    stage = play.case.stages[1]
    from dataclasses import replace

    assert grading_of(replace(stage, ask="other", explain="other", hints=("a hint",))) == grading_of(stage)
    assert grading_of(replace(stage, pass_count=1)) != grading_of(stage)
    heavier = replace(stage, expect=(replace(stage.expect[0], weight=2.0), *stage.expect[1:]))
    assert grading_of(heavier) != grading_of(stage)


def test_carry_over_is_pure(tmp_path):
    path, play, watch = start(tmp_path)
    play.answer("alpha mark")
    before = play.session
    save(path, case_text(stages=("findings", "diagnosis")))
    new_case = watch.poll().case
    session, carried = carry_over(before, new_case, play.session.grader, at=5_000.0)
    assert play.session is before and before.case is not new_case  # nothing changed in place
    assert session.case is new_case and session.token is before.token and carried.stage.stage_id == "findings"


def test_scripted_play_looks_at_the_file_before_each_line(tmp_path):
    path, play, watch = start(tmp_path)

    def lines():
        yield "alpha mark\n"
        yield "\n"
        save(path, case_text(replace={"    expect: [delta-diagnosis]\n": "    expect: [nowhere]\n"}))
        yield "beta mark\n"
        save(path, case_text(replace={"What do you see on the images?": "What do the new images show?"}))
        yield "gamma mark\n"
        yield "delta\n"

    out = StringIO()
    play_script(play, lines(), out, watch=watch)
    text = " ".join(out.getvalue().split())  # as read, whatever the wrapping
    assert "is not kept in your records" in text
    assert "has errors; you are still playing the last version that loaded" in text
    assert "watched.yaml:" in text and "nowhere" in text
    assert "Reloaded " in text and "you are at stage 2/3 (findings); your answers in it are kept" in text
    assert "What do the new images show?" in text
    assert text.index("has errors") < text.index("> beta mark") < text.index("Reloaded ") < text.index("> gamma mark")
    assert play.finished
    assert out.getvalue().rstrip().splitlines()[-1].startswith("Score: ")


def test_watched_change_text_is_empty_when_nothing_changed(tmp_path):
    path, play, watch = start(tmp_path)
    assert watched_change_text(play, watch, 80) == ""


def _tutor(args, tmp_path, data: bytes = b"") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["TUTOR_DATA_DIR"] = str(tmp_path / "data")
    env["TUTOR_CONFIG_DIR"] = str(tmp_path / "config")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "tutor", *args], input=data, capture_output=True, env=env,
                          cwd=REPO, timeout=TIMEOUT)


def test_watch_from_a_pipe_plays_and_is_never_recorded(tmp_path):
    path, _, _ = start(tmp_path)
    result = _tutor(["play", str(path), "--watch"], tmp_path, b"alpha mark\n/quit\n")
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr
    assert "is not kept in your records" in " ".join(out.split())
    assert out.rstrip().splitlines()[-1].startswith("Score: ")
    assert not (tmp_path / "data" / "records.sqlite3").exists()
    refused = _tutor(["play", str(path), "--watch", "--record"], tmp_path)
    assert refused.returncode == 2
    assert "leave out --record" in refused.stderr.decode()
    assert "Traceback" not in refused.stderr.decode()


def test_watch_on_a_broken_file_refuses_to_start_like_play(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    path = folder / "broken.yaml"
    path.write_text(textwrap.dedent("""\
        format: 1
        id: broken
        """), encoding="utf-8")
    result = _tutor(["play", str(path), "--watch"], tmp_path)
    assert result.returncode == 2
    assert "broken.yaml:" in result.stderr.decode() and "Traceback" not in result.stderr.decode()


def test_the_line_repl_reloads_while_the_prompt_waits_and_keeps_what_was_typed(tmp_path, monkeypatch):
    # The REPL runs here; a second thread plays the author: it waits for the screen to show
    # something (a condition, never a fixed sleep), saves the file, and types.
    import threading
    import time

    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from tutor import repl

    monkeypatch.setenv("TUTOR_DATA_DIR", str(tmp_path / "data"))
    path, play, watch = start(tmp_path)
    watch.poll_seconds = 0.02
    screen = StringIO()
    failures: list[str] = []

    def shown() -> str:
        return " ".join(screen.getvalue().split())

    def wait_for(text: str) -> bool:
        deadline = time.monotonic() + TIMEOUT  # a bound far above normal, only to catch a hang
        while text not in shown():
            if time.monotonic() > deadline:
                failures.append(f"never shown: {text!r}")
                return False
            time.sleep(0.01)
        return True

    def author(keys) -> None:
        try:
            if not wait_for("Which feature of the story matters?"):
                return
            keys.send_text("alpha mark\r")
            if not wait_for("What do you see on the images?"):
                return
            keys.send_text("beta")  # typing, no Enter yet
            save(path, case_text(replace={"What do you see on the images?": "What do the new images show?"}))
            if not wait_for("What do the new images show?"):
                return
            keys.send_text(" mark\r")  # the rest of what was being typed
            if not wait_for("Credited: Beta sign"):
                return
            save(path, "format: 1\nid: [unclosed\n")
            if not wait_for("has errors; you are still playing the last version"):
                return
            keys.send_text("gamma mark\r")
            if not wait_for("What is the diagnosis?"):
                return
        finally:
            keys.send_bytes(b"\x04")  # Ctrl-D: leave with the summary

    with create_pipe_input() as keys:
        helper = threading.Thread(target=author, args=(keys,), daemon=True)
        helper.start()
        assert repl.run(play.case, play=play, watch=watch, input=keys, output=PlainTextOutput(screen)) == 0
        helper.join(TIMEOUT)
    assert not failures, (failures, screen.getvalue()[-2000:])
    text = shown()
    assert "Reloaded " in text and "you are at stage 2/3 (findings); nothing answered in it yet" in text
    assert "watched.yaml:" in text  # the error, file:line: message
    assert "Credited: Beta sign (you wrote “beta mark”)" in text  # typed across the reload
    assert "Credited: Gamma sign" in text  # played on with the last good version
    assert screen.getvalue().rstrip().splitlines()[-1].startswith("Score: ")
    assert not (tmp_path / "data" / "records.sqlite3").exists()
