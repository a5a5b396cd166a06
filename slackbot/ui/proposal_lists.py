"""Block Kit for `/org-proposal list`, `show N`, `current` and `help`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from roles import Catalog
from slackbot.org.shape import Guardrails, shape
from slackbot.proposals.model import (
    CREATED,
    DECISION_EMOJI,
    DECISIONS,
    EDITED,
    POST_FAILED,
    POSTED,
    STATUS_CHANGED,
    STATUS_EMOJI,
    STATUS_LABELS,
    Event,
    OrgVersion,
    Proposal,
)
from slackbot.ui.common import (
    Block,
    context,
    divider,
    escape,
    header,
    long_sections,
    message,
    quoted,
    section,
)
from slackbot.ui.org_shape import flags_blocks, shape_line, under_line
from slackbot.ui.proposal_card import (
    Names,
    chart_sections,
    day,
    proposal_card_blocks,
    seats_note,
    when,
)

HELP = (
    "*Propose and review changes to the org structure*\n"
    "• `/org-proposal`: open the proposal form (also from the *New org proposal* shortcut "
    "and the Home tab)\n"
    "• `/org-proposal list`: open proposals and recent decisions\n"
    "• `/org-proposal show 12`: proposal #12 with its history\n"
    "• `/org-proposal current`: the current approved org chart\n"
    "• `/org-proposal settings`: digest, reminders and org guardrails (admins)\n"
    "In the form, write the structure one position a line: "
    "`Operations Director reports to COO`, `Operations Manager x3 reports to Operations Director`."
)


def help_message() -> dict[str, Any]:
    return message("How to use /org-proposal", [section(HELP)])


def list_line(p: Proposal) -> str:
    waiting = ""
    if p.is_open and p.waiting_on:
        waiting = " · waiting on " + ", ".join(f"<@{r}>" for r in p.waiting_on)
    return (
        f"{STATUS_EMOJI[p.status]} *#{p.number}* {escape(p.title)} · {p.status_label} · "
        f"by <@{p.author_id}> · review by {day(p.review_by)}{waiting}"
    )


def list_message(
    open_ones: Sequence[Proposal],
    recent: Sequence[Proposal],
    *,
    open_total: int | None = None,
) -> dict[str, Any]:
    """Open proposals (newest first) and recently closed ones. `open_ones` may be the first
    few; `open_total` is how many are open in all."""
    total = len(open_ones) if open_total is None else open_total
    blocks: list[Block] = [header("Org proposals")]
    if open_ones:
        lines = [list_line(p) for p in open_ones]
        if total > len(open_ones):
            lines.append(
                f"…and {total - len(open_ones)} older: `/org-proposal show N` shows any of "
                "them, and each reviewer's Home tab lists what waits on them."
            )
        blocks.extend(long_sections(f"*Open* ({total})\n" + "\n".join(lines)))
    else:
        blocks.append(section("*Open*\nNo open proposals. Start one with `/org-proposal`."))
    closed = [p for p in recent if not p.is_open][:10]
    if closed:
        blocks.extend(
            long_sections("*Recently closed*\n" + "\n".join(list_line(p) for p in closed))
        )
    blocks.append(context("`/org-proposal show N` for one proposal and its history."))
    return message(f"{total} open org proposal{'' if total == 1 else 's'}", blocks)


def history_lines(events: Sequence[Event]) -> list[str]:
    lines = []
    for e in events:
        who = f"<@{e.actor_id}>" if e.actor_id else "orgbot"
        if e.kind == CREATED:
            text = f"{who} created it"
        elif e.kind == EDITED:
            text = f"{who} edited it (version {e.version})"
        elif e.kind in DECISIONS:
            text = f"{DECISION_EMOJI[e.kind]} {who} {e.kind.replace('_', ' ')} version {e.version}"
        elif e.kind == STATUS_CHANGED:
            text = f"status → {STATUS_LABELS.get(e.detail.get('to', ''), e.detail.get('to'))}"
        elif e.kind == POSTED:
            text = f"posted in <#{e.detail.get('channel')}>"
        elif e.kind == POST_FAILED:
            text = f"could not post in <#{e.detail.get('channel')}> ({escape(str(e.detail.get('error')))})"
        else:
            text = f"{who} {e.kind.replace('_', ' ')}"
        if e.comment:
            text += f": {quoted(e.comment)}"
        lines.append(f"{when(e.at)} · {text}")
    return lines


def show_message(
    proposal: Proposal,
    events: Sequence[Event],
    catalog: Catalog,
    current: OrgVersion | None,
    *,
    guardrails: Guardrails | None = None,
    names: Names | None = None,
) -> dict[str, Any]:
    blocks = proposal_card_blocks(proposal, catalog, current, guardrails=guardrails, names=names)
    blocks.append(divider())
    blocks.extend(long_sections("*History*\n" + "\n".join(history_lines(events[-30:]))))
    return message(f"Proposal #{proposal.number}: {escape(proposal.title)}", blocks)


def current_org_blocks(
    current: OrgVersion | None,
    *,
    number: int | None = None,
    title: str = "Current org chart",
    guardrails: Guardrails | None = None,
    names: Names | None = None,
) -> list[Block]:
    """The approved chart with its spans and layers; `number` is the proposal it came
    from, when known; `guardrails`, when given, flag where the org is outside them."""
    if current is None:
        return [
            section(
                f"*{title}*\nNo proposal has been approved yet, so there is no current org chart. "
                "Propose one with `/org-proposal`."
            )
        ]
    blocks = chart_sections(
        current.structure, title=f"{title} (version {current.version})", names=names
    )
    org = shape(current.structure)
    notes = [
        f"{len(current.structure)} positions, {current.structure.headcount()} people · approved "
        f"{when(current.approved_at)}" + (f" from proposal #{number}" if number else ""),
        seats_note(current.structure),
        shape_line(org),
        under_line(org),
    ]
    blocks.append(context(*[n for n in notes if n]))
    if guardrails:
        blocks.extend(flags_blocks(org, guardrails))
    return blocks


def current_message(
    current: OrgVersion | None,
    number: int | None = None,
    *,
    guardrails: Guardrails | None = None,
    names: Names | None = None,
) -> dict[str, Any]:
    blocks = current_org_blocks(current, number=number, guardrails=guardrails, names=names)
    text = "The current org chart" if current else "No current org chart yet"
    return message(text, blocks)
