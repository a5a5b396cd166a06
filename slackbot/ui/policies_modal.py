"""The review policies modal (admins): the workspace's policies as TOML, edited in place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slackbot import ids
from slackbot.policies.model import Policy
from slackbot.ui.common import context, escape, input_block, modal, plain, section

MAX_TOML = 3000  # a plain_text_input holds up to 3,000 characters

EXAMPLE = """[[policies]]
name = "growth"
default = true

[[policies.stages]]
name = "Managers"
author_manager = true
named = true
rule = "any"

[[policies.stages]]
name = "Finance"
position = "CFO"
when = { adds_positions_over = 3 }
deadline_days = 2
"""


def policies_modal(toml_text: str) -> dict[str, Any]:
    """The workspace's policies as TOML (an example when it has none); saving stores every
    policy in it, a changed one as a new version."""
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": MAX_TOML,
        "initial_value": (toml_text or EXAMPLE)[:MAX_TOML],
    }
    return modal(
        "Review policies",
        [
            section(
                "Each `[[policies]]` table is a policy, each `[[policies.stages]]` a stage, in "
                "order; a policy left out is removed. Proposals under review keep the "
                "version they started with."
            ),
            input_block(ids.POLICIES_BLOCK, "Policies (TOML)", element),
            context(
                "Keys: people, usergroup, author_manager, position, named, rule (all, any or a "
                "number), when, deadline_days, fallback; see docs/proposals.md. Bigger files: "
                "`orgbot policies import FILE.toml --team T`."
            ),
        ],
        callback_id=ids.POLICIES_MODAL,
        submit="Save",
        close="Cancel",
    )


def policies_saved_view(saved: list[Policy], removed: Sequence[str] = ()) -> dict[str, Any]:
    lines = [
        f"• *{escape(p.name)}* (version {p.version}): "
        + " → ".join(escape(s.name) for s in p.stages)
        for p in saved
    ]
    if removed:
        lines.append(
            "Removed: "
            + ", ".join(escape(n) for n in removed)
            + " (proposals under review keep them)"
        )
    return modal(
        "Review policies",
        [section("Saved:\n" + "\n".join(lines))],
        callback_id=ids.POLICIES_SAVED,
        close="Done",
    )


def away_modal(today: date) -> dict[str, Any]:
    """Who decides for you while you are away, and until when."""
    return modal(
        "Away",
        [
            section(
                "While you're away, the person you pick can decide for you on proposals that "
                "ask you; each decision is recorded as on your behalf. Nobody can decide on "
                "their own proposal this way."
            ),
            input_block(
                ids.AWAY_TO_BLOCK,
                "Who decides for you",
                {"type": "users_select", "placeholder": plain("Pick someone")},
            ),
            input_block(
                ids.AWAY_FROM_BLOCK,
                "From",
                {"type": "datepicker", "initial_date": today.isoformat()},
            ),
            input_block(
                ids.AWAY_UNTIL_BLOCK,
                "Until (the last day away)",
                {"type": "datepicker", "placeholder": plain("Pick a date")},
            ),
        ],
        callback_id=ids.AWAY_MODAL,
        submit="Save",
        close="Cancel",
    )


def away_saved_view(text: str) -> dict[str, Any]:
    return modal("Away", [section(text)], callback_id=ids.AWAY_DONE, close="Done")
