"""`/org-proposal policies`: the workspace's review policies as TOML, for admins only."""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common import is_admin_before_ack, open_for_admins, typed_text
from slackbot import ids
from slackbot.policies.repository import list_policies, remove_others, save_policies
from slackbot.policies.toml_io import PolicyError, dump_policies, read_policies
from slackbot.services import Services, services_from
from slackbot.submissions import AlreadySubmitted, Submission, once
from slackbot.ui.policies_modal import MAX_TOML, policies_modal, policies_saved_view

logger = logging.getLogger("orgbot.handlers")
ONLY_ADMINS = (
    "Only workspace admins and the people listed in ORGBOT_ADMINS can change the review "
    "policies. Ask one of them."
)


def open_policies(
    services: Services,
    client: WebClient,
    respond: Respond,
    team_id: str,
    user_id: str,
    trigger_id: str,
) -> None:
    """After the ack of `/org-proposal policies`: the modal, for admins only."""
    text = dump_policies(list_policies(services.store.db, team_id), header="")
    open_for_admins(
        services,
        client,
        respond,
        team_id=team_id,
        user_id=user_id,
        trigger_id=trigger_id,
        view=policies_modal(text if len(text) <= MAX_TOML else ""),
        again="run `/org-proposal policies` again",
        refusal=ONLY_ADMINS,
        title="Review policies",
    )


def handle_policies_submission(
    ack: Ack, view: dict, context: BoltContext, client: WebClient
) -> None:
    """Validate every policy in the text, then store them all (or none: the error inline)."""
    services = services_from(context)
    if not is_admin_before_ack(context, client):
        ack(response_action="errors", errors={ids.POLICIES_BLOCK: ONLY_ADMINS})
        return
    text = typed_text(view, ids.POLICIES_BLOCK)
    try:
        policies = read_policies(text, source="The policies")
    except PolicyError as error:
        ack(response_action="errors", errors={ids.POLICIES_BLOCK: str(error)[:2000]})
        return

    def save():
        # the modal holds every policy: one left out of the text is removed
        now = services.clock.now()
        with services.store.write() as db:
            saved = save_policies(
                db, context.team_id, policies, by=context.user_id, now=now, via="slack"
            )
            names = [p.name for p in saved]
            return saved, remove_others(db, context.team_id, names, by=context.user_id, now=now)

    try:
        saved = once(
            services.store,
            Submission.of(view, team_id=context.team_id, user_id=context.user_id),
            save,
            now=services.clock.now(),
        )
    except AlreadySubmitted:
        ack()
        return
    ack(response_action="update", view=policies_saved_view(*saved))


def register(app: App) -> None:
    app.view(ids.POLICIES_MODAL)(handle_policies_submission)
