"""The fake Slack's workflow steps are as strict as Slack's: one completion per execution,
outputs as the manifest declares them, the execution's own token."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot import ids
from slackbot.devslack import FakeSlack
from slackbot.devslack.functions import function_executed_event, manifest_functions, new_execution


@pytest.fixture
def slack():
    with FakeSlack() as fake:
        yield fake


def started(slack: FakeSlack, callback_id: str = ids.COMPARE_ROLES_STEP):
    run = new_execution(callback_id, {"role_1": "COO", "role_2": "CFO"}, manifest_functions())
    slack.api.executions[run.execution_id] = run
    return run, WebClient(token=run.token, base_url=slack.api_url)


OUTPUTS = {"verdict": "v", "comparison": "c", "has_unknown_roles": False}


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response["error"]


def test_the_event_is_shaped_as_slack_documents_it(slack):
    run, _ = started(slack)
    event = function_executed_event(run)
    assert event["type"] == "function_executed"
    assert event["function_execution_id"] == run.execution_id
    assert event["bot_access_token"].startswith("xwfp-")
    assert event["function"]["callback_id"] == ids.COMPARE_ROLES_STEP
    names = [p["name"] for p in event["function"]["input_parameters"]]
    assert names == ["role_1", "role_2", "role_3", "role_4"]
    assert {"type", "name", "title", "description", "is_required"} <= set(
        event["function"]["output_parameters"][0]
    )


def test_a_second_completion_is_refused(slack):
    run, client = started(slack)
    client.functions_completeSuccess(function_execution_id=run.execution_id, outputs=OUTPUTS)
    assert (
        error_of(
            lambda: client.functions_completeError(
                function_execution_id=run.execution_id, error="x"
            )
        )
        == "execution_not_in_running_state"
    )
    assert slack.execution(run.execution_id).outputs == OUTPUTS


def test_an_unknown_execution_is_not_found(slack):
    _, client = started(slack)
    assert (
        error_of(
            lambda: client.functions_completeSuccess(function_execution_id="Fx0NOPE", outputs={})
        )
        == "function_execution_not_found"
    )


@pytest.mark.parametrize(
    "outputs",
    [
        {**OUTPUTS, "surprise": "x"},  # not declared in app.yaml
        {"comparison": "c", "has_unknown_roles": False},  # a required output missing
        {**OUTPUTS, "has_unknown_roles": "no"},  # the wrong type
    ],
)
def test_outputs_the_manifest_does_not_declare_are_refused(slack, outputs):
    run, client = started(slack)
    assert (
        error_of(
            lambda: client.functions_completeSuccess(
                function_execution_id=run.execution_id, outputs=outputs
            )
        )
        == "parameter_validation_failed"
    )
    assert slack.execution(run.execution_id).status == "running"


def test_only_the_executions_own_token_completes_it(slack):
    run, _ = started(slack)
    other, _ = started(slack)
    bot = WebClient(token=slack.bot_token, base_url=slack.api_url)
    assert (
        error_of(
            lambda: bot.functions_completeSuccess(
                function_execution_id=run.execution_id, outputs=OUTPUTS
            )
        )
        == "access_denied"
    )
    stranger = WebClient(token=other.token, base_url=slack.api_url)
    assert (
        error_of(
            lambda: stranger.functions_completeSuccess(
                function_execution_id=run.execution_id, outputs=OUTPUTS
            )
        )
        == "access_denied"
    )


def test_a_step_token_stops_working_when_its_execution_ends(slack):
    run, client = started(slack)
    client.chat_postMessage(channel="C0GENERAL1", text="while it runs")
    client.functions_completeError(function_execution_id=run.execution_id, error="stopped")
    assert (
        error_of(lambda: client.chat_postMessage(channel="C0GENERAL1", text="after"))
        == "invalid_auth"
    )
