"""`/role-compare add|edit`: the role modal for a workspace's own roles, for admins only."""

from __future__ import annotations

import json
import logging

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from handlers.common import is_admin_before_ack, open_for_admins
from roles import Catalog, CatalogError
from slackbot import ids
from slackbot.services import Services, catalog_from, services_from
from slackbot.ui.common import simple_message
from slackbot.ui.role_form import role_form_modal, role_saved_modal
from slackbot.workspace_roles.form import (
    FORM_SOURCE,
    RoleFormRequest,
    form_errors,
    read_role_form,
    role_form_start,
)
from slackbot.workspace_roles.toml_io import role_to_data

logger = logging.getLogger("orgbot.handlers")
ONLY_ADMINS = (
    "Only workspace admins and the people listed in ORGBOT_ADMINS can add or change this "
    "workspace's roles. `/role-compare list` shows the roles there are; ask an admin to add one."
)


def open_role_form(
    services: Services,
    catalog: Catalog,
    client: WebClient,
    respond: Respond,
    *,
    team_id: str,
    user_id: str,
    trigger_id: str,
    channel_id: str | None,
    request: RoleFormRequest,
) -> None:
    """After the ack: the modal pre-filled from the role named, for admins only (see
    `open_for_admins`)."""
    role, problem = role_form_start(catalog, request)
    if problem:
        respond(response_type="ephemeral", **simple_message(problem))
        return
    open_for_admins(
        services,
        client,
        respond,
        team_id=team_id,
        user_id=user_id,
        trigger_id=trigger_id,
        view=role_form_modal(catalog, mode=request.mode, role=role, channel_id=channel_id),
        again="run the command again",
        refusal=ONLY_ADMINS,
        title="Workspace roles",
    )


def handle_role_form_submission(
    ack: Ack, view: dict, context: BoltContext, client: WebClient
) -> None:
    """Validate every field with the catalog's own rules; save; show the saved role."""
    services = services_from(context)
    if not is_admin_before_ack(context, client):
        ack(response_action="errors", errors={"title": ONLY_ADMINS})
        return
    catalog = catalog_from(context)
    metadata = json.loads(view.get("private_metadata") or "{}")
    base = catalog.get(metadata.get("base") or "")
    base_data = role_to_data(base) if base else None
    if base_data and metadata.get("mode") == "add":
        for key in ("id", "title", "abbreviation", "aliases"):
            base_data.pop(key, None)
    result = read_role_form(
        view["state"]["values"],
        catalog=catalog,
        base=base_data,
        check=lambda entries: services.catalogs.check(context.team_id, entries),
    )
    if result.errors:
        ack(response_action="errors", errors=result.errors)
        return
    try:
        [role] = services.catalogs.save(
            context.team_id,
            [(FORM_SOURCE, result.data)],
            by=context.user_id,
            now=services.clock.now(),
            via="slack",
        )
    except CatalogError as error:  # another admin changed the roles meanwhile
        ack(response_action="errors", errors=form_errors(error))
        return
    saved = services.catalog_for(context.team_id)
    ack(response_action="update", view=role_saved_modal(role, saved, user_id=context.user_id))


def register(app: App) -> None:
    app.view(ids.ROLE_FORM)(handle_role_form_submission)
