"""`orgbot check`: is this orgbot ready to run, and is anything waiting on the admin?"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from slackbot.config import Config


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def run_checks(config: Config) -> list[CheckResult]:
    database = check_database(config)
    return [
        check_config(config),
        check_token(config),
        *([check_app_token(config)] if config.socket_mode else []),
        database,
        check_manifest(),
        # deliveries live in the database: with none usable, the line above says why
        *([check_deliveries(config)] if database.ok else []),
    ]


def _open(config: Config):
    """The database for a check: it must exist (a check never creates one)."""
    from slackbot.store import Store

    return Store(config.db_path, create=False)


def check_config(config: Config) -> CheckResult:
    missing = config.missing_for_run()
    if missing:
        return CheckResult("config", False, "missing " + "; ".join(missing))
    mode = "Socket Mode" if config.socket_mode else f"HTTP mode on {config.host}:{config.port}"
    return CheckResult("config", True, f"{mode}, time zone {config.timezone}")


def check_token(config: Config) -> CheckResult:
    if config.multi_workspace:
        # each workspace brings its own token through the OAuth install (slack_installations)
        return CheckResult("token", True, "many workspaces: a token per installation (OAuth)")
    if not config.bot_token:
        return CheckResult("token", False, "SLACK_BOT_TOKEN is not set")
    from slackbot.app import make_client
    from slackbot.ratelimit import INTERACTIVE, current_lane, set_lane
    from slackbot.runner import quiet, unreachable
    from slackbot.scheduling.delivery import retry_after

    lane = current_lane()
    set_lane(INTERACTIVE)  # a check answers now: a long Retry-After is reported, not slept
    try:
        with quiet("slack_sdk"):  # one line below says it; not an ERROR per retry too
            auth = make_client(config, timeout=5).auth_test()
    except SlackApiError as error:
        wait = retry_after(error)
        if wait is not None:
            return CheckResult(
                "token",
                False,
                f"Slack is rate-limiting this token just now (Retry-After {wait:g} s); the "
                "token was not checked. Run orgbot check again in a minute",
            )
        return CheckResult("token", False, f"auth.test answered {error.response.get('error')}")
    except (OSError, ValueError) as error:
        return CheckResult("token", False, str(unreachable(config, error)))
    finally:
        set_lane(lane)
    return CheckResult(
        "token", True, f"bot @{auth.get('user')} in {auth.get('team')} ({auth.get('team_id')})"
    )


def check_app_token(config: Config) -> CheckResult:
    """Socket Mode: Slack accepts SLACK_APP_TOKEN (`apps.connections.open`; the WebSocket
    address it hands out is left unused and expires)."""
    from slack_sdk import WebClient

    from slackbot.runner import quiet, unreachable

    client = WebClient(token=config.app_token, base_url=config.api_url, timeout=5)
    try:
        with quiet("slack_sdk"):
            client.apps_connections_open(app_token=config.app_token)
    except SlackApiError as error:
        code = error.response.get("error")
        return CheckResult(
            "app token",
            False,
            f"Slack refused SLACK_APP_TOKEN ({code}): use the app-level token (xapp-...) "
            "with the connections:write scope, and turn Socket Mode on for the app",
        )
    except (OSError, ValueError) as error:
        return CheckResult("app token", False, str(unreachable(config, error)))
    return CheckResult("app token", True, "Slack accepts SLACK_APP_TOKEN (Socket Mode)")


def check_database(config: Config) -> CheckResult:
    """Opens it (applying migrations, refusing a newer orgbot's), then SQLite's quick check."""
    from slackbot.store import StoreError

    try:
        store = _open(config)
    except StoreError as error:  # any failure to open is the finding itself
        return CheckResult("database", False, f"ORGBOT_DB: {error}")
    try:
        problems = store.quick_check()
        if problems:
            shown = "; ".join(problems[:3]) + ("; …" if len(problems) > 3 else "")
            return CheckResult(
                "database",
                False,
                f"{config.db_path}: SQLite's quick check found damage ({shown}). Restore a "
                "backup (docs/operations.md, Backups).",
            )
        problem = store.health_problem()
        if problem:
            return CheckResult("database", False, f"ORGBOT_DB: {problem}")
        applied = store.db["_sqlite_migrations"].count
        proposals = store.db["proposals"].count
        return CheckResult(
            "database",
            True,
            f"{config.db_path}: {applied} migrations applied, {proposals} proposals, "
            "quick check ok",
        )
    except sqlite3.DatabaseError as error:
        from slackbot.store.database import describe

        return CheckResult("database", False, f"ORGBOT_DB: {describe(config.db_path, error)}")
    finally:
        store.close()


def check_manifest() -> CheckResult:
    from slackbot.manifest import mismatches

    problems = mismatches()
    if problems:
        return CheckResult("app.yaml", False, "; ".join(problems))
    return CheckResult("app.yaml", True, "commands, shortcuts and events match the handlers")


def check_deliveries(config: Config) -> CheckResult:
    """Digests and reminders that failed, were given up, or have an unknown outcome."""
    from slackbot.scheduling.delivery import Deliveries
    from slackbot.store import StoreError

    try:
        store = _open(config)
    except StoreError:
        return CheckResult("deliveries", False, "not checked: the database cannot be used (above)")
    try:
        troubles = Deliveries(store).troubles()
    except sqlite3.DatabaseError as error:
        return CheckResult("deliveries", False, f"not checked: {error}")
    finally:
        store.close()
    if not troubles:
        return CheckResult("deliveries", True, "no failed or unsettled digests or reminders")
    lines = "; ".join(f"{d.key} {d.status} ({d.last_error})" for d in troubles[:10])
    more = f"; and {len(troubles) - 10} more" if len(troubles) > 10 else ""
    return CheckResult("deliveries", False, f"{len(troubles)} need attention: {lines}{more}")
