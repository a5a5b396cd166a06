"""Block Kit's documented limits, and a checker that lists every place a payload breaks one.

Numbers from Slack's Block Kit reference (docs.slack.dev/reference/block-kit), as
summarised in `shared/SLACK-FACTS.md` and mirrored by slack_sdk's `models.blocks`
validators. The fake Slack server rejects payloads that break them with `invalid_blocks`,
exactly as Slack does, and the builders' tests run every builder through `check_message`
and `check_view`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS = 10
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
BLOCK_ID = 255
CALLBACK_ID = 255
MODAL_TITLE = 24
PRIVATE_METADATA = 3000
OPTIONS = 100
OPTION_TEXT = 75
OPTION_VALUE = 150
INPUT_MAX_LENGTH = 3000
LABEL = 2000
HINT = 2000
PLACEHOLDER = 150
MESSAGE_TEXT = 40_000
CONFIRM_TITLE, CONFIRM_TEXT, CONFIRM_BUTTON = 100, 300, 30
OVERFLOW_OPTIONS = 5

_OPTION_ELEMENTS = (
    "static_select",
    "multi_static_select",
    "overflow",
    "radio_buttons",
    "checkboxes",
)

_BLOCK_TYPES = {
    "section",
    "header",
    "context",
    "divider",
    "actions",
    "input",
    "image",
    "rich_text",
}


def check_message(message: Mapping[str, Any]) -> list[str]:
    """Problems with a message payload (`chat.postMessage`, a slash command's response).

    Returns:
        One line per problem; empty when the message is valid. Besides Slack's hard limits
        it flags a message with blocks but no `text` fallback.
    """
    problems: list[str] = []
    blocks = message.get("blocks") or []
    if isinstance(blocks, str):
        problems.append("blocks must be a JSON array, not a string")
        blocks = []
    text = message.get("text")
    if blocks and not (isinstance(text, str) and text.strip()):
        problems.append("blocks without a `text` fallback (notifications and screen readers)")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT:
        problems.append(f"text is {len(text)} characters; limit {MESSAGE_TEXT}")
    if len(blocks) > MESSAGE_BLOCKS:
        problems.append(f"{len(blocks)} blocks; a message allows {MESSAGE_BLOCKS}")
    problems.extend(check_blocks(blocks, surface="message"))
    return problems


def check_view(view: Mapping[str, Any]) -> list[str]:
    """Problems with a modal or Home tab view payload."""
    problems: list[str] = []
    kind = view.get("type")
    blocks = view.get("blocks") or []
    if kind not in ("modal", "home"):
        problems.append(f"view type must be modal or home, not {kind!r}")
    if len(blocks) > VIEW_BLOCKS:
        problems.append(f"{len(blocks)} blocks; a view allows {VIEW_BLOCKS}")
    if kind == "modal":
        title = view.get("title")
        if not title:
            problems.append("modal has no title")
        for key in ("title", "submit", "close"):
            problems.extend(_text(view.get(key), f"modal {key}", MODAL_TITLE, plain=True))
        if any(b.get("type") == "input" for b in blocks) and not view.get("submit"):
            problems.append("modal with input blocks needs a submit button")
    if len(view.get("private_metadata") or "") > PRIVATE_METADATA:
        problems.append(f"private_metadata over {PRIVATE_METADATA} characters")
    if len(view.get("callback_id") or "") > CALLBACK_ID:
        problems.append(f"callback_id over {CALLBACK_ID} characters")
    problems.extend(check_blocks(blocks, surface=kind or "view"))
    return problems


def check_blocks(blocks: Iterable[Mapping[str, Any]], *, surface: str) -> list[str]:
    problems: list[str] = []
    block_ids: set[str] = set()
    for n, block in enumerate(blocks):
        where = f"block {n} ({block.get('type')})"
        kind = block.get("type")
        if kind not in _BLOCK_TYPES:
            problems.append(f"{where}: unknown block type")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if len(block_id) > BLOCK_ID:
                problems.append(f"{where}: block_id over {BLOCK_ID} characters")
            if block_id in block_ids:
                problems.append(f"{where}: duplicate block_id {block_id!r}")
            block_ids.add(block_id)
        if kind == "input" and surface == "message":
            problems.append(f"{where}: input blocks belong in modals")
        problems.extend(_CHECKS.get(kind, _no_check)(block, where))
    return problems


def _no_check(block: Mapping[str, Any], where: str) -> list[str]:
    return []


def _section(block: Mapping[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    text, fields = block.get("text"), block.get("fields")
    if not text and not fields:
        problems.append(f"{where}: a section needs text or fields")
    problems.extend(_text(text, f"{where} text", SECTION_TEXT))
    if fields:
        if len(fields) > FIELDS:
            problems.append(f"{where}: {len(fields)} fields; limit {FIELDS}")
        for i, field in enumerate(fields):
            problems.extend(_text(field, f"{where} field {i}", FIELD_TEXT))
    if block.get("accessory"):
        problems.extend(_element(block["accessory"], f"{where} accessory"))
    return problems


def _header(block: Mapping[str, Any], where: str) -> list[str]:
    return _text(block.get("text"), f"{where} text", HEADER_TEXT, plain=True, required=True)


def _context(block: Mapping[str, Any], where: str) -> list[str]:
    elements = block.get("elements") or []
    problems = [] if elements else [f"{where}: context needs elements"]
    if len(elements) > CONTEXT_ELEMENTS:
        problems.append(f"{where}: {len(elements)} elements; limit {CONTEXT_ELEMENTS}")
    for i, element in enumerate(elements):
        if element.get("type") in ("mrkdwn", "plain_text"):
            problems.extend(_text(element, f"{where} element {i}", SECTION_TEXT))
    return problems


def _actions(block: Mapping[str, Any], where: str) -> list[str]:
    elements = block.get("elements") or []
    problems = [] if elements else [f"{where}: actions needs elements"]
    if len(elements) > ACTIONS_ELEMENTS:
        problems.append(f"{where}: {len(elements)} elements; limit {ACTIONS_ELEMENTS}")
    action_ids = [e.get("action_id") for e in elements if e.get("action_id")]
    if len(action_ids) != len(set(action_ids)):
        problems.append(f"{where}: action_ids repeat within the block")
    for i, element in enumerate(elements):
        problems.extend(_element(element, f"{where} element {i}"))
    return problems


def _input(block: Mapping[str, Any], where: str) -> list[str]:
    problems = _text(block.get("label"), f"{where} label", LABEL, plain=True, required=True)
    problems.extend(_text(block.get("hint"), f"{where} hint", HINT, plain=True))
    element = block.get("element")
    if not element:
        problems.append(f"{where}: input needs an element")
    else:
        problems.extend(_element(element, f"{where} element"))
    return problems


def _element(element: Mapping[str, Any], where: str) -> list[str]:
    problems: list[str] = []
    kind = element.get("type")
    if len(element.get("action_id") or "") > ACTION_ID:
        problems.append(f"{where}: action_id over {ACTION_ID} characters")
    # placeholders are plain_text only, on every element that has one
    problems.extend(
        _text(element.get("placeholder"), f"{where} placeholder", PLACEHOLDER, plain=True)
    )
    if kind == "button":
        problems.extend(
            _text(element.get("text"), f"{where} text", BUTTON_TEXT, plain=True, required=True)
        )
        value = element.get("value")
        if value is not None and not (isinstance(value, str) and value):
            # Slack refuses `"value": ""` ("must be more than 0 characters"): leave it out
            problems.append(f"{where}: value must not be empty (leave it out instead)")
        elif len(value or "") > BUTTON_VALUE:
            problems.append(f"{where}: value over {BUTTON_VALUE} characters")
        if element.get("style") not in (None, "primary", "danger"):
            problems.append(f"{where}: style must be primary or danger")
    elif kind == "plain_text_input":
        max_length = element.get("max_length")
        if max_length is not None and max_length > INPUT_MAX_LENGTH:
            problems.append(f"{where}: max_length over {INPUT_MAX_LENGTH}")
        initial = element.get("initial_value")
        if initial is not None and max_length is not None and len(initial) > max_length:
            problems.append(f"{where}: initial_value longer than max_length")
    elif kind in _OPTION_ELEMENTS:
        options = element.get("options") or []
        groups = element.get("option_groups") or []
        if groups and (options or kind not in ("static_select", "multi_static_select")):
            problems.append(f"{where}: option_groups only on selects, instead of options")
        if len(groups) > OPTIONS:
            problems.append(f"{where}: {len(groups)} option groups; limit {OPTIONS}")
        for group in groups:
            problems.extend(
                _text(
                    group.get("label"),
                    f"{where} option group label",
                    OPTION_TEXT,
                    plain=True,
                    required=True,
                )
            )
            if len(group.get("options") or []) > OPTIONS:
                problems.append(
                    f"{where}: {len(group['options'])} options in a group; limit {OPTIONS}"
                )
        if not options and not groups:
            problems.append(f"{where}: needs options")
        most = OVERFLOW_OPTIONS if kind == "overflow" else OPTIONS
        if len(options) > most:
            problems.append(f"{where}: {len(options)} options; limit {most}")
        options = options or [o for g in groups for o in g.get("options") or []]
        values = [o.get("value") for o in options]
        # option text is plain_text only in select and overflow menus; radio buttons and
        # checkboxes may use mrkdwn (option object reference)
        plain_options = kind not in ("radio_buttons", "checkboxes")
        for option in options:
            problems.extend(
                _text(
                    option.get("text"),
                    f"{where} option",
                    OPTION_TEXT,
                    plain=plain_options,
                    required=True,
                )
            )
            if len(option.get("value") or "") > OPTION_VALUE:
                problems.append(f"{where}: option value over {OPTION_VALUE} characters")
        chosen = element.get("initial_options") or (
            [element["initial_option"]] if element.get("initial_option") else []
        )
        for option in chosen:
            if option.get("value") not in values:
                problems.append(f"{where}: initial option {option.get('value')!r} not in options")
    confirm = element.get("confirm")
    if confirm:
        # every text of a confirmation dialog is plain_text only (composition objects
        # reference: title, text, confirm, deny)
        for key, limit in (
            ("title", CONFIRM_TITLE),
            ("text", CONFIRM_TEXT),
            ("confirm", CONFIRM_BUTTON),
            ("deny", CONFIRM_BUTTON),
        ):
            problems.extend(
                _text(confirm.get(key), f"{where} confirm {key}", limit, plain=True, required=True)
            )
    return problems


def _text(
    obj: Any, where: str, limit: int, *, plain: bool = False, required: bool = False
) -> list[str]:
    if obj is None:
        return [f"{where}: missing"] if required else []
    if not isinstance(obj, Mapping) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return [f"{where}: must be a text object"]
    if plain and obj.get("type") != "plain_text":
        return [f"{where}: must be plain_text"]
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return [f"{where}: text must not be empty"]
    if len(text) > limit:
        return [f"{where}: {len(text)} characters; limit {limit}"]
    return []


_CHECKS = {
    "section": _section,
    "header": _header,
    "context": _context,
    "actions": _actions,
    "input": _input,
}
