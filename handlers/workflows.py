"""Workflow Builder steps (Bolt custom steps, `app.function`) and the pieces of the
*Start an org proposal* step a person acts on: the button in its DM and closing its form.

Bolt acknowledges `function_executed` itself; the listener records the run and hands the
work to the posting lane. `complete`/`fail` are called by `slackbot.workflows` once each,
with the execution's token, from the run's stored outcome (also after a restart).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common import action_value, after_ack, open_modal_for, tell_soon
from slackbot import ids
from slackbot.proposals.commands import new_proposal_modal
from slackbot.proposals.metadata import BadMetadata, ProposalFormMetadata
from slackbot.services import services_from
from slackbot.workflows import WorkflowSteps, as_step

logger = logging.getLogger("orgbot.handlers")

NOT_YOURS = "This proposal form was sent to <@{person}> by a workflow; only they can open it."
STEP_OVER = (
    "This workflow step has ended, so the form can no longer be opened. To propose a "
    "change anyway, run `/org-proposal`."
)
UNKNOWN_STEP = "That button belongs to a workflow step orgbot does not know. Run `/org-proposal` to propose a change."


def handle_step(event: dict, context: BoltContext, client: WebClient) -> None:
    """Any of orgbot's steps ran in a workflow: record the run (a repeated event finds it),
    then do the step's work after the ack."""
    steps = WorkflowSteps(services_from(context), client)
    execution = steps.started(event, team_id=context.team_id or "")
    if execution is not None:
        after_ack(context, steps.run, execution)


def handle_open_step_form(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """The DM's button: open the proposal form the workflow filled in, with the
    execution's token (Slack ties the form to the workflow's run)."""
    ack()
    services = services_from(context)
    steps = WorkflowSteps(services, client)
    execution = steps.executions.get(action_value(body))
    if execution is None or execution.callback_id != ids.START_PROPOSAL_STEP:
        tell_soon(context, body, client, respond, UNKNOWN_STEP)
        return
    if context.user_id != execution.person_id:
        tell_soon(context, body, client, respond, NOT_YOURS.format(person=execution.person_id))
        return
    if not execution.running or execution.proposal_id is not None:
        tell_soon(context, body, client, respond, STEP_OVER)
        return
    view = new_proposal_modal(
        services,
        execution.team_id,
        step=execution.execution_id,
        **steps.form_inputs(execution),
    )
    token = body.get("bot_access_token") or execution.token
    open_modal_for(context, body, as_step(client, token), respond, view)


def handle_proposal_form_closed(
    ack: Ack, view: dict, context: BoltContext, client: WebClient
) -> None:
    """The proposal form was closed; when a workflow step opened it, that step fails."""
    ack()
    try:
        metadata = ProposalFormMetadata.loads(view.get("private_metadata"))
    except BadMetadata as error:
        logger.warning("ignored a closed proposal form with bad private_metadata: %s", error)
        return
    if metadata.step:
        steps = WorkflowSteps(services_from(context), client)
        after_ack(context, steps.form_closed, metadata.step, context.user_id or "")


def register(app: App) -> None:
    for callback_id in (
        ids.COMPARE_ROLES_STEP,
        ids.START_PROPOSAL_STEP,
        ids.WAIT_FOR_DECISION_STEP,
    ):
        app.function(callback_id)(handle_step)
    app.action(ids.STEP_OPEN_PROPOSAL)(handle_open_step_form)
    app.view_closed(ids.PROPOSAL_MODAL)(handle_proposal_form_closed)
