"""HTTP mode: `POST /slack/events` into Bolt, `GET /healthz`, served by waitress.

waitress is a production WSGI server (pure Python, multi-threaded, no compiler needed),
unlike Bolt's built-in development server.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import build_context

from slackbot.signing import MAX_BODY_BYTES, read_signed_body

logger = logging.getLogger("orgbot.server")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")

Health = Callable[[], tuple[bool, dict[str, Any]]]


class _RequestHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, parsing one kind of body correctly that Bolt 1.x does not.

    Bolt decides a form body is an interactivity payload when the raw text contains
    "payload" anywhere, so `/role-compare payload` or a user named "payload-team" would
    reach no listener (404). Here such a body is re-read as the slash command it is.
    """

    def dispatch(self, request: Any) -> BoltResponse:
        raw = request.get_body()
        try:
            bolt_request = BoltRequest(
                body=raw, query=request.query_string, headers=request.get_headers()
            )
        except (ValueError, TypeError, AttributeError, KeyError):  # JSON that Slack never sends
            bolt_request = None
        if bolt_request is None or not isinstance(bolt_request.body, dict):
            # signed, so from Slack or someone holding the secret, but not a payload:
            # one line, no traceback, no body
            logger.warning("refused a signed request that is not a Slack payload")
            return BoltResponse(status=400, body='{"error": "not a Slack payload"}')
        if not bolt_request.body and "payload" in raw and not raw.lstrip().startswith("{"):
            fields = dict(parse_qsl(raw, keep_blank_values=True))
            if "payload" not in fields:
                bolt_request.body = fields
                bolt_request.context = build_context(BoltContext({}), fields)
        return self.app.dispatch(bolt_request)


class OrgbotWSGI:
    """The WSGI application: Slack's requests to Bolt, health checks answered directly.

    With a `signing_secret`, a request reaches Bolt only once its signature has been
    checked on the raw bytes (`slackbot.signing`): anything else gets a quiet 401 and one
    short log line, whatever its headers or body hold.
    """

    def __init__(self, app: App, health: Health, *, signing_secret: str | None = None):
        self.slack = _RequestHandler(app, path=EVENTS_PATH)
        self.health = health
        self.signing_secret = signing_secret

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            ok, status = self.health()
            body = json.dumps(status).encode()
            start_response(
                "200 OK" if ok else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body if method == "GET" else b""]
        if path in OAUTH_PATHS and method == "GET" and self.slack.app.oauth_flow is not None:
            # Slack's OAuth install flow, a person's browser: unsigned by design, protected
            # by the single-use, signed `state` (slackbot/installations)
            return self.slack(environ, start_response)
        if path == EVENTS_PATH and method == "POST":
            if self.signing_secret:
                signed = read_signed_body(
                    environ["wsgi.input"],
                    int(environ.get("CONTENT_LENGTH") or 0),
                    secret=self.signing_secret,
                    timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                    signature=environ.get("HTTP_X_SLACK_SIGNATURE"),
                    now=time.time(),
                )
                if signed.body is None:
                    # one short line: the reason is ours, never the sender's text
                    logger.info(
                        "refused a request from %s: %s", environ.get("REMOTE_ADDR"), signed.refusal
                    )
                    body = b'{"error": "invalid request"}'
                    start_response(
                        "401 Unauthorized",
                        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
                    )
                    return [body]
                environ = {**environ, "wsgi.input": io.BytesIO(signed.body)}
            return self.slack(environ, start_response)
        body = b"Not Found"
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
        return [body]


# How many connections waitress keeps open at once (its default, 100, let 100 idle
# connections hold every genuine request back), and how soon it drops one that sends
# nothing: Slack's requests finish within 3 seconds. See docs/operations.md.
CONNECTION_LIMIT = 500
IDLE_TIMEOUT = 20
CLEANUP_INTERVAL = 5


def _channel_class() -> type:
    """waitress's connection, minus a busy loop (built on first use: waitress is
    imported only in HTTP mode)."""
    from waitress.channel import HTTPChannel

    class Channel(HTTPChannel):
        """waitress's `HTTPChannel`, not polled for writing while a worker thread is
        writing its response.

        waitress asks to be told when the socket can take more output whenever a
        connection holds some. While a worker is still on the request, that output is
        the worker's, under the worker's lock (waitress flushes it from the worker,
        `send_bytes` being 1): the loop's `handle_write` finds the lock taken and writes
        nothing. A socket is nearly always ready for writing, so the loop woke at once
        and went round again, scanning every open connection in Python each time. Under
        a burst of 400 connections it spun (8 s of CPU in a 9 s burst) and held Python's
        GIL, which the worker had to win back to finish and every other thread (the one
        holding the database's write lock among them) after each SQLite call. The
        worker wakes the loop through its trigger when it finishes the request, and the
        loop asks again then. Output the worker could not send at once (a full socket
        buffer) goes out with its next write or when it finishes: orgbot's answers are
        written in one piece at the end, so that is at once. Past the high-water mark (a
        worker waits for the loop to drain it) a connection is polled as before.
        See docs/performance.md, "A burst".
        """

        def writable(self) -> bool:
            if (
                self.requests
                and not (self.will_close or self.close_when_flushed)
                and self.total_outbufs_len <= self.adj.outbuf_high_watermark
            ):
                return False
            return super().writable()

    return Channel


class HttpServer:
    """waitress on `host:port`, started in the foreground (`serve`) or a thread (`start`).

    waitress reads each request in full before a worker thread sees it (into a temporary
    file past 512 KiB), refuses a body over `MAX_BODY_BYTES` with 413 as soon as its
    Content-Length (or chunked size) says so, and closes connections idle for
    `IDLE_TIMEOUT` seconds; slow clients cost a socket, never a worker thread.
    """

    def __init__(self, wsgi: OrgbotWSGI, *, host: str, port: int, threads: int = 8):
        from waitress.server import create_server

        self._server = create_server(
            wsgi,
            host=host,
            port=port,
            threads=threads,
            ident="orgbot",
            clear_untrusted_proxy_headers=True,
            max_request_body_size=MAX_BODY_BYTES + 1,  # waitress refuses from this size on
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=IDLE_TIMEOUT,
            cleanup_interval=CLEANUP_INTERVAL,
            asyncore_use_poll=True,  # select() cannot watch more than 1024 sockets
        )
        self._server.channel_class = _channel_class()
        self._thread: threading.Thread | None = None
        self._wait_for_workers()

    def _wait_for_workers(self, timeout: float = 10.0) -> None:
        """Return once every worker thread waits for work. waitress counts a thread as
        busy until it first waits, so a request that came sooner (the first one, on a
        loaded machine) was queued with a 'Task queue depth is 1' warning as if all
        workers were taken."""
        dispatcher = self._server.task_dispatcher
        deadline = time.monotonic() + timeout
        while dispatcher.active_count > 0 and time.monotonic() < deadline:
            time.sleep(0.002)

    @property
    def port(self) -> int:
        return self._server.effective_port

    @property
    def url(self) -> str:
        return f"http://{self._server.effective_host}:{self.port}"

    def serve(self) -> None:
        """Serve in this (main) thread until SIGTERM or SIGINT, then return once in-flight
        requests have finished (waitress waits up to 5 s for its worker threads)."""

        def on_signal(signum: int, frame: Any) -> None:
            logger.info("received %s, shutting down", signal.Signals(signum).name)
            raise SystemExit(0)

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._server.run()  # returns after SystemExit/KeyboardInterrupt, workers drained
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
            self._server.close()

    def start(self) -> HttpServer:
        """Serve from a background thread (tests, benchmarks, the sandbox)."""
        self._thread = threading.Thread(target=self._run_quietly, name="orgbot-http", daemon=True)
        self._thread.start()
        return self

    def _run_quietly(self) -> None:
        # sockets closed under the loop during close() end it with one of these
        with contextlib.suppress(OSError, ValueError):
            self._server.run()

    def close(self) -> None:
        """Stop serving: let the worker threads finish the requests they hold, then close
        every socket from inside the event loop (so the loop wakes at once instead of at
        its next poll). A worker ends each request by waking the loop through its trigger
        socket: closed first, that was an ERROR 'Exception when servicing' with an EBADF
        traceback when orgbot stopped just after answering."""
        from waitress import wasyncore

        self._server.task_dispatcher.shutdown(timeout=5)
        sockets = self._server._map
        if self._thread is not None and self._thread.is_alive():
            with contextlib.suppress(OSError):  # the loop is already tearing down
                self._server.trigger.pull_trigger(lambda: wasyncore.close_all(sockets))
            self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            wasyncore.close_all(sockets)
