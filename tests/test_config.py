"""Config from the environment and .env, with errors that say what to set."""

import pytest

from slackbot.config import Config, ConfigError


def test_defaults():
    config = Config.from_env({}, dotenv=None)
    assert config.api_url == "https://slack.com/api/"
    assert (config.db_path, config.host, config.port, config.timezone) == (
        "orgbot.db",
        "0.0.0.0",
        3000,
        "UTC",
    )
    assert not config.socket_mode and config.admins == frozenset()


def test_values_and_normalisation():
    config = Config.from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_APP_TOKEN": "xapp-1",
            "SLACK_API_URL": "http://127.0.0.1:9/api",
            "PORT": "8080",
            "ORGBOT_TIMEZONE": "Europe/Berlin",
            "ORGBOT_ADMINS": "U1, U2,,",
        },
        dotenv=None,
    )
    assert config.socket_mode and config.port == 8080
    assert config.api_url == "http://127.0.0.1:9/api/"
    assert config.admins == {"U1", "U2"}
    assert str(config.tz) == "Europe/Berlin"


def test_dotenv_fills_in_what_the_environment_lacks(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-from-file\nORGBOT_DB=/data/o.db\nPORT=4000\n")
    config = Config.from_env({"PORT": "5000"}, dotenv=env_file)
    assert (config.bot_token, config.db_path, config.port) == ("xoxb-from-file", "/data/o.db", 5000)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "http"}, "PORT must be a number"),
        ({"ORGBOT_TIMEZONE": "Mars/Olympus"}, "IANA time zone"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "xoxb-"),
        ({"SLACK_APP_TOKEN": "xoxb-wrong"}, "xapp-"),
        ({"ORGBOT_ADMINS": "U0ALEX0001, alex"}, "ORGBOT_ADMINS must be Slack member IDs.*'alex'"),
        ({"ORGBOT_ADMINS": "@dana"}, "ORGBOT_ADMINS .*'@dana'"),
        ({"ORGBOT_ADMINS": "U0ALEX0001 U0SAM00003"}, "comma-separated"),
    ],
)
def test_malformed_values_are_named(env, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_env(env, dotenv=None)


def test_run_names_every_missing_variable_and_the_way_out():
    config = Config.from_env({}, dotenv=None)
    with pytest.raises(ConfigError) as error:
        config.require_run()
    text = str(error.value)
    assert "SLACK_BOT_TOKEN" in text and "SLACK_SIGNING_SECRET" in text
    assert "orgbot sandbox" in text and "Quick start" in text


def test_socket_mode_needs_no_signing_secret():
    Config.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, dotenv=None
    ).require_run()


def test_the_workflow_step_timeout():
    assert Config.from_env({}, dotenv=None).step_timeout_hours == 72
    config = Config.from_env({"ORGBOT_STEP_TIMEOUT_HOURS": "24"}, dotenv=None)
    assert config.step_timeout_hours == 24


@pytest.mark.parametrize("value", ["0", "-1", "soon", "721"])
def test_a_bad_workflow_step_timeout_is_named(value):
    with pytest.raises(ConfigError, match="ORGBOT_STEP_TIMEOUT_HOURS must be a number of hours"):
        Config.from_env({"ORGBOT_STEP_TIMEOUT_HOURS": value}, dotenv=None)
