"""One running orgbot: services, Bolt app, scheduler, and the transport (HTTP or Socket Mode)."""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from slackbot.app import create_app, make_client
from slackbot.clock import Clock
from slackbot.config import Config
from slackbot.scheduling.scheduler import Scheduler
from slackbot.server import HttpServer, OrgbotWSGI
from slackbot.services import Services
from slackbot.store import StoreError

logger = logging.getLogger("orgbot")
# how long a `/healthz` answer is reused (see `Orgbot.health`)
HEALTH_CACHE = timedelta(seconds=1)


@contextlib.contextmanager
def quiet(*names: str) -> Iterator[None]:
    """Silence these loggers for a moment: while starting, a failure is reported once, as a
    StartError in words, not also as the libraries' ERROR line for every retry."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


class StartError(Exception):
    """orgbot cannot start as configured; the message names the setting and what to do."""


def unreachable(config: Config, error: BaseException) -> StartError:
    """Slack's Web API could not be reached at all (no answer, no such host, bad URL)."""
    reason = getattr(error, "reason", error)  # URLError wraps the socket error
    if isinstance(reason, socket.gaierror):
        what = "its host name does not resolve"
    elif isinstance(reason, TimeoutError | socket.timeout):
        what = "it did not answer in time"
    else:
        what = f"{getattr(reason, 'strerror', None) or reason}"
    return StartError(
        f"cannot reach Slack at SLACK_API_URL={config.api_url} ({what}). Check this machine's "
        "network, DNS and proxy; unset SLACK_API_URL unless you need another Slack API."
    )


def _bind_error(config: Config, error: OSError) -> StartError:
    where = f"HOST={config.host} PORT={config.port}"
    if error.errno == errno.EADDRINUSE:
        return StartError(
            f"{where}: that port is already in use (another orgbot?). Stop the other "
            "process, or set PORT to a free port."
        )
    if error.errno == errno.EACCES:
        return StartError(f"{where}: not allowed to listen there; use a PORT above 1023.")
    if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
        return StartError(
            f"{where}: HOST is not an address of this machine. Use 0.0.0.0 (every "
            "interface) or 127.0.0.1 (behind a proxy on this machine)."
        )
    return StartError(f"{where}: cannot listen ({error}).")


class Orgbot:
    """Builds the whole process from a `Config`.

    Args:
        config: the environment, already read.
        clock: the clock the core and scheduler use; the system clock by default.
        scheduler: start the background scheduler (`orgbot run` does; some tests don't).
        verify_token: call `auth.test` while building the app.
    """

    def __init__(
        self,
        config: Config,
        *,
        clock: Clock | None = None,
        scheduler: bool = True,
        verify_token: bool = True,
    ):
        self.config = config
        try:
            self.services = Services.open(config, clock=clock)
        except StoreError as error:
            raise StartError(f"ORGBOT_DB: {error}") from None
        problem = self.services.store.health_problem()  # opened, but can it be written?
        if problem is not None:
            self.services.store.close()
            raise StartError(f"ORGBOT_DB: {problem}")
        self.client = make_client(config)
        try:
            with quiet("slack_sdk"):
                self.app: App = create_app(
                    config, self.services, client=self.client, verify_token=verify_token
                )
        except BoltError as error:  # auth.test answered, with an error
            self.services.store.close()
            raise StartError(
                f"Slack refused the bot token ({error}). Check SLACK_BOT_TOKEN (xoxb-...) and "
                f"SLACK_API_URL ({config.api_url}); `orgbot check` tells more."
            ) from None
        except (OSError, ValueError) as error:  # no answer at all
            self.services.store.close()
            raise unreachable(config, error) from None
        posting = self.client
        if config.multi_workspace:
            # outside a request each workspace is reached with its own token
            from slackbot.installations.clients import TeamClients, TeamRoutedClient

            clients = TeamClients(
                self.services.installations,
                client_id=config.client_id or "",
                client_secret=config.client_secret or "",
                base=self.client,
            )
            posting = TeamRoutedClient.from_base(self.client, clients)
        self.scheduler = Scheduler(self.services, posting)
        self.services.scheduler = self.scheduler
        if scheduler:
            self.scheduler.start()
        self._http: HttpServer | None = None
        self._health_lock = threading.Lock()
        self._health_cache: tuple[datetime, tuple[bool, dict[str, Any]]] | None = None

    def health(self) -> tuple[bool, dict[str, Any]]:
        """`GET /healthz`, answered from a result at most `HEALTH_CACHE_S` old (by the
        services' clock): the endpoint needs no signature, and each probe commits a write,
        so a flood of checks costs at most one probe a second, not a write each. While a
        probe runs, other checks get the previous result rather than queue behind it."""
        if not self._health_lock.acquire(blocking=self._health_cache is None):
            return self._health_cache[1]  # type: ignore[index]  # a probe is under way
        try:
            now = self.services.clock.now()
            if self._health_cache is not None:
                at, result = self._health_cache
                if timedelta(0) <= now - at < HEALTH_CACHE:
                    return result
            result = self.probe_health()
            self._health_cache = (now, result)
            return result
        finally:
            self._health_lock.release()

    def probe_health(self) -> tuple[bool, dict[str, Any]]:
        """The database can be read and written now, and the scheduler runs.

        When not, `reason` says what is wrong in words (the file, and what to do)."""
        problem = self.services.store.health_problem()
        scheduler = self.scheduler.running
        ok = problem is None and scheduler
        status: dict[str, Any] = {
            "status": "ok" if ok else "unhealthy",
            "database": "ok" if problem is None else "unavailable",
            "scheduler": "running" if scheduler else "stopped",
        }
        if not ok:
            reasons = [f"database: {problem}"] if problem else []
            if not scheduler:
                reasons.append("the scheduler is not running; restart orgbot")
            status["reason"] = "; ".join(reasons)
        return ok, status

    def http_server(
        self, *, host: str | None = None, port: int | None = None, threads: int = 8
    ) -> HttpServer:
        """The HTTP server, bound to its port (not serving yet).

        Raises:
            StartError: the address cannot be listened on (port in use, unknown HOST).
        """
        try:
            self._http = HttpServer(
                OrgbotWSGI(self.app, self.health, signing_secret=self.config.signing_secret),
                host=host or self.config.host,
                port=self.config.port if port is None else port,
                threads=threads,
            )
        except OSError as error:
            raise _bind_error(self.config, error) from None
        except ValueError:  # waitress: "Invalid host/port specified." (HOST does not resolve)
            raise _bind_error(self.config, socket.gaierror(str(host or self.config.host))) from None
        return self._http

    def socket_mode(self) -> Any:
        """A Socket Mode connection for the app (Bolt's built-in handler; `connect()` it)."""
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        return SocketModeHandler(self.app, self.config.app_token)

    def connect_socket_mode(self) -> Any:
        """Open the Socket Mode connection (`apps.connections.open` with SLACK_APP_TOKEN).

        Raises:
            StartError: Slack refused the app-level token, or could not be reached.
        """
        handler = self.socket_mode()
        try:
            with quiet("slack_sdk", "slack_bolt", "orgbot.bolt"):
                handler.connect()
        except SlackApiError as error:
            handler.close()
            code = error.response.get("error")
            raise StartError(
                f"Slack refused SLACK_APP_TOKEN ({code}). Use the app-level token (xapp-...) "
                "from the app's Basic Information > App-Level Tokens, with the "
                "connections:write scope, and turn Socket Mode on for the app."
            ) from None
        except (OSError, ValueError) as error:
            handler.close()
            raise unreachable(self.config, error) from None
        logger.info("connected to Slack over Socket Mode")
        return handler

    def serve_socket_mode(self, handler: Any = None) -> None:
        """Connect to Slack over Socket Mode (unless given a connected handler) and block
        until SIGINT/SIGTERM."""
        import signal

        if handler is None:
            handler = self.connect_socket_mode()
        stop = threading.Event()

        def on_signal(signum: int, frame: Any) -> None:
            logger.info("received %s, shutting down", signal.Signals(signum).name)
            stop.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            stop.wait()
        finally:
            for s, h in previous.items():
                signal.signal(s, h)
            handler.close()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        self.scheduler.shutdown()
        self.services.background.shutdown(wait=True)
        self.services.store.close()
