"""The modal an admin pastes the org's CSV into: checked first (every problem inline, on
the field), then a summary of what the import changes and a button to import it."""

from __future__ import annotations

import json
from typing import Any

from slackbot import ids
from slackbot.proposals.form import MAX_STRUCTURE
from slackbot.ui.common import Block, context, input_block, modal, plain, section

CHECK, CONFIRM = "check", "confirm"
COLUMNS_NOTE = (
    "Paste the org as CSV, a header row first: `title,reports_to,holder,count,status,"
    "vacancies,dotted` (only `title` is required). `holder` is an email or a Slack user id; "
    "`status` is filled, open, hire or backfill. Nothing changes until you confirm. A file "
    f"larger than {MAX_STRUCTURE:,} characters: `orgbot org import FILE.csv --team T` on the "
    "server (docs/cli.md)."
)
PLACEHOLDER = "title,reports_to,holder,count\nCEO,,maria@example.com,1\nCOO,CEO,U0123ABCD,1"


def org_import_modal(
    *, text: str = "", summary: list[str] | None = None, version: int = 0
) -> dict[str, Any]:
    """The paste form (`summary` None), or the confirmation once the CSV checked out:
    `summary` says what the import does to the current org (`version`)."""
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": MAX_STRUCTURE,
        "placeholder": plain(PLACEHOLDER),
    }
    if text:
        element["initial_value"] = text[:MAX_STRUCTURE]
    blocks: list[Block] = []
    if summary is None:
        blocks.append(context(COLUMNS_NOTE))
        label, submit, step = "The org as CSV", "Check", CHECK
    else:
        blocks.append(
            section("*No problems found.* Import it?\n" + "\n".join(f"• {s}" for s in summary))
        )
        label, submit, step = (
            "The org as CSV (checked; change it to check again)",
            "Import",
            CONFIRM,
        )
    blocks.append(input_block(ids.ORG_IMPORT_CSV_BLOCK, label, element))
    return modal(
        "Import the org",
        blocks,
        callback_id=ids.ORG_IMPORT_MODAL,
        submit=submit,
        close="Cancel",
        private_metadata=json.dumps({"step": step, "version": version}),
    )
