"""`app.yaml`: reading it, filling in Request URLs, and checking it against the handlers."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

EVENTS_PATH = "/slack/events"
REDIRECT_PATH = "/slack/oauth_redirect"  # Slack's OAuth install flow (many workspaces)


def load_manifest() -> dict[str, Any]:
    """The manifest shipped with orgbot (`app.yaml` at the top of the repository)."""
    text = (resources.files("slackbot") / "app.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def request_url(base: str) -> str:
    """`https://bot.example.com` -> `https://bot.example.com/slack/events`; a URL that
    already has a path is kept as given."""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {base!r}")
    if parts.path in ("", "/"):
        return base.rstrip("/") + EVENTS_PATH
    return base


def with_request_url(manifest: dict[str, Any], url: str) -> dict[str, Any]:
    """The manifest with every Request URL set to `url` (HTTP mode)."""
    result = copy.deepcopy(manifest)
    features, settings = result["features"], result["settings"]
    for command in features.get("slash_commands", []):
        command["url"] = url
    settings["interactivity"]["request_url"] = url
    settings["event_subscriptions"]["request_url"] = url
    settings["socket_mode_enabled"] = False
    parts = urlsplit(url)
    result["oauth_config"]["redirect_urls"] = [f"{parts.scheme}://{parts.netloc}{REDIRECT_PATH}"]
    return result


def for_socket_mode(manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest for Socket Mode: no Request URLs, `socket_mode_enabled: true`."""
    result = copy.deepcopy(manifest)
    for command in result["features"].get("slash_commands", []):
        command.pop("url", None)
    result["settings"]["interactivity"].pop("request_url", None)
    result["settings"]["event_subscriptions"].pop("request_url", None)
    result["settings"]["socket_mode_enabled"] = True
    result["oauth_config"].pop("redirect_urls", None)  # one workspace: no OAuth install
    return result


def dump(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100)


@dataclass
class Surface:
    """The commands, global shortcuts, events and workflow steps (functions) of an app,
    from either side."""

    commands: set[str] = field(default_factory=set)
    shortcuts: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    functions: set[str] = field(default_factory=set)


def declared(manifest: dict[str, Any]) -> Surface:
    features = manifest.get("features", {})
    events = manifest.get("settings", {}).get("event_subscriptions", {}).get("bot_events", [])
    return Surface(
        commands={c["command"] for c in features.get("slash_commands", [])},
        shortcuts={
            s["callback_id"] for s in features.get("shortcuts", []) if s.get("type") == "global"
        },
        events=set(events),
        functions=set(manifest.get("functions") or {}),
    )


class ListenerRecorder:
    """Stands in for a Bolt `App` while `register_listeners` runs, noting every command,
    shortcut and event it registers and passing the registration on."""

    def __init__(self, app: Any):
        self._app = app
        self.surface = Surface()

    def command(self, command: str, *args: Any, **kwargs: Any) -> Any:
        self.surface.commands.add(command)
        return self._app.command(command, *args, **kwargs)

    def shortcut(self, constraints: Any, *args: Any, **kwargs: Any) -> Any:
        callback_id = (
            constraints if isinstance(constraints, str) else constraints.get("callback_id")
        )
        self.surface.shortcuts.add(callback_id)
        return self._app.shortcut(constraints, *args, **kwargs)

    def event(self, event: Any, *args: Any, **kwargs: Any) -> Any:
        self.surface.events.add(event if isinstance(event, str) else event.get("type"))
        return self._app.event(event, *args, **kwargs)

    def function(self, callback_id: str, *args: Any, **kwargs: Any) -> Any:
        self.surface.functions.add(callback_id)
        # Bolt hears a step through the `function_executed` event
        self.surface.events.add("function_executed")
        return self._app.function(callback_id, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._app, name)


def registered() -> Surface:
    """What `handlers.register_listeners` registers, recorded on a throwaway app."""
    from slack_bolt import App

    from handlers import register_listeners

    app = App(
        token="xoxb-manifest-check",
        signing_secret="manifest-check",
        token_verification_enabled=False,
    )
    recorder = ListenerRecorder(app)
    register_listeners(recorder)
    return recorder.surface


def mismatches(manifest: dict[str, Any] | None = None) -> list[str]:
    """Differences between `app.yaml` and the handlers, one line each; empty when in step."""
    have, want = registered(), declared(manifest or load_manifest())
    problems = []
    for kind in ("commands", "shortcuts", "events", "functions"):
        handled, listed = getattr(have, kind), getattr(want, kind)
        for name in sorted(handled - listed):
            problems.append(f"{kind[:-1]} {name} is handled but missing from app.yaml")
        for name in sorted(listed - handled):
            problems.append(f"{kind[:-1]} {name} is in app.yaml but nothing handles it")
    return problems
