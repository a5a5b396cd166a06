"""Deciding on a proposal: Approve, Request changes, Reject, Comment, Withdraw, Post again,
and the role-card picker on a card.

Decisions are recorded in the ack (a few milliseconds of SQLite), so a double click is
settled by the database before Slack hears back; the card update, thread reply and DMs
follow in lazy listeners. Who may do what is checked on every click, against the record.
"""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.common import ack_only, action_value, tell
from slackbot import ids
from slackbot.proposals import ProposalError
from slackbot.proposals.messenger import ProposalMessenger
from slackbot.proposals.model import APPROVE, COMMENTED, REJECT, REQUEST_CHANGES
from slackbot.services import services_from
from slackbot.ui.comparison import role_card_message
from slackbot.ui.proposal_card import decided_dm
from slackbot.ui.proposal_modal import decision_modal

OUTCOME = "orgbot_outcome"
REFUSAL = "orgbot_refusal"
BUTTON_DECISIONS = {ids.APPROVE: APPROVE, ids.REJECT: REJECT}


def handle_decision_click(ack: Ack, body: dict, context: BoltContext) -> None:
    """Approve or Reject (after its confirm dialog): recorded before the ack."""
    services = services_from(context)
    decision = BUTTON_DECISIONS[body["actions"][0]["action_id"]]
    try:
        context[OUTCOME] = services.proposals.decide(
            context.team_id, int(action_value(body)), context.user_id, decision
        )
    except ProposalError as error:
        context[REFUSAL] = str(error)
    ack()


def handle_withdraw_click(ack: Ack, body: dict, context: BoltContext) -> None:
    services = services_from(context)
    try:
        context[OUTCOME] = services.proposals.withdraw(
            context.team_id, int(action_value(body)), context.user_id
        )
    except ProposalError as error:
        context[REFUSAL] = str(error)
    ack()


def announce_click(body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    """Lazy: update the card, reply in its thread, DM the author; or say why not."""
    if context.get(REFUSAL):
        tell(body, client, respond, context[REFUSAL])
        return
    outcome = context.get(OUTCOME)
    if outcome is None:
        return
    ProposalMessenger(client, services_from(context)).announce(outcome)
    if _clicked_in_dm(body) and outcome.kind in BUTTON_DECISIONS.values():
        respond(replace_original=True, **decided_dm(outcome.proposal, outcome.kind))


def open_decision_modal(
    body: dict, context: BoltContext, client: WebClient, respond: Respond, logger: logging.Logger
) -> None:
    """Lazy: Request changes or Comment asks for words in a small modal; a refusal is said
    at once instead (not a reviewer, or the proposal is closed)."""
    services = services_from(context)
    action_id = body["actions"][0]["action_id"]
    kind = REQUEST_CHANGES if action_id == ids.REQUEST_CHANGES else COMMENTED
    try:
        proposal = services.proposals.get(context.team_id, int(action_value(body)))
        if kind == REQUEST_CHANGES:
            if context.user_id not in proposal.reviewers:
                names = ", ".join(f"<@{r}>" for r in proposal.reviewers)
                raise ProposalError(
                    f"Only the reviewers ({names}) can request changes. You can still comment."
                )
            if not proposal.is_open:
                raise ProposalError(
                    f"Proposal #{proposal.number} is {proposal.status_label.lower()}; it can't be decided on any more."
                )
            if proposal.decision_of(context.user_id):
                raise ProposalError(
                    f"You already decided on version {proposal.version} of proposal #{proposal.number}."
                )
    except ProposalError as error:
        tell(body, client, respond, str(error))
        return
    origin = {"response_url": body.get("response_url"), "in_dm": _clicked_in_dm(body)}
    try:
        client.views_open(
            trigger_id=body["trigger_id"], view=decision_modal(proposal, kind=kind, origin=origin)
        )
    except SlackApiError as error:
        logger.warning("could not open the decision modal: %s", error.response.get("error"))


def handle_decision_submission(ack: Ack, view: dict, context: BoltContext) -> None:
    """The words are required; then the decision (or comment) is recorded and the modal closes."""
    services = services_from(context)
    metadata = json.loads(view.get("private_metadata") or "{}")
    text = (
        (view["state"]["values"].get(ids.COMMENT_BLOCK, {}).get("value") or {}).get("value") or ""
    ).strip()
    kind = metadata.get("kind")
    if not text:
        what = "what should change" if kind == REQUEST_CHANGES else "your comment"
        ack(response_action="errors", errors={ids.COMMENT_BLOCK: f"Write {what} first."})
        return
    proposal_id = int(metadata["proposal_id"])
    try:
        if kind == REQUEST_CHANGES:
            outcome = services.proposals.decide(
                context.team_id, proposal_id, context.user_id, REQUEST_CHANGES, text
            )
        else:
            outcome = services.proposals.comment(
                context.team_id, proposal_id, context.user_id, text
            )
    except ProposalError as error:
        ack(response_action="errors", errors={ids.COMMENT_BLOCK: str(error)})
        return
    context[OUTCOME] = outcome
    ack()


def announce_decision_submission(view: dict, context: BoltContext, client: WebClient) -> None:
    outcome = context.get(OUTCOME)
    if outcome is None:
        return
    ProposalMessenger(client, services_from(context)).announce(outcome)
    metadata = json.loads(view.get("private_metadata") or "{}")
    if metadata.get("in_dm") and metadata.get("response_url") and outcome.kind == REQUEST_CHANGES:
        from slack_sdk.webhook import WebhookClient

        WebhookClient(metadata["response_url"]).send_dict(
            {"replace_original": True, **decided_dm(outcome.proposal, outcome.kind)}
        )


def retry_post(body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    """Lazy: "Post again" under a failed post; the DM becomes the result."""
    services = services_from(context)
    try:
        proposal = services.proposals.get(context.team_id, int(action_value(body)))
    except ProposalError as error:
        tell(body, client, respond, str(error))
        return
    if proposal.message_ts:
        respond(
            replace_original=True,
            text=f"Proposal #{proposal.number} is already posted in <#{proposal.channel_id}>.",
        )
        return
    messenger = ProposalMessenger(client, services)
    posted = messenger.post_card(proposal)
    if posted.message_ts:
        respond(
            replace_original=True,
            text=f":white_check_mark: Posted proposal #{posted.number} in <#{posted.channel_id}>.",
        )


def show_role_card(body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    """Lazy: the role picked on a card, shown to whoever picked it."""
    catalog = services_from(context).catalog
    role = catalog.get(action_value(body))
    if role is not None:
        tell(body, client, respond, role_card_message(role, catalog))


def _clicked_in_dm(body: dict) -> bool:
    return ((body.get("channel") or {}).get("id") or "").startswith("D")


def register(app: App) -> None:
    for action_id in BUTTON_DECISIONS:
        app.action(action_id)(ack=handle_decision_click, lazy=[announce_click])
    app.action(ids.WITHDRAW)(ack=handle_withdraw_click, lazy=[announce_click])
    app.action(ids.REQUEST_CHANGES)(ack=ack_only, lazy=[open_decision_modal])
    app.action(ids.COMMENT)(ack=ack_only, lazy=[open_decision_modal])
    app.view(ids.DECISION_MODAL)(
        ack=handle_decision_submission, lazy=[announce_decision_submission]
    )
    app.action(ids.RETRY_POST)(ack=ack_only, lazy=[retry_post])
    app.action(ids.SHOW_ROLE_CARD)(ack=ack_only, lazy=[show_role_card])
