"""The app factory: a Bolt `App` wired to orgbot's services and listeners. No globals."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient

from slackbot.config import Config
from slackbot.own_workspace import learn_app_id
from slackbot.ratelimit import (
    RateLimitHandler,
    RepeatSafeConnectionRetryHandler,
    RepeatSafeServerErrorRetryHandler,
)
from slackbot.services import CATALOG_KEY, CONTEXT_KEY, Services
from slackbot.store.database import REQUEST_BUSY_TIMEOUT_MS, REQUEST_WRITE_WAIT_S

# How often a call answered 429 is retried after its Retry-After. slack_sdk's default is 1.
RATE_LIMIT_RETRIES = 5
logger = logging.getLogger("orgbot")


def make_client(config: Config, *, timeout: int = 10) -> WebClient:
    """A `WebClient` on `SLACK_API_URL` that waits out 429s (exactly `Retry-After`, up to
    five times a call), and retries connection failures and Slack's 500/503s, except for
    posting calls, which a retry could post twice."""
    for name in CLIENT_LOGGERS:
        _add_filter(name, _ClientFailureNotice)
    client = WebClient(token=config.bot_token, base_url=config.api_url, timeout=timeout)
    client.retry_handlers = [
        RepeatSafeConnectionRetryHandler(max_retry_count=2),
        RateLimitHandler(max_retry_count=RATE_LIMIT_RETRIES),
        RepeatSafeServerErrorRetryHandler(max_retry_count=2),
    ]
    return client


def shape_problem(body: dict[str, Any]) -> str | None:
    """What, in a payload, Bolt would read without checking and fail on (None: nothing).

    Slack always sends these parts in this shape; a signed payload without them comes
    from someone holding the signing secret, or a bug. Bolt reads `view.type` of every
    view submission (to tell a workflow step's) and `event.type` of every event, while
    building any listener's or middleware's arguments, and again in its error handler:
    a `view_submission` whose view had no `type` ended in a traceback and a 500.
    """
    view = body.get("view")
    if "view" in body and not (isinstance(view, dict) and isinstance(view.get("type"), str)):
        return "a view with no type"
    if "event" in body and not isinstance(body.get("event"), dict):
        return "an event that is not an object"
    return None


class OrgbotApp(App):
    """Bolt's `App`, refusing payloads Bolt would fail on before it reads them."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        body = req.body
        if isinstance(body, dict) and (problem := shape_problem(body)):
            # one line, as for any signed body that is not a Slack payload (server.py)
            logger.warning("refused a signed request that is not a Slack payload: %s", problem)
            return BoltResponse(status=400, body='{"error": "not a Slack payload"}')
        return super().dispatch(req)


class _TokenInClientNotice(logging.Filter):
    """Bolt warns "`token` will be unused" whenever SLACK_BOT_TOKEN is set and a client is
    given, which is exactly how orgbot is meant to run; the warning only adds noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


class _ClientFailureNotice(logging.Filter):
    """slack_sdk logs ERROR "Failed to send a request to Slack API server" on every network
    failure, next to orgbot's own warning that says what it means for the work at hand.
    Its line becomes an INFO line: hidden by default, shown with `-v` (the libraries' INFO)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.getMessage().startswith("Failed to send a request to Slack API server"):
            return True
        record.levelno, record.levelname = logging.INFO, "INFO"
        return logging.getLogger(record.name).isEnabledFor(logging.INFO)


# the loggers slack_sdk's Web API client and response_url client write that line to
CLIENT_LOGGERS = ("slack_sdk.web.base_client", "slack_sdk.webhook.client")


def _add_filter(logger_name: str, kind: type[logging.Filter]) -> None:
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, kind) for f in logger.filters):
        logger.addFilter(kind())


def create_app(
    config: Config,
    services: Services,
    *,
    client: WebClient | None = None,
    verify_token: bool = True,
) -> App:
    """Build the Bolt app.

    Args:
        config: where Slack is and the secrets to talk to it.
        services: the core (database, catalog, clock) the listeners use.
        client: a ready `WebClient`; by default one from `make_client(config)`.
        verify_token: call `auth.test` now, so a wrong token fails at start-up rather
            than on the first request.

    Returns:
        The app, in `process_before_response` mode: each listener acks with the answer
        it computed (sub-millisecond work) and hands slow Web API calls to
        `services.background`, so no request waits on Bolt's 10 ms ack polling.
    """
    from handlers import register_listeners
    from handlers.own_workspace import own_workspace_only

    bolt_logger = logging.getLogger("orgbot.bolt")
    _add_filter("orgbot.bolt", _TokenInClientNotice)
    client = client or make_client(config)
    oauth: dict = {}
    if config.multi_workspace:
        # many workspaces: Bolt finds each request's token in orgbot's installations
        from slackbot.installations.oauth import oauth_settings
        from slackbot.manifest import load_manifest

        oauth["oauth_settings"] = oauth_settings(
            config,
            services.installations,
            services.oauth_states,
            client=client,
            scopes=load_manifest()["oauth_config"]["scopes"]["bot"],
        )
        verify_token = False  # no one token to verify: each workspace brings its own
    app = OrgbotApp(
        # the token travels in the client (Bolt takes it from there)
        signing_secret=config.signing_secret or "",
        client=client,
        process_before_response=True,
        request_verification_enabled=not config.socket_mode,
        token_verification_enabled=verify_token,
        logger=bolt_logger,
        # requests from a workflow step carry the execution's own token; Bolt would swap it
        # into every listener's client. orgbot keeps the bot token there and uses the
        # execution's token only where Slack ties a call to the step (slackbot/workflows)
        attaching_function_token_enabled=False,
        **oauth,
    )
    if config.multi_workspace:
        from slackbot.installations.oauth import enterprise_memory

        app.middleware(enterprise_memory(services.installations))

    @app.middleware
    def put_services_in_context(context, next):
        context[CONTEXT_KEY] = services
        # a listener must answer within Slack's 3 s even when another writer holds the
        # database: it waits less, and the person is told to try again
        services.store.use_busy_timeout(REQUEST_BUSY_TIMEOUT_MS)
        # the workspace's catalog (its own roles over the shipped ones), cached per change
        context[CATALOG_KEY] = services.catalog_for(context.team_id)
        with services.store.answering(within=REQUEST_WRITE_WAIT_S):
            next()

    app.middleware(
        own_workspace_only(config.app_id or (learn_app_id(app.client) if verify_token else None))
    )
    register_listeners(app)
    return app
