"""The Textual app and its factory, shared by `tutor` (launch.py) and the tests.

The app holds what every screen needs (the library, the learner's records,
the clock, how to build a grader) in one `Services` object, so tests swap in
a fixed clock or a temporary library without touching the screens.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from textual.app import App
from textual.binding import Binding

from tutor.model import Case

STYLES = Path(__file__).resolve().parent
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


SETTING_OF_THEME = {DARK_THEME: "dark", LIGHT_THEME: "light"}


def _chosen_theme() -> str:
    """The theme the learner chose last time (the settings file), else dark."""
    try:
        from tutor.settings import read_settings

        chosen = read_settings().values.get("theme")
    except Exception:
        return DARK_THEME  # settings are a help: the app starts whatever the file says
    return LIGHT_THEME if chosen == "light" else DARK_THEME


def _settings_warnings(say: Callable[[str], None]) -> None:
    try:
        from tutor.settings import warn_once

        warn_once(say)
    except Exception:
        pass


def _list_shipped_cases() -> list:
    from tutor.cases.library import list_cases

    return list_cases()


def _load_case(ref: str) -> Case:
    from tutor.cases.library import load_case

    return load_case(ref)


def _open_records(warn: Callable[[str], None]):
    from tutor.records import Records

    return Records.open(warn=warn, front_end="app")


def _make_grader(case: Case):
    from tutor.grading import CaseGrader

    return CaseGrader(case)


@dataclass
class Services:
    """What the screens ask the rest of the tutor for; each piece can be replaced in tests."""

    list_cases: Callable[[], list] = _list_shipped_cases
    load_case: Callable[[str], Case] = _load_case
    open_records: Callable[[Callable[[str], None]], Any] = _open_records
    make_grader: Callable[[Case], Any] = _make_grader
    clock: Callable[[], float] = time.time
    records: Any = field(default=None, init=False)


class TutorApp(App[int]):
    TITLE = "tutor"
    # Every screen's styles load with the app: Textual does not load a default
    # screen's own CSS_PATH. Absolute, since Textual reads relative paths from
    # the module of whichever subclass is running.
    CSS_PATH = [STYLES / name for name in ("app.tcss", "home.tcss", "case.tcss", "summary.tcss")]
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+t", "toggle_theme", "Theme", priority=True),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, services: Services, start_case: Case | None = None, theme: str | None = None,
                 time_limit: float | None = None, drill=None, watch=None):
        from tutor.tui.terminal_input import app_driver_class

        # A driver that reads bytes which are not UTF-8 as U+FFFD, instead of dying on them.
        super().__init__(driver_class=app_driver_class())
        self.start_drill = drill
        self._signals_handled: list[int] = []  # signal numbers whose handler on_mount set
        self.services = services
        self.start_case = start_case
        self.start_time_limit = time_limit
        self.case_watch = watch  # `tutor play CASE --watch`: the start case is reloaded on each save
        self.theme = theme or _chosen_theme()
        self.crash_log: Path | None = None
        self._theme_unsaved_said = False
        self._records_opened = False
        self.answer_history: list[str] = []  # shared by every case played in this run, for the up arrow

    def get_default_screen(self):
        from tutor.tui.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self._leave_cleanly_on_signals()
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        _settings_warnings(lambda message: self.notify(message, title="Settings", severity="warning",
                                                       markup=False, timeout=10))
        if self.start_drill is not None:
            self.begin_drill(self.start_drill)
        elif self.start_case is not None:
            from tutor.tui.case_screen import CaseScreen

            self.push_screen(CaseScreen(self.start_case, time_limit=self.start_time_limit, watch=self.case_watch))

    def _leave_cleanly_on_signals(self) -> None:
        # Killed by default, the app would leave the terminal in the alternate screen with the
        # mouse reported and the cursor hidden; exiting puts it back (answers are saved already).
        import asyncio
        import signal

        loop = asyncio.get_running_loop()
        for name in ("SIGTERM", "SIGHUP", "SIGQUIT"):
            number = getattr(signal, name, None)
            if number is None:
                continue  # not on Windows
            try:
                loop.add_signal_handler(number, self.exit, None, 128 + number)
            except (NotImplementedError, RuntimeError, ValueError):
                continue  # not the main thread, or no signals here
            self._signals_handled.append(number)

    def _stop_handling_signals(self) -> None:
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        for number in self._signals_handled:
            loop.remove_signal_handler(number)
        self._signals_handled.clear()

    # Screens open one another through the app, so no screen module imports another that
    # imports it back (summary -> case -> summary; home -> progress -> home).

    def retry_case(self, case: Case, time_limit: float | None = None) -> None:
        """Play a case again from its summary, in place of the summary."""
        from tutor.tui.case_screen import CaseScreen

        watch = self.case_watch if self.case_watch is not None and self.case_watch.watches(case) else None
        if watch is not None:
            watch.poll()  # saved since the case ended: the retry plays what is on disk now
            case = watch.case
        self.switch_screen(CaseScreen(case, time_limit=time_limit, watch=watch))

    def open_progress(self) -> None:
        from tutor.tui.progress import ProgressScreen

        self.push_screen(ProgressScreen())

    def begin_drill(self, drill) -> None:
        """Open the first case of a drill; each case hands over to the next (CaseScreen.next_in_drill)."""
        from tutor.tui.case_screen import CaseScreen

        case = drill.next_case()
        if case is not None:
            self.push_screen(CaseScreen(case, time_limit=drill.limit_of(case), drill=drill))

    @property
    def records(self):
        """The learner's records, opened on first use; None when they cannot be opened."""
        if not self._records_opened:
            self._records_opened = True
            self.services.records = self._open_records()
        return self.services.records

    def on_unmount(self) -> None:
        self._stop_handling_signals()
        records = self.services.records
        if records is not None:
            try:
                records.close()
            except Exception:
                pass

    def _open_records(self):
        # Records are a help, never a hazard: without them the tutor still plays.
        try:
            return self.services.open_records(self._records_warning)
        except Exception as error:
            self._records_warning(f"learner records are off for now: {error}")
            return None

    def _records_warning(self, message: str) -> None:
        self.notify(message, title="Records", severity="warning", markup=False, timeout=8)

    def now(self) -> float:
        return self.services.clock()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def _remember_theme(self, theme) -> None:
        # The next start opens in the theme chosen now (the settings file's `theme`).
        name = SETTING_OF_THEME.get(getattr(theme, "name", ""))
        if name is None:
            return
        try:
            from tutor import settings

            settings.remember("theme", name)
        except Exception as error:  # a settings file that cannot be written never stops the app
            if not self._theme_unsaved_said:
                self._theme_unsaved_said = True
                self.notify(f"The theme is not kept for next time: {error}", title="Settings",
                            severity="warning", markup=False, timeout=8)

    def _fatal_error(self) -> None:
        # Textual's own handler prints a full traceback with local variables when
        # the app exits; a learner gets one line instead, and the details go to a
        # file next to the records for whoever fixes it. (A private Textual hook:
        # if it ever disappears, the stock traceback is the fallback.)
        from rich.text import Text

        details = traceback.format_exc()
        where = ""
        try:
            from tutor import locations

            self.crash_log = locations.data_dir() / "tui-crash.log"
            self.crash_log.write_text(details, encoding="utf-8")
            where = f"; details in {self.crash_log}"
        except Exception:
            pass
        summary = details.strip().splitlines()[-1] if details.strip() else "unknown error"
        self.bell()
        self._exit_renderables.append(
            Text(f"tutor: something went wrong inside the app ({summary}){where}")
        )
        self._close_messages_no_wait()


def build_app(
    *,
    start_case: Case | None = None,
    theme: str | None = None,
    clock: Callable[[], float] | None = None,
    list_cases: Callable[[], list] | None = None,
    load_case: Callable[[str], Case] | None = None,
    open_records: Callable[[Callable[[str], None]], Any] | None = None,
    make_grader: Callable[[Case], Any] | None = None,
    time_limit: float | None = None,
    drill=None,
    watch=None,
) -> TutorApp:
    """The app, with the shipped library and real records unless told otherwise."""
    services = Services()
    if clock is not None:
        services.clock = clock
    if list_cases is not None:
        services.list_cases = list_cases
    if load_case is not None:
        services.load_case = load_case
    if open_records is not None:
        services.open_records = open_records
    if make_grader is not None:
        services.make_grader = make_grader
    return TutorApp(services, start_case=start_case, theme=theme, time_limit=time_limit, drill=drill, watch=watch)
