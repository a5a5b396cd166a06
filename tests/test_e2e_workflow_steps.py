"""Workflow Builder steps end to end: the fake Slack runs a step as a workflow does
(`function_executed`, signed, over HTTP), and the step ends in exactly one
`functions.completeSuccess` or `functions.completeError`, with the outputs app.yaml
declares (the fake refuses any other), also across a restart of orgbot."""

from __future__ import annotations

from datetime import timedelta

import pytest

from slackbot import ids
from slackbot.manifest import load_manifest
from slackbot.runner import Orgbot
from slackbot.services import Services
from tests.conftest import eventually
from tests.test_e2e_proposals import ALEX, DANA, SAM, STRUCTURE, card_in, propose, wait_card_update

ORG_DESIGN = "C0ORGDES02"


def declared_outputs(callback_id: str) -> set[str]:
    return set(load_manifest()["functions"][callback_id]["output_parameters"])


def only_one_completion(run) -> None:
    assert len([c for c in run.completions if "error" not in c]) == 1, run.completions


# Compare roles ------------------------------------------------------------------------------


def test_compare_roles_completes_with_the_verdict_and_a_short_comparison(fake, bot):
    step, response = fake.run_step(
        ids.COMPARE_ROLES_STEP, {"role_1": "COO", "role_2": "Operations Director"}
    )
    assert response.status == 200
    run = fake.wait_for_step(step)
    assert run.status == "completed"
    only_one_completion(run)
    assert set(run.outputs) == declared_outputs(ids.COMPARE_ROLES_STEP)
    assert run.outputs["verdict"].startswith("The COO is strategic and company-wide")
    assert "reports to the COO" in run.outputs["verdict"]
    assert "Reports to: COO: CEO; Operations Director: COO" in run.outputs["comparison"]
    assert run.outputs["has_unknown_roles"] is False
    assert run.outputs["unknown_roles"] == ""
    # completed with the execution's own token (the fake refuses any other)
    assert fake.wait_for("functions.completeSuccess")[0].response == {"ok": True}


def test_compare_roles_flags_names_not_in_the_catalog(fake, bot):
    step, _ = fake.run_step(
        ids.COMPARE_ROLES_STEP,
        {"role_1": "COO", "role_2": "Chief Vibes Officer", "role_3": "CFO"},
    )
    run = fake.wait_for_step(step)
    assert run.status == "completed"
    assert run.outputs["has_unknown_roles"] is True
    assert run.outputs["unknown_roles"] == "Chief Vibes Officer"
    assert "“Chief Vibes Officer”" in run.outputs["verdict"]
    assert run.outputs["comparison"].startswith("COO vs CFO")


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"role_1": "COO"}, "needs at least two role names (got 1)"),
        ({"role_1": " ", "role_2": ""}, "needs at least two role names (got 0)"),
        ({"role_1": "COO", "role_2": "chief operating officer"}, "Every name given is the COO"),
    ],
)
def test_compare_roles_fails_cleanly_on_bad_input(fake, bot, inputs, words):
    step, response = fake.run_step(ids.COMPARE_ROLES_STEP, inputs)
    assert response.status == 200
    run = fake.wait_for_step(step)
    assert run.status == "failed"
    assert words in run.error
    assert fake.calls_to("functions.completeSuccess") == []


def test_a_repeated_event_completes_the_step_once(fake, bot):
    step, _ = fake.run_step(ids.COMPARE_ROLES_STEP, {"role_1": "CFO", "role_2": "COO"})
    fake.wait_for_step(step)
    assert fake.resend_step(step, extra_headers={"X-Slack-Retry-Num": "1"}).status == 200
    assert fake.resend_step(step).status == 200
    bot.scheduler.upkeep()
    assert len(fake.calls_to("functions.completeSuccess")) == 1
    only_one_completion(fake.execution(step))


# Start an org proposal -------------------------------------------------------------------------


def start_proposal(fake, **inputs):
    given = {
        "person": DANA,
        "title": "Put operations under a COO",
        "structure": STRUCTURE,
        "reviewers": [ALEX, SAM],
        "channel": ORG_DESIGN,
    }
    given.update(inputs)
    step, response = fake.run_step(ids.START_PROPOSAL_STEP, given)
    assert response.status == 200
    fake.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == DANA)
    return step, fake.dms("dana")[-1]


def test_start_a_proposal_completes_when_the_person_submits_the_form(fake, bot):
    step, dm = start_proposal(fake)
    assert "A workflow asks you to propose an org change: Put operations under a COO" in (
        fake.render(dm["blocks"])
    )
    # the DM was posted with the execution's token: its button is tied to the step
    assert fake.api.function_messages.get((fake.ws.dm(DANA).id, dm["ts"])) == step

    fake.click("dana", dm, ids.STEP_OPEN_PROPOSAL)
    fake.wait_for("views.open")
    view = fake.open_view("dana")
    assert fake.api.function_views.get(view["id"]) == step  # opened with the step's token
    assert view["notify_on_close"] is True
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[ids.TITLE_BLOCK]["initial_value"] == "Put operations under a COO"
    assert inputs[ids.STRUCTURE_BLOCK]["initial_value"] == STRUCTURE
    assert inputs[ids.REVIEWERS_BLOCK]["initial_users"] == [ALEX, SAM]
    assert inputs[ids.CHANNEL_BLOCK]["initial_conversation"] == ORG_DESIGN

    response = fake.submit("dana", {ids.RATIONALE_BLOCK: "The CEO runs operations and strategy."})
    assert response.status == 200 and response.body == b""
    run = fake.wait_for_step(step)
    assert run.status == "completed"
    only_one_completion(run)
    assert set(run.outputs) == declared_outputs(ids.START_PROPOSAL_STEP)
    assert run.outputs["proposal_number"] == 1
    card = card_in(fake)
    assert run.outputs["link"].endswith(f"/archives/{ORG_DESIGN}/p{card['ts'].replace('.', '')}")
    # the card is orgbot's own message, not tied to the step: posted with the bot token
    assert (ORG_DESIGN, card["ts"]) not in fake.api.function_messages
    eventually(lambda: "proposal #1 is posted" in fake.render(fake.dms("dana")[0]["blocks"]))


def test_start_a_proposal_fails_when_the_person_closes_the_form(fake, bot):
    step, dm = start_proposal(fake)
    fake.click("dana", dm, ids.STEP_OPEN_PROPOSAL)
    fake.wait_for("views.open")
    assert fake.close("dana").status == 200
    run = fake.wait_for_step(step)
    assert run.status == "failed"
    assert run.error == (
        f"<@{DANA}> closed the proposal form without submitting it, so no proposal was made."
    )
    assert bot.services.store.db["proposals"].count == 0
    # the DM loses its button and says why
    eventually(lambda: "ended without a proposal" in fake.dms("dana")[0]["text"])
    assert all(b["type"] != "actions" for b in fake.dms("dana")[0]["blocks"])


def test_start_a_proposal_fails_when_nobody_acts_in_time(fake, bot, clock):
    step, _ = start_proposal(fake)
    bot.scheduler.upkeep()
    assert fake.execution(step).status == "running"
    clock.advance(timedelta(hours=72, seconds=1))
    bot.scheduler.upkeep()
    run = fake.wait_for_step(step)
    assert run.status == "failed"
    assert "did not submit the proposal form within 3 days" in run.error
    bot.scheduler.upkeep()
    assert len(fake.calls_to("functions.completeError")) == 1


def test_only_the_person_asked_can_open_the_form(fake, bot):
    step, dm = start_proposal(fake)
    fake.click("sam", dm, ids.STEP_OPEN_PROPOSAL, channel=fake.ws.dm(DANA).id)
    told = fake.wait_for("response_url")[0].args
    assert "only they can open it" in told["text"]
    assert fake.calls_to("views.open") == []
    assert fake.execution(step).status == "running"


def test_start_a_proposal_without_a_person_fails_cleanly(fake, bot):
    step, _ = fake.run_step(ids.START_PROPOSAL_STEP, {"title": "x"})
    run = fake.wait_for_step(step)
    assert run.status == "failed"
    assert "needs a person" in run.error


# Wait for a proposal's decision ------------------------------------------------------------------


def test_wait_for_a_decision_completes_when_the_proposal_is_approved(fake, bot):
    card = propose(fake)
    step, _ = fake.run_step(ids.WAIT_FOR_DECISION_STEP, {"proposal_number": 1})
    bot.scheduler.upkeep()
    assert fake.execution(step).status == "running"
    fake.click("alex", card, ids.APPROVE, value="1:1")
    wait_card_update(fake)
    eventually(lambda: fake.ws.replies(ORG_DESIGN, card["ts"]))
    assert fake.execution(step).status == "running"
    fake.click("sam", card, ids.APPROVE, value="1:1")
    run = fake.wait_for_step(step)
    assert run.status == "completed"
    only_one_completion(run)
    assert set(run.outputs) == declared_outputs(ids.WAIT_FOR_DECISION_STEP)
    assert run.outputs["status"] == "approved"
    assert run.outputs["decided_by"] == SAM
    assert run.outputs["link"].endswith(f"/p{card['ts'].replace('.', '')}")


def test_wait_for_a_decision_already_taken_completes_at_once(fake, bot):
    card = propose(fake)
    fake.click("alex", card, ids.REJECT, value="1:1")
    wait_card_update(fake)
    step, _ = fake.run_step(ids.WAIT_FOR_DECISION_STEP, {"proposal_number": "#1"})
    run = fake.wait_for_step(step)
    assert run.outputs["status"] == "rejected" and run.outputs["decided_by"] == ALEX


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (7, "There is no proposal #7 in this workspace"),
        ("twelve", "Proposal number must be a whole number"),
        (0, "Proposal number must be a whole number"),
    ],
)
def test_wait_for_a_decision_fails_cleanly_on_a_bad_number(fake, bot, number, words):
    step, _ = fake.run_step(ids.WAIT_FOR_DECISION_STEP, {"proposal_number": number})
    run = fake.wait_for_step(step)
    assert run.status == "failed" and words in run.error


def test_wait_for_a_decision_taken_while_orgbot_was_down_completes_at_start(
    fake, bot, config, clock
):
    card = propose(fake)
    step, _ = fake.run_step(ids.WAIT_FOR_DECISION_STEP, {"proposal_number": 1})
    eventually(lambda: bot.services.store.db["workflow_executions"].count == 1)
    bot.close()
    # while it is down, the reviewers decide (through the core, as a second process would)
    services = Services.open(config, clock=clock)
    proposal = services.proposals.by_number(fake.ws.team_id, 1)
    services.proposals.decide(fake.ws.team_id, proposal.id, ALEX, "approved", version=1)
    services.proposals.decide(fake.ws.team_id, proposal.id, SAM, "approved", version=1)
    services.store.close()
    assert fake.execution(step).status == "running"

    again = Orgbot(config, clock=clock)  # a new process on the same database
    try:
        run = fake.wait_for_step(step)  # the scheduler's catch-up at start
        assert run.status == "completed"
        assert run.outputs["status"] == "approved" and run.outputs["decided_by"] == SAM
        assert run.outputs["link"].endswith(card["ts"].replace(".", ""))
        again.scheduler.upkeep()
        only_one_completion(fake.execution(step))
    finally:
        again.close()


def test_wait_for_a_decision_survives_a_restart_and_completes_on_the_decision(
    fake, bot, config, clock
):
    card = propose(fake)
    step, _ = fake.run_step(ids.WAIT_FOR_DECISION_STEP, {"proposal_number": 1})
    eventually(lambda: bot.services.store.db["workflow_executions"].count == 1)
    bot.close()

    again = Orgbot(config, clock=clock, scheduler=False)
    server = again.http_server(host="127.0.0.1", port=0).start()
    fake.connect(f"{server.url}/slack/events")
    try:
        fake.click("alex", card, ids.REJECT, value="1:1")
        run = fake.wait_for_step(step)
        assert run.status == "completed"
        assert run.outputs == {
            "status": "rejected",
            "decided_by": ALEX,
            "link": run.outputs["link"],
        }
        only_one_completion(run)
    finally:
        again.close()


# exactly once, when Slack's answer is lost ------------------------------------------------------


def test_a_completion_slack_refused_for_now_is_sent_again_by_the_upkeep(fake, bot):
    fake.fail("functions.completeSuccess", "internal_error")
    step, _ = fake.run_step(ids.COMPARE_ROLES_STEP, {"role_1": "COO", "role_2": "CFO"})
    fake.wait_for("functions.completeSuccess")
    assert fake.execution(step).status == "running"
    row = eventually(
        lambda: (
            bot.services.store.db["workflow_executions"].get(step)["last_error"]
            and bot.services.store.db["workflow_executions"].get(step)
        )
    )
    assert row["status"] == "finishing" and row["last_error"] == "internal_error"
    bot.scheduler.upkeep()
    run = fake.wait_for_step(step)
    assert run.status == "completed"
    only_one_completion(run)
    assert bot.services.store.db["workflow_executions"].get(step)["status"] == "completed"


def test_a_completion_whose_answer_was_lost_is_not_repeated(fake, bot):
    # Slack completes the step, but the connection drops before orgbot hears it
    fake.after_call("functions.completeError", "drop")
    step, _ = fake.run_step(ids.COMPARE_ROLES_STEP, {"role_1": "COO"})
    run = fake.wait_for_step(step)
    assert run.status == "failed"
    eventually(
        lambda: bot.services.store.db["workflow_executions"].get(step)["last_error"] is not None
    )
    bot.scheduler.upkeep()  # tries again: Slack says it is settled, and so is the row
    row = bot.services.store.db["workflow_executions"].get(step)
    assert row["status"] == "failed" and row["last_error"] == "execution_not_in_running_state"
    bot.scheduler.upkeep()
    assert [c for c in fake.execution(step).completions if "error" not in c] == [
        {"method": "completeError", "message": run.error}
    ]
