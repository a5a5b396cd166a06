"""The schema, as sqlite-utils Migrations: applied at every start, each exactly once.

Add a new function at the end for every change; never edit one that has shipped.
Times are ISO 8601 strings in UTC (`2026-11-25T09:00:00+00:00`); dates are `YYYY-MM-DD`.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("orgbot")


def unknown_migrations(db: Database) -> list[str]:
    """Migrations applied to `db` that this orgbot does not have: a newer orgbot wrote it."""
    known = {m.name for m in migrations.pending(Database(memory=True))}
    return [m.name for m in migrations.applied(db) if m.name not in known]


@migrations()
def m001_proposals(db: Database) -> None:
    db["proposals"].create(
        {
            "id": int,
            "team_id": str,
            "number": int,
            "title": str,
            "rationale": str,
            "structure_text": str,
            "structure": str,  # JSON: the parsed positions of the current version
            "version": int,
            "author_id": str,
            "channel_id": str,
            "message_ts": str,
            "status": str,
            "review_by": str,
            "post_error": str,
            "created_at": str,
            "updated_at": str,
            "closed_at": str,
        },
        pk="id",
        not_null={"team_id", "number", "title", "author_id", "status", "version"},
    )
    db["proposals"].create_index(["team_id", "number"], unique=True)
    db["proposals"].create_index(["team_id", "status"])

    db["proposal_versions"].create(
        {
            "id": int,
            "proposal_id": int,
            "version": int,
            "title": str,
            "rationale": str,
            "structure_text": str,
            "structure": str,
            "review_by": str,
            "reviewers": str,  # JSON list of user ids
            "created_by": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("proposal_id", "proposals", "id")],
        not_null={"proposal_id", "version"},
    )
    db["proposal_versions"].create_index(["proposal_id", "version"], unique=True)

    db["proposal_reviewers"].create(
        {"proposal_id": int, "user_id": str, "position": int},
        pk=("proposal_id", "user_id"),
        foreign_keys=[("proposal_id", "proposals", "id")],
    )

    db["decisions"].create(
        {
            "id": int,
            "proposal_id": int,
            "version": int,
            "reviewer_id": str,
            "decision": str,
            "comment": str,
            "decided_at": str,
        },
        pk="id",
        foreign_keys=[("proposal_id", "proposals", "id")],
        not_null={"proposal_id", "version", "reviewer_id", "decision"},
    )
    # one decision per reviewer per version: a double click cannot record two
    db["decisions"].create_index(["proposal_id", "version", "reviewer_id"], unique=True)

    db["proposal_events"].create(
        {
            "id": int,
            "team_id": str,
            "proposal_id": int,
            "version": int,
            "kind": str,
            "actor_id": str,
            "comment": str,
            "detail": str,  # JSON
            "at": str,
        },
        pk="id",
        foreign_keys=[("proposal_id", "proposals", "id")],
        not_null={"team_id", "proposal_id", "kind", "at"},
    )
    db["proposal_events"].create_index(["proposal_id", "id"])
    db["proposal_events"].create_index(["team_id", "at"])
    # the history is append-only
    db.executescript(
        """
        CREATE TRIGGER proposal_events_no_update BEFORE UPDATE ON proposal_events
        BEGIN SELECT RAISE(ABORT, 'proposal_events is append-only'); END;
        CREATE TRIGGER proposal_events_no_delete BEFORE DELETE ON proposal_events
        BEGIN SELECT RAISE(ABORT, 'proposal_events is append-only'); END;
        """
    )

    db["org_versions"].create(
        {
            "id": int,
            "team_id": str,
            "version": int,
            "proposal_id": int,
            "structure": str,  # JSON
            "approved_at": str,
        },
        pk="id",
        foreign_keys=[("proposal_id", "proposals", "id")],
        not_null={"team_id", "version", "structure"},
    )
    db["org_versions"].create_index(["team_id", "version"], unique=True)


@migrations()
def m002_scheduling(db: Database) -> None:
    db["settings"].create(
        {
            "team_id": str,
            "digest_channel": str,
            "digest_cadence": str,  # weekly | daily | off
            "digest_weekday": int,  # 0 = Monday
            "digest_time": str,  # HH:MM in the workspace time zone
            "timezone": str,
            "reminder_interval_days": int,
            "quiet_days": str,  # JSON list of weekday numbers, 0 = Monday
            "updated_by": str,
            "updated_at": str,
        },
        pk="team_id",
    )
    db["people"].create(
        {
            "team_id": str,
            "user_id": str,
            "name": str,
            "tz": str,
            "is_admin": int,
            "fetched_at": str,
        },
        pk=("team_id", "user_id"),
    )
    db["deliveries"].create(
        {
            "key": str,  # what makes it unique: kind, workspace, target, period
            "team_id": str,
            "kind": str,  # reminder | digest
            "target": str,  # user id or channel id
            "proposal_id": int,
            "status": str,  # sending | sent | failed | unknown | gave_up
            "attempts": int,
            "last_error": str,
            "next_attempt_at": str,
            "claimed_at": str,
            "claimed_by": str,
            "channel_id": str,
            "ts": str,
            "sent_at": str,
            "created_at": str,
        },
        pk="key",
        not_null={"team_id", "kind", "target", "status"},
    )
    db["deliveries"].create_index(["status", "next_attempt_at"])
    db["deliveries"].create_index(["team_id", "kind", "target"])
    db["snoozes"].create(
        {"proposal_id": int, "reviewer_id": str, "until": str},
        pk=("proposal_id", "reviewer_id"),
        foreign_keys=[("proposal_id", "proposals", "id")],
    )


@migrations()
def m003_verify_and_base_version(db: Database) -> None:
    # a post whose outcome is uncertain (timeout, dropped connection, Slack 5xx) is
    # checked against the channel's history before it is sent again
    db["deliveries"].add_column("verify", int, not_null_default=0)
    # the org version a proposal was written against: approving it on top of a newer org
    # would silently undo that newer change
    db["proposals"].add_column("base_org_version", int, not_null_default=0)
    db["proposal_versions"].add_column("base_org_version", int, not_null_default=0)
    # proposals written before this column: the org version current when they were written
    db.execute(
        """
        update proposal_versions set base_org_version = coalesce((
            select max(o.version) from org_versions o join proposals p on p.id = proposal_versions.proposal_id
            where o.team_id = p.team_id and o.approved_at <= proposal_versions.created_at
        ), 0)
        """
    )
    db.execute(
        """
        update proposals set base_org_version = coalesce((
            select v.base_org_version from proposal_versions v
            where v.proposal_id = proposals.id and v.version = proposals.version
        ), 0)
        """
    )


@migrations()
def m004_view_submissions(db: Database) -> None:
    # one row per modal submission that changed something, keyed by Slack's view id: a
    # replayed or double-pressed submission finds it and writes nothing more
    db["view_submissions"].create(
        {
            "view_id": str,
            "view_hash": str,
            "callback_id": str,
            "team_id": str,
            "user_id": str,
            "result": str,  # JSON: what the first submission did (e.g. the proposal id)
            "submitted_at": str,
        },
        pk="view_id",
    )


@migrations()
def m005_workspace_roles(db: Database) -> None:
    # a workspace's own roles (the same fields as roles/catalog/*.toml, as JSON), laid over
    # the shipped catalog for that workspace only
    db["workspace_roles"].create(
        {
            "team_id": str,
            "role_id": str,
            "data": str,  # JSON: the role file's keys
            "updated_by": str,  # a Slack user id, or who ran `orgbot roles import`
            "updated_at": str,
            "via": str,  # slack | cli
        },
        pk=("team_id", "role_id"),
        not_null={"team_id", "role_id", "data", "updated_by", "updated_at"},
    )
    # every change, kept; the highest id of a workspace is its roles' revision
    db["workspace_role_changes"].create(
        {
            "id": int,
            "team_id": str,
            "role_id": str,
            "action": str,  # saved | removed
            "data": str,  # JSON as saved; null when removed
            "changed_by": str,
            "changed_at": str,
            "via": str,
        },
        pk="id",
        not_null={"team_id", "role_id", "action", "changed_by", "changed_at"},
    )
    db["workspace_role_changes"].create_index(["team_id", "id"])


@migrations()
def m006_health_probe(db: Database) -> None:
    # one row, rewritten by every `GET /healthz`: proof that the file can still be written
    db["health_probe"].create({"id": int, "checked_at": str}, pk="id")


@migrations()
def m007_proposal_deliveries(db: Database) -> None:
    # proposal cards, their redraws, DMs and thread replies are deliveries too: a DM or a
    # reply keeps its message (it cannot be rebuilt later), and a redraw asked for while
    # another is under way is marked to run once more
    db["deliveries"].add_column("message", str)
    db["deliveries"].add_column("redo", int, not_null_default=0)


@migrations()
def m008_org_guardrails(db: Database) -> None:
    # a workspace's guardrails on its org's shape (null: no limit); a proposal outside them
    # is flagged on its card and in the DMs, never refused
    db["settings"].add_column("max_layers", int)
    db["settings"].add_column("span_min", int)
    db["settings"].add_column("span_max", int)


@migrations()
def m009_member_directory(db: Database) -> None:
    # a cached copy of users.list per workspace, to read `@dana` in a structure as a user
    # id (deleted users and bots left out); replaced whole at each refresh
    db["members"].create(
        {
            "team_id": str,
            "user_id": str,
            "username": str,
            "display_name": str,
            "real_name": str,
        },
        pk=("team_id", "user_id"),
        not_null={"team_id", "user_id"},
    )
    # when each workspace's copy was fetched (a workspace with no row has none yet)
    db["member_directories"].create(
        {"team_id": str, "fetched_at": str, "members": int},
        pk="team_id",
        not_null={"team_id", "fetched_at"},
    )


@migrations()
def m010_effective_dates(db: Database) -> None:
    # the date a proposal takes effect (YYYY-MM-DD, in the workspace's time zone); null:
    # on approval
    db["proposals"].add_column("effective_on", str)
    db["proposal_versions"].add_column("effective_on", str)
    # the org version a proposal made (null until it takes effect): an approved proposal
    # with a later date is approved but not yet the current org
    db["proposals"].add_column("org_version", int)
    db.execute(
        """
        update proposals set org_version = (
            select max(o.version) from org_versions o
            where o.team_id = proposals.team_id and o.proposal_id = proposals.id
        )
        """
    )
    # the date each org version took effect (rows before this column: the date of
    # `approved_at` in the workspace's time zone, worked out when read)
    db["org_versions"].add_column("effective_on", str)
    # a proposal makes at most one org version: the scheduler applying a due proposal twice
    # (two processes, a restart, two upkeep passes) cannot write a second one
    db.execute(
        "create unique index if not exists org_versions_one_per_proposal "
        "on org_versions (team_id, proposal_id) where proposal_id is not null"
    )


@migrations()
def m011_review_policies(db: Database) -> None:
    # a workspace's named review policies; each change is a new version, kept, so a
    # proposal keeps the version it started with while the policy is edited
    db["review_policies"].create(
        {
            "id": int,
            "team_id": str,
            "name": str,
            "version": int,  # the newest
            "is_default": int,
            "removed": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="id",
        not_null={"team_id", "name", "version"},
        defaults={"is_default": 0, "removed": 0},
    )
    db["review_policies"].create_index(["team_id", "name"], unique=True)
    db["review_policy_versions"].create(
        {
            "id": int,
            "team_id": str,
            "name": str,
            "version": int,
            "body": str,  # JSON: the policy as its TOML table reads
            "created_at": str,
            "created_by": str,
            "via": str,  # cli | slack
        },
        pk="id",
        not_null={"team_id", "name", "version", "body"},
    )
    db["review_policy_versions"].create_index(["team_id", "name", "version"], unique=True)
    # the policy (name and version) a proposal started with; 0 = the built-in default
    db["proposals"].add_column("policy_name", str)
    db["proposals"].add_column("policy_version", int, not_null_default=0)
    db["proposals"].add_column("policy_carried", int, not_null_default=0)  # stages kept (resume)
    db["proposals"].add_column("stage_started_at", str)  # when the current stage was first asked
    # each stage's reviewers, resolved when the version was written (JSON list of lists),
    # and a note per stage when nobody could be found and its fallback is asked instead
    db["proposals"].add_column("stage_reviewers", str)
    db["proposals"].add_column("stage_notes", str)
    # who is asked now (the current stage's reviewers who have not decided): the Home tab
    # and "waiting on you" read it; every decision rewrites it in the same transaction
    db["proposal_asked"].create(
        {"proposal_id": int, "user_id": str},
        pk=("proposal_id", "user_id"),
        foreign_keys=[("proposal_id", "proposals", "id")],
    )
    db["proposal_asked"].create_index(["user_id"])
    db.execute(
        "insert into proposal_asked (proposal_id, user_id) select r.proposal_id, r.user_id "
        "from proposal_reviewers r join proposals p on p.id = r.proposal_id "
        "where p.status in ('in_review', 'changes_requested') and not exists (select 1 "
        "from decisions d where d.proposal_id = p.id and d.version = p.version "
        "and d.reviewer_id = r.user_id)"
    )
    # decisions say which stage, for whom (a delegate's principal; "*" when an escalation
    # approver decided the whole stage) and which rule a decision met
    db["decisions"].add_column("stage", int, not_null_default=0)
    db["decisions"].add_column("on_behalf_of", str)
    db["decisions"].add_column("escalated", int, not_null_default=0)
    db["decisions"].add_column("rule_met", str, not_null_default="")
    db["decisions"].add_column("counted_for", str)
    db.execute("update decisions set counted_for = reviewer_id")
    # one decision per reviewer (or principal) per stage per version: a reviewer in two
    # stages decides in each, a double click still records one
    db.execute("drop index if exists idx_decisions_proposal_id_version_reviewer_id")
    db["decisions"].create_index(
        ["proposal_id", "version", "stage", "counted_for"],
        unique=True,
        index_name="decisions_one_per_stage",
    )
    # delegation: while away, `delegate_id` decides for `user_id`
    db["review_delegations"].create(
        {
            "id": int,
            "team_id": str,
            "user_id": str,
            "delegate_id": str,
            "starts": str,  # YYYY-MM-DD
            "ends": str,  # YYYY-MM-DD, inclusive
            "created_at": str,
            "cancelled_at": str,
        },
        pk="id",
        not_null={"team_id", "user_id", "delegate_id", "starts", "ends"},
    )
    db["review_delegations"].create_index(["team_id", "user_id"])


@migrations()
def m012_workflow_executions(db: Database) -> None:
    # one row per run of an orgbot step in a Slack workflow (Workflow Builder custom steps),
    # keyed by Slack's function_execution_id: the step is completed or failed once, also
    # across a restart (`slackbot/workflows/`)
    db["workflow_executions"].create(
        {
            "execution_id": str,
            "team_id": str,
            "callback_id": str,  # which step: compare_roles, start_org_proposal, ...
            "inputs": str,  # JSON, as Slack sent them
            "token": str,  # the execution's bot_access_token: valid while the step runs
            "status": str,  # running | finishing (outcome decided) | completed | failed
            "outputs": str,  # JSON, once the step succeeded
            "error": str,  # the words for the workflow, once it failed
            "person_id": str,  # start_org_proposal: who is asked to propose
            "proposal_id": int,  # the proposal created (start) or waited for (wait)
            "dm_channel": str,
            "dm_ts": str,
            "deadline_at": str,  # start_org_proposal: failed by the scheduler after this
            "sending_since": str,  # a process is telling Slack (a lease against doing it twice)
            "last_error": str,  # what Slack answered last, when it was not ok
            "created_at": str,
            "finished_at": str,
        },
        pk="execution_id",
        not_null={"execution_id", "team_id", "callback_id", "status", "created_at"},
    )
    db["workflow_executions"].create_index(["status", "callback_id"])


@migrations()
def m013_proposal_branches(db: Database) -> None:
    # a proposal may edit one branch of the current org: the key of the branch's top
    # position (slackbot/org/branch.py); null: the proposal is the whole org
    db["proposals"].add_column("branch_root", str)
    db["proposal_versions"].add_column("branch_root", str)
    # an org version loaded from a CSV (`orgbot org import`, the Slack import modal) has
    # no proposal: who imported it, e.g. `cli:alice` or a Slack user id
    db["org_versions"].add_column("imported_by", str)


@migrations()
def m014_org_canvas(db: Database) -> None:
    # the channel where orgbot keeps a canvas of the current org (null: no canvas)
    db["settings"].add_column("canvas_channel", str)
    # the canvas orgbot made there, once per workspace, and the org version it shows
    db["org_canvases"].create(
        {
            "team_id": str,
            "channel_id": str,
            "canvas_id": str,
            "org_version": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="team_id",
        not_null={"team_id", "channel_id", "canvas_id"},
    )


@migrations()
def m015_installations(db: Database) -> None:
    # many workspaces (`slackbot/installations/`): one row per installation of orgbot, keyed
    # by where it is installed: `E…:T…` for a workspace (E empty outside Enterprise Grid),
    # `E…:` for an org-wide install of an Enterprise Grid org. Never deleted: an uninstall
    # or a revoked token marks the row (`status`), and a reinstall makes it active again.
    db["slack_installations"].create(
        {
            "key": str,
            "enterprise_id": str,
            "team_id": str,
            "is_enterprise_install": int,
            "installation": str,  # JSON: slack_sdk's Installation (tokens included)
            "bot_token_expires_at": int,  # epoch seconds; null: the token does not expire
            "status": str,  # active | uninstalled | revoked
            "status_reason": str,
            "installed_at": str,
            "updated_at": str,
        },
        pk="key",
        not_null={"key", "status", "installation", "installed_at", "updated_at"},
    )
    db["slack_installations"].create_index(["team_id"])
    # the workspaces of an Enterprise Grid org, as requests show them: a workspace of an
    # org-wide install finds its token through its enterprise
    db["slack_workspace_enterprises"].create(
        {"team_id": str, "enterprise_id": str, "seen_at": str}, pk="team_id"
    )
    # OAuth `state` values handed out by /slack/install, each consumed once
    db["slack_oauth_states"].create(
        {"state": str, "expires_at": str}, pk="state", not_null={"expires_at"}
    )
