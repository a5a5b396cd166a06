"""Clean failures for operators, as a real `orgbot` process: each way `orgbot run` (and
`orgbot check`) cannot start is one or two lines naming the setting or the file, exit 2,
no traceback; health tells the truth about the database; read-only commands never create
one; the files are private; the default log is orgbot's own.

The machine's temp folders stand in for the operator's: files made read-only with chmod,
a port already bound, junk written over a database, a migration from a "newer orgbot"
inserted into the migrations table."""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import select
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from slackbot.clock import ManualClock
from slackbot.config import Config
from slackbot.services import Services
from slackbot.store import Store
from tests.scheduling_helpers import create_proposal
from tests.test_run import free_port, run_env, start_run, wait_healthy

ORGBOT = [sys.executable, "-m", "slackbot"]


def as_ordinary_user():
    """A `preexec_fn` that, when the tests run as root, drops the capabilities that let
    root ignore file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from the child's
    bounding set, so chmod means to it what it means to the `orgbot` service user."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for capability in (1, 2):
            libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP

    return drop


@pytest.fixture
def permissions_apply(tmp_path):
    """Skip when file permissions cannot be made to bind the orgbot process here."""
    probe = tmp_path / "probe"
    probe.write_text("")
    probe.chmod(0o444)
    result = subprocess.run(
        [sys.executable, "-c", f"open({str(probe)!r}, 'a')"],
        preexec_fn=as_ordinary_user(),
        capture_output=True,
    )
    probe.chmod(0o644)
    if result.returncode == 0:
        pytest.skip("this machine lets the test process write read-only files")


def orgbot(args, env, cwd, *, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ORGBOT, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=as_ordinary_user(),
    )


def assert_named_failure(result: subprocess.CompletedProcess, *needles: str) -> None:
    """Exit 2, no traceback, and a message of at most two lines saying what to do."""
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output and " ERROR " not in output, output
    assert "orgbot stopped" not in output, output
    message = [line for line in result.stderr.splitlines() if " INFO " not in line]
    assert 1 <= len(message) <= 2, output
    for needle in needles:
        assert needle in result.stderr, output


def closed_port() -> int:
    return free_port()  # nothing listens there once the probe socket is closed


START_FAILURES = [
    (
        {"SLACK_API_URL": "http://127.0.0.1:{closed}/api/"},
        ["SLACK_API_URL=http://127.0.0.1:", "cannot reach Slack", "Connection refused"],
    ),
    ({"SLACK_API_URL": "not-a-url"}, ["SLACK_API_URL must be", "'not-a-url'"]),
    (
        {"SLACK_API_URL": "http://orgbot-test.invalid/api/"},
        ["SLACK_API_URL=http://orgbot-test.invalid/api/", "host name does not resolve"],
    ),
    ({"ORGBOT_DB": "{tmp}/a-file/orgbot.db"}, ["ORGBOT_DB", "a-file is a file, not a folder"]),
    ({"ORGBOT_DB": "{tmp}/junk.db"}, ["ORGBOT_DB", "junk.db is damaged", "backup"]),
    ({"SLACK_APP_TOKEN": "xapp-1-revoked"}, ["SLACK_APP_TOKEN", "invalid_auth", "xapp-"]),
    ({"HOST": "orgbot-test.invalid"}, ["HOST=orgbot-test.invalid", "not an address"]),
]
START_FAILURE_IDS = [
    "unreachable",
    "not-a-url",
    "no-such-host",
    "db-under-a-file",
    "corrupt-db",
    "bad-xapp",
    "bad-host",
]


# 16. `orgbot run` cannot start ---------------------------------------------------------------


@pytest.mark.parametrize(("variables", "needles"), START_FAILURES, ids=START_FAILURE_IDS)
def test_run_names_what_stops_it(fake, tmp_path, variables, needles):
    env = failing_env(fake, tmp_path, variables)
    assert_named_failure(orgbot(["run"], env, tmp_path), *needles)


@pytest.mark.parametrize(("variables", "needles"), START_FAILURES, ids=START_FAILURE_IDS)
def test_check_reports_the_same_without_a_traceback(fake, tmp_path, variables, needles):
    fake.enable_socket_mode()
    Store(tmp_path / "run.db").close()
    result = orgbot(["check"], failing_env(fake, tmp_path, variables), tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and " ERROR " not in output, output
    if "HOST" in variables:  # only `orgbot run` listens
        assert result.returncode == 0, output
    elif result.returncode == 2:  # a setting wrong in itself: the same one or two lines
        assert_named_failure(result, *needles)
    else:  # a [FAIL] line naming the variable
        assert result.returncode == 1, output
        fails = [line for line in result.stdout.splitlines() if line.startswith("[FAIL]")]
        assert any(needles[0] in line for line in fails), output


def failing_env(fake, tmp_path, variables) -> dict[str, str]:
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "junk.db").write_bytes(b"this is not an orgbot database\n" * 200)
    fill = {"closed": closed_port(), "tmp": tmp_path}
    return run_env(fake, tmp_path, **{k: v.format(**fill) for k, v in variables.items()})


def test_run_names_a_port_in_use_before_saying_anything_else(fake, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = run_env(fake, tmp_path, PORT=str(port))
        result = orgbot(["run"], env, tmp_path)
    assert_named_failure(result, f"PORT={port}", "already in use", "set PORT")
    assert "listening" not in result.stderr and "scheduler started" not in result.stderr


@pytest.mark.usefixtures("permissions_apply")
@pytest.mark.parametrize("which", ["folder", "file and folder", "file"])
def test_run_names_a_database_it_cannot_write(fake, tmp_path, which):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "orgbot.db"
    if "file" in which:
        Store(path).close()
        path.chmod(0o444)
    if "folder" in which:
        folder.chmod(0o555)
    try:
        result = orgbot(["run"], run_env(fake, tmp_path, ORGBOT_DB=str(path)), tmp_path)
    finally:
        folder.chmod(0o755)
    expected = "is read-only" if "file" in which else "cannot create"
    assert_named_failure(result, "ORGBOT_DB", str(path), expected)


def test_check_names_an_unreachable_slack_without_a_traceback(fake, tmp_path):
    Store(tmp_path / "run.db").close()
    env = run_env(fake, tmp_path, SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/")
    result = orgbot(["check"], env, tmp_path)
    assert result.returncode == 1
    assert "[FAIL] token: cannot reach Slack at SLACK_API_URL=" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "ERROR" not in result.stderr


def test_a_rate_limited_slack_is_said_at_once_by_check_and_while_run_waits(fake, tmp_path):
    """auth.test answered 429 with Retry-After 20: check did not answer for minutes, and
    run waited in silence; now check says so at once and run says what it waits for."""
    Store(tmp_path / "run.db").close()
    env = run_env(fake, tmp_path)
    fake.rate_limit_next("auth.test", times=3, retry_after=20)
    started = time.monotonic()
    result = orgbot(["check"], env, tmp_path)
    assert time.monotonic() - started < 10
    assert "[FAIL] token: Slack is rate-limiting this token just now (Retry-After 20 s)" in (
        result.stdout
    )
    proc = start_run(env, tmp_path)
    try:
        said = select.select([proc.stdout], [], [], 10)[0]  # within a second or two
        line = proc.stdout.readline() if said else ""
    finally:
        proc.kill()
        proc.communicate(timeout=20)
    assert "Slack rate-limited auth.test; waiting 20 s, as it asked" in line


@pytest.mark.parametrize(
    ("token", "line"),
    [
        ("xapp-1-revoked", "[FAIL] app token: Slack refused SLACK_APP_TOKEN (invalid_auth)"),
        (None, "[ok  ] app token: Slack accepts SLACK_APP_TOKEN (Socket Mode)"),
    ],
)
def test_check_tries_the_app_level_token(fake, tmp_path, token, line):
    fake.enable_socket_mode()
    Store(tmp_path / "run.db").close()
    env = run_env(fake, tmp_path, SLACK_APP_TOKEN=token or fake.app_token)
    result = orgbot(["check"], env, tmp_path)
    assert line in result.stdout, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# 17. health that tells the truth -------------------------------------------------------------


def add_future_migration(path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) "
            "values ('orgbot', 'm999_from_a_newer_orgbot', '2027-01-01')"
        )


def test_a_database_from_a_newer_orgbot_stops_run_and_fails_check(fake, tmp_path):
    path = tmp_path / "run.db"
    Store(path).close()
    add_future_migration(path)
    before = path.read_bytes()
    env = run_env(fake, tmp_path, ORGBOT_DB=str(path))
    assert_named_failure(
        orgbot(["run"], env, tmp_path), "newer orgbot", "m999_from_a_newer_orgbot", str(path)
    )
    check = orgbot(["check"], env, tmp_path)
    assert check.returncode == 1
    assert "[FAIL] database: ORGBOT_DB:" in check.stdout and "newer orgbot" in check.stdout
    assert "Traceback" not in check.stdout + check.stderr
    assert path.read_bytes() == before  # nothing applied, nothing downgraded


def test_check_runs_sqlites_quick_check(fake, tmp_path):
    path = tmp_path / "run.db"
    services = Services.open(
        Config(db_path=str(path)), clock=ManualClock(datetime(2026, 11, 25, tzinfo=UTC))
    )
    for _ in range(40):
        create_proposal(services)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        page = conn.execute(
            "select pageno from dbstat where name = 'idx_proposals_team_id_status'"
        ).fetchone()[0]
        size = conn.execute("pragma page_size").fetchone()[0]
    services.store.close()
    with open(path, "r+b") as f:  # junk over one index page: plain queries still work
        f.seek((page - 1) * size + 8)
        f.write(b"\xff" * 64)
    result = orgbot(["check"], run_env(fake, tmp_path, ORGBOT_DB=str(path)), tmp_path)
    assert result.returncode == 1
    assert "[FAIL] database:" in result.stdout, result.stdout
    assert "quick check found damage" in result.stdout or "damaged" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def get_health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@contextlib.contextmanager
def running(fake, tmp_path, *args: str, **variables: str):
    env = run_env(fake, tmp_path, **variables)
    proc = start_run(env, tmp_path, *args, preexec_fn=as_ordinary_user())
    base = f"http://127.0.0.1:{env['PORT']}"
    output: list[str] = []
    try:
        wait_healthy(f"{base}/healthz", proc)
        yield base, output
    finally:
        proc.send_signal(signal.SIGTERM)
        output.append(proc.communicate(timeout=20)[0])


def test_a_flood_of_healthz_costs_one_database_probe_a_second(fake, bot, clock, monkeypatch):
    """/healthz needs no signature and each probe commits a write: 200 checks in the same
    second are answered from one probe, by 8 server threads at once."""
    probes = []
    real = bot.services.store.health_problem
    monkeypatch.setattr(bot.services.store, "health_problem", lambda: probes.append(1) or real())
    url = fake.app_url.replace("/slack/events", "/healthz")
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: get_health(url)[0], range(200)))
    assert statuses == [200] * 200
    assert len(probes) == 1
    clock.advance(timedelta(seconds=1))
    assert get_health(url)[0] == 200
    assert len(probes) == 2  # a second later, checked again


def wait_past_the_health_cache() -> None:
    time.sleep(1.1)  # `/healthz` reuses its answer for a second


def test_healthz_is_503_with_the_reason_when_the_database_is_damaged(fake, tmp_path):
    path = tmp_path / "run.db"
    with running(fake, tmp_path) as (base, _):
        assert get_health(f"{base}/healthz")[0] == 200
        with contextlib.closing(sqlite3.connect(path)) as conn:  # everything into the file
            conn.execute("pragma wal_checkpoint(truncate)")
        with open(path, "r+b") as f:
            f.write(b"junk" * 32)  # over SQLite's header, as a bad disk or a stray cp would
        wait_past_the_health_cache()
        status, body = get_health(f"{base}/healthz")
    assert status == 503
    assert body["status"] == "unhealthy" and body["database"] == "unavailable"
    assert str(path) in body["reason"] and "damaged" in body["reason"]


@pytest.mark.usefixtures("permissions_apply")
def test_healthz_is_503_with_the_reason_when_the_database_turns_read_only(fake, tmp_path):
    path = tmp_path / "run.db"
    with running(fake, tmp_path) as (base, _):
        assert get_health(f"{base}/healthz")[0] == 200
        path.chmod(0o444)
        wait_past_the_health_cache()
        status, body = get_health(f"{base}/healthz")
        path.chmod(0o600)
        wait_past_the_health_cache()
        assert get_health(f"{base}/healthz")[0] == 200  # and back, once it is fixed
    assert status == 503
    assert str(path) in body["reason"] and "read-only" in body["reason"]


def test_healthz_is_503_with_the_reason_when_the_disk_is_full(fake, tmp_path):
    """A full disk, without root: a file-size limit on the process (RLIMIT_FSIZE), so the
    database's write-ahead log cannot grow past 1 MB; writes then fail as on a full disk.
    Another process (this test) grows the log past that, so orgbot's next write fails."""
    import resource

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write instead of dying
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    env = run_env(fake, tmp_path)
    proc = start_run(env, tmp_path, preexec_fn=small_disk)
    url = f"http://127.0.0.1:{env['PORT']}/healthz"
    try:
        wait_healthy(url, proc)
        with contextlib.closing(sqlite3.connect(tmp_path / "run.db")) as conn, conn:
            conn.execute("update health_probe set checked_at = zeroblob(2000000)")
        wait_past_the_health_cache()
        status, body = get_health(url)
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
    assert status == 503, output
    assert str(tmp_path / "run.db") in body["reason"] and "Free space" in body["reason"]


# 18. read-only commands, dry runs, private files ---------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["export"],
        ["export", "--format", "csv"],
        ["digest", "--dry-run"],
        ["remind", "--dry-run"],
        ["roles", "export", "--team", "T0ORGBOT1"],
        ["roles", "--team", "T0ORGBOT1"],
    ],
)
def test_read_only_commands_refuse_a_missing_database(fake, tmp_path, args):
    env = run_env(fake, tmp_path, ORGBOT_DB="typo.db")
    assert_named_failure(orgbot(args, env, tmp_path), "ORGBOT_DB", str(tmp_path / "typo.db"))
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["digest"],
        ["remind"],
        ["roles", "remove", "coo", "--team", "T0ORGBOT1"],
    ],
)
def test_commands_on_orgbots_records_refuse_a_missing_database(fake, tmp_path, args):
    """A typo in ORGBOT_DB is named, not answered with "0 sent" or "no such role" from a
    database (and folders) created on the spot."""
    env = run_env(fake, tmp_path, ORGBOT_DB=str(tmp_path / "typo" / "typo.db"))
    assert_named_failure(orgbot(args, env, tmp_path), "ORGBOT_DB", str(tmp_path / "typo"))
    assert not (tmp_path / "typo").exists()
    assert fake.calls == []


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--output", "{tmp}/no-such-folder/orgbot.json"],
        ["export", "--format", "csv", "-o", "{tmp}"],
        ["roles", "export", "-o", "{tmp}/no-such-folder/roles.toml"],
    ],
)
def test_an_output_file_that_cannot_be_written_is_named(fake, tmp_path, args):
    Store(tmp_path / "run.db").close()
    args = [a.format(tmp=tmp_path) for a in args]
    assert_named_failure(orgbot(args, run_env(fake, tmp_path), tmp_path), "--output", args[-1])


@pytest.mark.parametrize(
    "args",
    [
        ["roles", "import", "--team", "T0ORGBOT1", "roles.toml"],
        ["sandbox", "--script", "roles.toml"],
    ],
)
def test_a_file_that_is_not_utf8_is_named(fake, tmp_path, args):
    (tmp_path / "roles.toml").write_bytes(b'[[roles]]\nid = "caf\xe9"\n')  # Latin-1
    result = orgbot(args, run_env(fake, tmp_path), tmp_path)
    assert_named_failure(result, "roles.toml: not UTF-8 text", "save it as UTF-8")


def test_an_export_file_is_private_like_the_database(fake, tmp_path):
    Store(tmp_path / "run.db").close()
    result = orgbot(["export", "-o", "out.json"], run_env(fake, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o600


def test_check_does_not_create_a_database(fake, tmp_path):
    result = orgbot(["check"], run_env(fake, tmp_path, ORGBOT_DB="typo.db"), tmp_path)
    assert result.returncode == 1
    assert f"[FAIL] database: ORGBOT_DB: there is no database at {tmp_path / 'typo.db'}" in (
        result.stdout
    )
    assert not (tmp_path / "typo.db").exists()


def test_a_dry_run_stays_offline(fake, tmp_path):
    path = tmp_path / "run.db"
    services = Services.open(
        Config(db_path=str(path)), clock=ManualClock(datetime(2026, 11, 23, 8, tzinfo=UTC))
    )
    create_proposal(services)  # a reviewer orgbot has never looked up
    services.store.close()
    env = run_env(fake, tmp_path, ORGBOT_DB=str(path))
    result = orgbot(["remind", "--dry-run", "--at", "2026-11-24T09:30+00:00"], env, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 remind message(s) would be sent" in result.stdout
    assert fake.calls == []
    assert result.stderr == ""


def test_the_database_and_its_wal_files_are_private(fake, tmp_path):
    path = tmp_path / "run.db"
    with running(fake, tmp_path) as (base, _):
        get_health(f"{base}/healthz")  # a write: the -wal and -shm files exist now
        modes = {
            name: stat.S_IMODE(os.stat(f"{path}{name}").st_mode) for name in ("", "-wal", "-shm")
        }
    assert modes == {"": 0o600, "-wal": 0o600, "-shm": 0o600}


# 19. noise -----------------------------------------------------------------------------------


def test_a_failed_job_is_logged_once(services, config, caplog, monkeypatch):
    """A scheduler job that fails (here: the catch-up pass) is one ERROR record with its
    traceback, not that and APScheduler's own 'Job … raised an exception' too."""
    from slackbot.app import make_client
    from slackbot.scheduling.scheduled import ScheduledPosts
    from slackbot.scheduling.scheduler import Scheduler

    def fail(self, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(ScheduledPosts, "remind", fail)
    caplog.set_level(logging.INFO)
    scheduler = Scheduler(services, make_client(config))
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not any(
            r.levelno >= logging.ERROR for r in caplog.records
        ):
            time.sleep(0.05)
        time.sleep(0.2)
    finally:
        scheduler.shutdown()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage()) for r in errors] == [
        ("orgbot.scheduler", "job catch-up failed")
    ]
    assert errors[0].exc_info


@pytest.mark.parametrize("verbose", [False, True])
def test_the_slack_clients_own_error_on_a_network_failure_is_shown_only_with_v(caplog, verbose):
    """orgbot says what a failed call means in its own warning; slack_sdk's ERROR line
    "Failed to send a request to Slack API server" is library detail: INFO, for `-v`."""
    from slackbot.app import make_client

    caplog.set_level(logging.INFO if verbose else logging.WARNING)  # as `-v` and the default
    client = make_client(Config(bot_token="xoxb-1", api_url=f"http://127.0.0.1:{closed_port()}/"))
    with pytest.raises(OSError):
        client.chat_postMessage(channel="C1", text="hello")
    lines = [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("slack_sdk")
    ]
    if verbose:
        assert lines and all(level == "INFO" for level, _ in lines), lines
        assert any(m.startswith("Failed to send a request to Slack API") for _, m in lines)
    else:
        assert lines == []


def test_run_logs_only_orgbots_own_lines_by_default(fake, tmp_path):
    with running(fake, tmp_path) as (_, output):
        pass
    lines = output[0].splitlines()
    assert any("orgbot is listening on" in line for line in lines)
    assert all(" orgbot" in line for line in lines), output[0]  # orgbot's loggers only
    assert "will be unused" not in output[0]


@pytest.mark.parametrize("where", ["before", "after"])
def test_v_brings_the_libraries_info(fake, tmp_path, where):
    args = ["-v"] if where == "after" else []
    env = run_env(fake, tmp_path)
    command = [*ORGBOT, *(["-v", "run"] if where == "before" else ["run", *args])]
    proc = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        wait_healthy(f"http://127.0.0.1:{env['PORT']}/healthz", proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
    assert "INFO apscheduler.scheduler: Scheduler started" in output


def test_version():
    result = subprocess.run([*ORGBOT, "--version"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    assert result.stdout.strip().startswith("orgbot ")
