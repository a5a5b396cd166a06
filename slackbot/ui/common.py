"""Small, pure Block Kit helpers shared by every builder.

Everything that puts text people wrote into mrkdwn goes through `escape`, so a proposal
titled `<!channel>` pings nobody; everything with a length limit goes through `clip`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from slackbot.blockkit import limits

Block = dict[str, Any]


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: `&`, `<`, `>` become entities (Slack's own rule).

    With `<` and `>` escaped, `<!channel>`, `<@U123>`, `<#C1>` and `<url|label>` lose their
    meaning and show as typed.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_plain_text(text: str) -> str:
    """A message written for mrkdwn, for a place that shows plain text (a modal's inline
    error): mentions become words, code marks go."""
    text = re.sub(r"<@[A-Z0-9]+>", "the person named on the card", text)
    text = re.sub(
        r"<#([A-Z0-9]+)(?:\|([^>]*))?>", lambda m: f"#{m.group(2) or 'the channel'}", text
    )
    return text.replace("`", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # do not leave half an entity such as "&am" behind
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:] and amp > limit - 8:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def plain(text: str, limit: int | None = None) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) if limit else text, "emoji": True}


def mrkdwn(text: str, limit: int = limits.SECTION_TEXT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit)}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, limits.HEADER_TEXT)}


def section(text: str, *, block_id: str | None = None, accessory: dict | None = None) -> Block:
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if block_id:
        block["block_id"] = block_id
    if accessory:
        block["accessory"] = accessory
    return block


def fields_section(label: str | None, fields: Sequence[str]) -> Block:
    """A section with up to ten two-column fields (each clipped to 2000 characters)."""
    block: Block = {
        "type": "section",
        "fields": [mrkdwn(f, limits.FIELD_TEXT) for f in fields[: limits.FIELDS]],
    }
    if label:
        block["text"] = mrkdwn(label)
    return block


def long_sections(text: str, *, limit: int = limits.SECTION_TEXT) -> list[Block]:
    """Text too long for one section, split at line breaks into as many as it needs."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in text.split("\n"):
        line = clip(line, limit)
        if chunk and size + len(line) + 1 > limit:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk and "".join(chunk).strip():
        blocks.append(section("\n".join(chunk)))
    return blocks


def context(*texts: str) -> Block:
    return {
        "type": "context",
        "elements": [mrkdwn(t) for t in texts if t][: limits.CONTEXT_ELEMENTS],
    }


def divider() -> Block:
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    value: str | None = None,
    *,
    style: str | None = None,
    confirm: dict | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, limits.BUTTON_TEXT),
        "action_id": action_id,
    }
    if value:  # Slack refuses an empty value: leave it out
        element["value"] = value[: limits.BUTTON_VALUE]
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    if url:
        element["url"] = url
    return element


def confirm_dialog(
    title: str, text: str, *, yes: str, no: str = "Cancel", danger: bool = True
) -> dict:
    dialog = {
        "title": plain(title, limits.CONFIRM_TITLE),
        "text": plain(text, limits.CONFIRM_TEXT),
        "confirm": plain(yes, limits.CONFIRM_BUTTON),
        "deny": plain(no, limits.CONFIRM_BUTTON),
    }
    if danger:
        dialog["style"] = "danger"
    return dialog


def actions(*elements: dict[str, Any], block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[: limits.ACTIONS_ELEMENTS]}
    if block_id:
        block["block_id"] = block_id
    return block


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"• {item}" for item in items)


def is_empty(block: Block) -> bool:
    """A block Slack would refuse for having nothing in it: a context or actions block
    without elements, a section without text or fields, a header with no text."""
    kind = block.get("type")
    if kind in ("context", "actions"):
        return not block.get("elements")
    if kind == "section":
        return not (block.get("text") or {}).get("text") and not block.get("fields")
    if kind == "header":
        return not (block.get("text") or {}).get("text")
    return False


def without_empty(blocks: Iterable[Block]) -> list[Block]:
    """`blocks` minus the empty ones: one empty block makes Slack refuse the whole
    message or view, whatever the data it was built from."""
    return [b for b in blocks if not is_empty(b)]


def message(text: str, blocks: list[Block], **extra: Any) -> dict[str, Any]:
    """A message payload: blocks plus the plain `text` fallback Slack shows in
    notifications and reads to screen readers. Empty blocks are left out; blocks beyond
    Slack's 50 are left out of the middle with a note (`fit_blocks`) rather than failing
    the whole message."""
    blocks = fit_blocks(without_empty(blocks))
    return {"text": clip(text, 3000), "blocks": blocks, **extra}


def fit_blocks(blocks: list[Block], limit: int = limits.MESSAGE_BLOCKS) -> list[Block]:
    """`blocks` cut to `limit` (50 in a message, 100 in a view): the first block, the last
    one and every actions or input block always stay (a card's decision buttons come after
    its long parts, a form's fields are what it is for), the other blocks
    go from the middle, and a note says how many were left out where they were."""
    if len(blocks) <= limit:
        return blocks
    last = len(blocks) - 1
    must = [
        i for i, b in enumerate(blocks) if i in (0, last) or b.get("type") in ("actions", "input")
    ]
    must = must[-(limit - 1) :]
    others = [i for i in range(len(blocks)) if i not in set(must)]
    room = max(0, limit - 1 - len(must))
    head = room - room // 3
    kept = set(must) | set(others[:head]) | set(others[len(others) - (room - head) :])
    dropped = len(blocks) - len(kept)
    gap = min(i for i in range(len(blocks)) if i not in kept)
    note = context(f"_… and {dropped} more parts, left out: too long for one Slack message._")
    out = [blocks[i] for i in range(gap) if i in kept]
    return [*out, note, *(blocks[i] for i in range(gap, len(blocks)) if i in kept)]


def simple_message(text: str) -> dict[str, Any]:
    """One mrkdwn section, and the same words as the fallback. `text` must already be
    escaped where it holds user input."""
    return message(text, [section(text)])


def modal(
    title: str,
    blocks: list[Block],
    *,
    callback_id: str,
    submit: str | None = None,
    close: str = "Close",
    private_metadata: str = "",
    notify_on_close: bool = False,
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, limits.MODAL_TITLE),
        "close": plain(close, limits.MODAL_TITLE),
        "blocks": fit_blocks(without_empty(blocks), limits.VIEW_BLOCKS),
        "private_metadata": private_metadata,
    }
    if submit:
        view["submit"] = plain(submit, limits.MODAL_TITLE)
    if notify_on_close:
        view["notify_on_close"] = True
    return view


def notice_modal(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (no submit): what a form becomes for someone who
    may not use it."""
    return modal(title, [section(text)], callback_id="notice")


def input_block(
    block_id: str,
    label: str,
    element: dict[str, Any],
    *,
    hint: str | None = None,
    optional: bool = False,
    action_id: str = "value",
) -> Block:
    """A modal input. orgbot's modals give every element the action_id `value` and tell
    fields apart by block_id."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, limits.LABEL),
        "element": {"action_id": action_id, **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, limits.HINT)
    return block


def quoted(comment: str, limit: int = 300) -> str:
    """Someone's comment, escaped and shortened, in quotation marks."""
    return f"“{escape(clip(comment, limit))}”"


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, limits.OPTION_TEXT), "value": value[: limits.OPTION_VALUE]}
