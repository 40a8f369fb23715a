"""Core modules never pull in a terminal UI library, so `tutor grade` and `tutor --help` start fast
and the core works where Textual or prompt_toolkit are missing."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
UI_LIBRARIES = ("textual", "prompt_toolkit")
CORE_MODULES = [
    "tutor.model", "tutor.cases.loading", "tutor.cases.library", "tutor.matching.index", "tutor.grading", "tutor.prepared", "tutor.engine",
    "tutor.render.wording", "tutor.records", "tutor.locations", "tutor.cli", "tutor.grade_command",
    "tutor.check_command", "tutor.list_command", "tutor.matching.tokens", "tutor.matching.terms", "tutor.matching.negation",
    "tutor.matching.measurement", "tutor.evaluation", "tutor.text_safety", "tutor.cases.problems", "tutor.cases.safe_yaml",
    "tutor.cases.fields", "tutor.cases.checker", "tutor.session", "tutor.play_command", "tutor.events",
    "tutor.drill", "tutor.stats", "tutor.streams", "tutor.cache_folder", "tutor.entry", "tutor.collector", "tutor.case_watch",
]

REPORT_UI_IMPORTS = (
    "import sys\n"
    "{run}\n"
    f"print(','.join(m for m in {UI_LIBRARIES!r} if m in sys.modules))\n"
)


def ui_libraries_loaded_by(code: str, *args: str) -> str:
    """The UI libraries in sys.modules after running `code` in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", REPORT_UI_IMPORTS.format(run=code), *args],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_a_ui_library(module):
    # A module renamed or removed must be renamed here too, not silently left unchecked.
    assert importlib.util.find_spec(module) is not None, f"{module} does not exist"
    assert ui_libraries_loaded_by(f"import {module}") == ""


def test_tutor_help_does_not_import_textual():
    code = (
        "import contextlib, io\n"
        "from tutor.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit as done:\n"
        "        assert done.code == 0, done.code\n"
        "assert 'usage: tutor' in out.getvalue()"
    )
    assert "textual" not in ui_libraries_loaded_by(code).split(",")


def test_python_dash_m_tutor_help_runs():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tutor", "--help"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("usage: tutor")
    # -X importtime lists every module imported, one per line, on stderr.
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "tutor.cli" in imported
    assert not any(name == "textual" or name.startswith("textual.") for name in imported)


def test_the_import_graph_has_no_cycle():
    # Type-only imports count too: a cycle among modules is a cycle in the design.
    import grimp

    graph = grimp.build_graph("tutor", cache_dir=None)
    modules = sorted(graph.modules)
    imports = {m: {i for i in graph.find_modules_directly_imported_by(m) if i in graph.modules} for m in modules}
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in imports[module]:
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in modules:
        if module not in order:
            visit(module)
    assert cycles == []
