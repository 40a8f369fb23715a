"""`tutor config [--json]`, `tutor config set KEY VALUE...`, `tutor config unset KEY`.

Shows where the settings file is and each setting's value with where it comes from
(default or file); the file's problems go to stderr as `file:line: message`, and the
tutor still runs with the defaults. `set` and `unset` change one line of the file
(tutor.settings): a bad value or an unknown key is refused with exit 2 and the file
is left as it was.
"""

from __future__ import annotations

import shutil
import sys

from tutor.text_safety import one_line, speaks_utf8, terminal_json

USAGE_ERROR = 2


def _shown_value(key: str, value: object, source: str) -> str:
    from tutor.settings import DEFAULT, SETTINGS, toml_value

    if source == DEFAULT:
        return SETTINGS[key].shown_default
    return one_line(toml_value(value) if not isinstance(value, str) else value, 200)


def _show(as_json: bool) -> int:
    from tutor.render.columns import fit_table, wrap_items
    from tutor.settings import SETTINGS, read_settings

    settings = read_settings()
    for problem in settings.problems:
        print(problem, file=sys.stderr)
    if as_json:
        data = {
            "file": str(settings.path), "exists": settings.exists,
            "settings": {key: {"value": settings.values[key], "source": settings.sources[key]} for key in SETTINGS},
            "unknown": sorted(settings.unknown),
        }
        print(terminal_json(data, indent=2, ascii_only=not speaks_utf8(sys.stdout)))
        return 0
    width = shutil.get_terminal_size((80, 24)).columns
    where = one_line(str(settings.path), 500)
    head = f"Settings file: {where}" + ("" if settings.exists else " (not there yet: the defaults are used)")
    lines = wrap_items([head], width)
    rows = [("Setting", "Value", "From")]
    for key in SETTINGS:
        rows.append((key, _shown_value(key, settings.values[key], settings.sources[key]), settings.sources[key]))
    lines += [""] + fit_table(rows, width, shrinkable=(1,))
    lines += [""]
    for key, setting in SETTINGS.items():
        lines += wrap_items([f"{key}: {setting.meaning}"], width)
    lines += ["", *wrap_items(["Change one: tutor config set theme light · back to its default: "
                               "tutor config unset theme"], width)]
    print("\n".join(lines))
    return 0


def run(args) -> int:
    from tutor.settings import SettingError, set_setting, unset_setting

    action = getattr(args, "action", None)
    try:
        if action == "set":
            path = set_setting(args.key, args.values)
            print(f"{path}: {args.key} set")
            return 0
        if action == "unset":
            path, was_there = unset_setting(args.key)
            print(f"{path}: {args.key} " + ("taken out; its default applies" if was_there
                                            else "was not set; its default applies"))
            return 0
    except SettingError as error:
        from tutor.locations import config_file

        message = one_line(str(error), 600)
        # `file: message` when it is about the file; otherwise it is about what was typed.
        print(message if message.startswith(str(config_file())) else f"tutor config {action}: {message}",
              file=sys.stderr)
        return USAGE_ERROR
    return _show(getattr(args, "json", False))
