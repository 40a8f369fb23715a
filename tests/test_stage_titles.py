"""Two stages of one kind are told apart by name: the author's `title:` (an extension), else the
stage's id when its kind repeats ("Report" after "Imaging findings"), in every front end."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from test_play import play
from tutor.cases.library import load_case
from tutor.cases.problems import CaseError
from tutor.engine import open_case
from tutor.grading import CaseGrader
from tutor.events import StageOpened
from tutor.render import wording

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "dialogues" / "cases"
FORMAT_EXAMPLE = Path(__file__).resolve().parents[2] / "shared" / "examples" / "format-example.yaml"


def names(case) -> list[str]:
    return [wording.stage_label(s.kind, s.id, case.stage_title(s)) for s in case.stages]


def test_a_report_stage_of_kind_findings_is_called_report_not_findings_again():
    case = load_case(str(SHIPPED / "ifi-classic.yaml"))
    assert names(case) == ["History", "Imaging findings", "Differential diagnosis", "Final diagnosis",
                           "Report", "Management"]


def test_an_examination_stage_of_kind_history_is_called_examination():
    case = load_case(str(SHIPPED / "hamstring-tendinopathy-bursitis.yaml"))
    assert names(case)[:2] == ["History", "Examination"]


def test_no_shipped_case_names_two_stages_alike():
    for path in sorted(SHIPPED.glob("*.yaml")):
        shown = names(load_case(str(path)))
        assert len(shown) == len(set(shown)), (path.name, shown)


def test_a_stage_whose_kind_is_its_own_keeps_the_kind_name():
    case = load_case(str(FORMAT_EXAMPLE))
    assert all(case.stage_title(s) is None for s in case.stages)


def with_stage_title(tmp_path, title) -> Path:
    data = yaml.safe_load(FORMAT_EXAMPLE.read_text(encoding="utf-8"))
    data["stages"][0]["title"] = title
    path = tmp_path / "titled.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_an_authors_title_names_the_stage_in_the_events_and_the_scripted_play(tmp_path):
    path = with_stage_title(tmp_path, "Her story")
    case = load_case(str(path))
    assert case.stages[0].title == "Her story"
    _, events = open_case(case, CaseGrader(case), at=0.0)
    opened = next(e for e in events if isinstance(e, StageOpened))
    assert opened.title == "Her story"
    result = play(path, ["/quit"], tmp_path)
    assert result.returncode == 0, result.err
    assert "Stage 1 of 1 · Her story" in result.out
    summary = result.out[result.out.index("Summary"):]
    assert "Her story" in summary  # the summary's stage table names it the same way


def test_a_title_that_is_not_text_is_refused_at_its_line(tmp_path):
    path = with_stage_title(tmp_path, {"nested": "mapping"})
    with pytest.raises(CaseError) as raised:
        load_case(str(path))
    message = str(raised.value)
    assert f"{path}:" in message and "`title` in stage `history` must be text" in message
