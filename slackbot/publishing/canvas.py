"""The canvas of the current org, kept up to date in the channel a workspace admin picked
(`/org-proposal settings`, "Canvas channel").

One canvas a workspace: made with `canvases.create` (with `channel_id`, so it is tabbed in
that channel) the first time, then rewritten whole with `canvases.edit` and one `replace`
change ("Only one operation per API call is currently supported";
docs.slack.dev/reference/methods/canvases.edit). A standalone canvas tabbed in the
channel, not the channel canvas (`conversations.canvases.create`), so a channel that already
has a canvas of its own can take this one too. Scope `canvases:write`.

Exactly once per org version: the delivery `canvas:<team>:v<org version>` is claimed
before the call; a replay, a second upkeep pass or another process finds it claimed or sent
and does nothing. An older version's row that is still due when a newer one exists is
skipped (the newer one draws the latest). The canvas id is stored (`org_canvases`) in the
same step that marks the row sent. A canvas someone deleted (`canvas_not_found`) is made
again; moving the setting to another channel makes a new one there.
"""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot.installations.clients import for_team
from slackbot.proposals.model import NotFound
from slackbot.scheduling.delivery import SENT, SKIPPED, Deliveries, retry_after
from slackbot.services import Services
from slackbot.settings import load_settings
from slackbot.slack_errors import error_code
from slackbot.ui.org_canvas import LastChange, org_canvas_markdown

logger = logging.getLogger("orgbot.canvas")

CANVAS = "canvas"
CANVAS_TITLE = "Org chart (orgbot)"
FAILURES = (SlackApiError, OSError)


def canvas_key(team_id: str, org_version: int) -> str:
    return f"canvas:{team_id}:v{org_version}"


class OrgCanvas:
    def __init__(self, client: WebClient | None, services: Services):
        self.client = client
        self.services = services
        self.deliveries = Deliveries(services.store)

    def now(self) -> datetime:
        return self.services.clock.now()

    def channel_for(self, team_id: str) -> str | None:
        settings = load_settings(
            self.services.store, team_id, default_timezone=self.services.config.timezone
        )
        return settings.canvas_channel

    # queueing -------------------------------------------------------------------------------

    def org_changed(self, team_id: str) -> str:
        """The current org changed (an approval, an effective date): queue and send the
        canvas update for its version, when the workspace has a canvas channel."""
        key = self._queue_current(team_id)
        return self.send(key) if key else SKIPPED

    def _queue_current(self, team_id: str) -> str | None:
        channel = self.channel_for(team_id)
        current = self.services.proposals.current_org(team_id)
        if not channel or current is None:
            return None
        key = canvas_key(team_id, current.version)
        self.deliveries.queue(
            key,
            team_id=team_id,
            kind=CANVAS,
            target=channel,
            now=self.now(),
            message={"org_version": current.version},
        )
        return key

    # A `sending` row a crash left is made due again by `Sender.reconcile` (kind `canvas` is
    # repeatable): canvases.edit with the whole document is safe to repeat; a create that a
    # crash interrupted may leave one canvas more (Slack gives no key to find it by).

    def due(self) -> int:
        """Workspaces whose canvas does not show their current org version yet (a new
        version, the setting just turned on), and failed updates whose retry is due."""
        if self.client is None:
            return 0
        teams = [
            row["team_id"]
            for row in self.services.store.db.query(
                "select team_id from settings where canvas_channel is not null "
                "and canvas_channel != ''"
            )
        ]
        for team_id in teams:
            self._queue_current(team_id)
        done = 0
        for delivery in self.deliveries.due_retries(self.now(), kinds=(CANVAS,)):
            if self.send(delivery.key) == SENT:
                done += 1
        return done

    # sending --------------------------------------------------------------------------------

    def send(self, key: str) -> str:
        """Bring the canvas to the org version of `key`, unless that is taken, not due or
        done. Never raises: a failure is recorded and retried by the upkeep."""
        if self.client is None:
            return "taken"
        delivery = self.deliveries.take(key, kind=CANVAS, now=self.now())
        if delivery is None:
            return "taken"
        try:
            return self._write(key, delivery.team_id, (delivery.message or {}).get("org_version"))
        except Exception as error:
            logger.exception("canvas %s failed; retried later", key)
            return self.deliveries.mark_failed(key, type(error).__name__, now=self.now())

    def _write(self, key: str, team_id: str, version: int | None) -> str:
        channel = self.channel_for(team_id)
        current = self.services.proposals.current_org(team_id)
        if not channel or current is None or current.version != version:
            # the setting was turned off, or a newer org version has its own row
            self.deliveries._update(key, status=SKIPPED, last_error="no longer needed")
            return SKIPPED
        markdown = self.markdown(team_id)
        content = {"type": "markdown", "markdown": markdown}
        stored = self._stored(team_id)
        try:
            if stored and stored["channel_id"] == channel:
                canvas_id = stored["canvas_id"]
                try:
                    for_team(self.client, team_id).canvases_edit(
                        canvas_id=canvas_id,
                        changes=[{"operation": "replace", "document_content": content}],
                    )
                except SlackApiError as error:
                    if error_code(error) != "canvas_not_found":
                        raise
                    canvas_id = self._create(channel, content, team_id)  # someone deleted it
            else:
                canvas_id = self._create(channel, content, team_id)
        except FAILURES as error:
            code = error_code(error)
            logger.warning("could not update the org canvas of %s: %s", team_id, code)
            return self.deliveries.mark_failed(key, code, now=self.now(), wait=retry_after(error))
        stamp = self.now().isoformat(timespec="seconds")
        with self.services.store.write() as db:
            db["org_canvases"].upsert(
                {
                    "team_id": team_id,
                    "channel_id": channel,
                    "canvas_id": canvas_id,
                    "org_version": version,
                    "created_at": stored["created_at"]
                    if stored and stored["canvas_id"] == canvas_id
                    else stamp,
                    "updated_at": stamp,
                },
                pk="team_id",
            )
            self.deliveries.mark_sent(key, channel_id=channel, ts=canvas_id, now=self.now())
        return SENT

    def _create(self, channel: str, content: dict, team_id: str | None = None) -> str:
        result = for_team(self.client, team_id).canvases_create(
            title=CANVAS_TITLE, channel_id=channel, document_content=content
        )
        return str(result["canvas_id"])

    def _stored(self, team_id: str) -> dict | None:
        rows = list(
            self.services.store.db.query("select * from org_canvases where team_id = ?", [team_id])
        )
        return rows[0] if rows else None

    def markdown(self, team_id: str) -> str:
        """The canvas's content for the workspace's current org."""
        current = self.services.proposals.current_org(team_id)
        if current is None:
            return ""
        names = self.services.members.shown_names(team_id, current.structure.holders())
        last = None
        if current.proposal_id:
            try:
                proposal = self.services.proposals.get(team_id, current.proposal_id)
            except NotFound:
                proposal = None
            if proposal is not None:
                last = LastChange(
                    number=proposal.number,
                    title=proposal.title,
                    link=self._permalink(proposal.channel_id, proposal.message_ts, team_id),
                    effective_on=_day(current.effective_on or current.approved_at.date()),
                )
        return org_canvas_markdown(
            current.structure, version=current.version, names=names.get, last_change=last
        )

    def _permalink(self, channel_id: str, ts: str | None, team_id: str | None = None) -> str | None:
        if not ts:
            return None
        base = self.services.workspace_url(self.client, team_id)
        if not base:
            return None
        return f"{base.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"
