"""Issue 10 item 8 in the app: the theme chosen stays for the next start; a broken settings file
is said once and the app starts with the defaults. TUTOR_CONFIG_DIR is a fresh folder per test."""

from __future__ import annotations

from tui_pilot_steps import build_test_app, run, shown_text, table_rows, wait_until

from tutor.locations import config_file
from tutor.settings import read_settings


def test_the_theme_chosen_is_there_on_the_next_start():
    async def first_start():
        app = build_test_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: table_rows(app), "the library")
            assert app.theme == "textual-dark"  # nothing chosen yet
            assert not config_file().exists()  # starting on the default writes nothing
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: config_file().exists() and read_settings()["theme"] == "light",
                             "the light theme kept in the settings file")

    async def next_start(expected: str, then: str):
        app = build_test_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: table_rows(app), "the library")
            assert app.theme == expected
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: read_settings()["theme"] == then, f"the {then} theme kept")

    run(first_start)
    assert config_file().read_text(encoding="utf-8") == 'theme = "light"\n'
    run(lambda: next_start("textual-light", then="dark"))
    run(lambda: next_start("textual-dark", then="light"))


def test_a_theme_given_by_the_caller_wins_over_the_file():
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('theme = "light"\n', encoding="utf-8")

    async def scenario():
        app = build_test_app(theme="textual-dark")
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_until(pilot, lambda: table_rows(app), "the library")
            assert app.theme == "textual-dark"

    run(scenario)


def test_a_broken_settings_file_is_said_once_and_the_app_starts_on_the_defaults():
    config_file().parent.mkdir(parents=True, exist_ok=True)
    config_file().write_text('theme = "light"\ndrill_cases = [\n', encoding="utf-8")

    async def scenario():
        app = build_test_app()
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await wait_until(pilot, lambda: table_rows(app), "the library")
            assert app.theme == "textual-dark"  # the defaults, since the file cannot be read
            await wait_until(pilot, lambda: "not valid TOML" in shown_text(app), "the settings warning")
            # Choosing a theme never rewrites a file the learner has to fix by hand.
            await pilot.press("ctrl+t")
            await wait_until(pilot, lambda: "not kept for next time" in shown_text(app), "the theme not kept")

    run(scenario)
    assert config_file().read_text(encoding="utf-8") == 'theme = "light"\ndrill_cases = [\n'
