"""app.yaml against a JSON Schema of Slack's app manifest (tests/data: written from
Slack's manifest reference), the Workflow Builder steps included; and the schema refuses
what Slack would.

Slack also publishes a schema, github.com/slackapi/manifest-schema
(schemas/manifest.schema.1.0.0.json, draft-07). It is not vendored here (it is Slack's
file, and it admits keys orgbot does not use); on 25 November 2026 `app.yaml`, `orgbot
manifest --url https://orgbot.example.com` and `orgbot manifest --socket` each validated
against it with jsonschema's Draft7Validator with 0 errors. To recheck: download that file
and run `jsonschema.Draft7Validator(schema).iter_errors(yaml.safe_load(...))`."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from slackbot import ids, manifest

SCHEMA = json.loads((Path(__file__).parent / "data" / "slack_app_manifest.schema.json").read_text())


def problems(data) -> list[str]:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    return sorted(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)
    )


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    "variant",
    [
        lambda m: m,
        lambda m: manifest.with_request_url(m, "https://orgbot.example.com/slack/events"),
        manifest.for_socket_mode,
    ],
    ids=["as shipped", "orgbot manifest --url", "orgbot manifest --socket"],
)
def test_app_yaml_passes_the_manifest_schema(variant):
    assert problems(variant(manifest.load_manifest())) == []


def test_app_yaml_declares_the_three_steps_with_titled_inputs_and_outputs():
    functions = manifest.load_manifest()["functions"]
    assert set(functions) == {
        ids.COMPARE_ROLES_STEP,
        ids.START_PROPOSAL_STEP,
        ids.WAIT_FOR_DECISION_STEP,
    }
    for step in functions.values():
        assert step["title"] and step["description"]
        for parameter in [*step["input_parameters"].values(), *step["output_parameters"].values()]:
            assert parameter["title"] and parameter["description"]


def broken(change) -> dict:
    data = copy.deepcopy(manifest.load_manifest())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (lambda m: m["functions"]["compare_roles"].pop("title"), "'title' is a required property"),
        (
            lambda m: m["functions"]["compare_roles"]["input_parameters"]["role_1"].update(
                type="text"
            ),
            "'text' is not one of",
        ),
        (
            lambda m: m["functions"]["start_org_proposal"]["input_parameters"]["reviewers"].pop(
                "items"
            ),
            "'items' is a required property",
        ),
        (lambda m: m["settings"].update(org_deploy_enabled=False), "True was expected"),
        (lambda m: m["settings"].pop("function_runtime"), "'function_runtime' is a required"),
        (
            lambda m: m["settings"]["event_subscriptions"]["bot_events"].remove(
                "function_executed"
            ),
            "does not contain items matching",
        ),
        (lambda m: m["settings"].update(org_deploy=True), "Additional properties"),
        (lambda m: m["features"]["shortcuts"][0].update(name="x" * 25), "is too long"),
    ],
)
def test_the_schema_refuses_what_slack_refuses(change, found):
    assert any(found in p for p in problems(broken(change))), problems(broken(change))


def test_a_step_app_yaml_declares_but_nothing_handles_is_caught():
    data = broken(lambda m: m["functions"].update(extra_step={"title": "Extra"}))
    assert manifest.mismatches(data) == [
        "function extra_step is in app.yaml but nothing handles it"
    ]
