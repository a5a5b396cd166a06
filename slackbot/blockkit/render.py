"""Block Kit rendered as plain terminal text: what `orgbot compare` prints and what the
sandbox shows for every message, modal and Home tab.

Buttons are numbered as they appear, so a terminal user can "click" one by its number.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_LINK = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")

Names = Callable[[str], str | None]
EMOJI = {
    ":hourglass_flowing_sand:": "⏳",
    ":white_check_mark:": "✅",
    ":x:": "❌",
    ":pencil2:": "✏️",
    ":leftwards_arrow_with_hook:": "↩️",
    ":speech_balloon:": "💬",
    ":warning:": "⚠️",
    ":tada:": "🎉",
    ":bell:": "🔔",
    ":alarm_clock:": "⏰",
    ":calendar:": "📅",
    ":zzz:": "💤",
    ":house:": "🏠",
    ":white_circle:": "⚪",
    ":black_circle:": "⚫",
    ":frame_with_picture:": "🖼️",
}
_EMOJI = re.compile(r":[a-z0-9_+-]+:")


@dataclass
class Clickable:
    """A button (or other interactive element) the terminal user can pick by number."""

    number: int
    block_id: str | None
    element: Mapping[str, Any]

    @property
    def label(self) -> str:
        text = self.element.get("text") or self.element.get("placeholder") or {}
        return text.get("text", self.element.get("action_id", "?"))


@dataclass
class Rendered:
    text: str
    clickables: list[Clickable] = field(default_factory=list)


def mrkdwn_to_text(text: str, names: Names | None = None) -> str:
    """Slack mrkdwn to plain text: links, mentions and escapes resolved, emphasis dropped."""

    def link(match: re.Match) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            name = names(target[1:]) if names else None
            return f"@{label or name or target[1:]}"
        if target.startswith("#"):
            channel_id = target[1:]
            name = label or (names(channel_id) if names else None) or channel_id
            return f"#{name}"
        if target.startswith("!"):
            special = target[1:].split("^")[0]
            return label or f"@{special}"
        return f"{label} ({target})" if label and label != target else target

    text = text.replace("```", "")
    text = "\n".join(
        "  | " + line[1:].lstrip() if line.startswith(">") else line for line in text.split("\n")
    ).strip("\n")
    text = _LINK.sub(link, text)
    text = _EMOJI.sub(lambda m: EMOJI.get(m.group(0), m.group(0)), text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    return html.unescape(text)


def render_blocks(
    blocks: list[Mapping[str, Any]],
    *,
    names: Names | None = None,
    width: int = 88,
    start: int = 1,
) -> Rendered:
    """Render blocks as text; interactive elements are numbered from `start`."""
    lines: list[str] = []
    clickables: list[Clickable] = []

    def text_of(obj: Mapping[str, Any] | None) -> str:
        if not obj:
            return ""
        raw = obj.get("text", "")
        if obj.get("type") == "mrkdwn":
            return mrkdwn_to_text(raw, names)
        return _EMOJI.sub(lambda m: EMOJI.get(m.group(0), m.group(0)), raw)

    def wrap(text: str, indent: str = "") -> None:
        for paragraph in text.split("\n"):
            if not paragraph.strip():
                lines.append("")
                continue
            lead = len(paragraph) - len(paragraph.lstrip(" "))
            sub = indent + " " * (lead + (2 if paragraph.lstrip().startswith("•") else 0))
            lines.extend(
                textwrap.wrap(
                    paragraph.strip(),
                    width=width,
                    initial_indent=indent + " " * lead,
                    subsequent_indent=sub,
                    break_on_hyphens=False,
                )
                or [""]
            )

    def clickable(block: Mapping[str, Any], element: Mapping[str, Any]) -> str:
        number = start + len(clickables)
        item = Clickable(number=number, block_id=block.get("block_id"), element=element)
        clickables.append(item)
        return f"[{number}] {item.label}"

    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = text_of(block.get("text"))
            lines.extend([title.upper(), "=" * min(width, len(title))])
        elif kind == "section":
            if block.get("text"):
                wrap(text_of(block["text"]))
            for f in block.get("fields") or []:
                # a field is usually "*Label*\nvalue": show it as "Label: value"
                label, _, value = text_of(f).partition("\n")
                if "\n" in value:  # a column of several lines: the label heads it
                    wrap(label, indent="  ")
                    for line in value.split("\n"):
                        wrap(line, indent="    ")
                else:
                    wrap(f"{label}: {value}" if value else label, indent="  ")
            accessory = block.get("accessory")
            if accessory and accessory.get("type") in _CLICKABLE:
                lines.append("  " + clickable(block, accessory))
        elif kind == "context":
            parts = [
                text_of(e) if e.get("type") in ("mrkdwn", "plain_text") else e.get("alt_text", "")
                for e in block.get("elements") or []
            ]
            wrap("  ".join(p for p in parts if p), indent="  ~ ")
        elif kind == "divider":
            lines.append("-" * min(width, 40))
        elif kind == "actions":
            buttons = [
                clickable(block, e)
                for e in block.get("elements") or []
                if e.get("type") in _CLICKABLE
            ]
            wrap("   ".join(buttons))
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "input":
            label = text_of(block.get("label"))
            lines.append(f"{label}{'' if block.get('optional') else ' *'}")
        elif kind == "rich_text":
            lines.append(_rich_text(block))
    while lines and not lines[-1].strip():
        lines.pop()
    return Rendered(text="\n".join(lines), clickables=clickables)


_CLICKABLE = {
    "button",
    "static_select",
    "overflow",
    "users_select",
    "conversations_select",
    "channels_select",
    "datepicker",
}


def _rich_text(block: Mapping[str, Any]) -> str:
    out: list[str] = []
    for section in block.get("elements") or []:
        for element in section.get("elements") or []:
            out.append(element.get("text", ""))
    return "".join(out)
