"""The sandbox's workspace has conversations between people that orgbot is not in, as
Slack workspaces do: commands work there, and the bot cannot post there."""

from slackbot.cli import main


def test_dms_between_people_are_places_to_try_commands(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text(
        "channels\nin #dm-alex-dana\n/org-proposal help\nexpect only you can see this\n"
    )
    assert main(["sandbox", "--script", str(script)]) == 0
    out = capsys.readouterr().out
    assert "#dm-alex-dana  (DM between @alex and @dana; orgbot is not in it)" in out
    assert "(group DM between @alex, @dana and @sam; orgbot is not in it)" in out
    assert "only you can see this · #dm-alex-dana" in out
