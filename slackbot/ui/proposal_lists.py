"""Block Kit for `/org-proposal list`, `show N`, `current` and `help`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from roles import Catalog
from slackbot.org.shape import Guardrails, shape
from slackbot.proposals.model import (
    CREATED,
    DECISION_EMOJI,
    DECISION_VERBS,
    DECISIONS,
    EDITED,
    POST_FAILED,
    POSTED,
    STATUS_CHANGED,
    STATUS_LABELS,
    TOOK_EFFECT,
    WITHDRAWN,
    Event,
    OrgVersion,
    OrgVersionEntry,
    Proposal,
    long_day,
)
from slackbot.proposals.timeline import OrgOn
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
    "• `/org-proposal show 12`: proposal #12 with its history and its path through the "
    "review policy\n"
    "• `/org-proposal away until 2026-12-04 to @sam`: someone decides for you while you're "
    "away (`/org-proposal back` ends it)\n"
    "• `/org-proposal current`: the current approved org chart\n"
    "• `/org-proposal current at 2027-03-01`: the org on a date: what it was, or what it "
    "will be once approved proposals take effect (also `at 1 March 2027`)\n"
    "• `/org-proposal history`: every version of the org, newest first (`history 2`: older)\n"
    "• `/org-proposal branch Operations Director`: propose a change to one branch of the "
    "org (that position and everyone under it); approving it changes that branch only\n"
    "• `/org-proposal import`: load the current org from CSV (admins)\n"
    "• `/org-proposal settings`: digest, reminders and org guardrails (admins)\n"
    "• `/org-proposal policies`: the review policies, as TOML (admins)\n"
    "In the form, write the structure one position a line: "
    "`Operations Director reports to COO`, `Operations Manager x3 reports to Operations Director`. "
    "*Takes effect* (optional) is the date an approved proposal becomes the current org chart."
)


def help_message() -> dict[str, Any]:
    return message("How to use /org-proposal", [section(HELP)])


def list_line(p: Proposal) -> str:
    waiting = ""
    if p.is_open and p.waiting_on:
        waiting = " · waiting on " + ", ".join(f"<@{r}>" for r in p.waiting_on)
    return (
        f"{p.status_emoji} *#{p.number}* {escape(p.title)} · {p.status_label} · "
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
            text = f"{DECISION_EMOJI[e.kind]} {who} {DECISION_VERBS[e.kind]} version {e.version}"
            if e.detail.get("on_behalf_of"):
                text += f" on behalf of <@{e.detail['on_behalf_of']}>"
            if e.detail.get("stage_name"):
                text += f" at stage “{escape(e.detail['stage_name'])}”"
            if e.detail.get("escalated"):
                text += " (escalated past its deadline)"
            if e.detail.get("rule_met") and not e.detail.get("escalated"):
                text += f": {escape(e.detail['rule_met'])}, stage passed"
        elif e.kind == STATUS_CHANGED:
            text = f"status → {STATUS_LABELS.get(e.detail.get('to', ''), e.detail.get('to'))}"
            if e.detail.get("reason") == "org_changed":
                text += f" (the org chart changed first: now version {e.detail.get('org_version')})"
        elif e.kind == TOOK_EFFECT:
            text = (
                f":calendar: took effect on {e.detail.get('effective_on')}: the current org "
                f"chart (version {e.detail.get('org_version')})"
            )
        elif e.kind == POSTED:
            text = f"posted in <#{e.detail.get('channel')}>"
        elif e.kind == POST_FAILED:
            text = f"could not post in <#{e.detail.get('channel')}> ({escape(str(e.detail.get('error')))})"
        elif e.kind == WITHDRAWN:
            text = f"{who} withdrew it"
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
    since = (
        f"in effect since {day(current.effective_on)}"
        if current.effective_on
        else f"approved {when(current.approved_at)}"
    )
    notes = [
        f"{len(current.structure)} positions, {current.structure.headcount()} people · {since}"
        + (f" from proposal #{number}" if number else ""),
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


def org_on_message(
    org: OrgOn, *, number: int | None = None, names: Names | None = None
) -> dict[str, Any]:
    """`/org-proposal current at DATE`. `number`: the proposal that made the version shown
    (a date up to today); `names`: holders' names by user id."""
    on = long_day(org.on)
    if org.structure is None:
        text = (
            f"There was no approved org chart on {on}."
            if not org.future
            else f"There is no approved org chart yet, and none is due by {on}."
        )
        return message(text, [section(f"*The org on {on}*\n{text}")])
    if not org.future:
        assert org.version is not None
        title = f"The org on {on}" + (" (today)" if org.on == org.today else "")
        blocks = current_org_blocks(org.version, number=number, title=title, names=names)
        return message(f"The org chart on {on} (version {org.version.version})", blocks)
    blocks = chart_sections(
        org.structure, title=f"The org on {on} (version {org.number})", names=names
    )
    lines = [
        f"• #{p.number} {escape(p.title)} takes effect on {long_day(p.effective_on)}"
        for p in org.takes_effect
        if p.effective_on
    ]
    if lines:
        lead = (
            f"Not yet current: today's chart is version {org.version.version}, and"
            if org.version
            else "Not yet current: there is no chart today, and"
        )
        notes = [f"{lead} these approved proposals change it by {on}:", *lines]
    else:
        notes = [
            f"No approved proposal takes effect by {on}: this is today's chart "
            f"(version {org.number})."
        ]
    for p in org.sent_back:
        notes.append(
            f"• #{p.number} {escape(p.title)} is due on {long_day(p.effective_on or org.on)} "
            "but goes back to its author then: the org changes before it (not shown)."
        )
    blocks.extend(long_sections("\n".join(notes)))
    return message(f"The org chart on {on} (version {org.number}, not yet current)", blocks)


def history_line(entry: OrgVersionEntry, link: str | None) -> str:
    if entry.proposal_number is not None:
        name = f"#{entry.proposal_number} {escape(entry.proposal_title or '')}"
        made = f"<{link}|{name}>" if link else name
    else:
        made = "not from a proposal (imported)"
    approved = (
        " · approved by " + ", ".join(f"<@{a}>" for a in entry.approvers) if entry.approvers else ""
    )
    return f"*v{entry.version}* · effective {day(entry.effective_on)} · {made}{approved}"


def history_message(
    entries: Sequence[OrgVersionEntry],
    *,
    total: int,
    page: int,
    per_page: int,
    links: dict[int | None, str | None],
    scheduled: Sequence[Proposal] = (),
) -> dict[str, Any]:
    """`/org-proposal history`: one page of versions, newest first, the older ones counted."""
    blocks: list[Block] = [header("Org chart history")]
    if scheduled and page == 1:
        lines = [
            f":calendar: #{p.number} {escape(p.title)} · approved, takes effect "
            f"{day(p.effective_on)}"
            for p in scheduled[:10]
            if p.effective_on
        ]
        if len(scheduled) > 10:
            lines.append(f"…and {len(scheduled) - 10} more")
        blocks.extend(long_sections("*Coming up*\n" + "\n".join(lines)))
    if not entries:
        text = (
            "No proposal has been approved yet, so the org chart has no versions."
            if total == 0
            else f"There are {total} versions; page {page} is past the last one."
        )
        blocks.append(section(text))
        return message(text, blocks)
    lines = [history_line(e, links.get(e.proposal_id)) for e in entries]
    shown_to = (page - 1) * per_page + len(entries)
    if total > shown_to:
        lines.append(
            f"…and {total - shown_to} older: `/org-proposal history {page + 1}` lists them."
        )
    blocks.extend(long_sections(f"*Versions* ({total}, newest first)\n" + "\n".join(lines)))
    blocks.append(context("`/org-proposal current at 2027-03-01` shows the org chart on any date."))
    return message(f"Org chart history: {total} version{'' if total == 1 else 's'}", blocks)


def coming_up_note(scheduled: Sequence[Proposal], *, limit: int = 5) -> str:
    """Under the current org: the approved proposals waiting for their effective date."""
    if not scheduled:
        return ""
    shown = [
        f"#{p.number} {escape(p.title)} on {day(p.effective_on)}"
        for p in scheduled[:limit]
        if p.effective_on
    ]
    more = f" and {len(scheduled) - limit} more" if len(scheduled) > limit else ""
    first = scheduled[0].effective_on
    hint = f" (`/org-proposal current at {first.isoformat()}`)" if first else ""
    return ":calendar: Approved, taking effect later: " + "; ".join(shown) + more + hint
