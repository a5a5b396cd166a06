"""Reading the proposal modal: every field checked, every problem named on its own field
(Slack shows them inline via `response_action: errors`). Nothing is stored until it is valid."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from roles import Catalog
from slackbot import ids
from slackbot.org.branch import branch_problems
from slackbot.org.directory import UNAVAILABLE, MembersUnavailable
from slackbot.org.structure import HolderResolver, Structure, has_words, parse_structure
from slackbot.proposals.model import Draft

MAX_TITLE = 150
MAX_RATIONALE = 3000
MAX_STRUCTURE = 3000
MAX_REVIEWERS = 10
MAX_REVIEW_DAYS = 365
MAX_EFFECTIVE_DAYS = 5 * 366
VALUE = "value"  # the action_id of every input in the modal
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass
class FormResult:
    draft: Draft | None = None
    errors: dict[str, str] = field(default_factory=dict)


def read_proposal_form(
    values: dict[str, Any],
    *,
    catalog: Catalog,
    author_id: str,
    today: date,
    fixed_channel: str | None = None,
    people: HolderResolver | None = None,
    policies: dict[str, bool] | None = None,
    branch_root: str | None = None,
    current: Structure | None = None,
) -> FormResult:
    """Validate `view.state.values` of the proposal modal.

    Args:
        values: `view["state"]["values"]`, by block id then action id.
        catalog: to recognise titles that are catalog roles.
        author_id: who submits; they cannot review their own proposal.
        today: the date in the workspace's time zone, for the review-by check.
        fixed_channel: the channel when the form has no channel field (an edit).
        people: reads `@name` holders (the workspace's member directory); a
            `MembersUnavailable` from it becomes an error on the structure field.
        policies: the workspace's review policies, by name ("" for its default), each
            with whether it takes the reviewers the author names; with none, reviewers
            are required as before.
        branch_root: the key of the branch of `current` the form edits (None: the
            structure is the whole org); `branch_problems` then checks it against the rest
            of the org.
        current: the current org, for a branch.
    """
    errors: dict[str, str] = {}

    def get(block: str, key: str) -> Any:
        return (values.get(block, {}).get(VALUE) or {}).get(key)

    title = " ".join((get(ids.TITLE_BLOCK, "value") or "").split())
    if not has_words(title):  # "", "***", a zero-width space
        errors[ids.TITLE_BLOCK] = "Give the proposal a title, e.g. “Move operations under a COO”."
    elif len(title) > MAX_TITLE:
        errors[ids.TITLE_BLOCK] = f"Keep the title to {MAX_TITLE} characters; it has {len(title)}."

    rationale = (get(ids.RATIONALE_BLOCK, "value") or "").strip()
    if not has_words(rationale):
        errors[ids.RATIONALE_BLOCK] = "Say why: what problem does this change solve?"
    elif len(rationale) > MAX_RATIONALE:
        errors[ids.RATIONALE_BLOCK] = (
            f"Keep this to {MAX_RATIONALE} characters; it has {len(rationale)}."
        )

    structure_text = (get(ids.STRUCTURE_BLOCK, "value") or "").strip()
    structure = None
    if len(structure_text) > MAX_STRUCTURE:
        errors[ids.STRUCTURE_BLOCK] = (
            f"Keep the structure to {MAX_STRUCTURE} characters; it has {len(structure_text)}."
        )
    else:
        try:
            parsed = parse_structure(structure_text, catalog, people=people)
        except MembersUnavailable:
            errors[ids.STRUCTURE_BLOCK] = UNAVAILABLE
        else:
            problems = parsed.errors
            if parsed.ok and branch_root is not None:
                problems = branch_problems(
                    current or Structure(), parsed.structure, branch_root=branch_root
                )
            if not problems:
                structure = parsed.structure
            else:
                errors[ids.STRUCTURE_BLOCK] = _joined(problems)

    picked_policy = (get(ids.POLICY_BLOCK, "selected_option") or {}).get("value")
    policy_name = None if picked_policy in (None, ids.DEFAULT_POLICY_OPTION) else picked_policy
    if policies is not None and policy_name is not None and policy_name not in policies:
        errors[ids.POLICY_BLOCK] = "That review policy is gone; pick another."
    needs_named = policies is None or policies.get(policy_name or "", True)
    reviewers = tuple(dict.fromkeys(get(ids.REVIEWERS_BLOCK, "selected_users") or []))
    if not reviewers and needs_named:
        errors[ids.REVIEWERS_BLOCK] = "Name at least one reviewer."
    elif author_id in reviewers:
        errors[ids.REVIEWERS_BLOCK] = "You can't review your own proposal; pick someone else."
    elif len(reviewers) > MAX_REVIEWERS:
        errors[ids.REVIEWERS_BLOCK] = (
            f"Pick up to {MAX_REVIEWERS} reviewers; you picked {len(reviewers)}."
        )
    elif not all(_USER_ID.match(r) for r in reviewers):
        errors[ids.REVIEWERS_BLOCK] = "Pick people from the list."

    picked = get(ids.REVIEW_BY_BLOCK, "selected_date")
    review_by = None
    if not picked:
        errors[ids.REVIEW_BY_BLOCK] = "Pick the date reviews are due."
    else:
        try:
            review_by = date.fromisoformat(picked)
        except ValueError:
            errors[ids.REVIEW_BY_BLOCK] = "Pick a date from the calendar."
        else:
            if review_by < today:
                errors[ids.REVIEW_BY_BLOCK] = (
                    f"{review_by:%a %-d %b %Y} has passed; pick today or a later date."
                )
            elif review_by > today + timedelta(days=MAX_REVIEW_DAYS):
                errors[ids.REVIEW_BY_BLOCK] = "Pick a date within the next year."

    effective_on, problem = read_effective_date(get(ids.EFFECTIVE_BLOCK, "selected_date"), today)
    if problem:
        errors[ids.EFFECTIVE_BLOCK] = problem

    channel_id = fixed_channel or get(ids.CHANNEL_BLOCK, "selected_conversation")
    if not channel_id:
        errors[ids.CHANNEL_BLOCK] = "Pick the channel to post the proposal in."
    elif channel_id.startswith("D"):
        errors[ids.CHANNEL_BLOCK] = "Pick a channel, not a direct message, so reviewers can see it."

    if errors:
        return FormResult(errors=errors)
    assert structure is not None and review_by is not None
    return FormResult(
        draft=Draft(
            title=title,
            rationale=rationale,
            structure_text=structure_text,
            structure=structure,
            reviewers=reviewers,
            review_by=review_by,
            channel_id=channel_id,
            effective_on=effective_on,
            policy_name=policy_name,
            branch_root=branch_root,
        )
    )


def read_effective_date(picked: str | None, today: date) -> tuple[date | None, str | None]:
    """The optional "Takes effect" date: (the date or None, a problem or None). Empty
    means on approval; a date in the past is refused (today is fine: on approval)."""
    if not picked:
        return None, None
    try:
        effective_on = date.fromisoformat(picked)
    except ValueError:
        return None, "Pick a date from the calendar, or leave it empty to take effect on approval."
    if effective_on < today:
        return None, (
            f"{effective_on:%a %-d %b %Y} has passed; pick today or a later date, or leave it "
            "empty to take effect on approval."
        )
    if effective_on > today + timedelta(days=MAX_EFFECTIVE_DAYS):
        return None, "Pick a date within the next five years."
    return effective_on, None


def _joined(problems: list[str], limit: int = 5) -> str:
    shown = problems[:limit]
    more = len(problems) - len(shown)
    text = "\n".join(shown)
    if more:
        text += f"\n…and {more} more."
    return text
