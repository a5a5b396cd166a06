"""orgbot's Workflow Builder steps (Slack custom steps), from `function_executed` to
`functions.completeSuccess` / `functions.completeError`, each exactly once.

| step (callback id) | does | completes |
| --- | --- | --- |
| `compare_roles` | compares two to four roles | at once, with the verdict and a short comparison |
| `start_org_proposal` | DMs a person a button that opens the pre-filled proposal form | when they submit it; fails if they close it or let `ORGBOT_STEP_TIMEOUT_HOURS` pass |
| `wait_for_proposal_decision` | waits for a proposal to be approved or rejected | on the decision, or at the first upkeep after it (a decision taken while orgbot was down) |

Messages a step posts that a person interacts with are posted with the execution's own
token (the event's `bot_access_token`): Slack ties that interactivity to the execution.
The outcome is stored before Slack is told (`executions.py`), and the scheduler's upkeep
tells Slack whatever a dead process left, and settles the steps that came due.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slackbot import ids
from slackbot.installations.clients import for_team
from slackbot.proposals.model import (
    APPROVE,
    APPROVED,
    REJECT,
    REJECTED,
    WITHDRAWN,
    NotFound,
    Proposal,
)
from slackbot.services import Services
from slackbot.slack_errors import error_code
from slackbot.ui.workflow_step import hours_text, start_proposal_dm, step_over_dm
from slackbot.workflows.compare import StepInputError, compare_roles
from slackbot.workflows.executions import FINISHING, RUNNING, Execution, Executions

logger = logging.getLogger("orgbot.workflows")

# Slack's answers that mean the execution is settled already: nothing more to tell it
ALREADY_SETTLED = ("execution_not_in_running_state", "function_execution_not_found")
# how long a submitted proposal may wait for its card before its step completes without a link
CARD_WAIT = timedelta(minutes=5)
MAX_NUMBER = 2**63 - 1


def as_step(client: WebClient, token: str | None) -> WebClient:
    """The same client, speaking with the execution's token (when there is one)."""
    if not token:
        return client
    other = copy.copy(client)
    other.token = token
    return other


def proposal_number(value: Any) -> int:
    """A whole proposal number from a step's input. Raises: StepInputError."""
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip().lstrip("#"))
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= MAX_NUMBER:
        raise StepInputError(
            f"Proposal number must be a whole number such as 12 (as in /org-proposal show 12), "
            f"not {str(value)[:40]!r}."
        )
    return number


class WorkflowSteps:
    """The steps for one process: `client` speaks with the bot token; calls tied to an
    execution use the execution's token (`as_step`)."""

    def __init__(self, services: Services, client: WebClient | None):
        self.services = services
        self.client = client
        self.executions = Executions(services.store)

    def now(self) -> datetime:
        return self.services.clock.now()

    # function_executed ------------------------------------------------------------------------

    def started(self, event: dict[str, Any], *, team_id: str) -> Execution | None:
        """Record a run from its `function_executed` event; None when the event is a repeat
        (Slack retried the delivery) and the run is under way already."""
        function = event.get("function") or {}
        callback_id = str(function.get("callback_id") or "")
        inputs = event.get("inputs") or {}
        extra: dict[str, Any] = {}
        if callback_id == ids.START_PROPOSAL_STEP:
            hours = self.services.config.step_timeout_hours
            extra["deadline_at"] = (self.now() + timedelta(hours=hours)).isoformat(
                timespec="seconds"
            )
            extra["person_id"] = str(inputs.get("person") or "") or None
        execution, new = self.executions.record(
            str(event["function_execution_id"]),
            team_id=team_id,
            callback_id=callback_id,
            inputs=inputs if isinstance(inputs, dict) else {},
            token=event.get("bot_access_token"),
            now=self.now(),
            **extra,
        )
        return execution if new else None

    def run(self, execution: Execution) -> None:
        """Do the step's work (after the ack); conclude it when it is done, and tell Slack."""
        try:
            if execution.callback_id == ids.COMPARE_ROLES_STEP:
                catalog = self.services.catalog_for(execution.team_id)
                outputs = compare_roles(catalog, execution.inputs).as_outputs()
                self.conclude(execution, outputs=outputs)
            elif execution.callback_id == ids.START_PROPOSAL_STEP:
                self._ask_to_propose(execution)
            elif execution.callback_id == ids.WAIT_FOR_DECISION_STEP:
                self._wait_for_decision(execution)
            else:
                self.conclude(execution, error="orgbot has no step by this name.")
        except StepInputError as error:
            self.conclude(execution, error=str(error))

    # the outcome, once --------------------------------------------------------------------------

    def conclude(
        self,
        execution: Execution,
        *,
        outputs: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> bool:
        """Decide the outcome (if still running) and tell Slack. True when this call decided it."""
        decided = self.executions.conclude(execution.execution_id, outputs=outputs, error=error)
        if decided:
            self.deliver(execution.execution_id)
        return decided

    def deliver(self, execution_id: str) -> str:
        """Tell Slack a decided outcome: `functions.completeSuccess` or
        `functions.completeError`, with the execution's token. Returns `sent`, `taken`
        (another process is on it, or nothing to tell), or Slack's error."""
        execution = self.executions.claim_sending(execution_id, now=self.now())
        if execution is None:
            return "taken"
        if self.client is None:
            self.executions.not_sent(execution_id, "no Slack client")
            return "no client"
        client = as_step(self.client, execution.token)
        try:
            if execution.error is not None:
                client.functions_completeError(
                    function_execution_id=execution_id, error=execution.error
                )
            else:
                client.functions_completeSuccess(
                    function_execution_id=execution_id, outputs=execution.outputs or {}
                )
        except (SlackApiError, OSError) as failure:
            code = error_code(failure)
            if code in ALREADY_SETTLED:
                # a first answer that was lost, or a run Slack ended itself
                self.executions.settled(execution_id, now=self.now(), note=code)
                return code
            if code == "parameter_validation_failed" and execution.error is None:
                logger.error("Slack refused the outputs of %s: %s", execution_id, failure)
                self.executions.update(
                    execution_id,
                    error="orgbot could not hand this step's outputs to the workflow. "
                    "Tell your orgbot admin (the log names the step).",
                    sending_since=None,
                )
                return self.deliver(execution_id)
            logger.warning("could not finish workflow step %s: %s", execution_id, code)
            self.executions.not_sent(execution_id, code)
            return code
        self.executions.settled(execution_id, now=self.now())
        logger.info(
            "workflow step %s %s",
            execution_id,
            "failed: " + execution.error if execution.error is not None else "completed",
        )
        return "sent"

    # Start an org proposal ----------------------------------------------------------------------

    def _ask_to_propose(self, execution: Execution) -> None:
        person = execution.person_id or ""
        if not person.startswith(("U", "W")):
            raise StepInputError(
                "Start an org proposal needs a person (Who writes the proposal) to send the "
                "proposal form to."
            )
        assert self.client is not None
        hours = self.services.config.step_timeout_hours
        title = str(execution.inputs.get("title") or "").strip()
        message = start_proposal_dm(execution_id=execution.execution_id, title=title, hours=hours)
        try:
            posted = as_step(self.client, execution.token).chat_postMessage(
                channel=person, **message
            )
        except (SlackApiError, OSError) as failure:
            code = error_code(failure)
            logger.warning("could not DM %s for step %s: %s", person, execution.execution_id, code)
            self.conclude(
                execution,
                error=f"orgbot could not send the proposal form to <@{person}> ({code}).",
            )
            return
        self.executions.update(
            execution.execution_id, dm_channel=posted["channel"], dm_ts=posted["ts"]
        )

    def form_inputs(self, execution: Execution) -> dict[str, Any]:
        """What the proposal form is pre-filled with: title, structure, reviewers, channel."""
        inputs = execution.inputs
        reviewers = inputs.get("reviewers") or []
        if isinstance(reviewers, str):
            reviewers = [r for r in reviewers.replace(",", " ").split() if r]
        return {
            "title": str(inputs.get("title") or "").strip(),
            "structure_text": str(inputs.get("structure") or "").strip() or None,
            "reviewers": tuple(str(r) for r in reviewers if str(r).startswith(("U", "W"))),
            "channel_id": str(inputs.get("channel") or "") or None,
        }

    def link_proposal(self, execution_id: str, proposal_id: int) -> None:
        """Record the proposal a step's form created; joins the caller's transaction (the
        one that stores the proposal), so a crash cannot separate the two."""
        with self.services.store.write() as db:
            db.execute(
                "update workflow_executions set proposal_id = ? where execution_id = ? "
                "and status = ? and proposal_id is null",
                [proposal_id, execution_id, RUNNING],
            )

    def proposal_submitted(self, execution_id: str) -> None:
        """The form was submitted and its proposal announced: complete the step with the
        proposal's number and a link to its card."""
        execution = self.executions.get(execution_id)
        if execution is None or not execution.running or execution.proposal_id is None:
            return
        proposal = self.services.proposals.get(execution.team_id, execution.proposal_id)
        outputs: dict[str, Any] = {"proposal_number": proposal.number}
        link = self._link(proposal)
        outputs["link"] = link or ""
        if self.conclude(execution, outputs=outputs):
            self._replace_dm(
                execution,
                f"Thank you: proposal #{proposal.number} is posted for review"
                + (f" (<{link}|open it>)." if link else "."),
            )

    def form_closed(self, execution_id: str, user_id: str) -> None:
        """The person closed the form without submitting: the step fails, in words."""
        execution = self.executions.get(execution_id)
        if execution is None or not execution.running or execution.proposal_id is not None:
            return
        if self.conclude(
            execution,
            error=f"<@{user_id}> closed the proposal form without submitting it, so no "
            "proposal was made.",
        ):
            self._replace_dm(
                execution,
                "You closed the proposal form, so the workflow's step ended without a proposal.",
            )

    def expire(self, execution: Execution) -> None:
        hours = hours_text(self.services.config.step_timeout_hours)
        if self.conclude(
            execution,
            error=f"<@{execution.person_id}> did not submit the proposal form within {hours}, "
            "so no proposal was made.",
        ):
            self._replace_dm(
                execution,
                f"This request ended: the form was not submitted within {hours}.",
            )

    def _replace_dm(self, execution: Execution, words: str) -> None:
        if self.client is None or not (execution.dm_channel and execution.dm_ts):
            return
        try:
            for_team(self.client, execution.team_id).chat_update(
                channel=execution.dm_channel, ts=execution.dm_ts, **step_over_dm(words)
            )
        except (SlackApiError, OSError) as failure:
            logger.warning("could not update the step's DM: %s", error_code(failure))

    # Wait for a proposal's decision ---------------------------------------------------------------

    def _wait_for_decision(self, execution: Execution) -> None:
        number = proposal_number(execution.inputs.get("proposal_number"))
        try:
            proposal = self.services.proposals.by_number(execution.team_id, number)
        except NotFound:
            raise StepInputError(
                f"There is no proposal #{number} in this workspace (/org-proposal list shows them)."
            ) from None
        self.executions.update(execution.execution_id, proposal_id=proposal.id)
        self._settle_wait(execution, proposal)

    def _settle_wait(self, execution: Execution, proposal: Proposal) -> None:
        if proposal.status in (APPROVED, REJECTED):
            self.conclude(
                execution,
                outputs={
                    "status": proposal.status,
                    "decided_by": decided_by(proposal),
                    "link": self._link(proposal) or "",
                },
            )
        elif proposal.status == WITHDRAWN:
            self.conclude(
                execution,
                error=f"Proposal #{proposal.number} was withdrawn by its author, so it will "
                "not be decided.",
            )

    def proposal_closed(self, team_id: str, proposal_id: int) -> None:
        """A proposal was approved, rejected or withdrawn: settle the steps waiting on it."""
        waiting = self.executions.waiting_on(team_id, proposal_id, ids.WAIT_FOR_DECISION_STEP)
        if not waiting:
            return
        proposal = self.services.proposals.get(team_id, proposal_id)
        for execution in waiting:
            self._settle_wait(execution, proposal)

    # the scheduler's part ---------------------------------------------------------------------------

    def upkeep(self) -> dict[str, int]:
        """Tell Slack what a dead process decided but did not send; settle waits whose
        proposal was decided while orgbot was down; complete submitted proposal steps;
        fail the ones whose time ran out."""
        counts = {"steps_sent": 0, "steps_settled": 0, "steps_expired": 0}
        for execution in self.executions.with_status(FINISHING):
            if self.deliver(execution.execution_id) == "sent":
                counts["steps_sent"] += 1
        for execution in self.executions.with_status(RUNNING, ids.WAIT_FOR_DECISION_STEP):
            if execution.proposal_id is None:
                continue
            try:
                proposal = self.services.proposals.get(execution.team_id, execution.proposal_id)
            except NotFound:
                continue
            if not proposal.is_open:
                self._settle_wait(execution, proposal)
                counts["steps_settled"] += 1
        now = self.now()
        for execution in self.executions.with_status(RUNNING, ids.START_PROPOSAL_STEP):
            if execution.proposal_id is not None:
                proposal = self.services.proposals.get(execution.team_id, execution.proposal_id)
                if (
                    proposal.message_ts
                    or proposal.post_error
                    or now - proposal.created_at > CARD_WAIT
                ):
                    self.proposal_submitted(execution.execution_id)
                    counts["steps_settled"] += 1
            elif execution.deadline_at is not None and execution.deadline_at <= now:
                self.expire(execution)
                counts["steps_expired"] += 1
        return counts

    def _link(self, proposal: Proposal) -> str | None:
        from slackbot.proposals.messenger import ProposalMessenger

        if self.client is None:
            return None
        return ProposalMessenger(self.client, self.services).permalink(proposal)


def decided_by(proposal: Proposal) -> str:
    """Whose decision settled it: the rejection, or the last approval of the version."""
    wanted = REJECT if proposal.status == REJECTED else APPROVE
    decisions = sorted(
        (d for d in proposal.decisions if d.decision == wanted), key=lambda d: d.decided_at
    )
    return decisions[-1].reviewer_id if decisions else proposal.author_id
