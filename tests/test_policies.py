"""Review policy evaluation, pure: stage order, rules, conditions, skips, rejections,
change requests, carried stages, and the default policy against today's `settle`."""

import itertools
from dataclasses import replace
from datetime import date

import pytest

from roles import load_catalog
from slackbot.org.structure import Position, Structure, parse_structure
from slackbot.policies.evaluate import (
    CARRIED,
    CURRENT,
    LATER,
    PASSED,
    SKIPPED,
    STOPPED_CHANGES,
    STOPPED_REJECTED,
    Directory,
    Vote,
    evaluate,
    resolve,
    rule_met_by,
)
from slackbot.policies.facts import ChangeFacts, change_facts, holds
from slackbot.policies.model import (
    ADDS_LAYER,
    ADDS_OPEN_ROLES,
    ADDS_POSITIONS,
    ALL,
    ANY,
    DEFAULT_POLICY,
    EFFECTIVE_WITHIN,
    N_OF_M,
    RESUME,
    TOUCHES_BRANCH,
    Condition,
    Policy,
    Reviewers,
    Rule,
    Stage,
)
from slackbot.proposals.model import (
    APPROVE,
    APPROVED,
    CHANGES_REQUESTED,
    DECISIONS,
    IN_REVIEW,
    REJECT,
    REJECTED,
    REQUEST_CHANGES,
    Decision,
    Proposal,
)
from slackbot.proposals.service import settle

catalog = load_catalog()
NO_CHANGE = ChangeFacts()


def structure(text: str) -> Structure:
    result = parse_structure(text, catalog)
    assert result.ok, result.errors
    return result.structure


ALL_RULE = Rule(ALL)


def stage(name, people, rule=ALL_RULE, condition=None, **kw) -> Stage:
    return Stage(
        name=name, reviewers=Reviewers(people=tuple(people)), rule=rule, condition=condition, **kw
    )


def run(policy, votes=(), facts=NO_CHANGE, carried=0):
    reviewers = [s.reviewers.people for s in policy.stages]
    return evaluate(policy, reviewers=reviewers, facts=facts, votes=votes, carried=carried)


def v(who, decision, stage, **kw):
    return Vote(reviewer_id=who, decision=decision, stage=stage, **kw)


TWO = Policy(
    name="two",
    stages=(
        stage("Managers", ["A", "B"], Rule(ANY)),
        stage("Finance", ["C", "D", "E"], Rule(N_OF_M, 2)),
    ),
)


# rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule,m,needed",
    [
        (Rule(ALL), 3, 3),
        (Rule(ALL), 1, 1),
        (Rule(ANY), 3, 1),
        (Rule(N_OF_M, 2), 3, 2),
        (Rule(N_OF_M, 5), 3, 3),  # more than there are: all of them
        (Rule(ALL), 0, 1),  # nobody to ask never passes by itself
        (Rule(ANY), 0, 1),
    ],
)
def test_rule_needs(rule, m, needed):
    assert rule.needed(m) == needed


@pytest.mark.parametrize("kind,n", [(ALL, 0), (ANY, 0), (N_OF_M, 1), (N_OF_M, 2), (N_OF_M, 3)])
@pytest.mark.parametrize("approvers", [0, 1, 2, 3])
def test_a_stage_passes_exactly_when_its_rule_is_met(kind, n, approvers):
    policy = Policy(name="p", stages=(stage("S", ["A", "B", "C"], Rule(kind, n)),))
    votes = [v(p, APPROVE, 0) for p in ["A", "B", "C"][:approvers]]
    result = run(policy, votes)
    needed = {ALL: 3, ANY: 1, N_OF_M: n}[kind]
    assert result.outcome == (APPROVED if approvers >= needed else IN_REVIEW)
    if result.outcome == IN_REVIEW:
        assert result.current == 0
        assert result.stages[0].still_needed == needed - approvers
        assert result.asked_now == tuple(["A", "B", "C"][approvers:])


# stage order ----------------------------------------------------------------------------


def test_stages_run_in_order_and_later_ones_wait():
    first = run(TWO)
    assert first.outcome == IN_REVIEW and first.current == 0
    assert [s.state for s in first.stages] == [CURRENT, LATER]
    assert first.asked_now == ("A", "B") and first.next_stage.index == 1
    # a later stage's reviewer deciding early does not count (the service refuses it)
    early = run(TWO, [v("C", APPROVE, 1), v("D", APPROVE, 1)])
    assert early.current == 0 and early.outcome == IN_REVIEW
    second = run(TWO, [v("B", APPROVE, 0)])
    assert second.current == 1 and [s.state for s in second.stages] == [PASSED, CURRENT]
    assert second.stages[0].rule_met == "any one approval"
    assert second.asked_now == ("C", "D", "E") and second.stages[1].still_needed == 2
    assert second.next_stage is None
    third = run(TWO, [v("B", APPROVE, 0), v("C", APPROVE, 1)])
    assert third.outcome == IN_REVIEW and third.asked_now == ("D", "E")
    done = run(TWO, [v("B", APPROVE, 0), v("C", APPROVE, 1), v("E", APPROVE, 1)])
    assert done.outcome == APPROVED and done.current is None
    assert done.stages[1].rule_met == "2 of 3 approvals"


def test_rule_met_by_names_the_rule_only_for_the_decision_that_passed_the_stage():
    before = run(TWO, [v("C", APPROVE, 1)])
    after = run(TWO, [v("A", APPROVE, 0)])
    assert rule_met_by(run(TWO), after, 0) == "any one approval"
    assert rule_met_by(after, after, 0) == ""
    assert rule_met_by(before, before, 1) == ""


@pytest.mark.parametrize("stage_index", [0, 1])
@pytest.mark.parametrize(
    "decision,outcome,state",
    [(REJECT, REJECTED, STOPPED_REJECTED), (REQUEST_CHANGES, CHANGES_REQUESTED, STOPPED_CHANGES)],
)
def test_a_rejection_or_change_request_at_any_stage_stops_there(
    stage_index, decision, outcome, state
):
    votes = [v("A", APPROVE, 0)] if stage_index == 1 else []
    votes.append(v("C" if stage_index else "B", decision, stage_index))
    result = run(TWO, votes)
    assert result.outcome == outcome and result.current == stage_index
    assert result.stages[stage_index].state == state
    assert result.asked_now == ()  # nobody is asked while it is rejected or with the author


def test_rejection_beats_approvals_in_the_same_stage():
    policy = Policy(name="p", stages=(stage("S", ["A", "B", "C"], Rule(N_OF_M, 2)),))
    assert run(policy, [v("A", APPROVE, 0), v("B", REJECT, 0)]).outcome == REJECTED
    assert run(policy, [v("A", REQUEST_CHANGES, 0), v("B", REJECT, 0)]).outcome == REJECTED


def test_a_reviewer_in_two_stages_is_asked_in_each():
    policy = Policy(
        name="p", stages=(stage("One", ["A", "B"]), stage("Two", ["A", "C"], Rule(ANY)))
    )
    one = run(policy, [v("A", APPROVE, 0)])
    assert one.current == 0 and one.asked_now == ("B",)
    two = run(policy, [v("A", APPROVE, 0), v("B", APPROVE, 0)])
    assert two.current == 1 and two.asked_now == ("A", "C")  # A's first approval is stage one's
    done = run(policy, [v("A", APPROVE, 0), v("B", APPROVE, 0), v("A", APPROVE, 1)])
    assert done.outcome == APPROVED


# conditions -----------------------------------------------------------------------------

BEFORE = structure(
    "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to COO"
)


@pytest.mark.parametrize(
    "after,condition,expected",
    [
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director",
            Condition(ADDS_POSITIONS, 2),
            True,
        ),
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to COO\nOperations Manager x2 reports to Operations Director",
            Condition(ADDS_POSITIONS, 2),
            False,
        ),
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to COO",
            Condition(ADDS_POSITIONS, 0),
            False,
        ),
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to COO\nOperations Manager reports to Operations Director",
            Condition(TOUCHES_BRANCH, key="coo"),
            True,
        ),
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to COO\nController reports to CFO",
            Condition(TOUCHES_BRANCH, key="coo"),
            False,
        ),
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to CFO",
            Condition(TOUCHES_BRANCH, key="coo"),
            True,
        ),  # moved out of it
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO",
            Condition(TOUCHES_BRANCH, key="coo"),
            True,
        ),  # removed from it
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to COO\nOperations Manager reports to Operations Director",
            Condition(ADDS_LAYER),
            True,
        ),
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to COO\nController reports to CFO",
            Condition(ADDS_LAYER),
            False,
        ),
        (
            "CEO\nCOO reports to CEO\nCFO reports to CEO\nOperations Director reports to CEO",
            Condition(ADDS_LAYER),
            False,
        ),
    ],
)
def test_conditions_on_the_change(after, condition, expected):
    facts = change_facts(BEFORE, structure(after))
    ok, reason = holds(condition, facts)
    assert ok is expected and reason


def test_branch_condition_by_title_is_resolved_to_the_key():
    facts = change_facts(BEFORE, structure(BEFORE.to_text() + "\nController reports to CFO"))
    policy = Policy(
        name="p",
        stages=(
            stage("Base", ["A"]),
            stage(
                "Finance", ["F"], condition=Condition(TOUCHES_BRANCH, key="Chief Financial Officer")
            ),
        ),
    )
    skipped = evaluate(policy, reviewers=[("A",), ("F",)], facts=facts, votes=[v("A", APPROVE, 0)])
    assert skipped.outcome == APPROVED  # the title as written is not a key
    asked = evaluate(
        policy,
        reviewers=[("A",), ("F",)],
        facts=facts,
        votes=[v("A", APPROVE, 0)],
        branch_keys={"Chief Financial Officer": "cfo"},
    )
    assert asked.current == 1 and asked.asked_now == ("F",)


def open_roles(before_vacant: int, after_vacant: int) -> ChangeFacts:
    def org(vacant):
        ceo = Position(title="CEO", key="ceo")
        analysts = Position(
            title="Analyst", key="analyst", headcount=3, reports_to="ceo", vacancies=vacant
        )
        return Structure(positions=(ceo, analysts))

    return change_facts(org(before_vacant), org(after_vacant))


@pytest.mark.parametrize(
    "before,after,n,expected",
    [
        (0, 1, 0, True),
        (0, 0, 0, False),
        (1, 1, 0, False),
        (0, 2, 1, True),
        (0, 1, 1, False),
        (2, 0, 0, False),
    ],
)
def test_adds_open_roles(before, after, n, expected):
    assert holds(Condition(ADDS_OPEN_ROLES, n), open_roles(before, after))[0] is expected


@pytest.mark.parametrize(
    "effective,n,expected",
    [
        (date(2026, 12, 1), 7, True),
        (date(2026, 12, 2), 7, True),
        (date(2026, 12, 3), 7, False),
        (None, 7, True),
        (date(2026, 11, 20), 0, True),
    ],
)
def test_effective_within(effective, n, expected):
    facts = ChangeFacts(effective=effective, today=date(2026, 11, 25))
    assert holds(Condition(EFFECTIVE_WITHIN, n), facts)[0] is expected


@pytest.mark.parametrize("condition_true", [True, False])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_a_stage_whose_condition_is_false_is_skipped_with_the_reason(condition_true, position):
    big = Condition(ADDS_POSITIONS, 5)
    facts = ChangeFacts(seats_added=9 if condition_true else 2)
    stages = [stage("One", ["A"]), stage("Two", ["B"])]
    stages.insert(position, stage("Big", ["X"], condition=big))
    policy = Policy(name="p", stages=tuple(stages))
    order = [s.name for s in policy.stages]
    votes, result = [], run(policy, facts=facts)
    path = []
    while result.outcome == IN_REVIEW:
        path.append(result.current_stage.stage.name)
        (who,) = result.asked_now
        votes.append(v(who, APPROVE, result.current))
        result = run(policy, votes, facts)
    assert result.outcome == APPROVED
    assert path == [n for n in order if condition_true or n != "Big"]
    big_state = result.stages[position]
    if condition_true:
        assert big_state.state == PASSED and big_state.reason == "adds 9 positions"
    else:
        assert (
            big_state.state == SKIPPED and big_state.reason == "adds 2 positions, not more than 5"
        )
    # before it is reached, a skipped stage already shows as skipped, a true one as next
    first = run(policy, facts=facts)
    expected_first = [
        SKIPPED if (s.name == "Big" and not condition_true) else LATER for s in policy.stages
    ]
    expected_first[first.current] = CURRENT
    assert [s.state for s in first.stages] == expected_first


# changes requested: restart or resume ---------------------------------------------------


def test_resume_carries_the_passed_stages_restart_does_not():
    policy = replace(TWO, on_changes=RESUME)
    resumed = run(policy, carried=1)
    assert [s.state for s in resumed.stages] == [CARRIED, CURRENT] and resumed.asked_now == (
        "C",
        "D",
        "E",
    )
    restarted = run(TWO, carried=0)
    assert restarted.current == 0


# escalation and delegation --------------------------------------------------------------


def test_an_escalated_decision_decides_the_stage():
    result = run(TWO, [v("ADMIN", APPROVE, 0, escalated=True)])
    assert result.current == 1 and result.stages[0].rule_met == "escalated"
    assert run(TWO, [v("ADMIN", REJECT, 0, escalated=True)]).outcome == REJECTED


def test_a_delegate_decides_for_the_reviewer():
    policy = Policy(name="p", stages=(stage("S", ["A", "B"]),))
    result = run(policy, [v("Z", APPROVE, 0, on_behalf_of="A")])
    assert result.asked_now == ("B",) and result.stages[0].approvals == ("A",)
    assert (
        run(policy, [v("Z", APPROVE, 0, on_behalf_of="A"), v("B", APPROVE, 0)]).outcome == APPROVED
    )


# resolving reviewers --------------------------------------------------------------------


def held(text: str, holders: dict[str, tuple[str, ...]]) -> Structure:
    s = structure(text)
    return Structure(
        positions=tuple(replace(p, holders=holders.get(p.key, ())) for p in s.positions)
    )


def test_resolve_people_groups_positions_managers_and_the_named_reviewers():
    org = held(
        "CEO\nCFO reports to CEO\nCOO reports to CEO",
        {"ceo": ("UCEO",), "cfo": ("UCFO",), "coo": ("UAUTHOR",)},
    )
    policy = Policy(
        name="p",
        stages=(
            Stage("Named", Reviewers(named=True)),
            Stage("Group", Reviewers(usergroup="S1", people=("UX",)), Rule(ANY)),
            Stage("Manager", Reviewers(author_manager=True)),
            Stage("CFO", Reviewers(position="Chief Financial Officer")),
        ),
    )
    directory = Directory(
        author_id="UAUTHOR",
        named=("UA", "UB"),
        usergroups={"S1": ("UG1", "UAUTHOR", "UX")},
        current=org,
        admins=("UADM",),
        catalog=catalog,
    )
    got = resolve(policy, directory)
    assert [people for people, _ in got] == [("UA", "UB"), ("UX", "UG1"), ("UCEO",), ("UCFO",)]
    assert all(note == "" for _, note in got)


def test_nobody_to_ask_falls_back_then_to_the_admins_never_the_author():
    org = held("CEO\nCFO reports to CEO", {"ceo": ("UAUTHOR",)})
    policy = Policy(
        name="p",
        stages=(
            Stage("CFO", Reviewers(position="CFO"), fallback=("UFALL",)),
            Stage("Manager", Reviewers(author_manager=True)),
            Stage("Self", Reviewers(people=("UAUTHOR",))),
        ),
    )
    got = resolve(policy, Directory(author_id="UAUTHOR", current=org, admins=("UADM", "UAUTHOR")))
    assert got[0] == (
        ("UFALL",),
        "nobody holds CFO in the current org: its fallback decide instead",
    )
    assert got[1][0] == ("UADM",) and "the author's manager is not in the current org" in got[1][1]
    assert got[2][0] == ("UADM",)


# the default policy is today's behaviour ------------------------------------------------


def today_status(reviewers, decisions) -> str:
    proposal = Proposal(
        id=1,
        team_id="T",
        number=1,
        title="t",
        rationale="",
        structure_text="",
        structure=Structure(),
        version=1,
        author_id="U0",
        channel_id="C",
        message_ts=None,
        status=IN_REVIEW,
        review_by=date(2026, 12, 1),
        post_error=None,
        created_at=None,
        updated_at=None,
        closed_at=None,
        reviewers=tuple(reviewers),
        decisions=tuple(Decision(r, d, "", None, 1) for r, d in decisions),
    )
    return settle(proposal)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_default_policy_settles_every_combination_like_today(n):
    reviewers = [f"R{i}" for i in range(n)]
    options = [None, *DECISIONS]
    for combo in itertools.product(options, repeat=n):
        decided = [(r, d) for r, d in zip(reviewers, combo, strict=True) if d]
        for order in itertools.permutations(decided):
            votes = [v(r, d, 0) for r, d in order]
            ours = evaluate(
                DEFAULT_POLICY, reviewers=[tuple(reviewers)], facts=NO_CHANGE, votes=votes
            )
            assert ours.outcome == today_status(reviewers, order), (combo, order)
            if ours.outcome == IN_REVIEW:
                assert set(ours.asked_now) == {r for r in reviewers if r not in dict(order)}


# validation -----------------------------------------------------------------------------


def test_policy_problems():
    assert DEFAULT_POLICY.problems() == []
    assert TWO.problems() == []
    bad = Policy(
        name="p",
        stages=(
            stage("S", ["A"], condition=Condition(ADDS_LAYER)),
            stage("S", [], Rule(N_OF_M, 0), deadline_days=0),
            stage("T", ["A"], Rule("most"), condition=Condition(TOUCHES_BRANCH)),
        ),
        on_changes="later",
    )
    problems = "\n".join(bad.problems())
    only_conditional = Policy(
        name="q", stages=(stage("S", ["A"], condition=Condition(ADDS_LAYER)),)
    )
    assert "every stage has a condition" in only_conditional.problems()[0]
    for words in [
        "restart",
        "two stages named “S”",
        "name the reviewers",
        "1 or more",
        "1 to 60 working days",
        "not “most”",
        "touches_branch names a position",
    ]:
        assert words in problems


def test_change_facts_layers_and_branches_on_a_deep_chain_and_a_missing_manager():
    chain = Structure(
        tuple(
            Position(title=f"Role {i}", key=f"p{i}", reports_to=f"p{i - 1}" if i else None)
            for i in range(2000)
        )
    )
    deeper = Structure((*chain.positions, Position(title="New", key="new", reports_to="p1999")))
    facts = change_facts(chain, deeper)
    assert (facts.layers_before, facts.layers_after) == (2000, 2001)
    assert facts.touched == {"new"}
    assert facts.ancestors_of("new") == {f"p{i}" for i in range(2000)}
    # a manager missing from the structure: the position counts as a top position
    orphan = Structure((Position(title="A", key="a", reports_to="gone"),))
    assert change_facts(Structure(), orphan).layers_after == 1
