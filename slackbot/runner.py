"""One running orgbot: services, Bolt app, scheduler, and the transport (HTTP or Socket Mode)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from slackbot.app import create_app, make_client
from slackbot.clock import Clock
from slackbot.config import Config
from slackbot.scheduler import Scheduler
from slackbot.server import HttpServer, OrgbotWSGI
from slackbot.services import Services

logger = logging.getLogger("orgbot")


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
        self.services = Services.open(config, clock=clock)
        self.client = make_client(config)
        self.app: App = create_app(
            config, self.services, client=self.client, verify_token=verify_token
        )
        self.scheduler = Scheduler(self.services, self.client)
        self.services.scheduler = self.scheduler
        if scheduler:
            self.scheduler.start()
        self._http: HttpServer | None = None

    def health(self) -> tuple[bool, dict[str, Any]]:
        """`GET /healthz`: the database answers and the scheduler runs."""
        database = self.services.store.ping()
        scheduler = self.scheduler.running
        ok = database and scheduler
        return ok, {
            "status": "ok" if ok else "unhealthy",
            "database": "ok" if database else "unreachable",
            "scheduler": "running" if scheduler else "stopped",
        }

    def http_server(
        self, *, host: str | None = None, port: int | None = None, threads: int = 8
    ) -> HttpServer:
        self._http = HttpServer(
            OrgbotWSGI(self.app, self.health, signing_secret=self.config.signing_secret),
            host=host or self.config.host,
            port=self.config.port if port is None else port,
            threads=threads,
        )
        return self._http

    def socket_mode(self) -> Any:
        """A Socket Mode connection for the app (Bolt's built-in handler; `connect()` it)."""
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        return SocketModeHandler(self.app, self.config.app_token)

    def serve_socket_mode(self) -> None:
        """Connect to Slack over Socket Mode and block until SIGINT/SIGTERM."""
        import signal
        import threading

        handler = self.socket_mode()
        stop = threading.Event()

        def on_signal(signum: int, frame: Any) -> None:
            logger.info("received %s, shutting down", signal.Signals(signum).name)
            stop.set()

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            handler.connect()
            logger.info("connected to Slack over Socket Mode")
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
