"""A proposal's before/after picture in Slack: drawn (`slackbot.pictures.render_png`),
uploaded with slack_sdk's `files_upload_v2` (Slack's current upload flow:
files.getUploadURLExternal, the POST of the bytes, files.completeUploadExternal) and shared
in the card's thread, once per proposal version.

Why the thread and not an `image` block in the card. An image block can show a Slack-hosted
file (`slack_file: {id}` or `{url}`), but "the user posting these blocks must have access to
this file" (docs.slack.dev/reference/block-kit/composition-objects/slack-file-object). A
file uploaded without a channel is private: only the bot has it, and a message using it is
refused with `invalid_blocks` "invalid slack file" (python-slack-sdk #1658, bolt-python
#1251, java-slack-sdk #1349, answered by Slack's SDK maintainers). Uploads are also
processed asynchronously (files.getUploadURLExternal: "Files are processed asynchronously
via a job handler"; slack-github-action #413), so a card redrawn with a file that is not
ready yet could be refused. A refused `chat.update` would leave the card without the
decisions it must show. So the picture is shared in the card's thread, where Slack renders
it natively to everyone in the channel, and the card only says where it is: the card never
depends on an upload.

Exactly once: the delivery `picture:<team>:<proposal>:v<version>` is claimed before the
upload; its file is named `proposal-<number>-v<version>.png`, so after a crash or an
uncertain failure (a timeout, a 5xx on the completing call) the thread is searched for that
file before anything is uploaded again. A failure never touches the card: the row is due
again with backoff (at `Retry-After` after a 429) and the scheduler's upkeep retries it.
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from slackbot.installations.clients import for_team
from slackbot.proposals.model import OPEN_STATUSES, NotFound, Proposal
from slackbot.scheduling.delivery import (
    FAILED,
    SENDING,
    SENT,
    SKIPPED,
    Deliveries,
    retry_after,
)
from slackbot.services import Services
from slackbot.slack_errors import error_code
from slackbot.slack_history import outcome_uncertain

logger = logging.getLogger("orgbot.pictures")

PICTURE = "picture"
UPLOAD_FAILURES = (SlackApiError, SlackRequestError, OSError)
MAX_BOXES = 200  # a legible overview in a thread; a before/after keeps its changes in view


def picture_key(team_id: str, proposal_id: int, version: int) -> str:
    return f"picture:{team_id}:{proposal_id}:v{version}"


def picture_filename(proposal: Proposal) -> str:
    return f"proposal-{proposal.number}-v{proposal.version}.png"


def upload_uncertain(error: Exception) -> bool:
    """True when the file may have been shared despite the error. A failed upload step
    (an HTTP error from the upload URL, or slack_sdk's "Failed to upload a file") comes
    before files.completeUploadExternal, so nothing was shared."""
    if isinstance(error, (SlackRequestError, urllib.error.HTTPError)):
        return False
    return outcome_uncertain(error)


def shared_file_id(
    client: WebClient, team_id: str, channel: str, thread_ts: str, filename: str
) -> str | None:
    """The id of a file named `filename` orgbot already shared in the thread; None when
    there is none or the thread cannot be read (then it is uploaded again: a picture twice
    is better than none)."""
    try:
        replies = for_team(client, team_id).conversations_replies(
            channel=channel, ts=thread_ts, limit=200
        )
    except UPLOAD_FAILURES as error:
        logger.warning("could not read thread %s in %s: %s", thread_ts, channel, error_code(error))
        return None
    for message in replies.get("messages", []):
        for shared in message.get("files") or []:
            if shared.get("name") == filename:
                return str(shared.get("id") or "")
    return None


def upload_for_delivery(
    deliveries: Deliveries,
    client: WebClient,
    key: str,
    *,
    team_id: str,
    channel: str,
    now: Callable[[], Any],
    **upload: Any,
) -> str:
    """Share a file with `files_upload_v2` for the delivery `key` and record how it went:
    SENT (the file id kept as the delivery's ts), or the failure's status from
    `Deliveries.mark_failed` (retried by the upkeep; uncertain failures look first)."""
    try:
        result = for_team(client, team_id).files_upload_v2(channel=channel, **upload)
    except UPLOAD_FAILURES as error:
        code = error_code(error)
        logger.warning("could not upload %s: %s", upload.get("filename"), code)
        return deliveries.mark_failed(
            key, code, now=now(), uncertain=upload_uncertain(error), wait=retry_after(error)
        )
    file_id = (result.get("file") or {}).get("id") or ""
    deliveries.mark_sent(key, channel_id=channel, ts=file_id, now=now())
    return SENT


class ProposalPictures:
    """Uploads each open proposal version's before/after picture into its card's thread."""

    def __init__(
        self,
        client: WebClient | None,
        services: Services,
        *,
        redraw: Callable[[Proposal], None] | None = None,
    ):
        self.client = client
        self.services = services
        self.deliveries = Deliveries(services.store)
        self.redraw = redraw  # redraw the card once its picture is in the thread

    def now(self):
        return self.services.clock.now()

    # what the card shows -----------------------------------------------------------------

    def shared(self, proposal: Proposal) -> bool:
        """The picture of the proposal's current version is in its card's thread."""
        delivery = self.deliveries.get(picture_key(proposal.team_id, proposal.id, proposal.version))
        return delivery is not None and delivery.status == SENT

    # queueing and sending -----------------------------------------------------------------

    def after_change(self, proposal: Proposal) -> str:
        """Queue and send the picture of the proposal's latest version (a new card, an
        edit); nothing when it has no card yet (the upkeep queues it once it has one)."""
        try:
            latest = self.services.proposals.get(proposal.team_id, proposal.id)
        except NotFound:
            return SKIPPED
        if not latest.message_ts or latest.status not in OPEN_STATUSES:
            return SKIPPED
        key = picture_key(latest.team_id, latest.id, latest.version)
        self.deliveries.queue(
            key,
            team_id=latest.team_id,
            kind=PICTURE,
            target=latest.channel_id,
            now=self.now(),
            proposal_id=latest.id,
            message={"version": latest.version},
        )
        return self.send(key)

    def queue_missing(self) -> int:
        """Open proposals with a card and no picture for their current version (the card
        was posted by a retry, or a process died before queueing it)."""
        rows = list(
            self.services.store.db.query(
                "select id, team_id, version, channel_id from proposals p "
                "where message_ts is not null and status in (?, ?) and not exists "
                "(select 1 from deliveries d where d.key = "
                "'picture:' || p.team_id || ':' || p.id || ':v' || p.version)",
                list(OPEN_STATUSES),
            )
        )
        for row in rows:
            self.deliveries.queue(
                picture_key(row["team_id"], row["id"], row["version"]),
                team_id=row["team_id"],
                kind=PICTURE,
                target=row["channel_id"],
                now=self.now(),
                proposal_id=row["id"],
                message={"version": row["version"]},
            )
        return len(rows)

    def due(self) -> int:
        """Send queued pictures and failed ones whose retry is due; settle any a dead
        process left half-sent. Returns how many were shared."""
        if self.client is None:
            return 0
        self.reconcile()
        self.queue_missing()
        done = 0
        for delivery in self.deliveries.due_retries(self.now(), kinds=(PICTURE,)):
            if self.send(delivery.key) == SENT:
                done += 1
        return done

    def reconcile(self) -> None:
        """`sending` rows of a process that died (see `Deliveries.stale`): due again now,
        checking the thread first, since the file may have been shared."""
        for delivery in self.deliveries.stale(self.now()):
            if delivery.kind == PICTURE and delivery.status == SENDING:
                self.deliveries._update(
                    delivery.key,
                    status=FAILED,
                    verify=1,
                    last_error="interrupted",
                    next_attempt_at=self.now().isoformat(timespec="seconds"),
                )

    def send(self, key: str) -> str:
        """Upload the picture of one proposal version unless another thread or process has
        it, it is not due, or it is done. Never raises: a failure is recorded and retried."""
        if self.client is None:
            return "taken"
        delivery = self.deliveries.take(key, kind=PICTURE, now=self.now())
        if delivery is None:
            return "taken"
        try:
            # "interrupted": a crash left it half-sent (see `reconcile`): look before uploading
            verify = delivery.verify or delivery.last_error == "interrupted"
            return self._upload(key, delivery.proposal_id or 0, verify=verify)
        except Exception as error:  # a drawing bug must not stop the rest of the upkeep
            logger.exception("picture %s failed; retried later", key)
            return self.deliveries.mark_failed(key, type(error).__name__, now=self.now())

    def _upload(self, key: str, proposal_id: int, *, verify: bool) -> str:
        delivery = self.deliveries.get(key)
        assert delivery is not None
        version = (delivery.message or {}).get("version")
        try:
            proposal = self.services.proposals.get(delivery.team_id, proposal_id)
        except NotFound:
            proposal = None
        if proposal is None or not proposal.message_ts or proposal.version != version:
            # gone, or a newer version was written: that version gets its own picture
            self.deliveries._update(key, status=SKIPPED, last_error="no longer needed")
            return SKIPPED
        filename = picture_filename(proposal)
        if verify and (
            found := shared_file_id(
                self.client, proposal.team_id, proposal.channel_id, proposal.message_ts, filename
            )
        ):
            self.deliveries.mark_sent(key, channel_id=proposal.channel_id, ts=found, now=self.now())
            self._redraw(proposal)
            return SENT
        png, alt = self._draw(proposal)
        status = upload_for_delivery(
            self.deliveries,
            self.client,
            key,
            team_id=proposal.team_id,
            channel=proposal.channel_id,
            now=self.now,
            content=png,
            filename=filename,
            title=f"#{proposal.number} before and after (version {proposal.version})",
            alt_txt=alt,
            thread_ts=proposal.message_ts,
            initial_comment=(
                f"The chart before and after proposal #{proposal.number}, "
                f"version {proposal.version}."
            ),
        )
        if status == SENT:
            self._redraw(proposal)
        return status

    def _draw(self, proposal: Proposal) -> tuple[bytes, str]:
        from slackbot.pictures import render_png

        current = self.services.proposals.current_org(proposal.team_id)
        before = current.structure if current else None
        branch_root = getattr(proposal, "branch_root", None)
        if before is not None and branch_root:
            # a branch proposal is drawn against that branch of the current org, not the
            # whole org (whose other positions it leaves as they are)
            from slackbot.org.branch import BranchError, branch_of

            try:
                before = branch_of(before, branch_root)
            except BranchError:
                before = None
        holders = proposal.structure.holders() + (before.holders() if before else [])
        names = self.services.members.shown_names(proposal.team_id, holders)
        png = render_png(
            proposal.structure,
            before=before,
            names=names.get,
            title=f"#{proposal.number} {proposal.title}",
            max_boxes=MAX_BOXES,
        )
        n = len(proposal.structure)
        alt = (
            f"Org chart of proposal #{proposal.number} (version {proposal.version}): "
            f"{n} position{'s' if n != 1 else ''}, changes against the current org marked."
        )
        return png, alt[:1000]

    def _redraw(self, proposal: Proposal) -> None:
        if self.redraw is not None:
            try:
                self.redraw(proposal)
            except Exception:  # the card is redrawn by the upkeep if this fails
                logger.exception("redrawing the card of #%s after its picture", proposal.number)


def card_note(proposal: Proposal) -> dict[str, Any]:
    """The context block an open card carries: where its picture is. Static, so that the
    card is never redrawn for a picture (nor waits for one)."""
    return {
        "type": "context",
        "block_id": f"picture-v{proposal.version}",
        "elements": [
            {
                "type": "mrkdwn",
                "text": ":frame_with_picture: The chart before and after each version is "
                "shared in this card's thread.",
            }
        ],
    }
