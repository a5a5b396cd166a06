"""The proposal modal (new and edit), and the small modal for a comment or change request."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from slackbot import ids
from slackbot.org.structure import EXAMPLE, MAX_POSITIONS
from slackbot.proposals.form import MAX_RATIONALE, MAX_REVIEWERS, MAX_STRUCTURE, MAX_TITLE
from slackbot.proposals.metadata import ProposalFormMetadata
from slackbot.proposals.model import REQUEST_CHANGES, Proposal
from slackbot.ui.common import Block, context, escape, input_block, modal, plain, section

STRUCTURE_HINT = (
    f"One position a line: `{EXAMPLE}`. Who holds it: `COO (@sam)`. Seats: "
    "`Operations Manager x3, 1 open`; a new role: `Data Analyst [hire]`; a dotted line: "
    "`…, dotted to CFO`. The top position has no “reports to”. "
    f"Up to {MAX_POSITIONS} positions."
)
BRANCH_HINT = (
    "One position a line, as in the whole org. The first line is the top of the branch (it "
    "keeps its manager); everyone else reports to someone in the branch. Holders, seats "
    "and dotted lines as in a proposal: `COO (@sam)`, `x3, 1 open`, `[hire]`, `dotted to`. "
    f"Up to {MAX_POSITIONS} positions."
)


def _textinput_block(
    initial: str | None, *, multiline: bool, max_length: int, placeholder: str
) -> dict:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": multiline,
        "max_length": max_length,
        "placeholder": plain(placeholder),
    }
    if initial:
        element["initial_value"] = initial[:max_length]
    return element


def proposal_modal(
    *,
    structure_text: str,
    review_by: date,
    channel_id: str | None,
    proposal: Proposal | None = None,
    title: str = "",
    note: str | None = None,
    base_org_version: int = 0,
    today: date | None = None,
    policies: Sequence[tuple[str, str]] = (),
    default_policy: str = "",
    reviewers: tuple[str, ...] = (),
    step: str | None = None,
    branch_root: str | None = None,
    branch_title: str | None = None,
) -> dict[str, Any]:
    """The form. With `proposal`, it edits that proposal, pre-filled with its current version.
    `today` (the workspace's date) leaves out an effective date that has passed.

    Args:
        policies: the workspace's review policies (name, stages in words); the author
            picks one, or the default, for a new proposal.
        default_policy: the name of the workspace's default policy.
        reviewers: reviewers to start with (a workflow step gives them).
        step: the workflow step (its execution id) that asked for this proposal; closing
            the form then tells orgbot (`notify_on_close`), which ends that step.
        branch_root: the structure is that branch of the current org (`branch_title` is
            its top position's title, for the label).
    """
    editing = proposal is not None
    reviewers = list(proposal.reviewers) if proposal else list(reviewers)[:MAX_REVIEWERS]
    blocks: list[Block] = []
    if note:
        blocks.append(context(note))
    if editing:
        blocks.append(
            section(
                f"Editing proposal #{proposal.number} (version {proposal.version}). Saving makes "
                f"version {proposal.version + 1} and asks the reviewers to decide again."
            )
        )
    blocks += [
        input_block(
            ids.TITLE_BLOCK,
            "Title",
            _textinput_block(
                proposal.title if proposal else title,
                multiline=False,
                max_length=MAX_TITLE,
                placeholder="e.g. Move operations under a COO",
            ),
        ),
        input_block(
            ids.RATIONALE_BLOCK,
            "Why",
            _textinput_block(
                proposal.rationale if proposal else None,
                multiline=True,
                max_length=MAX_RATIONALE,
                placeholder="What problem does this change solve, and for whom?",
            ),
        ),
        input_block(
            ids.STRUCTURE_BLOCK,
            f"The {branch_title} branch" if branch_title else "The structure",
            _textinput_block(
                proposal.structure_text if proposal else structure_text,
                multiline=True,
                max_length=MAX_STRUCTURE,
                placeholder="CEO\nCOO reports to CEO\nOperations Director reports to COO",
            ),
            hint=BRANCH_HINT if branch_root else STRUCTURE_HINT,
        ),
        input_block(
            ids.REVIEWERS_BLOCK,
            "Reviewers",
            {
                "type": "multi_users_select",
                "placeholder": plain("Who decides?"),
                "max_selected_items": MAX_REVIEWERS,
                **({"initial_users": reviewers} if reviewers else {}),
            },
            hint=(
                "Added to the review policy's first stage (or its stage for the reviewers "
                "you name). A rejection at any stage rejects."
                if policies
                else "Every reviewer must approve. One rejection rejects; a change request "
                "sends it back to you."
            ),
            optional=bool(policies),
        ),
        input_block(
            ids.REVIEW_BY_BLOCK,
            "Review by",
            {
                "type": "datepicker",
                "initial_date": review_by.isoformat(),
                "placeholder": plain("Pick a date"),
            },
        ),
        effective_input(proposal.effective_on if proposal else None, today=today),
    ]
    if policies and not editing:
        blocks.insert(
            len(blocks) - 2,
            policy_block(policies, default_policy=default_policy),
        )
    if not editing:
        element: dict[str, Any] = {
            "type": "conversations_select",
            "placeholder": plain("Pick a channel"),
            "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        }
        if channel_id and not channel_id.startswith("D"):
            element["initial_conversation"] = channel_id
        else:
            element["default_to_current_conversation"] = True
        blocks.append(
            input_block(
                ids.CHANNEL_BLOCK,
                "Post it in",
                element,
                hint="orgbot must be a member of the channel (/invite @orgbot).",
            )
        )
    # the org version the author sees now: what the proposal is written against
    metadata = ProposalFormMetadata(
        base=base_org_version,
        proposal_id=proposal.id if proposal else None,
        step=step,
        branch=branch_root,
    )
    return modal(
        f"Edit proposal #{proposal.number}" if proposal else "New org proposal",
        blocks,
        callback_id=ids.PROPOSAL_MODAL,
        submit="Save" if editing else "Submit",
        close="Cancel",
        private_metadata=metadata.dumps(),
        notify_on_close=step is not None,
    )


EFFECTIVE_HINT = (
    "Leave empty to take effect as soon as every reviewer approves. With a date, the approved "
    "proposal becomes the current org chart on that day (the workspace's time zone). To go "
    "back to on approval, pick today."
)


def effective_input(effective_on: date | None, *, today: date | None) -> Block:
    """The optional "Takes effect" datepicker; pre-filled with a date that has not passed."""
    element: dict[str, Any] = {"type": "datepicker", "placeholder": plain("On approval")}
    if effective_on is not None and (today is None or effective_on >= today):
        element["initial_date"] = effective_on.isoformat()
    return input_block(
        ids.EFFECTIVE_BLOCK, "Takes effect", element, hint=EFFECTIVE_HINT, optional=True
    )


def policy_block(policies: Sequence[tuple[str, str]], *, default_policy: str) -> Block:
    """The review policy picker: the workspace default first, then each policy."""
    default_label = (
        f"Workspace default ({default_policy})" if default_policy else "Workspace default"
    )
    options = [option(default_label, ids.DEFAULT_POLICY_OPTION)] + [
        option(name, name, description=summary) for name, summary in policies[:99]
    ]
    return input_block(
        ids.POLICY_BLOCK,
        "Review policy",
        {"type": "static_select", "options": options, "initial_option": options[0]},
        hint="Who reviews, in which order, and what each stage needs; the card shows it.",
    )


def option(text: str, value: str, *, description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"text": plain(text[:75]), "value": value[:150]}
    if description:
        out["description"] = plain(description[:75])
    return out


def decision_modal(proposal: Proposal, *, kind: str, origin: dict[str, Any]) -> dict[str, Any]:
    """A comment, or the change request a reviewer makes, in words.

    `origin` (where the button was: channel and message, or a DM) travels in
    private_metadata so the submission can update that message too.
    """
    asking = kind == REQUEST_CHANGES
    label = "What should change?" if asking else "Your comment"
    return modal(
        "Request changes" if asking else "Comment",
        [
            section(f"*#{proposal.number}: {escape(proposal.title)}*"),
            input_block(
                ids.COMMENT_BLOCK,
                label,
                _textinput_block(
                    None,
                    multiline=True,
                    max_length=2000,
                    placeholder="Be specific: which positions, which reporting lines, and why.",
                ),
            ),
        ],
        callback_id=ids.DECISION_MODAL,
        submit="Request changes" if asking else "Comment",
        close="Cancel",
        private_metadata=json.dumps({"proposal_id": proposal.id, "kind": kind, **origin}),
    )
