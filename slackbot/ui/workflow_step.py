"""Messages of the Workflow Builder steps: the DM of *Start an org proposal*, and what it
becomes once the step is over."""

from __future__ import annotations

from typing import Any

from slackbot import ids
from slackbot.ui.common import actions, button, context, escape, message, section


def _hours(hours: float) -> str:
    if hours >= 48 and hours % 24 == 0:
        return f"{int(hours // 24)} days"
    whole = int(hours) if float(hours).is_integer() else hours
    return f"{whole} hour" + ("" if whole == 1 else "s")


def start_proposal_dm(*, execution_id: str, title: str, hours: float) -> dict[str, Any]:
    """The message that asks a person to propose: a button opens the pre-filled form."""
    about = f": *{escape(title)}*" if title else ""
    text = (
        f"A workflow asks you to propose an org change{about}. Open the form, check what the "
        "workflow filled in, and submit it to post the proposal for review. "
        f"This request ends in {_hours(hours)}."
    )
    return message(
        "A workflow asks you to propose an org change.",
        [
            section(text),
            actions(
                button(
                    "Open the proposal form", ids.STEP_OPEN_PROPOSAL, execution_id, style="primary"
                )
            ),
            context("Closing the form without submitting ends the workflow's step."),
        ],
    )


def step_over_dm(words: str) -> dict[str, Any]:
    """The same message once the step is over: no button."""
    return message(words, [section(words)])


def hours_text(hours: float) -> str:
    return _hours(hours)
