"""The settings modal (`/org-proposal settings`, admins only)."""

from __future__ import annotations

from typing import Any

from slackbot import ids
from slackbot.settings import CADENCES, GUARDRAIL_LIMIT, INTERVALS, WEEKDAYS, Settings
from slackbot.ui.common import Block, context, input_block, message, modal, option, plain, section


def _select(options: list[dict[str, Any]], value: str) -> dict[str, Any]:
    chosen = next((o for o in options if o["value"] == value), options[0])
    return {"type": "static_select", "options": options, "initial_option": chosen}


def _whole_number(value: int | None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": str(GUARDRAIL_LIMIT),
        "placeholder": plain("No limit"),
    }
    if value is not None:
        element["initial_value"] = str(value)
    return element


def guardrail_blocks(settings: Settings) -> list[Block]:
    """The org guardrails: maximum layers and the span range, each optional."""
    return [
        section(
            "*Org guardrails*: proposals outside them are not refused; their card and the "
            "DMs to the author and reviewers flag it. Leave a field empty for no limit."
        ),
        input_block(
            "max_layers",
            "Maximum layers",
            _whole_number(settings.max_layers),
            optional=True,
            hint="Layers are the depth of the chart: a CEO alone is 1 layer, CEO → COO is 2.",
        ),
        input_block(
            "span_min",
            "Smallest span of control",
            _whole_number(settings.span_min),
            optional=True,
            hint="Seats reporting directly to a manager, open roles included.",
        ),
        input_block(
            "span_max",
            "Largest span of control",
            _whole_number(settings.span_max),
            optional=True,
        ),
    ]


def canvas_blocks(settings: Settings) -> list[Block]:
    """The optional channel where orgbot keeps a canvas of the current org."""
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "placeholder": plain("No canvas"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if settings.canvas_channel:
        channel["initial_conversation"] = settings.canvas_channel
    return [
        section(
            "*Org canvas*: a canvas in a channel with the current org (the tree, open roles, "
            "spans and layers, the last approved change), updated on every approval."
        ),
        input_block(
            "canvas_channel",
            "Canvas channel",
            channel,
            optional=True,
            hint="Invite @orgbot to it. Leave empty for no canvas.",
        ),
    ]


def settings_modal(settings: Settings) -> dict[str, Any]:
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "placeholder": plain("Pick a channel"),
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if settings.digest_channel:
        channel["initial_conversation"] = settings.digest_channel
    weekdays = [option(name, str(i)) for i, name in enumerate(WEEKDAYS)]
    quiet_options = [option(name, str(i)) for i, name in enumerate(WEEKDAYS)]
    quiet: dict[str, Any] = {"type": "checkboxes", "options": quiet_options}
    chosen = [o for o in quiet_options if int(o["value"]) in settings.quiet_days]
    if chosen:
        quiet["initial_options"] = chosen
    blocks: list[Block] = [
        section("*Digest*: a summary of new, waiting and decided proposals, posted in a channel."),
        input_block(
            "digest_channel", "Digest channel", channel, optional=True, hint="Invite @orgbot to it."
        ),
        input_block(
            "digest_cadence",
            "How often",
            _select([option(v, k) for k, v in CADENCES.items()], settings.digest_cadence),
        ),
        input_block(
            "digest_weekday", "Day (weekly digest)", _select(weekdays, str(settings.digest_weekday))
        ),
        input_block(
            "digest_time",
            "Time",
            {"type": "timepicker", "initial_time": settings.digest_time.strftime("%H:%M")},
        ),
        input_block(
            "timezone",
            "Workspace time zone",
            {"type": "plain_text_input", "initial_value": settings.timezone, "max_length": 64},
            hint="An IANA name such as Europe/Berlin or America/New_York. Reminders use each reviewer's own zone.",
        ),
        section(
            "*Reminders*: DMs to reviewers who have not decided, from 09:00 in their own time zone."
        ),
        input_block(
            "reminder_interval",
            "Remind reviewers",
            _select(
                [option(v, str(k)) for k, v in INTERVALS.items()],
                str(settings.reminder_interval_days),
            ),
        ),
        input_block(
            "quiet_days", "Quiet days (no reminders, no daily digest)", quiet, optional=True
        ),
        *guardrail_blocks(settings),
        *canvas_blocks(settings),
        context("Only workspace admins and the people in ORGBOT_ADMINS can change these."),
    ]
    return modal(
        "orgbot settings", blocks, callback_id=ids.SETTINGS_MODAL, submit="Save", close="Cancel"
    )


def settings_saved_message(settings: Settings) -> dict[str, Any]:
    text = (
        f":white_check_mark: orgbot will post the org proposal digest here {settings.describe_digest()}."
        if settings.digest_enabled
        else "The digest is off."
    )
    return message(text, [section(text)])


def settings_summary(settings: Settings) -> str:
    interval = INTERVALS.get(
        settings.reminder_interval_days, f"every {settings.reminder_interval_days} days"
    )
    return (
        f"Digest: {settings.describe_digest()}. Reminders: {interval.lower()}, from 09:00 in "
        f"each reviewer's time zone; quiet days: {settings.describe_quiet_days()}. "
        f"Org guardrails: {settings.guardrails.describe()}. Org canvas: "
        + (f"in <#{settings.canvas_channel}>." if settings.canvas_channel else "off.")
    )
