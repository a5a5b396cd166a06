"""Answering `/org-proposal <text>`, and building the proposal modal for every entry point."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slackbot.org.branch import branch_of, branches_that_fit, find_position
from slackbot.org.directory import MembersUnavailable
from slackbot.org.structure import MAX_POSITIONS, HolderResolver, Structure, diff, starter_text
from slackbot.policies import delegation
from slackbot.policies.delegation import parse_away
from slackbot.proposals.dates import BadDate, parse_day
from slackbot.proposals.form import MAX_STRUCTURE
from slackbot.proposals.model import NotFound, Proposal
from slackbot.proposals.timeline import HISTORY_PAGE, org_history, org_on
from slackbot.services import Services
from slackbot.ui import proposal_lists as ui
from slackbot.ui.common import context, escape, notice_modal, simple_message
from slackbot.ui.proposal_modal import proposal_modal

DEFAULT_REVIEW_DAYS = 7
_CURRENT_AT = re.compile(r"^(?:current|org|chart|current org)\s+(?:at|on|as of)\s+(.+)$", re.I)
_HISTORY = re.compile(r"^(?:history|versions)(?:\s+(?:page\s+)?(\d{1,6}))?$")
_CURRENT_AT_NOTHING = re.compile(r"^(?:current|org|chart|current org)\s+(?:at|on|as of)$")
_HISTORY_ELSE = re.compile(r"^(?:history|versions)\s+\S")
_SHOW = re.compile(r"^(?:show|view|#)\s*#?(\d+)$|^#?(\d+)$", re.IGNORECASE)
_BRANCH = re.compile(r"^(?:branch|from|under)\b\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class CommandAnswer:
    """A message to show (ephemeral), or a modal to open: `modal` is `new` or `settings`."""

    message: dict[str, Any] | None = None
    modal: str | None = None
    branch: str | None = None  # a new proposal for this branch of the current org (its key)


def answer_org_proposal(
    services: Services,
    team_id: str,
    user_id: str,
    text: str,
    *,
    find_person: Callable[[str], list[str]] | None = None,
) -> CommandAnswer:
    """Args:
    find_person: the user ids a typed `@name` means (for `away … to @name`)."""
    words = " ".join((text or "").split())
    lowered = words.lower()
    proposals = services.proposals
    away = parse_away(words)
    if away is not None:
        return CommandAnswer(away_message(services, team_id, user_id, away, find_person))
    if lowered in ("back", "not away", "away off", "away cancel"):
        with services.store.write() as db:
            ended = delegation.cancel(db, team_id, user_id, now=services.clock.now())
        return CommandAnswer(
            simple_message(
                "Welcome back: review requests are yours again."
                if ended
                else "You had no delegation: review requests are yours."
            )
        )
    if lowered in ("", "new", "create", "propose"):
        return CommandAnswer(modal="new")
    if lowered in ("help", "?", "-h", "--help"):
        return CommandAnswer(ui.help_message())
    if lowered in ("list", "ls", "all"):
        return CommandAnswer(
            ui.list_message(
                proposals.open_proposals(team_id),
                proposals.recent(team_id),
                open_total=proposals.count_open(team_id),
            )
        )
    if lowered in ("current", "org", "chart", "current org"):
        return CommandAnswer(current_org_message(services, team_id))
    if match := _CURRENT_AT.match(words):
        return CommandAnswer(org_on_message(services, team_id, match.group(1)))
    if match := _HISTORY.match(lowered):
        return CommandAnswer(history_message(services, team_id, page=int(match.group(1) or 1)))
    if _CURRENT_AT_NOTHING.match(lowered):
        return CommandAnswer(
            simple_message(
                "Say which day: `/org-proposal current at 2027-03-01` (also `1 March 2027`, "
                "`today`, `tomorrow`)."
            )
        )
    if _HISTORY_ELSE.match(lowered):
        return CommandAnswer(
            simple_message(
                "Say which page of the history, counted from 1: `/org-proposal history 2`; "
                "`/org-proposal history` shows the newest versions."
            )
        )
    if lowered in ("import", "import csv", "upload"):
        return CommandAnswer(modal="import")
    if lowered in ("settings", "config"):
        return CommandAnswer(modal="settings")
    branch = _BRANCH.match(words)
    if branch:
        return branch_answer(services, team_id, branch.group(1))
    if lowered in ("policies", "policy", "review policies"):
        return CommandAnswer(modal="policies")
    match = _SHOW.match(lowered)
    if match:
        number = int(match.group(1) or match.group(2))
        try:
            proposal = proposals.by_number(team_id, number)
        except NotFound as error:
            return CommandAnswer(simple_message(str(error)))
        current = proposals.current_org(team_id)
        holders = proposal.structure.holders() + (current.structure.holders() if current else [])
        return CommandAnswer(
            ui.show_message(
                proposal,
                proposals.history(proposal.id),
                services.catalog_for(team_id),
                current,
                guardrails=services.guardrails(team_id),
                names=services.members.shown_names(team_id, holders).get,
            )
        )
    if lowered.startswith("show"):
        return CommandAnswer(
            simple_message("Say which proposal by its number: `/org-proposal show 12`.")
        )
    return CommandAnswer(
        simple_message(
            f"I don't know “{escape(words)}”. Try `/org-proposal` to propose a change, or "
            "`/org-proposal help` for everything else."
        )
    )


def find_person(resolver: HolderResolver, handle: str) -> list[str]:
    """The user ids a typed `@name` or `<@U…>` means, through the member directory
    ([] when nobody, or when Slack cannot be asked right now)."""
    user_id = delegation.mentioned_id(handle)
    if user_id:
        # a mention can name someone from another workspace (Slack Connect): only a member
        # of this one may decide here; when Slack can't be asked, the id is taken as given
        members = getattr(resolver, "members", None)
        try:
            known = members(fetch=True) if members is not None else None
        except MembersUnavailable:
            known = None
        return [user_id] if known is None or user_id in known else []
    try:
        found = resolver.resolve(handle.strip().lstrip("@"))
    except MembersUnavailable:
        return []
    return [found] if isinstance(found, str) else list(found)


AWAY_HELP = (
    "Say until when and who decides for you: `/org-proposal away until 2026-12-04 to @sam` "
    "(or `away from 1 Dec until 4 Dec to @sam`); `/org-proposal back` ends it."
)


def away_message(
    services: Services,
    team_id: str,
    user_id: str,
    away: tuple[str | None, str, str],
    find_person: Callable[[str], list[str]] | None,
) -> dict[str, Any]:
    """Set (or show) the person's delegation while they are away."""
    today = services.today(team_id)
    start_text, end_text, who = away
    if not end_text:
        now = delegation.current(services.store.db, team_id, user_id, today=today)
        if now is None:
            return simple_message("You're not away. " + AWAY_HELP)
        return simple_message(
            f"<@{now.delegate_id}> decides for you from {now.starts:%a %-d %b} until "
            f"{now.ends:%a %-d %b %Y}. `/org-proposal back` ends it."
        )
    ends = delegation.parse_date(end_text, today=today)
    starts = delegation.parse_date(start_text, today=today) if start_text else today
    if ends is None or starts is None:
        bad = end_text if ends is None else start_text
        return simple_message(f"I can't read “{escape(bad or '')}” as a date. " + AWAY_HELP)
    found = (
        find_person(who) if find_person else ([m] if (m := delegation.mentioned_id(who)) else [])
    )
    mentioned = delegation.mentioned_id(who)
    if mentioned and not found:
        return simple_message(
            f"<@{mentioned}> isn't a member of this workspace; pick someone here to decide "
            "for you. " + AWAY_HELP
        )
    if len(found) != 1:
        what = "nobody" if not found else "several people"
        return simple_message(f"“{escape(who)}” matches {what} here. " + AWAY_HELP)
    try:
        with services.store.write() as db:
            made = delegation.set_away(
                db,
                team_id,
                user_id,
                found[0],
                starts=starts,
                ends=ends,
                today=today,
                now=services.clock.now(),
            )
    except delegation.DelegationError as error:
        return simple_message(str(error))
    return simple_message(
        f"While you're away, from {made.starts:%a %-d %b} until {made.ends:%a %-d %b %Y}, "
        f"<@{made.delegate_id}> can decide for you on proposals that ask you; each decision "
        "is recorded as on your behalf. They can't decide on their own proposals. "
        "`/org-proposal back` ends it early."
    )


def branch_answer(services: Services, team_id: str, name: str) -> CommandAnswer:
    """`/org-proposal branch Operations Director`: the proposal modal holding that branch
    of the current org, or why not (no such position, or too large for one form)."""
    name = name.strip()
    if not name:
        return CommandAnswer(
            simple_message(
                "Say which branch, by the title of its top position: "
                "`/org-proposal branch Operations Director`."
            )
        )
    current = services.proposals.current_org(team_id)
    if current is None:
        return CommandAnswer(
            simple_message(
                "There is no current org yet, so no branch to start from. Propose the whole "
                "org with `/org-proposal`, or an admin imports it (`orgbot org import`)."
            )
        )
    root, near = find_position(current.structure, name, services.catalog_for(team_id))
    if root is None:
        maybe = " Did you mean " + " or ".join(f"“{escape(n)}”" for n in near) + "?" if near else ""
        return CommandAnswer(
            simple_message(
                f"“{escape(name)}” is not a position in the current org (version "
                f"{current.version}).{maybe} `/org-proposal current` shows the org."
            )
        )
    too_large = branch_too_large(current.structure, root.key)
    if too_large:
        return CommandAnswer(simple_message(too_large))
    return CommandAnswer(modal="new", branch=root.key)


def branch_too_large(structure: Structure, root_key: str | None) -> str | None:
    """Why the branch under `root_key` (None: the whole org) cannot be edited in one form,
    with smaller branches that can; None when it fits."""
    part = branch_of(structure, root_key) if root_key else structure
    size, count = len(part.to_text()), len(part)
    if size <= MAX_STRUCTURE and count <= MAX_POSITIONS:
        return None
    what = (
        f"The {escape(structure.by_key[root_key].title)} branch" if root_key else "The current org"
    )
    fitting = branches_that_fit(
        structure, root_key, max_chars=MAX_STRUCTURE, max_positions=MAX_POSITIONS
    )
    text = (
        f"{what} is too large to edit in one form: {count:,} positions, {size:,} characters "
        f"(a form holds {MAX_STRUCTURE:,} characters and {MAX_POSITIONS} positions)."
    )
    if fitting:
        text += " Start from a smaller branch under it:\n" + "\n".join(
            f"• `/org-proposal branch {escape(p.title)}` ({n} position{'s' if n > 1 else ''})"
            for p, n in fitting
        )
    else:
        text += (
            " No branch under it is small enough either; an admin can change it with "
            "`orgbot org export` and `orgbot org import`."
        )
    return text


def current_org_message(services: Services, team_id: str) -> dict[str, Any]:
    current = services.proposals.current_org(team_id)
    number = None
    if current is not None and current.proposal_id:
        number = services.proposals.get(team_id, current.proposal_id).number
    holders = current.structure.holders() if current else []
    answer = ui.current_message(
        current,
        number,
        guardrails=services.guardrails(team_id),
        names=services.members.shown_names(team_id, holders).get,
    )
    note = ui.coming_up_note(services.proposals.scheduled(team_id))
    if note and len(answer["blocks"]) < 50:  # Slack's limit for a message
        answer["blocks"].append(context(note))
    if len(answer["blocks"]) < 50 and (picture := current_picture_note(services, current)):
        answer["blocks"].append(context(picture))
    return answer


def current_picture_note(services: Services, current: Any) -> str | None:
    """Where the picture of the current org version is (uploaded once, reused), or None."""
    from slackbot.publishing.current import CurrentChart

    return CurrentChart(None, services).note(current)


def org_on_message(services: Services, team_id: str, when: str) -> dict[str, Any]:
    """`/org-proposal current at DATE`: the org on a past date, or on a later one given the
    approved proposals that take effect by then."""
    try:
        on = parse_day(when, today=services.today(team_id))
    except BadDate as error:
        return simple_message(escape(str(error)))
    org = org_on(services.proposals, team_id, on)
    number = None
    if org.version is not None and org.version.proposal_id and not org.future:
        number = services.proposals.get(team_id, org.version.proposal_id).number
    holders = org.structure.holders() if org.structure else []
    names = services.members.shown_names(team_id, holders).get
    return ui.org_on_message(org, number=number, names=names)


def history_message(services: Services, team_id: str, *, page: int = 1) -> dict[str, Any]:
    """`/org-proposal history [PAGE]`: the org's versions, newest first."""
    entries, total = org_history(services.proposals, team_id, page=page)
    base = services.known_workspace_url(team_id)
    links = {e.proposal_id: permalink(base, e.channel_id or "", e.message_ts) for e in entries}
    return ui.history_message(
        entries,
        total=total,
        page=page,
        per_page=HISTORY_PAGE,
        links=links,
        scheduled=services.proposals.scheduled(team_id),
    )


def permalink(base: str | None, channel_id: str, ts: str | None) -> str | None:
    """A message's address in the workspace (`https://team.slack.com/archives/C…/p…`)."""
    if not base or not ts:
        return None
    return f"{base.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"


def _fit_structure(text: str) -> tuple[str, str]:
    """A structure longer than the form holds (a workflow step's input), cut at the last
    whole line that fits, and a note that says so: the form would otherwise cut it
    mid-line without a word, and positions would go missing from the proposal."""
    cut = text[: MAX_STRUCTURE + 1].rfind("\n")
    kept = text[: cut if cut > 0 else MAX_STRUCTURE].rstrip()
    left = text[len(kept) :].strip().count("\n") + 1
    return kept, (
        f":warning: The structure given is {len(text):,} characters; the form holds "
        f"{MAX_STRUCTURE:,}, so its last {left} line{'s' if left > 1 else ''} are left out. "
        "Propose the rest in another proposal, or one branch at a time "
        "(`/org-proposal branch TITLE`)."
    )


def new_proposal_modal(
    services: Services,
    team_id: str,
    *,
    channel_id: str | None,
    role_ids: tuple[str, ...] = (),
    title: str = "",
    structure_text: str | None = None,
    reviewers: tuple[str, ...] = (),
    step: str | None = None,
    branch_root: str | None = None,
) -> dict[str, Any]:
    """The form for a new proposal: the structure starts from the current org chart (plus
    any roles a comparison suggested), or from one branch of it; reviews are due in a week.
    A workflow step (`step`) may give a title, a structure and reviewers. An org too large
    for one form gets a notice pointing to branches instead."""
    current = services.proposals.current_org(team_id)
    structure = current.structure if current else Structure()
    note = None
    branch_title = None
    if current and branch_root and branch_root in structure.by_key:
        branch_title = structure.by_key[branch_root].title
        structure = branch_of(structure, branch_root)
        note = branch_note(branch_title, current.version, len(structure))
    elif current and not structure_text:
        too_large = branch_too_large(structure, None)
        if too_large:
            return notice_modal("New org proposal", too_large)
        note = f"The structure starts from the current org chart (version {current.version}); change what you propose to change."
        branch_root = None
    catalog = services.catalog_for(team_id)
    if role_ids:
        names = [catalog[r].short_name for r in role_ids if r in catalog]
        title = " and ".join(names) + " in our structure" if names else ""
    if structure_text:
        note = None
        if len(structure_text) > MAX_STRUCTURE:
            structure_text, note = _fit_structure(structure_text)
    return proposal_modal(
        # a workflow step's structure as given; else the current chart, holders as @name
        # when the member directory has a name only they answer to
        structure_text=structure_text
        or starter_text(
            catalog, structure, role_ids, names=services.members.resolver(team_id, None)
        ),
        review_by=services.today(team_id) + timedelta(days=DEFAULT_REVIEW_DAYS),
        channel_id=channel_id,
        title=title,
        note=note,
        base_org_version=current.version if current else 0,
        **policy_choices(services, team_id),
        reviewers=reviewers,
        step=step,
        branch_root=branch_root if branch_title else None,
        branch_title=branch_title,
    )


def branch_note(title: str, version: int, count: int) -> str:
    return (
        f"This proposal changes the {escape(title)} branch of the current org (version "
        f"{version}): {escape(title)} and the {count - 1:,} position(s) under it. Approving it "
        "replaces this branch only; the rest of the org stays as it is, and dotted lines to "
        "positions outside the branch are kept."
    )


def policy_choices(services: Services, team_id: str) -> dict[str, Any]:
    """The modal's review policy picker: the workspace's policies and its default."""
    from slackbot.policies.repository import list_policies

    policies = list_policies(services.store.db, team_id)
    default = next((p.name for p, is_default in policies if is_default), "")
    return {
        "policies": [(p.name, " → ".join(s.name for s in p.stages)) for p, _ in policies],
        "default_policy": default,
    }


def form_policies(services: Services, team_id: str) -> dict[str, bool] | None:
    """For reading the form: each policy (and "" for the default) with whether it takes
    the reviewers the author names; None when the workspace has no policies."""
    from slackbot.policies.repository import default_policy, list_policies

    policies = list_policies(services.store.db, team_id)
    if not policies:
        return None
    named = {p.name: p.uses_named_reviewers for p, _ in policies}
    return named | {"": default_policy(services.store.db, team_id).uses_named_reviewers}


def edit_proposal_modal(services: Services, proposal: Proposal) -> dict[str, Any]:
    """The form pre-filled with the proposal's current version (a review-by date that has
    passed moves a week out, since the form would refuse it)."""
    today = services.today(proposal.team_id)
    review_by = proposal.review_by
    if review_by < today:
        review_by = today + timedelta(days=DEFAULT_REVIEW_DAYS)
    current = services.proposals.current_org(proposal.team_id)
    note = None
    root = current.structure.by_key.get(proposal.branch_root or "") if current else None
    if current is not None and root is not None:
        note = branch_note(root.title, current.version, len(branch_of(current.structure, root.key)))
    if current is not None and current.version != proposal.base_org_version:
        since = services.proposals.org_version(proposal.team_id, proposal.base_org_version)
        changes = diff(since.structure if since else Structure(), current.structure)
        listed = (
            "; ".join(f"{c.kind} {escape(c.title)}" for c in changes[:8]) or "no visible change"
        )
        note = (
            f"The org chart changed since this proposal was written (now version "
            f"{current.version}: {listed}). The structure below replaces the "
            + (f"{escape(root.title)} branch" if root else "whole chart")
            + ", so keep those changes in it."
        )
    choices = policy_choices(services, proposal.team_id)
    return proposal_modal(
        structure_text=proposal.structure_text,
        review_by=review_by,
        channel_id=proposal.channel_id,
        proposal=proposal,
        note=note,
        base_org_version=current.version if current else 0,
        today=today,
        policies=choices["policies"],  # the field is optional then; no picker in an edit
        default_policy=choices["default_policy"],
        branch_root=proposal.branch_root,
        branch_title=root.title if root else None,
    )
