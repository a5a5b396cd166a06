"""`orgbot` (also `python -m slackbot`): run the bot, and the admin's tools beside it.

Each subcommand is a function `cmd_<name>(args) -> int` (the exit status); `docs/cli.md`
documents every one, and a test checks that it does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from slackbot import __version__
from slackbot.config import Config, ConfigError
from slackbot.logsafe import use_one_line_records

if TYPE_CHECKING:
    from roles import Catalog

log = logging.getLogger("orgbot")
VERBOSE_HELP = "-v: the libraries' log lines too (Bolt, APScheduler, waitress); -vv: debug detail"


def cmd_run(args: argparse.Namespace) -> int:
    """The bot and its scheduler, in Socket Mode or HTTP mode."""
    from slackbot.runner import Orgbot, StartError

    config = Config.from_env()
    config.require_run()
    try:
        bot = Orgbot(config, scheduler=False)
    except StartError as error:
        raise ConfigError(str(error)) from None
    try:
        if config.socket_mode:
            log.info("orgbot is starting in Socket Mode")
            handler = bot.connect_socket_mode()
        else:
            server = bot.http_server()
    except StartError as error:
        bot.close()
        raise ConfigError(str(error)) from None
    bot.scheduler.start()
    try:
        if config.socket_mode:
            bot.serve_socket_mode(handler)
        else:
            log.info(
                "orgbot is listening on http://%s:%s (POST /slack/events, GET /healthz%s)",
                config.host,
                server.port,
                # many workspaces: Slack's OAuth install flow, in a person's browser
                ", GET /slack/install, GET /slack/oauth_redirect" if config.multi_workspace else "",
            )
            server.serve()
    finally:
        bot.close()
        log.info("orgbot stopped")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """The same comparison as /role-compare, printed in the terminal."""
    from slackbot.blockkit.render import render_blocks
    from slackbot.comparisons import answer_compare

    text = " ".join(args.roles)
    catalog = _team_catalog(args.team)
    answer = answer_compare(catalog, text, can_propose=False)
    if answer.open_picker:
        print("Name two to four roles, e.g. `orgbot compare COO vs Operations Director`.")
        return 2
    assert answer.message is not None
    blocks = [b for b in answer.message["blocks"] if b.get("type") != "actions"]
    full = _full_view(catalog, answer.message) if args.full else None
    if full is not None:
        # the terminal has no button: the full view follows the answer, in Slack's order
        blocks = [
            b for b in blocks if b.get("type") != "context" or "Full comparison" not in str(b)
        ]
        blocks += [{"type": "divider"}, *full["blocks"][1:]]
    elif _full_view(catalog, answer.message) is not None:
        team = f" --team {args.team}" if args.team else ""
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "Every duty, KPIs and signs you need each role: "
                        f"`orgbot compare --full{team} {' '.join(args.roles)}`",
                    }
                ],
            }
        )
        blocks = [b for b in blocks if "*Full comparison*" not in str(b)]
    print(render_blocks(blocks, width=args.width).text)
    return 0 if _is_answer(answer.message) else 1


def _full_view(catalog: Catalog, message: dict) -> dict | None:
    """The modal the answer's "Full comparison" button opens, if it has one."""
    from slackbot import ids
    from slackbot.comparisons import full_view

    for block in message["blocks"]:
        for element in block.get("elements") or []:
            if element.get("action_id") == ids.OPEN_FULL_COMPARISON:
                return full_view(catalog, element["value"])
    return None


def _is_answer(message: dict) -> bool:
    first = message["blocks"][0] if message["blocks"] else {}
    return first.get("type") == "header"


def cmd_roles(args: argparse.Namespace) -> int:
    """The catalog, one role a line; with --team, as that workspace sees it."""
    if getattr(args, "roles_action", None) == "import":
        return _roles_import(args)
    if getattr(args, "roles_action", None) == "export":
        return _roles_export(args)
    if getattr(args, "roles_action", None) == "remove":
        return _roles_remove(args)
    catalog = _team_catalog(args.team)
    width = max(len(r.id) for r in catalog)
    for role in catalog:
        own = "  [this workspace's own]" if role.id in catalog.local else ""
        print(f"{role.id:<{width}}  {role.label}  ({role.level}, {role.focus}, {role.scope}){own}")
    return 0


@contextlib.contextmanager
def _catalogs(*, create: bool = False):
    """The workspaces' catalogs; reading needs an existing database, `create` for writes."""
    from roles import load_catalog
    from slackbot.workspace_roles import CatalogProvider

    store = _open_store(Config.from_env(), create=create)
    try:
        yield CatalogProvider(store, load_catalog())
    finally:
        store.close()


def _team_catalog(team: str | None):
    from roles import load_catalog

    if not team:
        return load_catalog()
    with _catalogs() as catalogs:
        return catalogs.catalog_for(team)


def _roles_import(args: argparse.Namespace) -> int:
    """Validate every role in every file, then store them all for the workspace, or none."""
    import getpass
    from datetime import UTC, datetime

    from roles import CatalogError
    from slackbot.workspace_roles import read_roles

    entries = []
    try:
        for name in args.files:
            entries.extend(read_roles(_read_text(name), source=name))
        with _catalogs(create=not args.check) as catalogs:
            if args.check:
                roles = catalogs.check(args.team, entries)
            else:
                roles = catalogs.save(
                    args.team,
                    entries,
                    by=args.by or f"cli:{getpass.getuser()}",
                    now=datetime.now(UTC),
                    via="cli",
                )
    except CatalogError as error:
        print(f"orgbot: {error}", file=sys.stderr)
        print("orgbot: nothing was imported; docs/roles.md describes each field.", file=sys.stderr)
        return 2
    verb = "would import" if args.check else "imported"
    print(f"{verb} {len(roles)} role(s) for {args.team}: " + ", ".join(r.id for r in roles))
    return 0


def _roles_export(args: argparse.Namespace) -> int:
    """TOML that `orgbot roles import` reads back: a workspace's own roles, or the roles
    named (as the workspace sees them), or with neither the whole shipped catalog."""
    from slackbot.workspace_roles import dump_roles, role_to_data

    catalog = _team_catalog(args.team)
    if args.role_ids:
        unknown = [i for i in args.role_ids if i not in catalog]
        if unknown:
            raise ConfigError(f"no role with id {', '.join(unknown)}; `orgbot roles` lists the ids")
        roles = [catalog[i] for i in args.role_ids]
    elif args.team:
        roles = [catalog[i] for i in sorted(catalog.local)]
    else:
        roles = list(catalog)
    if _write_output(dump_roles(role_to_data(r) for r in roles), args.output):
        print(f"wrote {len(roles)} role(s) to {args.output}", file=sys.stderr)
    return 0


def _roles_remove(args: argparse.Namespace) -> int:
    import getpass
    from datetime import UTC, datetime

    from roles import CatalogError

    with _catalogs() as catalogs:  # nothing to remove from a database that is not there
        try:
            removed = catalogs.remove(
                args.team,
                args.role_id,
                by=args.by or f"cli:{getpass.getuser()}",
                now=datetime.now(UTC),
                via="cli",
            )
        except CatalogError as error:
            print(f"orgbot: {error}", file=sys.stderr)
            return 2
    if not removed:
        print(f"orgbot: {args.team} has no role of its own with id {args.role_id}", file=sys.stderr)
        return 1
    print(f"removed {args.role_id} from {args.team}")
    return 0


def cmd_policies(args: argparse.Namespace) -> int:
    """A workspace's review policies, one a line; `import` and `export` as TOML."""
    action = getattr(args, "policies_action", None)
    if not args.team:
        raise ConfigError("name the workspace: orgbot policies --team T")
    if action == "import":
        return _policies_import(args)
    from slackbot.policies.repository import list_policies
    from slackbot.policies.toml_io import dump_policies

    store = _open_store(Config.from_env(), create=False)
    try:
        policies = list_policies(store.db, args.team)
    finally:
        store.close()
    if action == "export":
        if _write_output(dump_policies(policies), args.output):
            print(f"wrote {len(policies)} polic(ies) to {args.output}", file=sys.stderr)
        return 0
    if not policies:
        print(f"{args.team} has no review policies: proposals use the built-in default")
        print("(every reviewer the author names approves; one rejection rejects)")
    for policy, default in policies:
        stages = " → ".join(s.name for s in policy.stages)
        mark = "  [default]" if default else ""
        print(f"{policy.name} (version {policy.version}): {stages}{mark}")
    return 0


def _policies_import(args: argparse.Namespace) -> int:
    """Validate every policy in the files, then store them all for the workspace, or none."""
    import getpass
    from datetime import UTC, datetime

    from slackbot.policies.repository import save_policies
    from slackbot.policies.toml_io import PolicyError, read_policies

    policies = []
    try:
        for name in args.files:
            policies.extend(read_policies(_read_text(name), source=name))
    except PolicyError as error:
        print(f"orgbot: {error}", file=sys.stderr)
        print(
            "orgbot: nothing was imported; docs/proposals.md describes each key.", file=sys.stderr
        )
        return 2
    if args.check:
        print(
            f"would import {len(policies)} polic(ies) for {args.team}: "
            + ", ".join(p.name for p, _ in policies)
        )
        return 0
    store = _open_store(Config.from_env(), create=True)
    try:
        with store.write() as db:
            stored = save_policies(
                db,
                args.team,
                policies,
                by=args.by or f"cli:{getpass.getuser()}",
                now=datetime.now(UTC),
                via="cli",
            )
    finally:
        store.close()
    print(
        f"imported {len(stored)} polic(ies) for {args.team}: "
        + ", ".join(f"{p.name} (version {p.version})" for p in stored)
    )
    return 0


def cmd_org(args: argparse.Namespace) -> int:
    """The current org as CSV: import (a dry run unless --apply) and export."""
    if getattr(args, "org_action", None) == "import":
        return _org_import(args)
    if getattr(args, "org_action", None) == "export":
        return _org_export(args)
    print("Say what to do: `orgbot org import FILE.csv --team T` or `orgbot org export --team T`.")
    return 2


def _org_import(args: argparse.Namespace) -> int:
    """Read the file, list every problem with its line (nothing changes), or say what the
    import would change; with --apply, store it as the workspace's next org version."""
    import getpass
    from datetime import UTC, datetime

    from roles import load_catalog
    from slackbot.org.emails import LookupFailed, SlackPeople
    from slackbot.org.importing import import_org, plan_import
    from slackbot.workspace_roles import CatalogProvider

    if args.apply and args.dry_run:
        raise ConfigError("--apply and --dry-run: choose one (without either it is a dry run)")
    text = _read_text(args.file)
    config = Config.from_env()
    store = _open_store(config, create=False)
    try:
        catalog = CatalogProvider(store, load_catalog()).catalog_for(args.team)
        people = None
        if config.bot_token:
            from slackbot.app import make_client

            people = SlackPeople(make_client(config))
        try:
            plan = plan_import(store, args.team, text, catalog=catalog, people=people)
        except LookupFailed as error:
            raise ConfigError(f"looking up holders: {error}") from None
        print(f"{args.file}: " + "\n".join(plan.summary()))
        if not plan.ok:
            return 1
        if people is None and any(
            getattr(p, "holders", ()) for p in plan.result.structure.positions
        ):
            print("Holders' user ids were not checked: SLACK_BOT_TOKEN is not set.")
        if not args.apply:
            print(
                "Nothing was imported (a dry run). To import it: "
                f"orgbot org import {args.file} --team {args.team} --apply"
            )
            return 0
        version = import_org(
            store,
            args.team,
            plan.result.structure,
            by=args.by or f"cli:{getpass.getuser()}",
            now=datetime.now(UTC),
        )
    finally:
        store.close()
    print(f"Imported as version {version.version} of {args.team}'s org.")
    return 0


def _org_export(args: argparse.Namespace) -> int:
    """The current org as the CSV `orgbot org import` reads back."""
    from slackbot.org.table import write_org_table
    from slackbot.proposals import repository as repo

    store = _open_store(Config.from_env(), create=False)
    try:
        current = repo.current_org(store.db, args.team)
    finally:
        store.close()
    if current is None:
        print(
            f"orgbot: {args.team} has no current org yet (approve a proposal or import one).",
            file=sys.stderr,
        )
        return 1
    if _write_output(write_org_table(current.structure), args.file, option=""):
        print(
            f"wrote {len(current.structure):,} positions (version {current.version}) to "
            f"{args.file}",
            file=sys.stderr,
        )
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    """Print app.yaml with the Request URLs filled in, or set for Socket Mode."""
    from slackbot import manifest

    data = manifest.load_manifest()
    if args.socket:
        data = manifest.for_socket_mode(data)
    elif args.url:
        try:
            data = manifest.with_request_url(data, manifest.request_url(args.url))
        except ValueError as error:
            raise ConfigError(
                f"--url: {error}. Example: --url https://orgbot.example.com"
            ) from None
    sys.stdout.write(manifest.dump(data))
    return 0


def _parse_at(text: str | None, config: Config):
    """`--at`: an ISO time; without an offset it is read in ORGBOT_TIMEZONE."""
    from datetime import datetime

    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"--at: {text!r} is not an ISO time such as 2026-11-30T09:00 or 2026-11-30T09:00+01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=config.tz)


def _open_store(config: Config, *, create: bool):
    """The database named by ORGBOT_DB; its problems as a `ConfigError` naming it."""
    from slackbot.store import Store, StoreError

    try:
        return Store(config.db_path, create=create)
    except StoreError as error:
        raise ConfigError(f"ORGBOT_DB: {error}") from None


def _scheduled_pass(args: argparse.Namespace, which: str) -> int:
    from slackbot.app import make_client
    from slackbot.scheduling.scheduled import ScheduledPosts
    from slackbot.services import Services

    config = Config.from_env()
    if not args.dry_run and not config.bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is needed to post; use --dry-run to only print.")
    at = _parse_at(args.at, config)
    # what is due comes from the records `orgbot run` keeps: a missing database is a wrong
    # ORGBOT_DB, never "nothing due". A dry run only reads, and needs no Slack (people
    # Slack would describe get the workspace's time zone; messages go without permalinks)
    services = Services(config=config, store=_open_store(config, create=False))
    try:
        posts = ScheduledPosts(services, None if args.dry_run else make_client(config))
        if not args.dry_run:
            posts.upkeep()
        report = getattr(posts, which)(at=at, dry_run=args.dry_run)
    finally:
        services.store.close()
    for preview in report.previews:
        print(preview)
    sent, taken = report.count("sent"), report.count("taken")
    failed = {k: r for k, r in report.results.items() if r not in ("sent", "taken", "would send")}
    if args.dry_run:
        print(
            f"{len(report.results)} {which} message(s) would be sent"
            + ("" if report.results else " (nothing is due)")
        )
    else:
        print(f"{which}: {sent} sent, {taken} already sent or in progress, {len(failed)} failed")
        for key, result in failed.items():
            print(f"  {key}: {result}")
    return 1 if failed else 0


def cmd_digest(args: argparse.Namespace) -> int:
    """Post the digest due at that time now (or print it)."""
    return _scheduled_pass(args, "digest")


def cmd_remind(args: argparse.Namespace) -> int:
    """Send the review reminders due at that time now (or print them)."""
    return _scheduled_pass(args, "remind")


def cmd_export(args: argparse.Namespace) -> int:
    """Proposals, reviews and their history, as JSON or CSV."""
    from slackbot.export import export_csv, export_json

    config = Config.from_env()
    store = _open_store(config, create=False)
    try:
        text = export_json(store) if args.format == "json" else export_csv(store)
    finally:
        store.close()
    if _write_output(text, args.output, private=True):
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_chart(args: argparse.Namespace) -> int:
    """The org chart, or a proposal's, drawn as a PNG or SVG picture."""
    from slackbot.pictures.subjects import ChartError, picture_format, save, subject, teams

    try:
        picture_format(args.out)
    except ChartError as error:
        raise ConfigError(str(error)) from None
    config = Config.from_env()
    store = _open_store(config, create=False)
    try:
        db = store.db
        team = args.team
        if team is None:
            found = teams(db)
            if not found:
                raise ConfigError(
                    f"ORGBOT_DB: {config.db_path} holds no org chart and no proposal yet."
                )
            if len(found) > 1:
                raise ConfigError(
                    f"ORGBOT_DB holds several workspaces ({', '.join(found)}); "
                    "name one with --team."
                )
            team = found[0]
        try:
            what = subject(db, team, proposal=args.proposal, before_after=args.before_after)
            print(save(what, args.out))
        except ChartError as error:
            raise ConfigError(str(error)) from None
    finally:
        store.close()
    return 0


def _read_text(path: str, *, option: str = "") -> str:
    """The UTF-8 text file at `path`.

    Raises:
        ConfigError: it cannot be read, or is not UTF-8; the message names it (and the
            `option` that gave it).
    """
    where = f"{option}: {path}" if option else path
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as error:
        raise ConfigError(f"{where}: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{where}: not UTF-8 text (byte {error.start} cannot be read); save it as UTF-8"
        ) from None


def _write_output(
    text: str, output: str | None, *, private: bool = False, option: str = "--output"
) -> bool:
    """`text` into the file `output` (`-` or none: standard output); True when it went to a
    file. `private`: a new file is readable by its owner only, as the database is.

    Raises:
        ConfigError: the file cannot be written; the message names it and why.
    """
    if not output or output == "-":
        sys.stdout.write(text)
        return False
    try:
        fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o666)
        with open(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as error:
        raise ConfigError(
            f"{option + ': ' if option else ''}cannot write {output} ({error.strerror or error}). "
            "Check that its "
            "folder exists and that you can write there."
        ) from None
    return True


def cmd_sandbox(args: argparse.Namespace) -> int:
    """The real orgbot in a pretend Slack workspace, driven from the terminal."""
    from importlib import resources

    from slackbot.sandbox.repl import Lines, Repl
    from slackbot.sandbox.session import SANDBOX_TIMEZONE, SCRIPT_START, Sandbox
    from slackbot.store import StoreError

    if not args.verbose:
        logging.getLogger().setLevel(logging.ERROR)  # the sandbox's own output is the story
        logging.getLogger("orgbot").setLevel(logging.ERROR)
    source = None
    if args.script:
        if args.script == "tour":
            source = (resources.files("slackbot") / "sandbox" / "tour.txt").open(encoding="utf-8")
        else:
            source = io.StringIO(_read_text(args.script, option="--script"))
    else:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history at the prompt)
    start = _parse_at(args.start, Config(timezone=SANDBOX_TIMEZONE)) if args.start else None
    if start is None and args.script:
        start = SCRIPT_START  # scripts see the same week every time they run
    try:
        sandbox = Sandbox(db_path=args.db, start=start)
    except StoreError as error:
        raise ConfigError(f"--db: {error}") from None
    try:
        lines = Lines(source, echo=print if source else None)
        status = Repl(sandbox, lines).run()
    finally:
        sandbox.close()
        if source is not None:
            source.close()
    if args.script:
        print("sandbox script " + ("passed" if status == 0 else "FAILED"))
    return status


def cmd_check(args: argparse.Namespace) -> int:
    """Check the config, the token, the database, and app.yaml against the handlers."""
    from slackbot.checks import run_checks

    results = run_checks(Config.from_env())
    for result in results:
        mark = "ok  " if result.ok else "FAIL"
        print(f"[{mark}] {result.name}: {result.detail}")
    return 0 if all(r.ok for r in results) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orgbot",
        description="orgbot: a self-hosted Slack app for org planning.",
        epilog="Configuration comes from the environment and .env; see docs/configuration.md.",
    )
    parser.add_argument("--version", action="version", version=f"orgbot {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help=VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        # `-v` after the subcommand too (`orgbot run -v`); SUPPRESS keeps one given before it
        p.add_argument(
            "-v", "--verbose", action="count", default=argparse.SUPPRESS, help=VERBOSE_HELP
        )
        return p

    add("run", cmd_run, "run the bot and its scheduler (Socket Mode when SLACK_APP_TOKEN is set)")
    p = add("compare", cmd_compare, "compare two to four roles, as /role-compare does")
    p.add_argument("roles", nargs="*", help="e.g. COO vs Operations Director")
    p.add_argument("--width", type=int, default=88, help="wrap text at this many columns")
    p.add_argument("--team", metavar="T", help="as workspace T sees it (its own roles too)")
    p.add_argument(
        "--full",
        action="store_true",
        help="add the full comparison (every duty, KPIs, signs you need each role)",
    )
    p = add("roles", cmd_roles, "list, import and export roles (a workspace's own, too)")
    p.add_argument("--team", metavar="T", help="as workspace T sees it (its own roles too)")
    actions = p.add_subparsers(dest="roles_action", metavar="ACTION")
    q = actions.add_parser(
        "import",
        help="add or change workspace T's own roles from TOML files",
        description="Validate every role in the files, then store them all for the workspace "
        "(or none: exit 2 naming the file and field).",
    )
    q.add_argument("files", nargs="+", metavar="FILE.toml", help="one or several roles a file")
    q.add_argument("--team", required=True, metavar="T", help="the workspace's team id")
    q.add_argument("--by", help="who made the change (default: cli:<your user name>)")
    q.add_argument("--check", action="store_true", help="only validate; store nothing")
    q = actions.add_parser(
        "export",
        help="print roles as TOML that `orgbot roles import` reads back",
        description="With --team: the workspace's own roles (or the ROLE ids named, as it "
        "sees them). Without: the shipped roles (all, or the ROLE ids named).",
    )
    q.add_argument("role_ids", nargs="*", metavar="ROLE", help="role ids (default: see above)")
    q.add_argument("--team", metavar="T", help="the workspace's team id")
    q.add_argument("--output", "-o", help="write to this file instead of standard output")
    q = actions.add_parser(
        "remove",
        help="remove one of workspace T's own roles (a shipped role it replaced shows again)",
    )
    q.add_argument("role_id", metavar="ROLE")
    q.add_argument("--team", required=True, metavar="T", help="the workspace's team id")
    q.add_argument("--by", help="who made the change (default: cli:<your user name>)")
    p = add("policies", cmd_policies, "list, import and export a workspace's review policies")
    p.add_argument("--team", metavar="T", help="the workspace's team id")
    actions = p.add_subparsers(dest="policies_action", metavar="ACTION")
    q = actions.add_parser(
        "import",
        help="add or change workspace T's review policies from TOML files",
        description="Validate every policy in the files, then store them all for the "
        "workspace (or none: exit 2 naming the file, policy and key). A changed policy gets "
        "a new version; proposals under review keep the version they started with.",
    )
    q.add_argument("files", nargs="+", metavar="FILE.toml", help="[[policies]] tables")
    q.add_argument("--team", required=True, metavar="T", help="the workspace's team id")
    q.add_argument("--by", help="who made the change (default: cli:<your user name>)")
    q.add_argument("--check", action="store_true", help="only validate; store nothing")
    q = actions.add_parser(
        "export",
        help="print workspace T's review policies as TOML that `import` reads back",
    )
    q.add_argument("--team", required=True, metavar="T", help="the workspace's team id")
    q.add_argument("--output", "-o", help="write to this file instead of standard output")
    p = add("org", cmd_org, "import and export a workspace's current org as CSV")
    actions = p.add_subparsers(dest="org_action", metavar="ACTION")
    q = actions.add_parser(
        "import",
        help="check a CSV of the org (a dry run), and with --apply make it the current org",
        description="List every problem with its line and change nothing; or, with no "
        "problem, say what would change. --apply stores it as one new org version.",
    )
    q.add_argument("file", metavar="FILE.csv")
    q.add_argument("--team", required=True, metavar="T", help="the workspace's team id")
    q.add_argument("--apply", action="store_true", help="import it (default: a dry run)")
    q.add_argument("--dry-run", action="store_true", help="only check (the default)")
    q.add_argument("--by", help="who imported it (default: cli:<your user name>)")
    q = actions.add_parser(
        "export",
        help="write the current org as the CSV `orgbot org import` reads back",
    )
    q.add_argument("file", nargs="?", metavar="FILE.csv", help="default: standard output")
    q.add_argument("--team", required=True, metavar="T", help="the workspace's team id")
    p = add("manifest", cmd_manifest, "print app.yaml with the Request URLs filled in")
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--url", help="public base URL of this orgbot, e.g. https://orgbot.example.com"
    )
    group.add_argument("--socket", action="store_true", help="configure for Socket Mode instead")
    for name, func, what in (
        ("digest", cmd_digest, "post the digest that is due at that time now"),
        ("remind", cmd_remind, "send the review reminders that are due at that time now"),
    ):
        p = add(name, func, what + " (the scheduler runs the same code)")
        p.add_argument(
            "--at", metavar="ISO-TIME", help="act as if it were this time (default: now)"
        )
        p.add_argument(
            "--dry-run", action="store_true", help="print what would be sent; send nothing"
        )
    p = add("export", cmd_export, "export proposals, reviews and their history (ORGBOT_DB)")
    p.add_argument("--format", choices=("json", "csv"), default="json", help="default: json")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p = add("chart", cmd_chart, "draw the org chart or a proposal as a picture (ORGBOT_DB)")
    p.add_argument(
        "--out", "-o", required=True, metavar="FILE", help="the picture: FILE.png or FILE.svg"
    )
    p.add_argument(
        "--proposal", type=int, metavar="N", help="proposal #N instead of the current org"
    )
    p.add_argument(
        "--before-after",
        action="store_true",
        help="mark what changes: a proposal against the current org, the current org "
        "against its previous version",
    )
    p.add_argument(
        "--team", metavar="T", help="the workspace (needed when the database holds several)"
    )
    p = add("sandbox", cmd_sandbox, "try orgbot in a pretend Slack workspace, no account needed")
    p.add_argument(
        "--db", help="keep the sandbox's data in this SQLite file (default: a temporary one)"
    )
    p.add_argument(
        "--script",
        help="run commands from FILE ('tour' for the built-in walk-through); exit 1 if a step fails",
    )
    p.add_argument(
        "--start",
        metavar="ISO-TIME",
        help="the sandbox clock's start (default: now; scripts: Mon 23 Nov 2026 08:55 London)",
    )
    add("check", cmd_check, "check the config, token, database, and app.yaml against the handlers")
    return parser


def configure_logging(verbosity: int) -> None:
    """orgbot's own lines (INFO) by default, the libraries' warnings only; `-v` adds the
    libraries' INFO (and orgbot's debug lines), `-vv` everything at DEBUG."""
    logging.basicConfig(
        level=(logging.WARNING, logging.INFO)[verbosity] if verbosity < 2 else logging.DEBUG,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("orgbot").setLevel(logging.INFO if verbosity == 0 else logging.DEBUG)
    # Bolt logs under orgbot.bolt, but it is a library: its level follows the libraries'
    logging.getLogger("orgbot.bolt").setLevel(
        (logging.WARNING, logging.INFO)[verbosity] if verbosity < 2 else logging.DEBUG
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    use_one_line_records()
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except ConfigError as error:
        print(f"orgbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("orgbot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`orgbot compare … | head`): not a failure of ours. Point
        # stdout at devnull so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
