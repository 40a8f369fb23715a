"""Text from a case file or a learner is shown, never obeyed by the terminal.

Strips escape sequences (CSI, OSC, and lone ESC pairs) and every other control
character except newline and tab, so nothing a case author or learner types
can move the cursor, retitle the window or hide text.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata

# Patterns as text, compiled (and kept, by `re`) the first time a text needs them: most text is
# ASCII without an ESC, which none of them can match, and compiling them is part of every start.
_ESCAPE_SEQUENCE = (
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                  # CSI: ESC [ params intermediates final
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?     # OSC: ESC ] ... BEL or ST
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?          # DCS, SOS, PM, APC strings
    | \x1b[@-Z\\-_]                          # two-byte ESC sequences
    | \x9b[0-?]*[ -/]*[@-~]                  # 8-bit CSI
    """
)


def _is_unsafe(char: str) -> bool:
    if char in "\n\t":
        return False
    category = unicodedata.category(char)
    # Cc: C0/C1 controls. Cf: format characters such as bidi overrides, which
    # can reorder what a reader sees; zero-width joiners are kept for emoji/CJK.
    if category == "Cc":
        return True
    return category == "Cf" and char not in "\u200d\u200c"


# Lone surrogates stand for bytes that were not UTF-8 (prompt_toolkit and argv decode with
# surrogateescape); no stream or database can take them as text.
_SURROGATE = r"[\ud800-\udfff]"


def printable(text: str) -> str:
    """The text with escape sequences and control characters removed, undecodable bytes as U+FFFD."""
    if not text:
        return ""
    if not text.isascii() or "\x1b" in text:
        text = re.sub(_SURROGATE, "\ufffd", re.sub(_ESCAPE_SEQUENCE, "", text, flags=re.VERBOSE))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if not _is_unsafe(ch))


def one_line(text: str, limit: int = 200) -> str:
    """Printable text folded onto one line and cut to `limit` characters, for echoes and lists."""
    # Cut before cleaning: a 100 MB line would otherwise be cleaned character by character
    # to show its first 200. Generous, so that escapes and runs of spaces still leave `limit`.
    flat = " ".join(printable(text[: 10 * limit + 1000]).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# JSON escapes only C0 controls; these it would write raw: DEL, C1 controls (U+009B is a
# one-byte CSI), bidi and other format characters, and lone surrogates, which UTF-8 cannot hold.
_RAW_IN_JSON = r"[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff]"


def terminal_json(data: object, indent: int | None = None, ascii_only: bool = False) -> str:
    """JSON for stdout: readable non-ASCII text, but nothing a terminal would obey, all as \\u escapes.

    `ascii_only` escapes all non-ASCII text, for a stream that cannot encode it (see `speaks_utf8`).
    """
    text = json.dumps(data, ensure_ascii=ascii_only, indent=indent)
    if text.isascii() and "\x7f" not in text:
        return text
    return re.sub(_RAW_IN_JSON, lambda m: f"\\u{ord(m.group()):04x}", text)


def speaks_utf8(stream: object) -> bool:
    """Whether a text stream can write any character: a Windows pipe (cp1252) or a Latin-1 locale cannot."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8"
    except LookupError:
        return False


def cells(text: str) -> int:
    """Terminal columns a text takes: wide characters (Chinese, full-width) take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
