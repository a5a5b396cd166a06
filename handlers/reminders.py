""" "Remind me tomorrow" on a review reminder."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common import for_person, proposal_ref, replace_clicked, tell
from slackbot import ids
from slackbot.people import People
from slackbot.proposals import ProposalError
from slackbot.scheduling.reminders import next_morning, snooze
from slackbot.services import Services, services_from
from slackbot.ui.reminder import snoozed_message


def handle_snooze(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    ack()
    for_person(
        context,
        body,
        client,
        respond,
        snooze_reminders,
        services_from(context),
        body,
        client,
        respond,
        context.team_id,
    )


def snooze_reminders(
    services: Services, body: dict, client: WebClient, respond: Respond, team_id: str
) -> None:
    """Hold this person's reminders for the proposal until 09:00 tomorrow, their time."""
    user_id = body["user"]["id"]
    try:
        proposal = services.proposals.get(team_id, proposal_ref(body)[0])
    except ProposalError as error:
        tell(body, client, respond, str(error))
        return
    person = People(services.store, client, default_tz=services.config.timezone).get(
        team_id, user_id, now=services.clock.now()
    )
    snooze(services, proposal.id, user_id, next_morning(services.clock.now(), person.zone))
    replace_clicked(body, client, snoozed_message(proposal))  # the bot's own DM


def register(app: App) -> None:
    app.action(ids.SNOOZE)(handle_snooze)
