"""`/org-proposal` and every way into the proposal modal: the command, the global
shortcut, the Home tab button, the button under a role comparison, and Edit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common import (
    action_value,
    after_ack_for,
    command_text,
    for_person,
    open_modal_for,
    proposal_ref,
    tell_soon,
)
from handlers.org_import import open_org_import
from handlers.policies import open_policies
from handlers.settings import open_settings
from slackbot import ids
from slackbot.policies.groups import usergroup_members
from slackbot.proposals import ProposalError, read_proposal_form
from slackbot.proposals.commands import (
    answer_org_proposal,
    edit_proposal_modal,
    find_person,
    form_policies,
    new_proposal_modal,
)
from slackbot.proposals.messenger import ProposalMessenger, announcement_key, recorded
from slackbot.proposals.metadata import FORM_CHANGED, BadMetadata, ProposalFormMetadata
from slackbot.proposals.model import Outcome
from slackbot.services import Services, catalog_from, services_from
from slackbot.submissions import AlreadySubmitted, Submission, once
from slackbot.ui.common import as_plain_text
from slackbot.workflows import WorkflowSteps

logger = logging.getLogger("orgbot.handlers")


def handle_org_proposal(
    ack: Ack, command: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """`list`, `show N`, `current`, `help` are answered in the ack; no text (or `settings`)
    opens a modal right after it (a trigger_id is good for three seconds)."""
    services = services_from(context)
    answer = answer_org_proposal(
        services,
        context.team_id,
        context.user_id,
        command_text(command),
        find_person=partial(find_person, services.members.resolver(context.team_id, client)),
    )
    if answer.modal is None:
        ack(response_type="ephemeral", **answer.message)
        # answers name holders from the stored member directory: an org imported by email
        # has none yet, so fetch it for the next answer
        if services.members.needs_refresh(context.team_id):
            services.background.submit(services.members.refresh_soon, context.team_id, client)
        return
    ack()
    if answer.modal == "import":
        for_person(
            context,
            command,
            client,
            respond,
            open_org_import,
            services,
            client,
            respond,
            context.team_id,
            context.user_id,
            command["trigger_id"],
        )
    elif answer.modal in ("settings", "policies"):
        for_person(
            context,
            command,
            client,
            respond,
            open_settings if answer.modal == "settings" else open_policies,
            services,
            client,
            respond,
            context.team_id,
            context.user_id,
            command["trigger_id"],
        )
    else:
        view = new_proposal_modal(
            services,
            context.team_id,
            channel_id=command.get("channel_id"),
            branch_root=answer.branch,
        )
        open_modal_for(context, command, client, respond, view, again="run /org-proposal again")


def handle_new_proposal_click(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """The shortcut, the Home tab button, or "Propose an org change" under a comparison
    (which pre-fills the structure with the roles compared)."""
    ack()
    role_ids: tuple[str, ...] = ()
    if (
        body.get("type") == "block_actions"
        and body["actions"][0]["action_id"] == ids.PROPOSE_FROM_COMPARISON
    ):
        role_ids = tuple(v for v in action_value(body).split(",") if v)
    channel_id = (body.get("channel") or {}).get("id")
    view = new_proposal_modal(
        services_from(context), context.team_id, channel_id=channel_id, role_ids=role_ids
    )
    open_modal_for(context, body, client, respond, view)


def handle_edit_click(
    ack: Ack, body: dict, context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Edit, for the author of an open proposal; anyone else is told why not."""
    ack()
    services = services_from(context)
    try:
        proposal = services.proposals.get(context.team_id, proposal_ref(body)[0])
        services.proposals.check_author(proposal, context.user_id, "edit", "edited")
    except ProposalError as error:
        tell_soon(context, body, client, respond, str(error))
        return
    open_modal_for(context, body, client, respond, edit_proposal_modal(services, proposal))


def handle_proposal_submission(
    ack: Ack, view: dict, body: dict, context: BoltContext, client: WebClient
) -> None:
    """Validate; store (a new proposal, or a new version); close the modal; then post or
    update the card and tell the reviewers. Mistakes come back inline, each on its field."""
    services = services_from(context)
    try:
        metadata = ProposalFormMetadata.loads(view.get("private_metadata"))
    except BadMetadata as error:
        logger.warning("refused a proposal form with bad private_metadata: %s", error)
        ack(response_action="errors", errors={ids.TITLE_BLOCK: FORM_CHANGED})
        return
    editing, base = metadata.proposal_id, metadata.base
    try:
        # an edit keeps the proposal's channel; the form has no channel field then
        editing_proposal = services.proposals.get(context.team_id, editing) if editing else None
        channel = editing_proposal.channel_id if editing_proposal else None
        policies = form_policies(services, context.team_id)
        if editing_proposal is not None and policies is not None:
            # an edit keeps the proposal's policy; the form has no policy field then
            policies = {"": editing_proposal.policy.uses_named_reviewers}
        people = services.members.resolver(context.team_id, client)
        current = services.proposals.current_org(context.team_id) if metadata.branch else None
        form = read_proposal_form(
            view["state"]["values"],
            catalog=catalog_from(context),
            author_id=context.user_id,
            today=services.today(context.team_id),
            fixed_channel=channel,
            people=people,
            policies=policies,
            branch_root=metadata.branch,
            current=current.structure if current else None,
        )
        if people.stale:  # an hour old or more: fresh names for the next one
            services.background.submit(services.members.refresh_soon, context.team_id, client)
        if form.errors:
            ack(response_action="errors", errors=form.errors)
            return
        policy = (
            editing_proposal.policy
            if editing_proposal is not None
            else services.proposals.policy_for(context.team_id, form.draft.policy_name)
        )
        groups = usergroup_members(client, policy)
        if editing:
            act = partial(
                services.proposals.edit,
                context.team_id,
                editing,
                context.user_id,
                form.draft,
                base_org_version=base,
                usergroups=groups,
            )
        else:
            act = partial(
                services.proposals.create,
                context.team_id,
                context.user_id,
                form.draft,
                base_org_version=base,
                usergroups=groups,
            )
            if metadata.step:  # the form of a workflow's "Start an org proposal" step
                act = partial(link_step, services, metadata.step, act)
        outcome = once(
            services.store,
            Submission.of(view, team_id=context.team_id, user_id=context.user_id),
            partial(recorded, services, act),
            now=services.clock.now(),
            result=lambda o: {"proposal_id": o.proposal.id, "version": o.proposal.version},
        )
    except AlreadySubmitted:
        ack()  # a replay or a second press: the first one did it all
        return
    except ProposalError as error:
        ack(response_action="errors", errors={ids.TITLE_BLOCK: as_plain_text(str(error))})
        return
    ack()
    step = None if editing else metadata.step
    after_ack_for(context, body, client, None, announce, services, client, outcome, step=step)


def link_step(services: Services, step: str, create: Callable[[], Outcome]) -> Outcome:
    """Create the proposal and link it to the workflow step that asked for it, in one
    transaction (the caller's)."""
    outcome = create()
    WorkflowSteps(services, None).link_proposal(step, outcome.proposal.id)
    return outcome


def announce(
    services: Services, client: WebClient, outcome: Outcome, *, step: str | None = None
) -> None:
    ProposalMessenger(client, services).announce_queued(announcement_key(outcome), outcome)
    if step:  # the card is posted (or refused): the workflow's step can go on
        WorkflowSteps(services, client).proposal_submitted(step)


def register(app: App) -> None:
    app.command(ids.ORG_PROPOSAL)(handle_org_proposal)
    app.shortcut(ids.NEW_PROPOSAL_SHORTCUT)(handle_new_proposal_click)
    app.action(ids.NEW_PROPOSAL_BUTTON)(handle_new_proposal_click)
    app.action(ids.PROPOSE_FROM_COMPARISON)(handle_new_proposal_click)
    app.action(ids.EDIT)(handle_edit_click)
    app.view(ids.PROPOSAL_MODAL)(handle_proposal_submission)
