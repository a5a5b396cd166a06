"""Log records that user input cannot split or forge.

Messages often carry what someone sent (a command's text, an error Slack returned about
it). A newline in it would start a line that reads like a record of its own, e.g.
`ERROR orgbot.delivery: gave up on digest`. `OneLineFormatter` writes control characters
in a message as escapes (`\\n`, `\\x1b`), and indents every line of a traceback, so each
record starts one line at the left margin and nothing else does.
"""

from __future__ import annotations

import logging
import re

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """`text` with every control character (and Unicode's line separators) escaped."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), f"\\x{ord(m.group()):02x}"), text)


class OneLineFormatter(logging.Formatter):
    """A `logging.Formatter` whose records cannot be split by what they quote."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:
        return _indent(super().formatException(ei))

    def formatStack(self, stack_info: str) -> str:
        return _indent(super().formatStack(stack_info))


def _indent(text: str) -> str:
    lines = text.splitlines() or [""]
    return "\n".join("  " + escape_controls(line) for line in lines)


def use_one_line_records(logger: logging.Logger | None = None, fmt: str = FORMAT) -> None:
    """Give every handler of `logger` (the root logger by default) a `OneLineFormatter`."""
    for handler in (logger or logging.getLogger()).handlers:
        handler.setFormatter(OneLineFormatter(fmt))
