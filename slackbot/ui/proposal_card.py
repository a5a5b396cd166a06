"""Block Kit for a proposal: the card in the channel, the thread replies and DMs about it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from roles import Catalog
from slackbot import ids
from slackbot.org.branch import branch_changes, org_after, tree_summary
from slackbot.org.shape import Guardrails, shape
from slackbot.org.structure import SEAT_WORDS, Change, Structure
from slackbot.proposals.model import (
    APPROVE,
    APPROVED,
    COMMENTED,
    DECISION_EMOJI,
    DECISION_VERBS,
    EDITED,
    NOT_APPLIED,
    REJECT,
    REJECTED,
    REQUEST_CHANGES,
    WITHDRAWN,
    OrgVersion,
    Outcome,
    Proposal,
    long_day,
)
from slackbot.ui.common import (
    Block,
    actions,
    bullets,
    button,
    confirm_dialog,
    context,
    escape,
    header,
    long_sections,
    message,
    option,
    quoted,
    section,
)
from slackbot.ui.org_shape import effects_blocks, flag_lines, flags_blocks, flags_text, shape_line


def day(d: date) -> str:
    """`Wed 2 Dec 2026`: review-by dates are whole days, shown the same to everyone."""
    return f"{d:%a} {d.day} {d:%b %Y}"


def when(moment: datetime) -> str:
    """A time Slack shows in each reader's own time zone."""
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def status_line(proposal: Proposal) -> str:
    return f"{proposal.status_emoji} *{proposal.status_label}*"


def proposal_title(proposal: Proposal) -> str:
    return f"Proposal #{proposal.number}: {proposal.title}"


# Who holds a position is shown by name, never as a mention. A `<@U…>` in a message's
# mrkdwn (a section or the top-level text) or a rich_text `user` element is a mention, and
# Slack notifies the person mentioned (docs.slack.dev/messaging/formatting-message-text,
# "Mentioning users"; docs.slack.dev/reference/block-kit/block-elements/user-element:
# "Renders as a mention of a user"). Inside a code block Slack parses no markup, so a
# `<@U…>` there would show as its raw id. A card for a 20-person org must not ping 20
# people (some of whom a proposal moves or removes), so holders are plain text names from
# the member directory (`@Dana Okafor`), and the id when orgbot has no name for it.
Names = Callable[[str], str | None]
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)>")


def holder_name(names: Names | None) -> Callable[[str], str]:
    """`@Dana Okafor` for a user id (plain text, no ping); `@U012AB3CD` without a name."""

    def name(user_id: str) -> str:
        known = names(user_id) if names is not None else None
        return f"@{known or user_id}"

    return name


# a chart longer than this (about three sections) shows its top layers only
MAX_CHART_CHARS = 8000
# beyond this many positions the full tree is not even drawn to be measured
SUMMARY_FROM = 200


def chart_sections(
    structure: Structure,
    *,
    title: str,
    names: Names | None = None,
    full_chart: str | None = None,
) -> list[Block]:
    """The org chart as a tree in a code block (split over sections if it is long): each
    position with its holders by name, its vacant seats (`· 1 open`, `· to hire`) and its
    dotted lines (`┄ dotted to COO`) on its own line, under its solid-line manager. A large
    org shows its top layers, each cut position with how many are below it, and says how to
    see the rest: a branch, or `full_chart` (mrkdwn: a link to the whole chart, e.g. a
    picture, when there is one)."""
    lines = None
    if len(structure) <= SUMMARY_FROM:
        lines = structure.tree_lines(holder=holder_name(names))
    summarised = lines is None or sum(len(line) + 1 for line in lines) > MAX_CHART_CHARS
    if summarised:
        lines = tree_summary(structure, max_chars=MAX_CHART_CHARS)
    assert lines is not None
    tree = [escape(line) for line in lines]
    blocks: list[Block] = []
    chunk: list[str] = []
    for line in tree:
        if chunk and sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(section("```" + "\n".join(chunk) + "```"))
            chunk = []
        chunk.append(line)
    if chunk:
        blocks.append(section("```" + "\n".join(chunk) + "```"))
    if blocks:
        blocks[0]["text"]["text"] = f"*{title}*\n" + blocks[0]["text"]["text"]
    if summarised:
        blocks.append(
            context(
                f"{len(structure):,} positions, {structure.headcount():,} seats: the top layers "
                "are shown. `/org-proposal branch TITLE` opens one branch in full."
                + (f" {full_chart}" if full_chart else "")
            )
        )
    return blocks


def seats_note(structure: Structure) -> str:
    """`12 seats · 9 filled · 3 vacant: 1 open, 1 to hire, 1 backfill` (empty when every
    seat is filled and nobody is named)."""
    vacant = structure.vacancies()
    if not vacant:
        return ""
    kinds: dict[str, int] = {}
    for p in structure.positions:
        if p.vacancies:
            kinds[p.status] = kinds.get(p.status, 0) + p.vacancies
    parts = ", ".join(f"{n} {SEAT_WORDS.get(k, k)}" for k, n in kinds.items())
    seats = structure.headcount()
    return f"{seats} seats · {seats - vacant} filled · {vacant} vacant: {parts}"


def shared_holders_note(structure: Structure, names: Names | None = None) -> str:
    """`@Alex holds 2 positions: CEO, COO` for each person named in more than one position
    (an interim role, or a slip of the pen: reviewers should see it; not refused). Empty
    when nobody is."""
    held: dict[str, list[str]] = {}
    for p in structure.positions:
        for user_id in dict.fromkeys(p.holders):
            held.setdefault(user_id, []).append(p.title)
    shown = holder_name(names)
    return " · ".join(
        escape(f"{shown(user_id)} holds {len(titles)} positions: {', '.join(titles[:5])}")
        + (f" and {len(titles) - 5} more" if len(titles) > 5 else "")
        for user_id, titles in held.items()
        if len(titles) > 1
    )


def change_lines(changes: Sequence[Change], names: Names | None = None) -> list[str]:
    shown = holder_name(names)

    def people(text: str | None) -> str:
        # a Change carries holders as <@U…>; the card names them instead (no ping)
        return escape(_MENTION.sub(lambda m: shown(m.group(1)), text or ""))

    lines = []
    for c in changes:
        name = f"*{escape(c.title)}*"
        if c.kind == "added":
            lines.append(
                f"Added {name}"
                + (f", reporting to {escape(c.after)}" if c.after else " at the top")
            )
        elif c.kind == "removed":
            lines.append(f"Removed {name}")
        elif c.kind == "moved":
            before = escape(c.before) if c.before else "nobody (top)"
            after = escape(c.after) if c.after else "nobody (top)"
            lines.append(f"{name} now reports to {after} (was {before})")
        elif c.kind == "headcount":
            lines.append(f"{name}: {c.before} → {c.after} people")
        elif c.kind == "holders":
            if c.before and c.after:
                lines.append(f"{name}: {people(c.before)} → {people(c.after)}")
            elif c.after:
                lines.append(f"{name}: held by {people(c.after)}")
            else:
                lines.append(f"{name}: {people(c.before)} no longer named")
        elif c.kind == "seats":
            if c.after and not c.before:
                lines.append(f"{name}: now {escape(c.after)}")
            elif c.after:
                lines.append(f"{name}: {escape(c.after)} (was {escape(c.before or '')})")
            else:
                lines.append(f"{name}: filled (was {escape(c.before or '')})")
        elif c.kind == "dotted":
            if c.after:
                was = f" (was {escape(c.before)})" if c.before else ""
                lines.append(f"{name}: dotted line to {escape(c.after)}{was}")
            else:
                lines.append(f"{name}: no dotted line (was to {escape(c.before or '')})")
    return lines


def changes_section(
    proposal: Proposal, current: OrgVersion | None, names: Names | None = None
) -> list[Block]:
    if current is None:
        return [
            section("*What changes*\nThere is no approved org chart yet; this would be the first.")
        ]
    if proposal.status == APPROVED and current.proposal_id == proposal.id:
        return [
            section(f"*What changes*\nThis is the current org chart (version {current.version}).")
        ]
    changes = branch_changes(
        current.structure, proposal.structure, branch_root=proposal.branch_root
    )
    where = "against the current org"
    root = current.structure.by_key.get(proposal.branch_root or "")
    if root is not None:
        where = f"in the {escape(root.title)} branch of the current org"
    stale: list[Block] = []
    if proposal.awaiting_effect and proposal.base_org_version != current.version:
        assert proposal.effective_on is not None
        stale = [
            context(
                f":warning: The org chart changed after this proposal was written (now version "
                f"{current.version}). On {long_day(proposal.effective_on)} it goes back to its "
                "author to build on the current chart instead of taking effect, so that change "
                "is not undone."
            )
        ]
    elif proposal.is_open and proposal.base_org_version != current.version:
        written = (
            f"version {proposal.base_org_version}"
            if proposal.base_org_version
            else "before the first approved chart"
        )
        stale = [
            context(
                f":warning: Written against the org chart {written}; the current one is version "
                f"{current.version}. The changes below are against the current chart; the author "
                "should edit the proposal to build on it before it can be approved."
            )
        ]
    if not changes:
        return [
            section(
                f"*What changes*\nNothing: this matches the current org chart (version {current.version})."
            )
        ]
    return stale + long_sections(
        f"*What changes {where} (version {current.version})*\n"
        + bullets(change_lines(changes, names))
    )


def reviewer_lines(proposal: Proposal) -> list[str]:
    lines = []
    for reviewer in proposal.reviewers:
        decision = proposal.decision_of(reviewer)
        if decision is None:
            state = ":hourglass_flowing_sand: waiting" if proposal.is_open else "did not decide"
            lines.append(f"<@{reviewer}>: {state}")
            continue
        text = f"{DECISION_EMOJI[decision.decision]} {DECISION_VERBS[decision.decision].replace(' to', '')}"
        if decision.comment:
            text += f": {quoted(decision.comment)}"
        lines.append(f"<@{reviewer}>: {text}")
    return lines


def _person_state(proposal: Proposal, reviewer: str, stage: int) -> str:
    decision = proposal.decision_of(reviewer, stage)
    if decision is None:
        return f"<@{reviewer}>"
    text = f"<@{reviewer}> {DECISION_EMOJI[decision.decision]}"
    if decision.on_behalf_of:
        text += f" (by <@{decision.reviewer_id}> on their behalf)"
    if decision.comment:
        text += f": {quoted(decision.comment)}"
    return text


def stage_lines(proposal: Proposal) -> list[str]:
    """The path through the proposal's review policy: each stage, its state, who it asks,
    what it needs; for the card and `/org-proposal show N`."""
    review = proposal.review
    if review is None:
        return reviewer_lines(proposal)
    lines = []
    for s in review.stages:
        name = f"{s.index + 1}. *{escape(s.stage.name)}*"
        people = ", ".join(_person_state(proposal, r, s.index) for r in s.reviewers) or "nobody"
        rule = s.stage.rule.describe(len(s.reviewers))
        if s.state == "skipped":
            lines.append(f"{name}: skipped, the change {escape(s.reason)}")
            continue
        if s.state in ("passed", "carried"):
            how = s.rule_met
            if s.rule_met == "escalated":
                by = next(
                    (d for d in proposal.decisions if d.stage == s.index and d.escalated), None
                )
                how = f"decided by <@{by.reviewer_id}> past its deadline" if by else "escalated"
            label = "passed on an earlier version" if s.state == "carried" else f"passed ({how})"
            lines.append(f":white_check_mark: {name}: {label} · {people}")
            continue
        if s.state == "current":
            more = s.still_needed
            waiting = ":hourglass_flowing_sand:" if proposal.is_open else ":black_circle:"
            lines.append(
                f"{waiting} {name}: asked now · {people} · needs {rule}"
                + (f", {more} more to pass" if more and proposal.is_open else "")
            )
        elif s.state == "rejected":
            lines.append(f":x: {name}: rejected · {people}")
        elif s.state == "changes_requested":
            lines.append(f":pencil2: {name}: changes requested · {people}")
        else:
            lines.append(f":white_circle: {name}: next · {people} · needs {rule}")
        if s.stage.condition is not None and s.reason:
            lines[-1] += f" (asked because the change {escape(s.reason)})"
    for note, s in zip(proposal.stage_notes, review.stages, strict=False):
        if note:
            lines.append(f"_{escape(s.stage.name)}: {escape(note)}_")
    return lines


def reviewers_section_text(proposal: Proposal) -> str:
    """The card's reviewers part: the reviewers as before under the built-in policy, the
    stages of a workspace policy otherwise."""
    policy = proposal.policy
    if policy.version == 0 and len(policy.stages) == 1:
        return "*Reviewers*\n" + "\n".join(reviewer_lines(proposal))
    title = f"*Review: policy “{escape(policy.name)}” (version {policy.version})*"
    return title + "\n" + "\n".join(stage_lines(proposal))


def proposal_card_blocks(
    proposal: Proposal,
    catalog: Catalog,
    current: OrgVersion | None,
    *,
    buttons: bool = True,
    guardrails: Guardrails | None = None,
    names: Names | None = None,
) -> list[Block]:
    """The card. `guardrails`: the workspace's; a proposal outside them is flagged right
    under the status line, so reviewers read it before deciding. `names` gives a holder's
    name by user id (holders are named, never mentioned)."""
    # a branch proposal's shape is the whole org's once the branch is replaced
    proposed = shape(
        org_after(
            current.structure if current else None,
            proposal.structure,
            branch_root=proposal.branch_root,
        )
    )
    takes_effect = (
        f" · takes effect {day(proposal.effective_on)}"
        if proposal.effective_on and proposal.is_open
        else ""
    )
    meta = (
        f"{status_line(proposal)} · by <@{proposal.author_id}> · review by "
        f"{day(proposal.review_by)}{takes_effect} · version {proposal.version}"
    )
    blocks: list[Block] = [header(proposal_title(proposal)), section(meta)]
    blocks.extend(flags_blocks(proposed, guardrails or Guardrails()))
    blocks.extend(long_sections("*Why*\n" + _blockquote(escape(proposal.rationale))))
    roots = proposal.structure.roots() if proposal.branch_root else []
    chart_title = f"Proposed {roots[0].title} branch" if roots else "Proposed org chart"
    blocks.extend(chart_sections(proposal.structure, title=escape(chart_title), names=names))
    blocks.extend(changes_section(proposal, current, names))
    summary = shape_line(proposed)
    if current is not None and not (
        proposal.status == APPROVED and current.proposal_id == proposal.id
    ):
        effects = effects_blocks(shape(current.structure), proposed)
        blocks.extend(effects)
        if not effects and summary:
            summary += " (the same as the current org)"
    notes = [
        summary,
        seats_note(proposal.structure),
        shared_holders_note(proposal.structure, names),
    ]
    known = [
        catalog[r].short_name + (" (this workspace's own role)" if r in catalog.local else "")
        for r in proposal.structure.role_ids()
        if r in catalog
    ]
    if known:
        notes.append("From the role catalog: " + ", ".join(escape(k) for k in known))
    if any(notes):
        blocks.append(context(*[n for n in notes if n]))
    blocks.extend(long_sections(reviewers_section_text(proposal)))
    if proposal.post_error and not proposal.message_ts:
        blocks.append(
            context(
                f":warning: Not posted in <#{proposal.channel_id}> yet ({escape(proposal.post_error)})."
            )
        )
    if buttons and proposal.is_open:
        blocks.append(review_actions(proposal))
        blocks.append(author_actions(proposal, catalog))
    elif buttons and known:
        blocks.append(actions(role_card_select(proposal, catalog), block_id=f"roles_{proposal.id}"))
    blocks.append(context(_closing_note(proposal)))
    return blocks


def review_value(proposal: Proposal) -> str:
    """What review buttons carry: the proposal and the version the reviewer is looking at,
    so a click on an older version's buttons is refused rather than deciding a newer one."""
    return f"{proposal.id}:{proposal.version}"


def review_actions(proposal: Proposal) -> Block:
    value = review_value(proposal)
    return actions(
        button("Approve", ids.APPROVE, value, style="primary"),
        button("Request changes", ids.REQUEST_CHANGES, value),
        button(
            "Reject",
            ids.REJECT,
            value,
            style="danger",
            confirm=confirm_dialog(
                "Reject this proposal?",
                f"Rejecting closes proposal #{proposal.number} for everyone. The author can start a new one.",
                yes="Reject",
            ),
        ),
        button("Comment", ids.COMMENT, value),
        block_id=f"review_{proposal.id}",
    )


def author_actions(proposal: Proposal, catalog: Catalog) -> Block:
    value = str(proposal.id)
    elements = [
        button("Edit", ids.EDIT, value),
        button(
            "Withdraw",
            ids.WITHDRAW,
            value,
            confirm=confirm_dialog(
                "Withdraw this proposal?",
                f"Proposal #{proposal.number} will be closed without a decision.",
                yes="Withdraw",
            ),
        ),
    ]
    if any(r in catalog for r in proposal.structure.role_ids()):
        elements.append(role_card_select(proposal, catalog))
    return actions(*elements, block_id=f"author_{proposal.id}")


def role_card_select(proposal: Proposal, catalog: Catalog) -> dict[str, Any]:
    role_ids = list(dict.fromkeys(proposal.structure.role_ids()))[:100]
    return {
        "type": "static_select",
        "action_id": ids.SHOW_ROLE_CARD,
        "placeholder": {"type": "plain_text", "text": "Role card…"},
        "options": [option(catalog[r].label, r) for r in role_ids if r in catalog],
    }


def proposal_card(
    proposal: Proposal,
    catalog: Catalog,
    current: OrgVersion | None,
    *,
    guardrails: Guardrails | None = None,
    names: Names | None = None,
) -> dict[str, Any]:
    return message(
        f"Proposal #{proposal.number}: {escape(proposal.title)} ({proposal.status_words})",
        proposal_card_blocks(proposal, catalog, current, guardrails=guardrails, names=names),
    )


def _closing_note(proposal: Proposal) -> str:
    if proposal.awaiting_effect:
        assert proposal.effective_on is not None
        return (
            f"Approved: it becomes the current org chart on {long_day(proposal.effective_on)} "
            "(the workspace's time zone); until then the current chart stays as it is. "
            f"`/org-proposal current at {proposal.effective_on.isoformat()}` shows the org on that day."
        )
    if proposal.status == APPROVED:
        return "Approved: this is now the workspace's current org chart (`/org-proposal current`)."
    if proposal.status == REJECTED:
        return "Rejected. The history stays: `/org-proposal show " + str(proposal.number) + "`."
    if proposal.status == WITHDRAWN:
        return "Withdrawn by the author."
    return (
        "Reviewers decide with the buttons; the author can edit or withdraw. "
        f"History: `/org-proposal show {proposal.number}`."
    )


def _blockquote(text: str) -> str:
    return "\n".join(f">{line}" if line.strip() else ">" for line in text.split("\n"))


# --- announcements ---------------------------------------------------------------------


def outcome_reply(outcome: Outcome) -> dict[str, Any]:
    """The thread reply under the card that says what just happened."""
    p, who = outcome.proposal, f"<@{outcome.actor_id}>"
    comment = f"\n>{escape(outcome.comment)}" if outcome.comment else ""
    if outcome.kind in (APPROVE, REQUEST_CHANGES, REJECT):
        text = f"{DECISION_EMOJI[outcome.kind]} {who} {DECISION_VERBS[outcome.kind]} version {p.version}.{comment}"
    elif outcome.kind == COMMENTED:
        text = f":speech_balloon: {who} commented:{comment}"
    elif outcome.kind == EDITED:
        text = (
            f":pencil2: {who} edited the proposal (now version {p.version}); decisions start over."
        )
    elif outcome.kind == WITHDRAWN:
        text = f":leftwards_arrow_with_hook: {who} withdrew the proposal."
    else:
        text = f"{who}: {outcome.kind}"
    if outcome.status_changed and p.status in (APPROVED, REJECTED):
        text += f"\n*Proposal #{p.number} is {p.status_words}.*"
        # a change of the current org chart follows in a reply of its own (org_changed_reply)
        if not outcome.org_version and p.awaiting_effect and p.effective_on:
            text += (
                f" It becomes the current org chart on {long_day(p.effective_on)}; "
                "until then nothing changes."
            )
    if outcome.org_changed:
        text += (
            f"\nEvery reviewer approved, but another proposal changed the org chart after this "
            f"one was written, so approving it would undo that change. <@{p.author_id}>, press "
            "*Edit* to build on the current chart; the reviewers then decide again."
        )
    return message(_plain(text), [section(text)])


def effect_announcement(outcome: Outcome, *, current_version: int) -> dict[str, Any]:
    """What the channel is told on an approved proposal's effective date."""
    p = outcome.proposal
    when_text = long_day(p.effective_on) if p.effective_on else "today"
    name = f"#{p.number} “{escape(p.title)}”"
    if outcome.kind == NOT_APPLIED:
        text = (
            f":warning: *Proposal {name} did not take effect.* It was approved to become the "
            f"org chart on {when_text}, but the org chart changed after it was written (now "
            f"version {current_version}), so applying it would undo that change. It goes back "
            f"to <@{p.author_id}> to build on the current chart (*Edit* on the card); the "
            "reviewers then decide again."
        )
    else:
        version = outcome.org_version.version if outcome.org_version else current_version
        text = (
            f":calendar: *Proposal {name} took effect on {when_text}.* It is now the current "
            f"org chart (version {version}): `/org-proposal current` shows it, "
            "`/org-proposal history` lists every version."
        )
    return message(_plain(text), [section(text)])


def effect_author_dm(outcome: Outcome, *, current_version: int, link: str | None) -> dict[str, Any]:
    """The author's DM on their approved proposal's effective date."""
    p = outcome.proposal
    when_text = long_day(p.effective_on) if p.effective_on else "today"
    where = f" (<{link}|see the card>)" if link else ""
    name = f"#{p.number} “{escape(p.title)}”"
    if outcome.kind == NOT_APPLIED:
        text = (
            f"Your proposal {name}{where} was due to take effect on {when_text}, but the org "
            f"chart changed after you wrote it (now version {current_version}), so it did not: "
            "applying it would undo that change. Press *Edit* on the card to build on the "
            "current chart; the reviewers then decide again."
        )
    else:
        version = outcome.org_version.version if outcome.org_version else current_version
        text = (
            f":calendar: Your proposal {name}{where} took effect on {when_text}: it is now the "
            f"current org chart (version {version})."
        )
    return message(_plain(text), [section(text)])


def org_changed_reply(proposal: Proposal, org_version: int) -> dict[str, Any]:
    """The thread reply that says the current org chart changed (it carries the
    `orgbot_org_changed` event for other apps)."""
    text = (
        f":tada: Proposal #{proposal.number} is now the current org chart (version {org_version})."
    )
    return message(_plain(text), [section(text)])


def review_request(
    proposal: Proposal,
    *,
    link: str | None,
    reminder: str | None = None,
    guardrails: Guardrails | None = None,
) -> dict[str, Any]:
    """The DM that asks a reviewer to decide, with the decision buttons (and, above them,
    where the proposal is outside the workspace's guardrails)."""
    where = f"in <#{proposal.channel_id}>" + (f" (<{link}|see the card>)" if link else "")
    lead = reminder or f"<@{proposal.author_id}> asked you to review a proposal {where}."
    text = f"{lead}\n*#{proposal.number}: {escape(proposal.title)}*\nReview by {day(proposal.review_by)}."
    stage_note = _stage_note(proposal)
    if stage_note:
        text += f"\n{stage_note}"
    blocks = [section(text)]
    if guardrails:
        blocks.extend(flags_blocks(shape(proposal.structure), guardrails))
    blocks.append(review_actions(proposal))
    return message(_plain(f"Review proposal #{proposal.number}: {escape(proposal.title)}"), blocks)


def _stage_note(proposal: Proposal) -> str:
    """Where the proposal is in a policy of several stages, for a reviewer's DM."""
    review = proposal.review
    stage = review.current_stage if review is not None else None
    if stage is None or len(proposal.policy.stages) < 2:
        return ""
    rule = stage.stage.rule.describe(len(stage.reviewers))
    return (
        f"Stage {stage.index + 1} of {len(proposal.policy.stages)}, "
        f"“{escape(stage.stage.name)}”: needs {rule}."
    )


def escalation_request(proposal: Proposal, *, link: str | None) -> dict[str, Any]:
    """The DM that asks a fallback approver (or an admin) to decide past a deadline."""
    stage = proposal.review.current_stage
    days = stage.stage.deadline_days
    where = f"in <#{proposal.channel_id}>" + (f" (<{link}|see the card>)" if link else "")
    waiting = ", ".join(f"<@{r}>" for r in stage.waiting) or "nobody"
    text = (
        f"Proposal *#{proposal.number}: {escape(proposal.title)}* {where} has waited past the "
        f"deadline of stage “{escape(stage.stage.name)}” ({days} working day"
        f"{'s' if days != 1 else ''}) for {waiting}.\nYou can decide in their place; your "
        "decision settles the stage and is recorded as an escalation."
    )
    return message(
        _plain(f"Proposal #{proposal.number} is past a review deadline"),
        [section(text), review_actions(proposal)],
    )


def author_update(outcome: Outcome, *, link: str | None) -> dict[str, Any]:
    p = outcome.proposal
    what = DECISION_VERBS.get(outcome.kind, outcome.kind)
    where = f" (<{link}|see the card>)" if link else ""
    text = f"<@{outcome.actor_id}> {what} your proposal #{p.number} “{escape(p.title)}”{where}."
    if outcome.comment:
        text += f"\n>{escape(outcome.comment)}"
    if outcome.org_changed:
        text += (
            "\nEvery reviewer approved, but the org chart changed since you wrote this "
            "proposal. Press *Edit* on the card to build on the current chart; the reviewers "
            "then decide again."
        )
    elif p.status == "changes_requested":
        text += "\nPress *Edit* on the card to make a new version; the reviewers then decide again."
    elif outcome.status_changed and p.status in (APPROVED, REJECTED):
        text += f"\nIt is now *{p.status_words}*."
    return message(_plain(text), [section(text)])


def guardrails_dm(
    proposal: Proposal, guardrails: Guardrails, *, link: str | None
) -> dict[str, Any] | None:
    """The DM telling the author that their proposal (this version) is outside the
    workspace's guardrails; None when it is inside them."""
    flags = flag_lines(shape(proposal.structure), guardrails)
    if not flags:
        return None
    where = f" (<{link}|see the card>)" if link else ""
    text = (
        f"Your proposal #{proposal.number} “{escape(proposal.title)}”{where} is outside the "
        "workspace's guardrails. It is not refused: the card and the reviewers' DMs say so, "
        "and the reviewers decide. Press *Edit* on the card to change it."
    )
    blocks = [section(text), section(flags_text(flags, guardrails))]
    return message(_plain(f"Proposal #{proposal.number} is outside the guardrails"), blocks)


def post_failed_dm(proposal: Proposal, explanation: str) -> dict[str, Any]:
    text = (
        f"Your proposal #{proposal.number} “{escape(proposal.title)}” is saved, but I couldn't post it "
        f"in <#{proposal.channel_id}>. {explanation}"
    )
    blocks = [
        section(text),
        actions(
            button("Post again", ids.RETRY_POST, str(proposal.id), style="primary"),
            block_id=f"retry_{proposal.id}",
        ),
        context("Reviewers were told by DM; the proposal is on their Home tab either way."),
    ]
    return message(_plain(text), blocks)


def decided_dm(proposal: Proposal, kind: str) -> dict[str, Any]:
    """What a reviewer's DM becomes after they decide from it."""
    text = f"{DECISION_EMOJI[kind]} You {DECISION_VERBS[kind]} proposal #{proposal.number} “{escape(proposal.title)}”."
    return message(_plain(text), [section(text)])


def _plain(text: str) -> str:
    """A fallback notification text: mrkdwn minus emphasis and quotes, on one line."""
    lines = [line[1:] if line.startswith(">") else line for line in text.split("\n")]
    return " ".join(" ".join(lines).replace("*", "").split())[:300]
