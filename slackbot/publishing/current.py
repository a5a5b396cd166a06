"""The picture of the current org, uploaded once per org version and reused: `/org-proposal
current` and the Home tab link to it.

Where it is shared: in the thread of the card of the proposal that made the version (the
people who decided it are there), else (a version imported from CSV) in the workspace's
canvas channel, else nowhere (the answers then show the text tree alone, as before). It is
shared, not kept private, for the reason `pictures.py` gives: only a shared file can be
seen by anyone but the bot. The answers link to it rather than embed it in an `image`
block: an ephemeral answer or a Home tab that Slack refused over a file would show nothing
at all, and a link cannot be refused.

Exactly once per version: the delivery `org-picture:<team>:v<version>`, claimed before the
upload, the file named `org-v<version>.png` and looked for in the thread after a crash.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from slackbot.proposals.model import NotFound, OrgVersion
from slackbot.publishing.pictures import MAX_BOXES, shared_file_id, upload_for_delivery
from slackbot.scheduling.delivery import SENT, SKIPPED, Deliveries
from slackbot.services import Services
from slackbot.settings import known_teams, load_settings

logger = logging.getLogger("orgbot.pictures")

ORG_PICTURE = "org-picture"


def org_picture_key(team_id: str, version: int) -> str:
    return f"org-picture:{team_id}:v{version}"


class CurrentChart:
    def __init__(self, client: WebClient | None, services: Services):
        self.client = client
        self.services = services
        self.deliveries = Deliveries(services.store)

    def now(self):
        return self.services.clock.now()

    # where it goes, and the link the answers show ------------------------------------------

    def _place(self, current: OrgVersion) -> tuple[str, str | None, int | None] | None:
        """(channel, thread ts, proposal number) where the version's picture is shared."""
        if current.proposal_id:
            try:
                made_by = self.services.proposals.get(current.team_id, current.proposal_id)
            except NotFound:
                made_by = None
            if made_by is not None and made_by.message_ts:
                return made_by.channel_id, made_by.message_ts, made_by.number
        settings = load_settings(
            self.services.store, current.team_id, default_timezone=self.services.config.timezone
        )
        if settings.canvas_channel:
            return settings.canvas_channel, None, None
        return None

    def note(self, current: OrgVersion | None) -> str | None:
        """The line `/org-proposal current` and the Home tab show once the picture of the
        current version is shared: where to see it, linked (never calls Slack: it may be
        part of an ack)."""
        if current is None:
            return None
        delivery = self.deliveries.get(org_picture_key(current.team_id, current.version))
        if delivery is None or delivery.status != SENT:
            return None
        place = self._place(current)
        if place is None:
            return None
        channel, thread_ts, number = place
        if thread_ts is None:
            return (
                f":frame_with_picture: The picture of version {current.version} is in <#{channel}>."
            )
        base = self.services.known_workspace_url(current.team_id)
        where = f"the thread of proposal #{number}'s card"
        if base:
            link = f"{base.rstrip('/')}/archives/{channel}/p{thread_ts.replace('.', '')}"
            where = f"<{link}|{where}>"
        return f":frame_with_picture: The picture of version {current.version} is in {where}."

    # queueing and sending -----------------------------------------------------------------

    def org_changed(self, team_id: str) -> str:
        key = self._queue_current(team_id)
        return self.send(key) if key else SKIPPED

    def _queue_current(self, team_id: str) -> str | None:
        current = self.services.proposals.current_org(team_id)
        if current is None:
            return None
        key = org_picture_key(team_id, current.version)
        self.deliveries.queue(
            key,
            team_id=team_id,
            kind=ORG_PICTURE,
            target="",
            now=self.now(),
            message={"org_version": current.version},
        )
        return key

    def due(self) -> int:
        if self.client is None:
            return 0
        for team_id in known_teams(self.services.store):
            self._queue_current(team_id)
        done = 0
        for delivery in self.deliveries.due_retries(self.now(), kinds=(ORG_PICTURE,)):
            if self.send(delivery.key) == SENT:
                done += 1
        return done

    def send(self, key: str) -> str:
        """Upload the picture of one org version once. Never raises."""
        if self.client is None:
            return "taken"
        delivery = self.deliveries.take(key, kind=ORG_PICTURE, now=self.now())
        if delivery is None:
            return "taken"
        try:
            verify = delivery.verify or delivery.last_error == "interrupted"
            version = (delivery.message or {}).get("org_version")
            return self._upload(key, delivery.team_id, version, verify=verify)
        except Exception as error:
            logger.exception("org picture %s failed; retried later", key)
            return self.deliveries.mark_failed(key, type(error).__name__, now=self.now())

    def _upload(self, key: str, team_id: str, version: int | None, *, verify: bool) -> str:
        current = self.services.proposals.current_org(team_id)
        place = self._place(current) if current is not None else None
        if current is None or current.version != version or place is None:
            reason = "no longer needed" if place is not None else "nowhere to share it"
            self.deliveries._update(key, status=SKIPPED, last_error=reason)
            return SKIPPED
        channel, thread_ts, _number = place
        filename = f"org-v{current.version}.png"
        if (
            verify
            and thread_ts
            and (found := shared_file_id(self.client, team_id, channel, thread_ts, filename))
        ):
            self.deliveries.mark_sent(key, channel_id=channel, ts=found, now=self.now())
            return SENT
        from slackbot.pictures import render_png

        names = self.services.members.shown_names(team_id, current.structure.holders())
        png = render_png(
            current.structure,
            names=names.get,
            title=f"The org, version {current.version}",
            max_boxes=MAX_BOXES,
        )
        n = len(current.structure)
        return upload_for_delivery(
            self.deliveries,
            self.client,
            key,
            team_id=team_id,
            channel=channel,
            now=self.now,
            content=png,
            filename=filename,
            title=f"The org chart, version {current.version}",
            alt_txt=(
                f"The org chart, version {current.version}: {n} position{'s' if n != 1 else ''}."
            ),
            thread_ts=thread_ts,
            initial_comment=f"The org chart now: version {current.version}.",
        )
