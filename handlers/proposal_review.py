"""Deciding on a proposal: Approve, Request changes, Reject, Comment, Withdraw, Post again,
and the role-card picker on a card.

Decisions are recorded before the ack (a few milliseconds of SQLite), so a double click is
settled by the database before Slack hears back; the card update, thread reply and DMs
follow after it. Who may do what is checked on every click, against the record.
"""

from __future__ import annotations

import logging
from functools import partial

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common import (
    action_value,
    after_ack_for,
    clicked_message,
    for_person,
    from_home,
    open_modal_for,
    proposal_ref,
    replace_clicked,
    replace_message,
    tell,
    tell_soon,
    typed_text,
)
from handlers.home import publish_home, republish_home
from slackbot import ids
from slackbot.proposals import Outcome, ProposalError
from slackbot.proposals.messenger import ProposalMessenger, announcement_key, recorded
from slackbot.proposals.metadata import FORM_CHANGED, BadMetadata, read_decision_metadata
from slackbot.proposals.model import APPROVE, COMMENTED, REJECT, REQUEST_CHANGES
from slackbot.services import Services, catalog_from, services_from
from slackbot.submissions import AlreadySubmitted, Submission, once
from slackbot.ui.common import as_plain_text
from slackbot.ui.comparison import role_card_message
from slackbot.ui.proposal_card import decided_dm
from slackbot.ui.proposal_modal import decision_modal
from slackbot.ui.role_form import own_role_note

logger = logging.getLogger("orgbot.handlers")
BUTTON_DECISIONS = {ids.APPROVE: APPROVE, ids.REJECT: REJECT}


def handle_decision_click(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Approve, Reject (after its confirm dialog) and Withdraw: recorded, then acked."""
    services = services_from(context)
    action_id = body["actions"][0]["action_id"]
    try:
        proposal_id, version = proposal_ref(body)
        if action_id == ids.WITHDRAW:
            change = partial(
                services.proposals.withdraw, context.team_id, proposal_id, context.user_id
            )
        else:
            change = partial(
                services.proposals.decide,
                context.team_id,
                proposal_id,
                context.user_id,
                BUTTON_DECISIONS[action_id],
                version=version,
            )
        outcome = recorded(services, change)
    except ProposalError as error:
        ack()
        tell_soon(context, body, client, respond, str(error))
        if from_home(body):
            republish_home(context, client, context.team_id, context.user_id)
        return
    ack()
    after_ack_for(context, body, client, respond, announce_click, services, body, client, outcome)
    if from_home(body):  # the buttons used go away; a second click is not offered
        republish_home(context, client, context.team_id, context.user_id)


def announce_click(services: Services, body: dict, client: WebClient, outcome: Outcome) -> None:
    """Update the card, reply in its thread, DM the author; a DM that was clicked in
    becomes the record of the decision (`chat.update`: the bot owns that message)."""
    ProposalMessenger(client, services).announce_queued(announcement_key(outcome), outcome)
    if _clicked_in_dm(body) and outcome.kind in BUTTON_DECISIONS.values():
        services.background.now_or_later(
            replace_clicked, body, client, decided_dm(outcome.proposal, outcome.kind)
        )


def handle_words_click(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Request changes and Comment ask for words in a small modal; a refusal (not a
    reviewer, closed, already decided) is said at once instead."""
    ack()
    services = services_from(context)
    kind = REQUEST_CHANGES if body["actions"][0]["action_id"] == ids.REQUEST_CHANGES else COMMENTED
    try:
        proposal_id, version = proposal_ref(body)
        proposal = services.proposals.get(context.team_id, proposal_id)
        if kind == REQUEST_CHANGES:
            services.proposals.check_can_decide(proposal, context.user_id, version=version)
    except ProposalError as error:
        tell_soon(context, body, client, respond, str(error))
        if from_home(body):
            republish_home(context, client, context.team_id, context.user_id)
        return
    # where the button was, so the submission (maybe long after a response_url's 30
    # minutes) can update that message with chat.update, or republish the Home tab
    origin: dict = {"in_dm": _clicked_in_dm(body), "version": proposal.version}
    if (where := clicked_message(body)) is not None:
        origin["message"] = list(where)
    if from_home(body):
        origin["home"] = True
    open_modal_for(
        context, body, client, respond, decision_modal(proposal, kind=kind, origin=origin)
    )


def handle_words_submission(
    ack: Ack, view: dict, body: dict, context: BoltContext, client: WebClient
) -> None:
    """The words are required; then the decision (or comment) is recorded and the modal closes."""
    services = services_from(context)
    try:
        metadata = read_decision_metadata(
            view.get("private_metadata"), kinds=frozenset({REQUEST_CHANGES, COMMENTED})
        )
    except BadMetadata as error:
        logger.warning("refused a decision form with bad private_metadata: %s", error)
        ack(response_action="errors", errors={ids.COMMENT_BLOCK: FORM_CHANGED})
        return
    text = (typed_text(view, ids.COMMENT_BLOCK)).strip()
    kind = metadata.get("kind")
    if not text:
        what = "what should change" if kind == REQUEST_CHANGES else "your comment"
        ack(response_action="errors", errors={ids.COMMENT_BLOCK: f"Write {what} first."})
        return
    proposal_id = int(metadata["proposal_id"])
    if kind == REQUEST_CHANGES:
        act = partial(
            services.proposals.decide,
            context.team_id,
            proposal_id,
            context.user_id,
            REQUEST_CHANGES,
            text,
            version=metadata.get("version"),
        )
    else:
        act = partial(
            services.proposals.comment, context.team_id, proposal_id, context.user_id, text
        )
    try:
        outcome = once(
            services.store,
            Submission.of(view, team_id=context.team_id, user_id=context.user_id),
            partial(recorded, services, act),
            now=services.clock.now(),
            result=lambda o: {"proposal_id": proposal_id, "kind": o.kind},
        )
    except AlreadySubmitted:
        ack()  # a replay or a second press: stored once, announced once
        return
    except ProposalError as error:
        ack(response_action="errors", errors={ids.COMMENT_BLOCK: as_plain_text(str(error))})
        return
    ack()
    after_ack_for(
        context,
        body,
        client,
        None,
        announce_words,
        services,
        client,
        outcome,
        metadata,
        context.user_id,
    )


def announce_words(
    services: Services, client: WebClient, outcome: Outcome, origin: dict, user_id: str
) -> None:
    ProposalMessenger(client, services).announce_queued(announcement_key(outcome), outcome)
    if origin.get("in_dm") and outcome.kind == REQUEST_CHANGES:
        where = origin.get("message")
        services.background.now_or_later(
            replace_message,
            client,
            tuple(where) if where else None,
            decided_dm(outcome.proposal, outcome.kind),
            response_url=origin.get("response_url"),  # a modal opened before chat.update
        )
    if origin.get("home"):
        services.background.interactive(
            publish_home, services, client, outcome.proposal.team_id, user_id
        )


def handle_retry_post(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    for_person(
        context,
        body,
        client,
        respond,
        retry_post,
        services_from(context),
        body,
        client,
        respond,
        context.team_id,
    )


def retry_post(
    services: Services, body: dict, client: WebClient, respond: Respond, team_id: str
) -> None:
    """ "Post again" under a failed post: the DM becomes the result; on the Home tab, the
    Home tab is published again (a Home click has no response_url)."""
    try:
        proposal = services.proposals.get(team_id, proposal_ref(body)[0])
    except ProposalError as error:
        tell(body, client, respond, str(error))
        return
    if proposal.message_ts:
        result = f"Proposal #{proposal.number} is already posted in <#{proposal.channel_id}>."
    else:
        posted = ProposalMessenger(client, services).post_card(proposal, again=True)
        if not posted.message_ts:
            return  # its author was told why, by DM
        result = f":white_check_mark: Posted proposal #{posted.number} in <#{posted.channel_id}>."
    if from_home(body):
        services.background.interactive(publish_home, services, client, team_id, body["user"]["id"])
    else:
        services.background.now_or_later(replace_clicked, body, client, result)


def handle_role_card(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """The role picked on a card, shown to whoever picked it."""
    ack()
    catalog = catalog_from(context)
    role = catalog.get(action_value(body))
    if role is not None:
        notes = [n for n in [own_role_note(catalog, [role])] if n]
        tell_soon(context, body, client, respond, role_card_message(role, catalog, notes=notes))


def _clicked_in_dm(body: dict) -> bool:
    return ((body.get("channel") or {}).get("id") or "").startswith("D")


def register(app: App) -> None:
    for action_id in (ids.APPROVE, ids.REJECT, ids.WITHDRAW):
        app.action(action_id)(handle_decision_click)
    app.action(ids.REQUEST_CHANGES)(handle_words_click)
    app.action(ids.COMMENT)(handle_words_click)
    app.view(ids.DECISION_MODAL)(handle_words_submission)
    app.action(ids.RETRY_POST)(handle_retry_post)
    app.action(ids.SHOW_ROLE_CARD)(handle_role_card)
