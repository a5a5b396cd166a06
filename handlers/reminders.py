""" "Remind me tomorrow" on a review reminder."""

from __future__ import annotations

from slack_bolt import App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common import ack_only, action_value, tell
from slackbot import ids
from slackbot.people import People
from slackbot.proposals import ProposalError
from slackbot.reminders import next_morning, snooze
from slackbot.services import services_from
from slackbot.ui.reminder import snoozed_message


def snooze_reminders(body: dict, context: BoltContext, client: WebClient, respond: Respond) -> None:
    """Lazy: hold this person's reminders for the proposal until 09:00 tomorrow, their time."""
    services = services_from(context)
    try:
        proposal = services.proposals.get(context.team_id, int(action_value(body)))
    except ProposalError as error:
        tell(body, client, respond, str(error))
        return
    person = People(services.store, client, default_tz=services.config.timezone).get(
        context.team_id, context.user_id, now=services.clock.now()
    )
    snooze(services, proposal.id, context.user_id, next_morning(services.clock.now(), person.zone))
    respond(replace_original=True, **snoozed_message(proposal))


def register(app: App) -> None:
    app.action(ids.SNOOZE)(ack=ack_only, lazy=[snooze_reminders])
