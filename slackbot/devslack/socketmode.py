"""Slack's Socket Mode, played on loopback: a minimal WebSocket server (RFC 6455: the
upgrade handshake, text, ping/pong and close frames) that sends envelopes to the app and
collects its acknowledgements.

The app connects to it exactly as to Slack: `apps.connections.open` (with the app-level
token) hands out this server's `ws://` URL, slack_sdk's built-in client opens it, and Bolt's
`SocketModeHandler` answers every envelope with `{"envelope_id": ..., "payload": ...}`.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import uuid
from typing import Any

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class SocketModeServer:
    def __init__(self, host: str = "127.0.0.1"):
        self._listener = socket.create_server((host, 0))
        self.url = f"ws://{host}:{self._listener.getsockname()[1]}/link/"
        self._client: socket.socket | None = None
        self._send_lock = threading.Lock()
        self._acks: dict[str, dict[str, Any]] = {}
        self._changed = threading.Condition()
        self._stopped = False
        threading.Thread(target=self._accept, name="fake-socket-mode", daemon=True).start()

    # the app's side ------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._client is not None

    def wait_connected(self, timeout: float = 10.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: self._client is not None, timeout):
                raise AssertionError("the app did not connect over Socket Mode")

    def send(self, kind: str, payload: dict[str, Any], *, timeout: float = 10.0) -> dict[str, Any]:
        """Send one envelope (`slash_commands`, `interactive`, `events_api`) and return the
        app's acknowledgement (`{"envelope_id": ..., "payload": {...}}`)."""
        self.wait_connected(timeout)
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        self._send_frame(TEXT, json.dumps(envelope).encode())
        with self._changed:
            if not self._changed.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(f"no acknowledgement for envelope {envelope_id} ({kind})")
            return self._acks.pop(envelope_id)

    def stop(self) -> None:
        self._stopped = True
        if self._client is not None:
            with contextlib.suppress(OSError):
                self._send_frame(CLOSE, struct.pack("!H", 1001))
            self._client.close()
        self._listener.close()

    # the wire --------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                request += chunk
            headers = dict(
                line.split(": ", 1) for line in request.decode().split("\r\n")[1:] if ": " in line
            )
            key = {k.lower(): v for k, v in headers.items()}["sec-websocket-key"].strip()
            accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
            conn.sendall(
                (
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
                ).encode()
            )
            with self._changed:
                self._client = conn
                self._changed.notify_all()
            self._send_frame(TEXT, json.dumps({"type": "hello", "num_connections": 1}).encode())
            while True:
                opcode, data = _read_frame(conn)
                if opcode == TEXT:
                    message = json.loads(data)
                    with self._changed:
                        self._acks[message["envelope_id"]] = message
                        self._changed.notify_all()
                elif opcode == PING:
                    self._send_frame(PONG, data)
                elif opcode == CLOSE:
                    return
        except (OSError, ValueError, KeyError):
            return
        finally:
            with self._changed:
                if self._client is conn:
                    self._client = None
            conn.close()

    def _send_frame(self, opcode: int, data: bytes) -> None:
        assert self._client is not None
        length = len(data)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._send_lock:
            self._client.sendall(header + data)


def _read_exactly(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _read_frame(conn: socket.socket) -> tuple[int, bytes]:
    first, second = _read_exactly(conn, 2)
    opcode, masked, length = first & 0x0F, second & 0x80, second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", _read_exactly(conn, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", _read_exactly(conn, 8))
    mask = _read_exactly(conn, 4) if masked else b"\0\0\0\0"
    payload = _read_exactly(conn, length)
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
