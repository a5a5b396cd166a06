"""Dates as people type them after `/org-proposal current at`: `2027-03-01`, `1 March 2027`,
`March 1, 2027`, `1 Mar 2027`, `1st March 2027`, `today`, `tomorrow`, `yesterday`.

Numeric day/month orders (`03/01/2027`) are refused: people read them both ways.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

HOW_TO_WRITE = (
    "Write the date as `2027-03-01` or `1 March 2027` (also `March 1, 2027`, `1 Mar 2027`, "
    "`today`, `tomorrow`)."
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"([a-z]+)\.?"
_DAY_MONTH_YEAR = re.compile(rf"^{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})$")
_MONTH_DAY_YEAR = re.compile(rf"^{_MONTH}\s+{_DAY},?\s+(\d{{4}})$")
_RELATIVE = {"today": 0, "tomorrow": 1, "yesterday": -1}


class BadDate(ValueError):
    """Text that is not a date orgbot can read; `str(error)` says how to write one."""


def parse_day(text: str, *, today: date) -> date:
    """The date in `text`. Raises: BadDate (with how to write one)."""
    words = " ".join(text.lower().replace(",", ", ").split()).strip()
    if words in _RELATIVE:
        return today + timedelta(days=_RELATIVE[words])
    parts: tuple[int, int, int] | None = None
    if match := _ISO.match(words):
        parts = int(match.group(1)), int(match.group(2)), int(match.group(3))
    elif match := _DAY_MONTH_YEAR.match(words):
        month = _MONTHS.get(match.group(2))
        if month:
            parts = int(match.group(3)), month, int(match.group(1))
    elif match := _MONTH_DAY_YEAR.match(words):
        month = _MONTHS.get(match.group(1))
        if month:
            parts = int(match.group(3)), month, int(match.group(2))
    if parts is None:
        raise BadDate(f"I can't read “{text.strip()[:40]}” as a date. {HOW_TO_WRITE}")
    try:
        return date(*parts)
    except ValueError:
        raise BadDate(
            f"“{text.strip()[:40]}” is not a day of the calendar. {HOW_TO_WRITE}"
        ) from None
