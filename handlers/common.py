"""Pieces every listener module uses."""

from __future__ import annotations

import copy
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from slackbot.proposals.model import ProposalError
from slackbot.ratelimit import RateLimited
from slackbot.services import Services, services_from
from slackbot.slack_errors import error_code, explain_modal
from slackbot.ui.common import notice_modal, simple_message

logger = logging.getLogger("orgbot.handlers")

SORRY = (
    "Something went wrong on orgbot's side and nothing was changed. Please try again; "
    "if it keeps happening, give your admin this reference: {ref}"
)


def after_ack(context: BoltContext, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `fn` once Slack has its answer, on the posting lane: cards, replies, DMs."""
    services_from(context).background.submit(fn, *args, **kwargs)


def for_person(
    context: BoltContext,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    fn: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> None:
    """Run `fn` once Slack has its answer, on the interactive lane (a person is waiting:
    a modal to open, a view to update, an answer). If it fails unexpectedly the person is
    told so, with a reference for the log line, never left with nothing."""
    run = _telling_on_failure(body, client, respond, SORRY, fn, args, kwargs)
    services_from(context).background.interactive(run)


def _telling_on_failure(
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    words: str,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    *,
    passing: tuple[type[Exception], ...] = (),
) -> Callable[[], None]:
    """`fn(*args, **kwargs)`, which, if it fails unexpectedly (not with one of `passing`),
    logs the error with a reference and tells the person `words` with that reference."""

    def run() -> None:
        try:
            fn(*args, **kwargs)
        except passing:
            raise
        except Exception:
            ref = uuid.uuid4().hex[:8]
            logger.exception("%s failed (ref %s)", getattr(fn, "__qualname__", fn), ref)
            tell(body, client, respond, words.format(ref=ref))

    run.__qualname__ = getattr(fn, "__qualname__", "after_ack")
    return run


SAVED_BUT = (
    "What you did is saved, but something went wrong on orgbot's side while showing it in "
    "Slack; orgbot tries again by itself. If nothing changes in a few minutes, give your "
    "admin this reference: {ref}"
)


def after_ack_for(
    context: BoltContext,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    fn: Callable[..., Any],
    *args: Any,
    **kwargs: Any,
) -> None:
    """`after_ack` (posting lane) for work that follows a change a person made: if it
    fails unexpectedly, they are told that their change is saved and what to do."""
    # a RateLimited is put back by the pool, not a failure
    run = _telling_on_failure(
        body, client, respond, SAVED_BUT, fn, args, kwargs, passing=(RateLimited,)
    )
    services_from(context).background.submit(run)


def user_of(body: dict[str, Any]) -> str:
    """Who acted: `user.id` in interactions and events, `user_id` in slash commands."""
    return (body.get("user") or {}).get("id") or body.get("user_id") or ""


def channel_of(body: dict[str, Any]) -> str | None:
    return (body.get("channel") or {}).get("id") or body.get("channel_id")


def tell(
    body: dict[str, Any], client: WebClient, respond: Respond, message: dict[str, Any] | str
) -> None:
    """Show the acting user a message only they see: through the response_url when the
    command or click came from a message, else ephemerally in the channel, else (Home tab,
    modals) by DM."""
    payload = simple_message(message) if isinstance(message, str) else message
    user_id = user_of(body)
    try:
        if body.get("response_url"):
            respond(response_type="ephemeral", replace_original=False, **payload)
            return
        channel = channel_of(body)
        if channel and not channel.startswith("D"):
            client.chat_postEphemeral(channel=channel, user=user_id, **payload)
        else:
            client.chat_postMessage(channel=user_id, **payload)
    except (SlackApiError, OSError) as error:
        logger.warning("could not tell %s: %s", user_id, error)


def action_value(body: dict[str, Any]) -> str:
    action = body["actions"][0]
    if action.get("selected_option"):
        return action["selected_option"]["value"]
    value = action.get("value", "")
    return value if isinstance(value, str) else ""


# seconds to wait for `views.open` before telling the person Slack is too slow
OPEN_TIMEOUT = 5
# a form's submission is acked within Slack's 3 s; the admin check may take this much of it
ADMIN_CHECK_TIMEOUT = 1.5


def typed_text(view: dict[str, Any], block_id: str, action_id: str = "value") -> str:
    """What the person typed into a view's plain_text_input (empty when the block or its
    value is missing: Slack leaves an untouched optional input out or null)."""
    state = (view.get("state") or {}).get("values") or {}
    return ((state.get(block_id) or {}).get(action_id) or {}).get("value") or ""


def with_timeout(client: WebClient, seconds: float) -> WebClient:
    """The same client, waiting at most `seconds` for an answer: for calls a person (or
    Slack's 3-second deadline) is waiting on."""
    quick = copy.copy(client)
    quick.timeout = min(client.timeout, seconds)
    return quick


def is_admin_before_ack(context: BoltContext, client: WebClient) -> bool:
    """Whether the person submitting a form is an admin, in time for the ack: from what
    orgbot knows, or (when the check that followed the modal's opening has not finished
    yet) from a quick `users.info`. Slack not answering in time counts as no."""
    services = services_from(context)
    if services.is_admin(context.team_id, context.user_id, cached=True):
        return True
    return services.is_admin(
        context.team_id, context.user_id, with_timeout(client, ADMIN_CHECK_TIMEOUT)
    )


def open_modal(
    client: WebClient,
    trigger_id: str,
    view: dict[str, Any],
    *,
    tell_person: Callable[[str], Any] | None = None,
    again: str = "try again",
) -> str | None:
    """views.open; the new view's id, or None when Slack refused or did not answer in
    time (an expired trigger, a 429, a 5xx, a refused token). Then the person is told in
    words through `tell_person`, not left looking at nothing."""
    # a trigger id dies 3 s after the click: waiting long for Slack's answer only keeps the
    # person waiting for the bad news
    opener = with_timeout(client, OPEN_TIMEOUT)
    try:
        return opener.views_open(trigger_id=trigger_id, view=view)["view"]["id"]
    except (SlackApiError, OSError) as error:
        logger.warning("could not open a modal: %s", error_code(error))
        if tell_person is not None:
            tell_person(explain_modal(error, again=again))
        return None


def open_for_admins(
    services: Services,
    client: WebClient,
    respond: Respond,
    *,
    team_id: str,
    user_id: str,
    trigger_id: str,
    view: dict[str, Any],
    again: str,
    refusal: str,
    title: str,
) -> None:
    """Open `view` at once (the trigger id dies 3 s after the command), then ask Slack
    whether this person is an admin (a slow `users.info` must not expire the trigger) and
    turn the modal into a polite no (`refusal`, under `title`) if not. The submission is
    checked again."""
    view_id = open_modal(
        client,
        trigger_id,
        view,
        tell_person=lambda words: respond(response_type="ephemeral", **simple_message(words)),
        again=again,
    )
    if view_id is None or services.is_admin(team_id, user_id, client):
        return
    replace_with_refusal(client, respond, view_id=view_id, words=refusal, title=title)


def replace_with_refusal(
    client: WebClient, respond: Respond, *, view_id: str, words: str, title: str
) -> None:
    """Turn a modal opened before a permission check into a polite no; if Slack will not
    update it, say the same in an ephemeral message."""
    try:
        client.views_update(view_id=view_id, view=notice_modal(title, words))
    except (SlackApiError, OSError) as error:
        logger.warning("could not replace a modal with a refusal: %s", error_code(error))
        respond(response_type="ephemeral", **simple_message(words))


BAD_BUTTON = (
    "That button is no longer valid, so nothing was changed. `/org-proposal list` shows "
    "the proposals and their buttons."
)
# what orgbot writes in a proposal button's value: `12:3` or `12`, numbers SQLite can hold
_PROPOSAL_REF = re.compile(r"([1-9][0-9]{0,17})(?::([1-9][0-9]{0,17}))?")


class BadButton(ProposalError):
    """A button value orgbot never wrote (a forged or mangled request)."""


def proposal_ref(body: dict[str, Any]) -> tuple[int, int | None]:
    """(proposal id, version) from a proposal button's value: `12:3`, or `12` for buttons
    that do not depend on the version (Edit, Withdraw, Post again). Every proposal button
    parses its value here. Raises: BadButton (a ProposalError: its words are for the
    person), after one warning in the log."""
    value = action_value(body)
    match = _PROPOSAL_REF.fullmatch(value)
    if match is None:
        action_id = (body.get("actions") or [{}])[0].get("action_id")
        logger.warning("refused %s with a malformed button value %.40r", action_id, value)
        raise BadButton(BAD_BUTTON)
    proposal_id, version = match.groups()
    return int(proposal_id), int(version) if version else None


def command_text(command: dict[str, Any]) -> str:
    """A slash command's text as typed. Slack sends `&`, `<` and `>` as `&amp;`, `&lt;`,
    `&gt;`; `coo & cfo` must reach the parser as typed."""
    text = command.get("text") or ""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def open_modal_for(
    context: BoltContext,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    view: dict[str, Any],
    *,
    again: str = "try again",
) -> None:
    """Open `view` right after the ack, on the interactive lane (the trigger id in `body`
    dies 3 s after the click); if Slack refuses, tell the person what happened."""
    for_person(
        context,
        body,
        client,
        respond,
        open_modal,
        client,
        body["trigger_id"],
        view,
        tell_person=lambda words: tell(body, client, respond, words),
        again=again,
    )


def tell_soon(
    context: BoltContext,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    message: dict[str, Any] | str,
) -> None:
    """`tell` the person right after the ack, on the interactive lane."""
    services_from(context).background.interactive(tell, body, client, respond, message)


def clicked_message(body: dict[str, Any]) -> tuple[str, str] | None:
    """(channel id, ts) of the bot's own message that holds the clicked button, or None
    (an ephemeral message, a modal, the Home tab)."""
    container = body.get("container") or {}
    if (
        container.get("type") == "message"
        and not container.get("is_ephemeral")
        and container.get("channel_id")
        and container.get("message_ts")
    ):
        return container["channel_id"], container["message_ts"]
    return None


def replace_message(
    client: WebClient,
    where: tuple[str, str] | None,
    message: dict[str, Any] | str,
    *,
    response_url: str | None = None,
) -> None:
    """Replace a message orgbot showed: its own with `chat.update` (the bot owns it, and a
    `response_url` works only 5 times within 30 minutes), an ephemeral one through the
    response_url it came with."""
    payload = simple_message(message) if isinstance(message, str) else message
    try:
        if where is not None:
            client.chat_update(channel=where[0], ts=where[1], **payload)
        elif response_url:
            WebhookClient(response_url).send_dict({"replace_original": True, **payload})
    except (SlackApiError, OSError) as error:
        logger.warning("could not replace the message: %s", error_code(error))


def replace_clicked(body: dict[str, Any], client: WebClient, message: dict[str, Any] | str) -> None:
    """Replace the message whose button was clicked (see `replace_message`)."""
    replace_message(client, clicked_message(body), message, response_url=body.get("response_url"))


def from_home(body: dict[str, Any]) -> bool:
    """The click came from the app's Home tab."""
    return (body.get("view") or {}).get("type") == "home"
