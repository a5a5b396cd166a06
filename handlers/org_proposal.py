"""`/org-proposal` and every way into the proposal modal: the command, the global
shortcut, the Home tab button, the button under a role comparison, and Edit."""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.common import ack_only, action_value, tell
from slackbot import ids
from slackbot.proposals import ProposalError, read_proposal_form
from slackbot.proposals.commands import answer_org_proposal, edit_proposal_modal, new_proposal_modal
from slackbot.proposals.messenger import ProposalMessenger
from slackbot.services import services_from

OUTCOME = "orgbot_outcome"


def wants_modal(command: dict) -> bool:
    return (command.get("text") or "").strip().lower() in (
        "",
        "new",
        "create",
        "propose",
        "settings",
        "config",
    )


def handle_org_proposal(ack: Ack, command: dict, context: BoltContext) -> None:
    """`list`, `show N`, `current`, `help`: answered in the ack."""
    services = services_from(context)
    answer = answer_org_proposal(
        services, context.team_id, context.user_id, command.get("text", "")
    )
    ack(response_type="ephemeral", **answer.message)


def open_modal_from_command(
    command: dict, context: BoltContext, client: WebClient, respond: Respond, logger: logging.Logger
) -> None:
    """Lazy: `/org-proposal` (new) or `/org-proposal settings` opens its modal."""
    services = services_from(context)
    answer = answer_org_proposal(
        services, context.team_id, context.user_id, command.get("text", "")
    )
    if answer.modal == "settings":
        from handlers.settings import open_settings

        open_settings(services, client, respond, context=context, trigger_id=command["trigger_id"])
        return
    view = new_proposal_modal(services, context.team_id, channel_id=command.get("channel_id"))
    _open(client, command["trigger_id"], view, logger)


def open_modal_from_click(
    body: dict, context: BoltContext, client: WebClient, logger: logging.Logger
) -> None:
    """Lazy: the shortcut, the Home tab button, or "Propose an org change" under a comparison."""
    services = services_from(context)
    role_ids: tuple[str, ...] = ()
    if (
        body.get("type") == "block_actions"
        and body["actions"][0]["action_id"] == ids.PROPOSE_FROM_COMPARISON
    ):
        role_ids = tuple(v for v in action_value(body).split(",") if v)
    channel_id = (body.get("channel") or {}).get("id")
    view = new_proposal_modal(services, context.team_id, channel_id=channel_id, role_ids=role_ids)
    _open(client, body["trigger_id"], view, logger)


def open_edit_modal(
    body: dict, context: BoltContext, client: WebClient, respond: Respond, logger: logging.Logger
) -> None:
    """Lazy: Edit, for the author of an open proposal; anyone else is told why not."""
    services = services_from(context)
    try:
        proposal = services.proposals.get(context.team_id, int(action_value(body)))
        if proposal.author_id != context.user_id:
            raise ProposalError(
                f"Only <@{proposal.author_id}>, who wrote it, can edit proposal #{proposal.number}."
            )
        if not proposal.is_open:
            raise ProposalError(
                f"Proposal #{proposal.number} is {proposal.status_label.lower()}; it can't be edited."
            )
    except ProposalError as error:
        tell(body, client, respond, str(error))
        return
    _open(client, body["trigger_id"], edit_proposal_modal(services, proposal), logger)


def handle_proposal_submission(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    """Validate; store (a new proposal, or a new version); close the modal. Inline errors
    otherwise, each on its own field. Slack hears back well within its 3 seconds."""
    services = services_from(context)
    editing = json.loads(view.get("private_metadata") or "{}").get("proposal_id")
    try:
        # an edit keeps the proposal's channel; the form has no channel field then
        channel = (
            services.proposals.get(context.team_id, int(editing)).channel_id if editing else None
        )
        form = read_proposal_form(
            view["state"]["values"],
            catalog=services.catalog,
            author_id=context.user_id,
            today=services.today(context.team_id),
            fixed_channel=channel,
        )
        if form.errors:
            ack(response_action="errors", errors=form.errors)
            return
        if editing:
            outcome = services.proposals.edit(
                context.team_id, int(editing), context.user_id, form.draft
            )
        else:
            outcome = services.proposals.create(context.team_id, context.user_id, form.draft)
    except ProposalError as error:
        ack(response_action="errors", errors={ids.TITLE_BLOCK: str(error)})
        return
    context[OUTCOME] = outcome
    ack()


def announce_submission(context: BoltContext, client: WebClient) -> None:
    """Lazy: post (or update) the card, and tell the reviewers."""
    outcome = context.get(OUTCOME)
    if outcome is not None:
        ProposalMessenger(client, services_from(context)).announce(outcome)


def _open(client: WebClient, trigger_id: str, view: dict, logger: logging.Logger) -> None:
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SlackApiError as error:
        logger.warning("could not open a modal: %s", error.response.get("error"))


def register(app: App) -> None:
    app.command(ids.ORG_PROPOSAL, matchers=[wants_modal])(
        ack=ack_only, lazy=[open_modal_from_command]
    )
    app.command(ids.ORG_PROPOSAL)(handle_org_proposal)
    app.shortcut(ids.NEW_PROPOSAL_SHORTCUT)(ack=ack_only, lazy=[open_modal_from_click])
    app.action(ids.NEW_PROPOSAL_BUTTON)(ack=ack_only, lazy=[open_modal_from_click])
    app.action(ids.PROPOSE_FROM_COMPARISON)(ack=ack_only, lazy=[open_modal_from_click])
    app.action(ids.EDIT)(ack=ack_only, lazy=[open_edit_modal])
    app.view(ids.PROPOSAL_MODAL)(ack=handle_proposal_submission, lazy=[announce_submission])
