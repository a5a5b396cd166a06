"""Filling a modal from the terminal: each input block becomes a field with its own label,
hint, initial value and options, and each answer is parsed into what Slack would send."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from slackbot.devslack.workspace import Workspace

MULTILINE_END = "."


class FieldError(ValueError):
    """The answer does not fit the field; the message says what would."""


@dataclass
class Field:
    block_id: str
    label: str
    kind: str
    optional: bool
    hint: str = ""
    multiline: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, text)
    initial: Any = None

    def describe_initial(self, ws: Workspace) -> str:
        value = self.initial
        if value in (None, "", []):
            return ""
        if self.kind in ("multi_users_select",):
            return " ".join(f"@{ws.name_of(u) or u}" for u in value)
        if self.kind in ("users_select",):
            return f"@{ws.name_of(value) or value}"
        if self.kind in ("conversations_select", "channels_select"):
            return f"#{ws.name_of(value) or value}"
        if self.kind in ("static_select", "radio_buttons"):
            return dict(self.options).get(value, value)
        if self.kind in ("checkboxes", "multi_static_select"):
            return ", ".join(dict(self.options).get(v, v) for v in value)
        return str(value)

    def instructions(self) -> str:
        if self.multiline:
            return f"several lines; end with a line holding only '{MULTILINE_END}'"
        return {
            "multi_users_select": "people, e.g. @alex @sam",
            "users_select": "a person, e.g. @alex",
            "datepicker": "a date: 2026-12-02, today, tomorrow or +7d",
            "timepicker": "a time, e.g. 09:00",
            "conversations_select": "a channel, e.g. #org-design",
            "channels_select": "a channel, e.g. #org-design",
            "static_select": "the number of an option",
            "radio_buttons": "the number of an option",
            "checkboxes": "option numbers, e.g. 1,3 (or 'none')",
            "multi_static_select": "option numbers, e.g. 1,3 (or 'none')",
            "number_input": "a number",
        }.get(self.kind, "text")


def fields_of(view: dict[str, Any]) -> list[Field]:
    found = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind = element["type"]
        options = [(o["value"], o["text"]["text"]) for o in element.get("options") or []]
        initial: Any = {
            "plain_text_input": element.get("initial_value"),
            "number_input": element.get("initial_value"),
            "multi_users_select": element.get("initial_users"),
            "users_select": element.get("initial_user"),
            "datepicker": element.get("initial_date"),
            "timepicker": element.get("initial_time"),
            "conversations_select": element.get("initial_conversation"),
            "channels_select": element.get("initial_channel"),
            "static_select": (element.get("initial_option") or {}).get("value"),
            "radio_buttons": (element.get("initial_option") or {}).get("value"),
            "checkboxes": [o["value"] for o in element.get("initial_options") or []],
            "multi_static_select": [o["value"] for o in element.get("initial_options") or []],
        }.get(kind)
        found.append(
            Field(
                block_id=block["block_id"],
                label=block["label"]["text"],
                kind=kind,
                optional=bool(block.get("optional")),
                hint=(block.get("hint") or {}).get("text", ""),
                multiline=bool(element.get("multiline")),
                options=options,
                initial=initial,
            )
        )
    return found


def parse_answer(f: Field, text: str, ws: Workspace, *, today: date) -> Any:
    """Turn what was typed into the value the fake Slack puts in `view.state.values`."""
    text = text.strip() if not f.multiline else text
    if f.kind in ("plain_text_input", "number_input"):
        if f.kind == "number_input" and text and not re.fullmatch(r"-?\d+(\.\d+)?", text):
            raise FieldError("type a number")
        return text
    if f.kind == "multi_users_select":
        return [_user(ws, name) for name in text.replace(",", " ").split()]
    if f.kind == "users_select":
        return _user(ws, text) if text else None
    if f.kind in ("conversations_select", "channels_select"):
        if not text:
            return None
        try:
            return ws.channel(text).id
        except KeyError:
            raise FieldError(
                f"no channel {text}; try one of: {', '.join('#' + c.name for c in ws.channels.values() if not c.is_im)}"
            ) from None
    if f.kind == "datepicker":
        return _date(text, today)
    if f.kind == "timepicker":
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", text):
            raise FieldError("type a time such as 09:00")
        hours, minutes = text.split(":")
        return f"{int(hours):02d}:{minutes}"
    if f.kind in ("static_select", "radio_buttons"):
        return _option(f, text)
    if f.kind in ("checkboxes", "multi_static_select"):
        if text.lower() in ("none", "-", ""):
            return []
        return [_option(f, part) for part in re.split(r"[,\s]+", text) if part]
    raise FieldError(f"the sandbox cannot fill a {f.kind}")


def _user(ws: Workspace, name: str) -> str:
    try:
        return ws.user(name).id
    except KeyError:
        people = " ".join(f"@{u.name}" for u in ws.users.values() if not u.is_bot)
        raise FieldError(f"no one called {name}; people here: {people}") from None


def _option(f: Field, text: str) -> str:
    if text.isdigit() and 1 <= int(text) <= len(f.options):
        return f.options[int(text) - 1][0]
    for value, label in f.options:
        if text.lower() in (value.lower(), label.lower()):
            return value
    raise FieldError(f"pick 1 to {len(f.options)}")


def _date(text: str, today: date) -> str:
    lowered = text.lower()
    if lowered == "today":
        return today.isoformat()
    if lowered == "tomorrow":
        return (today + timedelta(days=1)).isoformat()
    match = re.fullmatch(r"\+(\d+)d", lowered)
    if match:
        return (today + timedelta(days=int(match.group(1)))).isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise FieldError("type a date such as 2026-12-02, today, tomorrow or +7d") from None
