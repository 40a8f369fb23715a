"""Numbers that state a finding: "IFS 7 mm" is a narrow ischiofemoral space.

A concept with a `measure` (an extension of the case format) names what is
measured and a threshold; the matcher finds the name, and `read_after` reads
the number that follows it, in millimetres or centimetres (公分, 毫米 too),
with "<", ">", "less than", 超過 and the like before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tutor.model import Measure
from tutor.matching.tokens import NUM, Token


@dataclass(frozen=True, slots=True)
class Reading:
    """A number read beside a measured term, and whether it contradicts the threshold."""

    first: int  # token positions of the number (with its comparator) and its unit
    last: int
    contradicts: bool  # the value is on the wrong side of the threshold


_UNITS = {"mm": "mm", "millimet": "mm", "millimeter": "mm", "cm": "cm", "centimet": "cm",
          "centimeter": "cm", "毫米": "mm", "公釐": "mm", "公分": "cm", "厘米": "cm"}
_TO_MM = {"mm": 1.0, "cm": 10.0}


def read_before(measure: Measure, tokens: list[Token], segment: list[int], before: int) -> Reading | None:
    """A number with its unit just before the measured thing: "9 mm IFS", "a 7mm QFS"."""
    i = before - 1
    if i < 1 or segment[i] != segment[before] or tokens[i].norm not in _UNITS:
        return None
    number = i - 1
    if tokens[number].kind != NUM or segment[number] != segment[before]:
        return None
    start = number - 1 if number > 0 and tokens[number - 1].norm in ("lt", "gt") else number
    return _judge(measure, tokens, start, number)


def _judge(measure: Measure, tokens: list[Token], first: int, number: int) -> Reading | None:
    comparator = tokens[first].norm if first != number else None
    try:
        value = float(tokens[number].norm)
    except ValueError:
        return None
    unit = _UNITS.get(tokens[number + 1].norm, measure.unit) if number + 1 < len(tokens) else measure.unit
    return _reading(measure, value, unit, comparator, first, number + 1)


def read_after(measure: Measure, tokens: list[Token], segment: list[int], after: int) -> Reading | None:
    """The number that follows the measured thing ending at token `after`, judged; None if none."""
    i, skipped = after + 1, 0
    while i < len(tokens) and segment[i] == segment[after] and tokens[i].kind != NUM and skipped < 3:
        if tokens[i].norm in ("lt", "gt"):
            break
        i, skipped = i + 1, skipped + 1
    comparator = None
    if i < len(tokens) and tokens[i].norm in ("lt", "gt"):
        comparator, i = tokens[i].norm, i + 1
    if i >= len(tokens) or tokens[i].kind != NUM or segment[i] != segment[after]:
        return None
    try:
        value = float(tokens[i].norm)
    except ValueError:
        return None
    last, unit = i, measure.unit
    if i + 1 < len(tokens):
        one = tokens[i + 1].norm
        two = one + tokens[i + 2].norm if i + 2 < len(tokens) else ""
        if one in _UNITS:
            last, unit = i + 1, _UNITS[one]
        elif two in _UNITS:
            last, unit = i + 2, _UNITS[two]
    return _reading(measure, value, unit, comparator, i - (1 if comparator else 0), last)


def _reading(measure: Measure, value: float, unit: str, comparator: str | None, number: int,
             last: int) -> Reading | None:
    value = value * _TO_MM.get(unit, 1.0) / _TO_MM.get(measure.unit, 1.0)
    below, above = measure.below, measure.above
    if comparator is None:
        holds = (below is None or value < below) and (above is None or value > above)
        contradicts = not holds
    elif comparator == "lt":
        holds = below is not None and value <= below and above is None
        contradicts = above is not None and value <= above
    else:
        holds = above is not None and value >= above and below is None
        contradicts = below is not None and value >= below
    if not holds and not contradicts:
        return None  # "IFS under 20 mm" says neither
    return Reading(number, last, contradicts)


# Words that may stand between two readings of one measured thing: "IFS 21 mm on the right and
# 13 mm on the left", "IFS 21 mm R, 13 mm L", "IFS 21/13 mm".
_BETWEEN_READINGS = frozenset({"and", "on", "the", "right", "left", "r", "l", "rt", "lt", "side", "sided",
                               "in", "at", "of", "with", "vs", "versus", "bilateral", "contralateral",
                               "respectively", "while", "but", ",", "/"})
_FURTHER_READINGS = 3


def further_readings(measure: Measure, tokens: list[Token], last: int) -> list[Reading]:
    """More numbers for the same measured thing after its first reading, within the sentence.

    Reading stops at any word that could be another measured thing ("IFS 21 mm, QFS 6 mm"
    gives the IFS one number); the words between may only name sides and join.
    """
    found: list[Reading] = []
    i = last + 1
    while i < len(tokens) and len(found) < _FURTHER_READINGS:
        token = tokens[i]
        if token.kind == NUM:
            unit = tokens[i + 1].norm if i + 1 < len(tokens) else ""
            if unit not in _UNITS:
                break
            reading = _reading(measure, _value(token.norm), _UNITS[unit], None, i, i + 1)
            if reading is None:
                break
            found.append(reading)
            i += 2
            continue
        if token.norm not in _BETWEEN_READINGS and token.raw not in _BETWEEN_READINGS:
            break
        i += 1
    return found


def _value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")
