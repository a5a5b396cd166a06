"""Workflow steps in the fake Slack: function executions, as Slack runs an app's custom
step in a workflow.

`FakeSlack.run_step` starts one: it sends the `function_executed` event (shaped as
docs.slack.dev/reference/events/function_executed shows it, the step's definition taken
from `app.yaml`), with a `bot_access_token` that is valid while the execution runs.
Messages posted and modals opened with that token are tied to the execution: clicks and
submissions in them carry `function_data`, `interactivity` and the token, as Slack sends
them. `functions.completeSuccess` / `functions.completeError` end it, with Slack's errors
(docs.slack.dev/reference/methods/functions.completeSuccess): `function_execution_not_found`
for an id Slack never issued, `execution_not_in_running_state` for a second completion,
`parameter_validation_failed` for outputs the manifest does not declare or of the wrong
type, and `access_denied` for another execution's token.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from slackbot.devslack.workspace import APP_ID

RUNNING, COMPLETED, FAILED = "running", "completed", "failed"
_ids = itertools.count(1)


@dataclass
class FunctionExecution:
    execution_id: str
    callback_id: str
    inputs: dict[str, Any]
    token: str
    definition: dict[str, Any]
    workflow_execution_id: str
    status: str = RUNNING
    outputs: dict[str, Any] | None = None
    error: str | None = None
    completions: list[dict[str, Any]] = field(default_factory=list)  # every call, ok or not


def manifest_functions() -> dict[str, Any]:
    from slackbot.manifest import load_manifest

    return load_manifest().get("functions") or {}


def new_execution(
    callback_id: str, inputs: dict[str, Any], functions: dict[str, Any]
) -> FunctionExecution:
    """An execution of the step `callback_id`. Raises: KeyError for a step app.yaml lacks."""
    definition = functions[callback_id]
    n = next(_ids)
    return FunctionExecution(
        execution_id=f"Fx{n:08d}DEV",
        callback_id=callback_id,
        inputs=dict(inputs),
        token=f"xwfp-0000000000-{n:013d}-devslackfunctiontoken",
        definition=definition,
        workflow_execution_id=f"Wx{n:08d}DEV",
    )


def _parameters(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Manifest parameters (an object by name) as the event lists them."""
    listed = []
    for name, spec in (params or {}).items():
        item = {
            "type": spec.get("type"),
            "name": name,
            "description": spec.get("description", ""),
            "title": spec.get("title", name),
            "is_required": bool(spec.get("is_required")),
        }
        if "items" in spec:
            item["items"] = spec["items"]
        listed.append(item)
    return listed


def function_json(execution: FunctionExecution) -> dict[str, Any]:
    d = execution.definition
    return {
        "id": f"Fn{execution.callback_id[:8].upper()}",
        "callback_id": execution.callback_id,
        "title": d.get("title", ""),
        "description": d.get("description", ""),
        "type": "app",
        "input_parameters": _parameters(d.get("input_parameters") or {}),
        "output_parameters": _parameters(d.get("output_parameters") or {}),
        "app_id": APP_ID,
        "date_created": 1694727597,
        "date_updated": 1698947481,
        "date_deleted": 0,
    }


def function_executed_event(execution: FunctionExecution) -> dict[str, Any]:
    """The event Slack sends when the step runs in a workflow."""
    return {
        "type": "function_executed",
        "function": function_json(execution),
        "inputs": execution.inputs,
        "function_execution_id": execution.execution_id,
        "workflow_execution_id": execution.workflow_execution_id,
        "event_ts": f"{time.time():.6f}",
        "bot_access_token": execution.token,
    }


def function_data(execution: FunctionExecution) -> dict[str, Any]:
    """What Slack adds to a block_actions / view payload tied to the execution."""
    return {
        "function_data": {
            "execution_id": execution.execution_id,
            "inputs": execution.inputs,
            "function": function_json(execution),
        },
        "bot_access_token": execution.token,
    }


def _type_ok(spec: dict[str, Any], value: Any) -> bool:
    kind = spec.get("type")
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "slack#/types/user_id":
        return isinstance(value, str) and value[:1] in ("U", "W")
    if kind == "slack#/types/channel_id":
        return isinstance(value, str) and value[:1] in ("C", "G", "D")
    if kind == "array":
        return isinstance(value, list) and all(_type_ok(spec.get("items") or {}, v) for v in value)
    return True


def output_problems(execution: FunctionExecution, outputs: Any) -> list[str]:
    """Why Slack would refuse these outputs for this step (`parameter_validation_failed`)."""
    if not isinstance(outputs, dict):
        return ["outputs must be an object"]
    declared = execution.definition.get("output_parameters") or {}
    problems = [
        f"output {name!r} is not declared in the manifest"
        for name in outputs
        if name not in declared
    ]
    for name, spec in declared.items():
        if name not in outputs:
            if spec.get("is_required"):
                problems.append(f"required output {name!r} is missing")
        elif not _type_ok(spec, outputs[name]):
            problems.append(f"output {name!r} is not of type {spec.get('type')}")
    return problems
