"""`/org-proposal import`: an admin pastes the org as CSV, sees every problem inline, then
confirms; the import is one new org version (slackbot/org/importing.py)."""

from __future__ import annotations

import json
import logging
from functools import partial

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from handlers.common import is_admin_before_ack, open_for_admins, typed_text, with_timeout
from slackbot import ids
from slackbot.org.emails import LookupFailed, SlackPeople
from slackbot.org.importing import import_org, plan_import
from slackbot.proposals.metadata import FORM_CHANGED, BadMetadata, whole_number
from slackbot.services import Services, catalog_from, services_from
from slackbot.submissions import AlreadySubmitted, Submission, once
from slackbot.ui.common import notice_modal
from slackbot.ui.org_import_modal import CHECK, CONFIRM, org_import_modal

logger = logging.getLogger("orgbot.handlers")
ONLY_ADMINS = (
    "Only workspace admins and the people listed in ORGBOT_ADMINS can import the org. Ask "
    "one of them, or ask the person who runs orgbot to add you."
)
LOOKUP_TIMEOUT = 2.0  # seconds for each Slack call while the person waits for the check
SHOWN = 1900  # characters of problems on the field; the rest is counted


def open_org_import(
    services: Services,
    client: WebClient,
    respond,
    team_id: str,
    user_id: str,
    trigger_id: str,
) -> None:
    """After the ack of `/org-proposal import`: the paste form, for admins only."""
    open_for_admins(
        services,
        client,
        respond,
        team_id=team_id,
        user_id=user_id,
        trigger_id=trigger_id,
        view=org_import_modal(),
        again="run `/org-proposal import` again",
        refusal=ONLY_ADMINS,
        title="Import the org",
    )


def handle_org_import_submission(
    ack: Ack, view: dict, body: dict, context: BoltContext, client: WebClient
) -> None:
    """Check the CSV (problems inline, on the field), show what the import changes, and on
    the second press import it."""
    services = services_from(context)
    field = ids.ORG_IMPORT_CSV_BLOCK
    if not is_admin_before_ack(context, client):
        ack(response_action="errors", errors={field: ONLY_ADMINS})
        return
    try:
        step, seen = read_metadata(view.get("private_metadata"))
    except BadMetadata as error:
        logger.warning("refused an import form with bad private_metadata: %s", error)
        ack(response_action="errors", errors={field: FORM_CHANGED})
        return
    text = typed_text(view, field)
    try:
        plan = plan_import(
            services.store,
            context.team_id,
            text,
            catalog=catalog_from(context),
            people=SlackPeople(with_timeout(client, LOOKUP_TIMEOUT)),
        )
    except LookupFailed as error:
        ack(
            response_action="errors",
            errors={field: f"Holders could not be looked up in Slack: {error} Try again."},
        )
        return
    if not plan.ok:
        ack(response_action="errors", errors={field: problems_text(plan.result.problems)})
        return
    version = plan.current.version if plan.current else 0
    if step == CHECK or seen != version:
        # checked: say what it would do, and import on the next press (again, if the org
        # changed since this person looked)
        ack(
            response_action="update",
            view=org_import_modal(text=text, summary=plan.summary(), version=version),
        )
        return
    now = services.clock.now()
    try:
        imported = once(
            services.store,
            Submission.of(view, team_id=context.team_id, user_id=context.user_id),
            partial(
                import_org,
                services.store,
                context.team_id,
                plan.result.structure,
                by=context.user_id,
                now=now,
            ),
            now=now,
            result=lambda v: {"version": v.version},
        )
    except AlreadySubmitted:
        ack()
        return
    ack(
        response_action="update",
        view=notice_modal(
            "Org imported",
            f"Imported as version {imported.version} of the org: {plan.summary()[0]} "
            "`/org-proposal current` shows it.",
        ),
    )


def read_metadata(text: str | None) -> tuple[str, int]:
    """(step, the org version the person saw). Raises: BadMetadata."""
    try:
        data = json.loads(text or "")
    except ValueError:
        raise BadMetadata("not JSON") from None
    if not isinstance(data, dict) or data.get("step") not in (CHECK, CONFIRM):
        raise BadMetadata("no step")
    return data["step"], whole_number(data.get("version"), "version", minimum=0) or 0


def problems_text(problems: list[str]) -> str:
    """Every problem, one a line, as many as the field's error shows; then how many more."""
    lines: list[str] = []
    used = 0
    for i, problem in enumerate(problems):
        if used + len(problem) + 1 > SHOWN and lines:
            lines.append(f"…and {len(problems) - i} more problem(s) after these.")
            break
        lines.append(problem)
        used += len(problem) + 1
    return f"{len(problems)} problem(s); nothing was imported:\n" + "\n".join(lines)


def register(app: App) -> None:
    app.view(ids.ORG_IMPORT_MODAL)(handle_org_import_submission)
