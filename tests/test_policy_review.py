"""Review policies on real proposals (SQLite file): stages move, conditions skip, who may
decide, delegation, escalation past a deadline, restart/resume, the policy version a
proposal keeps, and race-free decisions (threads and two processes)."""

import multiprocessing
import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from roles import load_catalog
from slackbot.clock import ManualClock
from slackbot.org.structure import parse_structure
from slackbot.policies.repository import save_policies
from slackbot.policies.toml_io import read_policies
from slackbot.proposals import AlreadyDecided, Closed, Draft, NotAllowed, ProposalService
from slackbot.proposals.model import APPROVE, REJECT, REQUEST_CHANGES
from slackbot.proposals.service import add_working_days
from slackbot.store import Store

T = "T1"
catalog = load_catalog()
SMALL = "CEO\nCOO reports to CEO"
BIG = "CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director"

POLICIES = """
[[policies]]
name = "growth"
default = true

[[policies.stages]]
name = "Managers"
people = ["UA", "UB"]
rule = "any"

[[policies.stages]]
name = "Finance"
people = ["UCFO"]
when = { adds_positions_over = 3 }
deadline_days = 2
fallback = ["UFALL"]

[[policies.stages]]
name = "HR"
people = ["UHR", "UA"]
rule = "all"

[[policies]]
name = "pair"

[[policies.stages]]
name = "Either"
people = ["UA", "UB"]
rule = 1

[[policies.stages]]
name = "Last"
people = ["UC"]

[[policies]]
name = "resume"
on_changes = "resume"

[[policies.stages]]
name = "One"
people = ["UA"]

[[policies.stages]]
name = "Two"
people = ["UB"]
"""


def draft(text=SMALL, reviewers=(), policy=None) -> Draft:
    return Draft(
        title="Change",
        rationale="Because",
        structure_text=text,
        structure=parse_structure(text, catalog).structure,
        reviewers=tuple(reviewers),
        review_by=date(2026, 12, 2),
        channel_id="C1",
        policy_name=policy,
    )


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 11, 27, 9, tzinfo=UTC))  # a Friday


@pytest.fixture
def service(store, clock):
    with store.write() as db:
        save_policies(
            db, T, read_policies(POLICIES, source="p"), by="U0", now=clock.now(), via="cli"
        )
    return ProposalService(store, clock)


def states(p):
    return [s.state for s in p.review.stages]


def test_stages_in_order_with_a_condition_true(service):
    p = service.create(T, "UAUTH", draft(BIG)).proposal
    assert (p.policy.name, p.policy.version) == ("growth", 1)
    assert p.waiting_on == ("UA", "UB") and states(p) == ["current", "later", "later"]
    assert service.awaiting(T, "UA") and not service.awaiting(T, "UCFO")
    with pytest.raises(NotAllowed) as error:
        service.decide(T, p.id, "UCFO", APPROVE)
    assert "at stage 1 of 3, “Managers”" in str(error.value)
    assert "you'll get a message when that stage starts" in str(error.value)
    out = service.decide(T, p.id, "UB", APPROVE)
    assert out.newly_asked == ("UCFO",) and out.proposal.status == "in_review"
    assert out.proposal.decisions[0].rule_met == "any one approval"
    assert [x.id for x in service.awaiting(T, "UCFO")] == [p.id]
    assert not service.awaiting(T, "UA")  # stage one passed without UA
    with pytest.raises(NotAllowed) as error:
        service.decide(T, p.id, "UB", APPROVE)
    assert "has moved on to stage 2 of 3, “Finance”" in str(error.value)
    out = service.decide(T, p.id, "UCFO", APPROVE)
    assert out.newly_asked == ("UHR", "UA")
    service.decide(T, p.id, "UA", APPROVE)  # UA again, in the HR stage
    done = service.decide(T, p.id, "UHR", APPROVE)
    assert done.proposal.status == "approved" and done.status_changed
    history = [e for e in service.history(p.id) if e.kind == APPROVE]
    assert [(e.actor_id, e.detail["stage_name"], e.detail.get("rule_met")) for e in history] == [
        ("UB", "Managers", "any one approval"),
        ("UCFO", "Finance", "one approval"),
        ("UA", "HR", None),
        ("UHR", "HR", "all 2 approvals"),
    ]


def test_a_false_condition_skips_the_stage(service):
    p = service.create(T, "UAUTH", draft(SMALL)).proposal
    assert states(p) == ["current", "skipped", "later"]
    assert p.review.stages[1].reason == "adds 2 positions, not more than 3"
    out = service.decide(T, p.id, "UA", APPROVE)
    assert out.newly_asked == ("UHR", "UA")


def test_a_rejection_at_a_later_stage_rejects(service):
    p = service.create(T, "UAUTH", draft(BIG)).proposal
    service.decide(T, p.id, "UA", APPROVE)
    out = service.decide(T, p.id, "UCFO", REJECT)
    assert out.proposal.status == "rejected" and not service.awaiting(T, "UHR")


def test_the_author_and_outsiders_are_refused(service):
    p = service.create(T, "UA", draft(BIG)).proposal  # UA wrote it: not asked
    assert p.waiting_on == ("UB",)
    with pytest.raises(NotAllowed, match="You wrote proposal #1"):
        service.decide(T, p.id, "UA", APPROVE)
    with pytest.raises(NotAllowed, match="only <@UB> can decide now"):
        service.decide(T, p.id, "UZED", APPROVE)


def test_a_policy_edited_under_review_does_not_change_the_proposal(service, store, clock):
    p = service.create(T, "UAUTH", draft(SMALL)).proposal
    edited = POLICIES.replace('people = ["UA", "UB"]', 'people = ["UNEW"]')
    with store.write() as db:
        save_policies(db, T, read_policies(edited, source="p"), by="U0", now=clock.now(), via="cli")
    again = service.get(T, p.id)
    assert again.policy.version == 1 and again.waiting_on == ("UA", "UB")
    service.decide(T, p.id, "UA", APPROVE)
    newer = service.create(T, "UAUTH", draft(SMALL)).proposal
    assert newer.policy.version == 2 and newer.waiting_on == ("UNEW",)
    # an edit of the old proposal keeps version 1 as well
    service.decide(T, p.id, "UHR", REQUEST_CHANGES)
    assert service.edit(T, p.id, "UAUTH", draft(SMALL)).proposal.policy.version == 1


def test_restart_asks_from_the_first_stage_resume_from_where_it_stopped(service):
    restart = service.create(T, "UAUTH", draft(SMALL)).proposal
    service.decide(T, restart.id, "UA", APPROVE)
    service.decide(T, restart.id, "UHR", REQUEST_CHANGES)
    again = service.edit(T, restart.id, "UAUTH", draft(SMALL)).proposal
    assert again.review.current == 0 and again.waiting_on == ("UA", "UB")

    resume = service.create(T, "UAUTH", draft(SMALL, policy="resume")).proposal
    service.decide(T, resume.id, "UA", APPROVE)
    out = service.decide(T, resume.id, "UB", REQUEST_CHANGES)
    assert out.proposal.status == "changes_requested"
    again = service.edit(T, resume.id, "UAUTH", draft(SMALL)).proposal
    assert states(again) == ["carried", "current"] and again.waiting_on == ("UB",)
    assert service.decide(T, resume.id, "UB", APPROVE).proposal.status == "approved"


def test_named_reviewers_join_the_first_stage_of_a_policy_that_names_none(service):
    p = service.create(T, "UAUTH", draft(SMALL, reviewers=("UX",))).proposal
    assert p.waiting_on == ("UX", "UA", "UB")


def delegate(store, user, to, starts, ends):
    with store.write() as db:
        db["review_delegations"].insert(
            {"team_id": T, "user_id": user, "delegate_id": to, "starts": starts, "ends": ends}
        )


def test_a_delegate_decides_on_behalf_never_on_their_own_proposal(service, store):
    delegate(store, "UCFO", "UDEP", "2026-11-25", "2026-12-05")
    delegate(store, "UCFO", "UAUTH", "2026-11-25", "2026-12-05")
    p = service.create(T, "UAUTH", draft(BIG)).proposal
    service.decide(T, p.id, "UA", APPROVE)
    with pytest.raises(NotAllowed):
        service.decide(T, p.id, "UAUTH", APPROVE)  # the author, even as a delegate
    out = service.decide(T, p.id, "UDEP", APPROVE)
    assert out.on_behalf_of == "UCFO" and out.newly_asked == ("UHR", "UA")
    event = [e for e in service.history(p.id) if e.kind == APPROVE][-1]
    assert (event.actor_id, event.detail["on_behalf_of"]) == ("UDEP", "UCFO")


def test_a_delegation_outside_its_dates_does_nothing(service, store):
    delegate(store, "UA", "UDEP", "2026-12-01", "2026-12-05")
    p = service.create(T, "UAUTH", draft(SMALL)).proposal
    with pytest.raises(NotAllowed):
        service.decide(T, p.id, "UDEP", APPROVE)


def test_escalation_after_the_deadline_in_working_days(service, clock):
    p = service.create(T, "UAUTH", draft(BIG)).proposal
    service.decide(T, p.id, "UA", APPROVE)  # Friday 09:00: Finance starts, 2 working days
    clock.advance(timedelta(days=3, hours=23))  # Monday night: one working day gone
    assert not service.past_deadline(service.get(T, p.id))
    with pytest.raises(NotAllowed):
        service.decide(T, p.id, "UFALL", APPROVE)
    clock.advance(timedelta(hours=10))  # Tuesday 09:00
    assert service.past_deadline(service.get(T, p.id))
    out = service.decide(T, p.id, "UFALL", APPROVE)
    assert out.escalated and out.newly_asked == ("UHR", "UA")
    assert out.proposal.decisions[-1].rule_met == "escalated"


def test_working_days_skip_quiet_days():
    friday = datetime(2026, 11, 27, 9, tzinfo=UTC)
    assert add_working_days(friday, 1, quiet_days=(5, 6)).date() == date(2026, 11, 30)
    assert add_working_days(friday, 2, quiet_days=(4, 5, 6)).date() == date(2026, 12, 1)
    assert add_working_days(friday, 1, quiet_days=()).date() == date(2026, 11, 28)


# races ----------------------------------------------------------------------------------


def test_two_approvals_at_once_in_a_one_of_two_stage_move_it_once(service):
    for _ in range(5):
        p = service.create(T, "UAUTH", draft(SMALL, policy="pair")).proposal
        barrier = threading.Barrier(2)
        results = {}

        def approve(who, p=p, barrier=barrier, results=results):
            barrier.wait()
            try:
                results[who] = service.decide(T, p.id, who, APPROVE)
            except (NotAllowed, AlreadyDecided, Closed) as error:
                results[who] = error

        threads = [threading.Thread(target=approve, args=(w,)) for w in ("UA", "UB")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        moved = [r for r in results.values() if not isinstance(r, Exception)]
        refused = [r for r in results.values() if isinstance(r, Exception)]
        assert len(moved) == 1 and len(refused) == 1
        assert "has moved on to stage 2 of 2, “Last”" in str(refused[0])
        assert moved[0].newly_asked == ("UC",)
        decisions = [e for e in service.history(p.id) if e.kind == APPROVE]
        assert len(decisions) == 1


def _approve_in_child(path, proposal_id, who, start, queue):
    store = Store(path)
    clock = ManualClock(datetime(2026, 11, 27, 9, tzinfo=UTC))
    start.wait()
    try:
        out = ProposalService(store, clock).decide(T, proposal_id, who, APPROVE)
        queue.put((who, "moved", out.newly_asked))
    except Exception as error:
        queue.put((who, type(error).__name__, str(error)))
    finally:
        store.close()


def test_two_processes_approving_at_once_move_it_once(service, store):
    context = multiprocessing.get_context("spawn")
    p = service.create(T, "UAUTH", draft(SMALL, policy="pair")).proposal
    start, queue = context.Event(), context.Queue()
    children = [
        context.Process(target=_approve_in_child, args=(store.path, p.id, who, start, queue))
        for who in ("UA", "UB")
    ]
    for child in children:
        child.start()
    start.set()
    results = [queue.get(timeout=60) for _ in children]
    for child in children:
        child.join(timeout=60)
    kinds = sorted(r[1] for r in results)
    assert kinds == ["NotAllowed", "moved"], results
    assert [e.kind for e in service.history(p.id)].count(APPROVE) == 1
    assert service.get(T, p.id).review.current == 1


def test_a_stage_for_changes_that_take_effect_soon(service, store, clock):
    soon = """
[[policies]]
name = "soon"

[[policies.stages]]
name = "Team"
people = ["UA"]

[[policies.stages]]
name = "Urgent"
people = ["UHR"]
when = { effective_within_days = 7 }
"""
    with store.write() as db:
        save_policies(db, T, read_policies(soon, source="s"), by="U0", now=clock.now(), via="cli")
    near = replace(draft(SMALL, policy="soon"), effective_on=date(2026, 12, 1))
    far = replace(draft(SMALL, policy="soon"), effective_on=date(2027, 1, 15))
    on_approval = draft(SMALL, policy="soon")
    states_of = {}
    for name, d in (("near", near), ("far", far), ("on approval", on_approval)):
        p = service.create(T, "UAUTH", d).proposal
        states_of[name] = (states(p), p.review.stages[1].reason)
    assert states_of == {
        "near": (["current", "later"], "takes effect in 4 days (within 7)"),
        "far": (["current", "skipped"], "takes effect in 49 days, not within 7"),
        "on approval": (["current", "later"], "takes effect on approval"),
    }


ROLES = """
[[policies]]
name = "by position"

[[policies.stages]]
name = "Manager"
author_manager = true

[[policies.stages]]
name = "Finance"
position = "Chief Financial Officer"
"""
ORG = (
    "CEO (<@UCEO>)\nCFO (<@UCFO>) reports to CEO\nCOO (<@UBOSS>) reports to CEO\n"
    "Data Analyst (<@UAUTH>) reports to COO"
)


def test_the_authors_manager_and_the_holder_of_the_cfo_position(service, store, clock):
    from slackbot.proposals import repository as repo

    current = parse_structure(ORG, catalog).structure
    assert current.by_key["cfo"].holders == ("UCFO",)
    with store.write() as db:
        save_policies(db, T, read_policies(ROLES, source="r"), by="U0", now=clock.now(), via="cli")
        repo.add_org_version(db, T, None, current, clock.now())
    text = ORG + "\nData Engineer reports to CFO"
    p = service.create(T, "UAUTH", draft(text, policy="by position")).proposal
    assert p.stage_reviewers == (("UBOSS",), ("UCFO",)) and p.waiting_on == ("UBOSS",)
    assert service.decide(T, p.id, "UBOSS", APPROVE).newly_asked == ("UCFO",)
    assert service.decide(T, p.id, "UCFO", APPROVE).proposal.status == "approved"
    # the CFO writing a proposal is not asked to review it: the admins are, and the card
    # says why
    with store.write() as db:
        db["people"].insert(
            {"team_id": T, "user_id": "UADMIN", "name": "admin", "tz": "UTC", "is_admin": 1}
        )
    own = service.create(T, "UCFO", draft(text, policy="by position")).proposal
    assert own.stage_reviewers == (("UCEO",), ("UADMIN",))
    assert own.stage_notes[1] == (
        "the author is the only reviewer it names: the admins decide instead"
    )


def test_the_export_holds_the_audit_of_each_decision(service, store):
    from slackbot.export import export_data

    delegate(store, "UCFO", "UDEP", "2026-11-25", "2026-12-05")
    p = service.create(T, "UAUTH", draft(BIG)).proposal
    service.decide(T, p.id, "UB", APPROVE)
    service.decide(T, p.id, "UDEP", APPROVE)
    [item] = export_data(store)["proposals"]
    assert (item["policy_name"], item["policy_version"]) == ("growth", 1)
    audit = [
        (d["reviewer_id"], d["stage"], d["on_behalf_of"], d["rule_met"]) for d in item["decisions"]
    ]
    assert audit == [("UB", 0, None, "any one approval"), ("UDEP", 1, "UCFO", "one approval")]
    details = [e["detail"] for e in item["history"] if e["kind"] == APPROVE]
    assert details[1] == {
        "stage": 1,
        "stage_name": "Finance",
        "on_behalf_of": "UCFO",
        "rule_met": "one approval",
    }
