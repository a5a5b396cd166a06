"""`orgbot org import` and `orgbot org export`, as a real `orgbot` process against the fake
Slack (holders by email resolve with users.list / users.lookupByEmail)."""

from __future__ import annotations

import pytest

from slackbot.devslack.workspace import User
from slackbot.store import Store
from tests.test_operations import assert_named_failure, orgbot
from tests.test_run import run_env

TEAM = "T0ORGBOT1"
GOOD = """\
title,reports_to,holder,count
CEO,,alex@example.com,1
COO,CEO,U0SAM00003,1
Operations Director,COO,dana@example.com,1
Operations Manager,Operations Director,,4
CFO,CEO,,1
"""
MISTAKES = """\
title,reports_to,holder,count,status
CEO,,,1,
COO,CEO,nobody@example.com,1,
CFO,Chief Finance Guy,,1,
Analyst,CFO,,many,
Analyst,COO,,1,
Recruiter,CFO,,1,someday
"""


@pytest.fixture
def env(fake, tmp_path):
    Store(tmp_path / "run.db").close()
    return run_env(fake, tmp_path)


def current(tmp_path):
    from slackbot.proposals import repository as repo

    store = Store(tmp_path / "run.db")
    try:
        return repo.current_org(store.db, TEAM)
    finally:
        store.close()


def test_a_dry_run_lists_every_problem_with_its_line_and_changes_nothing(fake, env, tmp_path):
    (tmp_path / "org.csv").write_text(MISTAKES)
    result = orgbot(["org", "import", "org.csv", "--team", TEAM, "--apply"], env, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    out = result.stdout
    assert "org.csv: 5 problem(s); nothing was imported:" in out
    for needle in (
        "Line 3: holder nobody@example.com is not the email of anyone",
        "Line 4: “CFO” reports to “Chief Finance Guy”, which is not a title in the file",
        "Line 5: the count of “Analyst” is “many”",
        "Line 6: “Analyst” is listed 2 times (line 5, line 6)",
        "Line 7: the status of “Recruiter” is “someday”",
    ):
        assert needle in out, out
    assert current(tmp_path) is None
    assert "users.lookupByEmail" in [c.method for c in fake.calls]


def test_import_is_a_dry_run_until_apply_then_one_org_version(fake, env, tmp_path):
    (tmp_path / "org.csv").write_text(GOOD)
    dry = orgbot(["org", "import", "org.csv", "--team", TEAM], env, tmp_path)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert "org.csv: 5 positions, 8 seats." in dry.stdout
    assert "It would be the first org chart of this workspace (version 1)." in dry.stdout
    assert "Nothing was imported (a dry run)" in dry.stdout
    assert current(tmp_path) is None

    done = orgbot(
        ["org", "import", "org.csv", "--team", TEAM, "--apply", "--by", "ops"], env, tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Imported as version 1 of {TEAM}'s org." in done.stdout
    org = current(tmp_path)
    assert (org.version, org.imported_by, org.proposal_id) == (1, "ops", None)
    assert [p.title for p in org.structure.positions][:2] == ["CEO", "COO"]
    holders = {p.key: p.holders for p in org.structure.positions}
    assert holders["ceo"] == ("U0ALEX0001",)
    assert holders["operations-director"] == ("U0DANA0002",)

    again = orgbot(["org", "import", "org.csv", "--team", TEAM], env, tmp_path)
    assert "It would replace the current org (version 1, 5 positions) as version 2: no change." in (
        again.stdout
    )


def test_export_then_import_round_trips(fake, env, tmp_path):
    (tmp_path / "org.csv").write_text(GOOD)
    assert (
        orgbot(["org", "import", "org.csv", "--team", TEAM, "--apply"], env, tmp_path).returncode
        == 0
    )
    exported = orgbot(["org", "export", "--team", TEAM, "out.csv"], env, tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "wrote 5 positions (version 1) to out.csv" in exported.stderr
    text = (tmp_path / "out.csv").read_text()
    assert text.splitlines()[0] == "title,reports_to,holder,count,status,vacancies,dotted"
    assert (
        orgbot(["org", "import", "out.csv", "--team", TEAM, "--apply"], env, tmp_path).returncode
        == 0
    )
    first, second = current(tmp_path), None
    from slackbot.proposals import repository as repo

    store = Store(tmp_path / "run.db")
    try:
        first, second = repo.org_version(store.db, TEAM, 1), repo.org_version(store.db, TEAM, 2)
    finally:
        store.close()
    assert second.structure == first.structure
    stdout = orgbot(["org", "export", "--team", TEAM], env, tmp_path).stdout
    assert stdout == text


def test_a_deactivated_person_or_a_bot_is_not_a_holder(fake, env, tmp_path):
    fake.ws.users["U0GONE0009"] = User("U0GONE0009", "gone", "Gone Person", deleted=True)
    (tmp_path / "org.csv").write_text(
        "title,holder\nCEO,gone@example.com\nCOO,U0GONE0009\nCFO,U0ORGBOT1\n"
    )
    result = orgbot(["org", "import", "org.csv", "--team", TEAM], env, tmp_path)
    assert result.returncode == 1
    assert "Line 2: holder gone@example.com is not the email of anyone" in result.stdout
    assert "Line 3: holder U0GONE0009 is not a member of this workspace." in result.stdout


def test_export_of_a_workspace_without_an_org_says_so(env, tmp_path):
    result = orgbot(["org", "export", "--team", TEAM], env, tmp_path)
    assert result.returncode == 1
    assert "has no current org yet" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["org", "import", "missing.csv", "--team", TEAM], "missing.csv: No such file"),
        (["org", "import", "org.csv", "--team", TEAM, "--apply", "--dry-run"], "choose one"),
    ],
)
def test_usage_mistakes_are_one_sentence(env, tmp_path, args, needle):
    (tmp_path / "org.csv").write_text(GOOD)
    assert_named_failure(orgbot(args, env, tmp_path), needle)


def test_a_token_without_users_read_email_is_named_not_a_traceback(tmp_path):
    """An orgbot installed before the scope was added: emails cannot be looked up."""
    from slackbot.devslack import FakeSlack
    from slackbot.devslack.webapi import granted_scopes

    with FakeSlack(scopes=granted_scopes() - {"users:read.email"}) as older:
        Store(tmp_path / "run.db").close()
        env = run_env(older, tmp_path)
        (tmp_path / "org.csv").write_text("title,holder\nCEO,alex@example.com\n")
        result = orgbot(["org", "import", "org.csv", "--team", TEAM], env, tmp_path)
        assert_named_failure(
            result,
            "users.lookupByEmail with missing_scope",
            "the token needs the scope users:read.email; reinstall the app",
        )
        # the same import with user ids works
        (tmp_path / "org.csv").write_text("title,holder\nCEO,U0ALEX0001\n")
        ids_only = orgbot(["org", "import", "org.csv", "--team", TEAM], env, tmp_path)
        assert ids_only.returncode == 0, ids_only.stdout + ids_only.stderr


def test_an_export_into_a_missing_folder_names_the_file_not_an_option(fake, env, tmp_path):
    (tmp_path / "org.csv").write_text(GOOD)
    imported = orgbot(["org", "import", "org.csv", "--team", TEAM, "--apply"], env, tmp_path)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    result = orgbot(["org", "export", "--team", TEAM, "no/such/folder/org.csv"], env, tmp_path)
    assert_named_failure(result, "orgbot: cannot write no/such/folder/org.csv (No such file")
    assert "--output" not in result.stderr  # the file is an argument, not an option
