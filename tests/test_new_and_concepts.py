"""`tutor new` writes a skeleton that checks and plays; `tutor concepts` lists what an author can use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tutor.cli import main


def line_with(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


REPO = Path(__file__).resolve().parents[1]


def tutor(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, input=stdin, timeout=120)


def test_new_writes_a_skeleton_that_checks_clean_and_plays(tmp_path):
    made = tutor("new", "snapping-hip-draft", "--dir", "drafts", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    path = tmp_path / "drafts" / "snapping-hip-draft.yaml"
    text = path.read_text(encoding="utf-8")
    assert "id: snapping-hip-draft" in text and text.count("TODO") > 5
    assert text.lstrip().startswith("#")  # commented for the author

    checked = tutor("check", str(path), cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == "1 case, 2 stages, 3 examples: all good (1 warning)"
    # The one warning is the skeleton's own promise: check says what is left to fix.
    (todo,) = checked.stderr.splitlines()
    assert todo.startswith(f"{path}:{line_with(text, 'TODO: the title')}: warning: ") and "still say TODO" in todo

    played = tutor("play", str(path), cwd=tmp_path, stdin="todo clue one\n\ntodo diagnosis abbreviation\n\n")
    assert played.returncode == 0, played.stderr
    assert "Score: 100%" in played.stdout

    # Filled in, the skeleton is clean even for --strict.
    path.write_text("\n".join(line.replace("TODO", "Done") if not line.lstrip().startswith("#") else line
                              for line in text.splitlines()) + "\n", encoding="utf-8")
    strict = tutor("check", "--strict", str(path), cwd=tmp_path)
    assert (strict.returncode, strict.stderr) == (0, ""), strict.stderr


def test_new_refuses_a_bad_id_and_an_existing_file(tmp_path, capsys):
    assert main(["new", "Bad Id", "--dir", str(tmp_path)]) == 2
    assert "lowercase letters" in capsys.readouterr().err
    assert main(["new", "taken", "--dir", str(tmp_path)]) == 0
    before = (tmp_path / "taken.yaml").read_text(encoding="utf-8")
    (tmp_path / "taken.yaml").write_text(before + "# my edits\n", encoding="utf-8")
    assert main(["new", "taken", "--dir", str(tmp_path)]) == 2
    assert f"{tmp_path / 'taken.yaml'}: already exists" in capsys.readouterr().err  # no line involved
    assert (tmp_path / "taken.yaml").read_text(encoding="utf-8").endswith("# my edits\n")  # never overwritten


def test_concepts_lists_shared_ids_synonyms_and_discriminators(capsys):
    assert main(["concepts", "piriformis"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "CONCEPTS (id: label; synonyms)"
    assert any(line.startswith("  piriformis-syndrome: Piriformis syndrome; ") for line in out)
    assert "DISCRIMINATORS (id: between)" in out
    assert "  piriformis-vs-radiculopathy: piriformis-syndrome vs lumbar-radiculopathy" in out
    assert not any("hamstring-tendinopathy:" in line for line in out)  # only what the query names


def test_concepts_json_and_a_folder_lexicon(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "lexicon.yaml").write_text(
        "format: 1\nconcepts:\n  snapping-hip:\n    label: Snapping hip\n    synonyms: [coxa saltans]\n",
        encoding="utf-8")
    monkeypatch.setenv("TUTOR_CASES", str(folder))
    assert main(["concepts", "--json", "SALTANS"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"kind": "concept", "id": "snapping-hip", "label": "Snapping hip", "synonyms": ["coxa saltans"],
         "from": str(folder)},
    ]
    assert main(["concepts", "no such words anywhere"]) == 1
    assert "No shared concept matches" in capsys.readouterr().err
