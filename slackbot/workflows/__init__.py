"""Workflow Builder steps (Slack custom steps): see `service.py`."""

from slackbot.workflows.compare import StepInputError, compare_roles
from slackbot.workflows.executions import Execution, Executions
from slackbot.workflows.service import WorkflowSteps, as_step

__all__ = [
    "Execution",
    "Executions",
    "StepInputError",
    "WorkflowSteps",
    "as_step",
    "compare_roles",
]
