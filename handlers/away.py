"""Delegation from the Home tab: "Away…" (who decides for you, until when) and "Back now"."""

from __future__ import annotations

from datetime import date

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common import open_modal_for
from handlers.home import republish_home
from slackbot import ids
from slackbot.policies import delegation
from slackbot.services import services_from
from slackbot.ui.policies_modal import away_modal, away_saved_view


def handle_away_click(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Open the "Away" modal."""
    ack()
    services = services_from(context)
    open_modal_for(context, body, client, respond, away_modal(services.today(context.team_id)))


def handle_back_click(ack: Ack, context: BoltContext, client: WebClient) -> None:
    """End the person's delegation and show the Home tab without it."""
    ack()
    services = services_from(context)
    with services.store.write() as db:
        delegation.cancel(db, context.team_id, context.user_id, now=services.clock.now())
    republish_home(context, client, context.team_id, context.user_id)


def handle_away_submission(ack: Ack, view: dict, context: BoltContext, client: WebClient) -> None:
    """Store the delegation (errors inline), confirm, refresh the Home tab."""
    services = services_from(context)
    values = view["state"]["values"]

    def picked(block: str, key: str):
        return ((values.get(block) or {}).get("value") or {}).get(key)

    delegate = picked(ids.AWAY_TO_BLOCK, "selected_user")
    until = picked(ids.AWAY_UNTIL_BLOCK, "selected_date")
    starts = picked(ids.AWAY_FROM_BLOCK, "selected_date")
    today = services.today(context.team_id)
    if not delegate or not until:
        block = ids.AWAY_TO_BLOCK if not delegate else ids.AWAY_UNTIL_BLOCK
        ack(response_action="errors", errors={block: "Fill this in."})
        return
    try:
        with services.store.write() as db:
            made = delegation.set_away(
                db,
                context.team_id,
                context.user_id,
                delegate,
                starts=date.fromisoformat(starts) if starts else today,
                ends=date.fromisoformat(until),
                today=today,
                now=services.clock.now(),
            )
    except delegation.DelegationError as error:
        block = ids.AWAY_TO_BLOCK if "someone else" in str(error) else ids.AWAY_UNTIL_BLOCK
        ack(response_action="errors", errors={block: str(error)})
        return
    ack(
        response_action="update",
        view=away_saved_view(
            f"From {made.starts:%a %-d %b} until {made.ends:%a %-d %b %Y}, <@{made.delegate_id}> "
            "decides for you. *Back now* on the Home tab (or `/org-proposal back`) ends it."
        ),
    )
    republish_home(context, client, context.team_id, context.user_id)


def register(app: App) -> None:
    app.action(ids.AWAY_BUTTON)(handle_away_click)
    app.action(ids.BACK_BUTTON)(handle_back_click)
    app.view(ids.AWAY_MODAL)(handle_away_submission)
