"""`orgbot sandbox`: the shipped tour passes, failures fail, and the pieces parse input right."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from slackbot.cli import main
from slackbot.devslack.workspace import Workspace
from slackbot.sandbox.forms import Field, FieldError, parse_answer
from slackbot.sandbox.repl import StepFailed, inline_image, parse_duration, parse_when


def test_the_shipped_tour_passes(capsys):
    assert main(["sandbox", "--script", "tour"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("sandbox script passed")
    assert "ORG PROPOSALS: WEEK OF 30 NOVEMBER 2026" in out


def test_a_failing_expectation_fails_the_script(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("/role-compare coo vs cfo\nexpect something orgbot never says\n")
    assert main(["sandbox", "--script", str(script)]) == 1
    out = capsys.readouterr().out
    assert "step failed: expected to see 'something orgbot never says'" in out
    assert "(script line 2)" in out and "sandbox script FAILED" in out


def test_a_script_ending_inside_a_form_fails(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("/org-proposal\nJust a title\n")
    assert main(["sandbox", "--script", str(script)]) == 1
    assert "the input ended inside the form" in capsys.readouterr().out


def test_an_unknown_command_fails_a_script(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("frobnicate\n")
    assert main(["sandbox", "--script", str(script)]) == 1
    assert "unknown command 'frobnicate'" in capsys.readouterr().out


def test_a_slash_command_orgbot_does_not_have_is_named_like_slack_names_it(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("/org-proposals list\n")
    assert main(["sandbox", "--script", str(script)]) == 1
    out = capsys.readouterr().out
    assert "/org-proposals is not a valid command" in out
    assert "/org-proposal, /role-compare" in out
    assert "HTTP 404" not in out and "Unhandled request" not in out


def test_durations_and_times():
    assert parse_duration("1d2h30m") == timedelta(days=1, hours=2, minutes=30)
    assert parse_duration("45m") == timedelta(minutes=45)
    with pytest.raises(ValueError):
        parse_duration("soon")
    with pytest.raises(ValueError, match="at most 31 days"):
        parse_duration("99999999999d")  # an OverflowError ended the sandbox with a traceback
    now = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # a Wednesday
    assert parse_when("monday 09:00", now) == datetime(
        2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Europe/London")
    )
    assert parse_when("wednesday 09:00", now).date() == date(2026, 12, 2)  # next week's
    assert parse_when("11:00", now).date() == date(2026, 11, 25)
    assert parse_when("09:00", now).date() == date(2026, 11, 26)
    assert parse_when("2026-12-01 08:30", now).hour == 8


def test_form_answers_become_slack_values():
    ws = Workspace()
    today = date(2026, 11, 25)
    people = Field("r", "Reviewers", "multi_users_select", False)
    assert parse_answer(people, "@alex, sam", ws, today=today) == ["U0ALEX0001", "U0SAM00003"]
    with pytest.raises(FieldError, match="no one called @zed"):
        parse_answer(people, "@zed", ws, today=today)
    when = Field("d", "Review by", "datepicker", False)
    assert parse_answer(when, "+7d", ws, today=today) == "2026-12-02"
    channel = Field("c", "Channel", "conversations_select", False)
    assert parse_answer(channel, "#org-design", ws, today=today) == "C0ORGDES02"
    pick = Field(
        "p", "How often", "static_select", False, options=[("weekly", "Weekly"), ("daily", "Daily")]
    )
    assert parse_answer(pick, "2", ws, today=today) == "daily"
    assert parse_answer(pick, "weekly", ws, today=today) == "weekly"
    days = Field("q", "Quiet", "checkboxes", True, options=[("5", "Saturday"), ("6", "Sunday")])
    assert parse_answer(days, "1,2", ws, today=today) == ["5", "6"]
    assert parse_answer(days, "none", ws, today=today) == []


def test_jobs_due_at_the_same_instant_all_fire():
    from datetime import UTC, date

    from roles import load_catalog
    from slackbot.org.structure import parse_structure
    from slackbot.proposals import Draft
    from slackbot.sandbox.session import Sandbox
    from slackbot.settings import Settings, save_settings

    sandbox = Sandbox(start=datetime(2026, 11, 23, 8, 55, tzinfo=UTC))  # Monday, London
    try:
        services, team = sandbox.bot.services, sandbox.ws.team_id
        save_settings(
            services.store,
            Settings(
                team_id=team,
                timezone="Europe/London",
                digest_channel="C0ORGDES02",
                digest_weekday=1,
            ),
            user_id="U0ALEX0001",
            now=services.clock.now(),
        )
        text = "CEO\nCOO reports to CEO"
        draft = Draft(
            "t",
            "r",
            text,
            parse_structure(text, load_catalog()).structure,
            ("U0SAM00003",),
            date(2026, 12, 2),
            "C0ORGDES02",
        )
        services.proposals.create(team, "U0DANA0002", draft)
        sandbox.set_time(
            datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        )  # Tuesday 09:00: digest and reminder both due
        keys = {r["key"] for r in services.store.db["deliveries"].rows}
        assert f"digest:{team}:2026-11-24" in keys
        assert f"reminder:{team}:1:v1:U0SAM00003:2026-11-24" in keys
    finally:
        sandbox.close()


# issue 8, item 20: the sandbox does not wedge ------------------------------------------------


def run_script(tmp_path, capsys, text: str) -> tuple[int, str]:
    script = tmp_path / "s.txt"
    script.write_text(text)
    status = main(["sandbox", "--script", str(script)])
    return status, capsys.readouterr().out


def test_invite_makes_orgbot_a_member_so_the_advice_can_be_followed(tmp_path, capsys):
    status, out = run_script(
        tmp_path,
        capsys,
        """in #random
/org-proposal
Put operations under a COO
Why not.
.
CEO
COO reports to CEO
.
@alex
+7d

#random
dms
expect /invite @orgbot
/invite @orgbot
expect @orgbot joined #random
dms
click Post again
expect Proposal #1: Put operations under a COO
channels
expect-not orgbot is not a member
""",
    )
    assert status == 0, out


def test_enter_after_a_form_error_keeps_what_the_prompt_shows(tmp_path, capsys):
    """The form refuses @dana as her own reviewer; asked again, the prompt shows what she
    typed, and Enter submits exactly that (refused again), not something else."""
    status, out = run_script(
        tmp_path,
        capsys,
        """/org-proposal
Put operations under a COO
Why not.
.
CEO
COO reports to CEO
.
@dana @sam




@sam
expect Proposal #1
""",
    )
    assert status == 0, out
    assert out.count("The form has problems") == 2  # Enter resubmitted what was shown
    assert out.count("  > [@dana @sam] ") == 2  # asked again twice, each time showing it


def test_a_message_slack_rejects_is_reported_once(capsys):
    from slackbot.sandbox.repl import Lines, Repl
    from slackbot.sandbox.session import SCRIPT_START, Sandbox

    sandbox = Sandbox(start=SCRIPT_START)
    said: list[str] = []
    try:
        repl = Repl(sandbox, Lines(None), out=said.append)
        repl.command("/role-compare coo vs cfo")
        sandbox.fake.api.problems.append("chat.postMessage: a block Slack would refuse")
        with pytest.raises(StepFailed, match="a block Slack would refuse"):
            repl.command("/role-compare coo vs cmo")
        repl.command("/role-compare coo vs cto")  # no longer wedged on the old failure
        repl.command("home")
    finally:
        sandbox.close()


def test_ctrl_c_leaves_the_sandbox_without_a_traceback(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # a suite started in the background by a script (`make test &`) runs with SIGINT
    # ignored, and a child inherits that: it would never see the Ctrl-C. A handled
    # signal is reset to the default at exec, as a terminal's shell would give it.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "slackbot", "sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        for line in proc.stdout:  # the welcome, then the prompt waits for a line
            if line.startswith("Try:"):
                break
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err
    assert "interrupted" in out


def test_chart_saves_a_picture_of_a_proposal_and_prints_its_path(tmp_path, capsys):
    picture = tmp_path / "proposal.png"
    status, out = run_script(
        tmp_path,
        capsys,
        f"""/org-proposal
Put operations under a COO
Why not.
.
CEO
COO reports to CEO
Data Analyst [hire] reports to COO
.
@alex
+7d

#org-design
chart 1 {picture}
expect saved {picture}
expect 3 positions
expect └─ Data Analyst
""",
    )
    assert status == 0, out
    image = Image.open(picture)
    image.load()
    assert image.format == "PNG" and image.size[0] > 300


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("chart", "has no approved org chart yet; draw a proposal"),
        ("chart 2", "has no proposal #2"),
        ("chart 1 picture.gif", "picture.gif: name a .png or .svg file"),
        ("chart 1 2 3", "say chart, chart 3 or chart 3 FILE.png"),
    ],
)
def test_chart_says_why_it_cannot_draw(tmp_path, capsys, command, said):
    status, out = run_script(tmp_path, capsys, command + "\n")
    assert status == 1 and said in out and "Traceback" not in out


def test_inline_images_for_terminals_that_show_them(tmp_path):
    picture = tmp_path / "c.png"
    picture.write_bytes(b"\x89PNG fake")
    iterm = inline_image(picture, {"TERM_PROGRAM": "iTerm.app"})
    assert iterm.startswith("\033]1337;File=inline=1;size=9;") and iterm.endswith("\a")
    kitty = inline_image(picture, {"TERM": "xterm-kitty"})
    assert kitty.startswith("\033_Ga=T,f=100,m=0;") and kitty.endswith("\033\\")
    assert inline_image(picture, {"TERM": "xterm-256color"}) == ""
    assert inline_image(tmp_path / "c.svg", {"TERM_PROGRAM": "iTerm.app"}) == ""
