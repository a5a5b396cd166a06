"""Configuration, read once from the environment (and a `.env` file) into a typed object.

The variable names are part of orgbot's interface contract (see `docs/configuration.md`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://slack.com/api/"
QUICK_START = "README.md, section 'Quick start'"


class ConfigError(ValueError):
    """The environment does not describe a runnable orgbot; the message says what to set."""


@dataclass(frozen=True)
class Config:
    """Everything orgbot reads from its environment.

    Build it with `Config.from_env()`; construct it directly in tests.
    """

    bot_token: str | None = None
    signing_secret: str | None = None
    app_token: str | None = None
    api_url: str = DEFAULT_API_URL
    db_path: str = "orgbot.db"
    host: str = "0.0.0.0"
    port: int = 3000
    timezone: str = "UTC"
    admins: frozenset[str] = field(default_factory=frozenset)
    app_id: str | None = None
    # how often the scheduler's upkeep sends what is queued or due again (cards, DMs,
    # redraws, failed posts); it also runs once at start
    upkeep_seconds: float = 30.0
    # Workflow Builder's "Start an org proposal" step fails when the person has not
    # submitted the proposal form within this many hours (ORGBOT_STEP_TIMEOUT_HOURS)
    step_timeout_hours: float = 72.0
    # many workspaces (Slack's OAuth install flow, `slackbot/installations`): all three set
    client_id: str | None = None
    client_secret: str | None = None
    state_secret: str | None = None

    @property
    def socket_mode(self) -> bool:
        """True when `SLACK_APP_TOKEN` is set: `orgbot run` connects over Socket Mode."""
        return bool(self.app_token)

    @property
    def multi_workspace(self) -> bool:
        """True when `SLACK_CLIENT_ID` is set: orgbot installs through Slack's OAuth flow
        into many workspaces, each with its own token (no `SLACK_BOT_TOKEN`)."""
        return bool(self.client_id)

    @property
    def oauth_authorize_url(self) -> str:
        """Slack's authorize page, next to `SLACK_API_URL` (a fake Slack has its own)."""
        if self.api_url == DEFAULT_API_URL:
            return "https://slack.com/oauth/v2/authorize"
        return self.api_url.rstrip("/").removesuffix("/api") + "/oauth/v2/authorize"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, dotenv: str | Path | None = ".env"
    ) -> Config:
        """Read the configuration.

        Args:
            environ: the variables to read; `os.environ` when omitted.
            dotenv: a `.env` file whose values fill in what `environ` lacks (the
                environment wins); `None` to skip it.

        Raises:
            ConfigError: a value is malformed (a bad port, an unknown time zone, a token
                of the wrong kind). Missing tokens are not an error here; see `require_run`.
        """
        env: dict[str, str] = {}
        if dotenv is not None and Path(dotenv).is_file():
            from dotenv import dotenv_values

            env.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        env.update(os.environ if environ is None else environ)

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        port_text = get("PORT") or "3000"
        try:
            port = int(port_text)
            if not 0 <= port <= 65535:
                raise ValueError
        except ValueError:
            raise ConfigError(
                f"PORT must be a number from 0 to 65535, not {port_text!r}."
            ) from None

        timezone = get("ORGBOT_TIMEZONE") or "UTC"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"ORGBOT_TIMEZONE must be an IANA time zone name such as Europe/Berlin or "
                f"America/New_York, not {timezone!r}."
            ) from None

        upkeep_text = get("ORGBOT_UPKEEP_SECONDS") or "30"
        try:
            upkeep_seconds = float(upkeep_text)
            if not 0 < upkeep_seconds <= 3600:
                raise ValueError
        except ValueError:
            raise ConfigError(
                f"ORGBOT_UPKEEP_SECONDS must be a number of seconds from 0.1 to 3600, not "
                f"{upkeep_text!r}."
            ) from None

        step_text = get("ORGBOT_STEP_TIMEOUT_HOURS") or "72"
        try:
            step_timeout_hours = float(step_text)
            if not 0 < step_timeout_hours <= 24 * 30:
                raise ValueError
        except ValueError:
            raise ConfigError(
                f"ORGBOT_STEP_TIMEOUT_HOURS must be a number of hours from 0.01 to 720 (how long "
                f"a workflow's 'Start an org proposal' step waits for the form), not {step_text!r}."
            ) from None

        api_url = get("SLACK_API_URL") or DEFAULT_API_URL
        try:
            parsed = urlsplit(api_url)
            valid = parsed.scheme in ("http", "https") and bool(parsed.hostname)
        except ValueError:
            valid = False
        if not valid:
            raise ConfigError(
                f"SLACK_API_URL must be an http(s) URL such as {DEFAULT_API_URL}, not "
                f"{api_url!r}. Unset it to use Slack's own."
            )
        if not api_url.endswith("/"):
            api_url += "/"

        app_id = get("SLACK_APP_ID")
        if app_id is not None and not re.fullmatch(r"A[A-Z0-9]{4,}", app_id):
            raise ConfigError(
                f"SLACK_APP_ID must be the app's ID, such as A0123ABCDEF (Slack app settings > "
                f"Basic Information > App Credentials), not {app_id!r}; or leave it unset."
            )

        admins = frozenset(
            part.strip() for part in (get("ORGBOT_ADMINS") or "").split(",") if part.strip()
        )
        not_ids = sorted(a for a in admins if not re.fullmatch(r"[UW][A-Z0-9]+", a))
        if not_ids:
            # a name or @handle would match nobody, and that person would be refused quietly
            raise ConfigError(
                f"ORGBOT_ADMINS must be Slack member IDs such as U0123ABCDEF, comma-separated "
                f"(a person's profile > ⋮ > Copy member ID), not {', '.join(map(repr, not_ids))}."
            )

        config = cls(
            bot_token=get("SLACK_BOT_TOKEN"),
            signing_secret=get("SLACK_SIGNING_SECRET"),
            app_token=get("SLACK_APP_TOKEN"),
            api_url=api_url,
            db_path=get("ORGBOT_DB") or "orgbot.db",
            host=get("HOST") or "0.0.0.0",
            port=port,
            timezone=timezone,
            admins=admins,
            app_id=app_id,
            upkeep_seconds=upkeep_seconds,
            step_timeout_hours=step_timeout_hours,
            client_id=get("SLACK_CLIENT_ID"),
            client_secret=get("SLACK_CLIENT_SECRET"),
            state_secret=get("SLACK_STATE_SECRET"),
        )
        config._check_token_kinds()
        return config

    def _check_token_kinds(self) -> None:
        if self.client_id and self.bot_token:
            raise ConfigError(
                "Set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID with "
                "SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (many workspaces, installed "
                "through Slack's OAuth flow), not both."
            )
        if self.client_id and self.app_token:
            raise ConfigError(
                "SLACK_CLIENT_ID (many workspaces) needs HTTP mode: unset SLACK_APP_TOKEN "
                "(Socket Mode) and set SLACK_SIGNING_SECRET."
            )
        if self.bot_token and not self.bot_token.startswith("xoxb-"):
            raise ConfigError(
                "SLACK_BOT_TOKEN must be a bot token starting with xoxb- (Slack app settings > "
                "OAuth & Permissions > Bot User OAuth Token)."
            )
        if self.app_token and not self.app_token.startswith("xapp-"):
            raise ConfigError(
                "SLACK_APP_TOKEN must be an app-level token starting with xapp- (Slack app "
                "settings > Basic Information > App-Level Tokens, scope connections:write)."
            )

    def missing_for_run(self) -> list[str]:
        """The variables `orgbot run` still needs, each with where to find it."""
        missing = []
        if self.multi_workspace:
            if not self.client_secret:
                missing.append(
                    "SLACK_CLIENT_SECRET  (Slack app settings > Basic Information > App "
                    "Credentials), with SLACK_CLIENT_ID"
                )
            if not self.state_secret:
                missing.append(
                    "SLACK_STATE_SECRET  (any long random text you choose, e.g. "
                    "`openssl rand -hex 32`: it signs the OAuth state parameter)"
                )
            if not self.signing_secret:
                missing.append(
                    "SLACK_SIGNING_SECRET  (Slack app settings > Basic Information > App "
                    "Credentials): installing into many workspaces needs HTTP mode"
                )
            return missing
        if not self.bot_token:
            missing.append("SLACK_BOT_TOKEN  (xoxb-..., Slack app settings > OAuth & Permissions)")
        if not self.socket_mode and not self.signing_secret:
            missing.append(
                "SLACK_SIGNING_SECRET  (Slack app settings > Basic Information > App Credentials)"
                "  - or set SLACK_APP_TOKEN (xapp-...) to use Socket Mode instead"
            )
        return missing

    def require_run(self) -> None:
        """Raise `ConfigError` naming every variable `orgbot run` lacks, and where to get it."""
        missing = self.missing_for_run()
        if missing:
            lines = "\n".join(f"  {m}" for m in missing)
            raise ConfigError(
                "orgbot needs these settings to talk to Slack:\n"
                f"{lines}\n"
                "Set them in the environment or in a .env file in this folder. To try orgbot "
                "without a Slack workspace first, run `orgbot sandbox`. Quick start: "
                f"{QUICK_START}"
            )
