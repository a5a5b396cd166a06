"""Branches: what a branch proposal edits, and what approving it makes of the whole org."""

import time
from dataclasses import replace

import pytest

from roles import load_catalog
from slackbot.org.branch import (
    BranchError,
    apply_proposal,
    branch_keys,
    branch_of,
    branch_problems,
)
from slackbot.org.structure import Position, Structure, parse_structure

catalog = load_catalog()

ORG = """\
CEO
COO reports to CEO
CFO reports to CEO
Controller reports to CFO
Operations Director reports to COO
Plant Manager reports to Operations Director
Shift Lead x4 reports to Plant Manager
Logistics Manager reports to Operations Director
Driver x12 reports to Logistics Manager
Customer Service Lead reports to COO
Accountant x3 reports to Controller
"""


def parse(text: str) -> Structure:
    result = parse_structure(text, catalog)
    assert result.ok, result.errors
    return result.structure


def key(structure: Structure, title: str) -> str:
    return next(p.key for p in structure.positions if p.title == title)


def outside_keys(structure: Structure, root_title: str = "Operations Director") -> set[str]:
    keys = branch_keys(structure, key(structure, root_title))
    return {p.key for p in structure.positions if p.key not in keys}


def outside(structure: Structure, root_title: str) -> list[tuple]:
    """Every position outside the branch, as (key, title, headcount, reports_to)."""
    keys = branch_keys(structure, key(structure, root_title))
    return [
        (p.key, p.title, p.headcount, p.reports_to)
        for p in structure.positions
        if p.key not in keys
    ]


def test_branch_of_holds_the_root_and_everything_below_it_as_a_structure_of_its_own():
    org = parse(ORG)
    branch = branch_of(org, "operations-director")
    assert [p.title for p in branch.positions] == [
        "Operations Director", "Plant Manager", "Shift Lead", "Logistics Manager", "Driver",
    ]  # fmt: skip
    assert branch.roots()[0].title == "Operations Director"
    # its text parses back to the same branch
    again = parse(branch.to_text())
    assert [(p.key, p.reports_to, p.headcount) for p in again.positions] == [
        (p.key, p.reports_to, p.headcount) for p in branch.positions
    ]
    with pytest.raises(BranchError):
        branch_of(org, "title:nobody")


def test_without_a_branch_the_proposal_is_the_whole_org():
    org, proposed = parse(ORG), parse("CEO\nCOO reports to CEO")
    assert apply_proposal(org, proposed, branch_root=None) == proposed


def test_the_branch_is_replaced_and_the_rest_of_the_org_is_untouched():
    org = parse(ORG)
    proposed = parse(
        "Operations Director\n"
        "Plant Manager reports to Operations Director\n"
        "Shift Lead x6 reports to Plant Manager\n"  # headcount change
        "Quality Lead reports to Plant Manager\n"  # added
        # Logistics Manager and Driver removed
    )
    result = apply_proposal(org, proposed, branch_root="operations-director")
    assert outside(result, "Operations Director") == outside(org, "Operations Director")
    by_key = result.by_key
    assert by_key["operations-director"].reports_to == "coo"  # keeps its manager
    assert by_key[key(result, "Shift Lead")].headcount == 6
    assert by_key[key(result, "Quality Lead")].reports_to == key(result, "Plant Manager")
    assert "Logistics Manager" not in {p.title for p in result.positions}
    assert "Driver" not in {p.title for p in result.positions}
    # the branch sits where its root was; the rest are the very same positions
    titles = [p.title for p in result.positions]
    assert titles[:5] == ["CEO", "COO", "CFO", "Controller", "Operations Director"]
    kept = {p.key: p for p in org.positions}
    assert all(p is kept[p.key] for p in result.positions if p.key in outside_keys(org))
    # a valid org: it parses back from its own text
    assert parse(result.to_text()).by_key.keys() == by_key.keys()


def test_moves_within_the_branch():
    org = parse(ORG)
    proposed = parse(
        "Operations Director\n"
        "Plant Manager reports to Operations Director\n"
        "Logistics Manager reports to Plant Manager\n"  # moved under the Plant Manager
        "Shift Lead x4 reports to Logistics Manager\n"  # moved under the Logistics Manager
        "Driver x12 reports to Operations Director\n"  # moved up
    )
    result = apply_proposal(org, proposed, branch_root="operations-director")
    by_key = result.by_key
    assert by_key[key(result, "Logistics Manager")].reports_to == key(result, "Plant Manager")
    assert by_key[key(result, "Shift Lead")].reports_to == key(result, "Logistics Manager")
    assert by_key[key(result, "Driver")].reports_to == "operations-director"
    assert outside(result, "Operations Director") == outside(org, "Operations Director")
    assert result.headcount() == org.headcount()


def test_a_renamed_branch_root_keeps_the_manager_and_a_whole_new_team_can_replace_the_old():
    org = parse(ORG)
    proposed = parse("VP Operations\nOps Excellence Lead x2 reports to VP Operations")
    result = apply_proposal(org, proposed, branch_root="operations-director")
    vp = result.by_key[key(result, "VP Operations")]
    assert vp.reports_to == "coo"
    assert "operations-director" not in result.by_key
    assert result.by_key[key(result, "Ops Excellence Lead")].reports_to == vp.key
    assert outside(result, "VP Operations") == outside(org, "Operations Director")


def test_a_position_that_sits_outside_the_branch_cannot_be_brought_in():
    org = parse(ORG)
    proposed = parse("Operations Director\nController reports to Operations Director")
    problems = branch_problems(org, proposed, branch_root="operations-director")
    assert len(problems) == 1
    assert (
        "“Controller” is already in the org outside the Operations Director branch" in (problems[0])
    )
    assert "(reporting to CFO)" in problems[0]
    assert "“Controller (Operations Director)”" in problems[0]
    assert "`/org-proposal branch CEO`" in problems[0]  # the branch that holds both
    with pytest.raises(BranchError, match="already in the org"):
        apply_proposal(org, proposed, branch_root="operations-director")


def test_a_branch_has_one_top_position_and_its_root_must_still_exist():
    org = parse(ORG)
    two_tops = parse("Operations Director\nQuality Lead")
    assert "has 2 (“Operations Director”, “Quality Lead”)" in " ".join(
        branch_problems(org, two_tops, branch_root="operations-director")
    )
    gone = branch_problems(org, parse("Operations Director"), branch_root="title:nobody")
    assert "no longer in the current org" in gone[0]


def big_org(directors: int = 100, leads: int = 99) -> Structure:
    positions = [Position("CEO", "ceo", "ceo")]
    for d in range(directors):
        positions.append(Position(f"Director {d}", f"title:director {d}", reports_to="ceo"))
        positions += [
            Position(f"Lead {d}-{i}", f"title:lead {d}-{i}", reports_to=f"title:director {d}")
            for i in range(leads)
        ]
    return Structure(tuple(replace(p, line=i) for i, p in enumerate(positions, start=1)))


def test_a_large_org_applies_in_one_pass():
    """10,000 positions: apply is linear, not a scan per position."""
    org = big_org()
    assert len(org) == 1 + 100 + 9900
    proposed = parse("Director 7\nLead 7-1 reports to Director 7\nNew Lead reports to Lead 7-1")
    started = time.perf_counter()
    result = apply_proposal(org, proposed, branch_root="title:director 7")
    assert time.perf_counter() - started < 1.0
    assert len(result) == len(org) - 99 + 2
    assert outside(result, "Director 7") == outside(org, "Director 7")


def test_approving_a_branch_proposal_changes_only_that_branch_of_the_current_org(store):
    from datetime import UTC, date, datetime

    from slackbot.clock import ManualClock
    from slackbot.proposals import Draft, ProposalService
    from slackbot.proposals import repository as repo
    from slackbot.proposals.model import APPROVE

    service = ProposalService(store, ManualClock(datetime(2026, 11, 25, 9, tzinfo=UTC)))
    org = parse(ORG)
    with store.write() as db:
        repo.add_org_version(db, "T1", None, org, service.clock.now(), imported_by="cli:test")
    text = "Operations Director\nPlant Manager x2 reports to Operations Director"
    draft = Draft(
        title="Fold logistics into the plants",
        rationale="One line of command per site",
        structure_text=text,
        structure=parse(text),
        reviewers=("UALEX",),
        review_by=date(2026, 12, 2),
        channel_id="C1",
        branch_root="operations-director",
    )
    proposal = service.create("T1", "UDANA", draft).proposal
    assert proposal.branch_root == "operations-director"
    assert service.history(proposal.id)  # stored with its history as any proposal
    outcome = service.decide("T1", proposal.id, "UALEX", APPROVE)
    assert outcome.org_version.version == 2
    current = service.current_org("T1").structure
    assert outside(current, "Operations Director") == outside(org, "Operations Director")
    assert [p.title for p in branch_of(current, "operations-director").positions] == [
        "Operations Director",
        "Plant Manager",
    ]
    assert current.by_key[key(current, "Plant Manager")].headcount == 2
    assert service.org_version("T1", 1).imported_by == "cli:test"


def test_branches_that_fit_descend_until_a_branch_fits_largest_first():
    from slackbot.org.branch import branches_that_fit, text_sizes, tree_summary

    org = big_org(directors=3, leads=50)
    sizes = text_sizes(org)
    assert sizes["ceo"] == len(org.to_text()) + 1
    fitting = branches_that_fit(org, None, max_chars=10**6, max_positions=10**6)
    assert [(p.title, n) for p, n in fitting] == [("CEO", 1 + 3 * 51)]
    fitting = branches_that_fit(org, "ceo", max_chars=3000, max_positions=60)
    assert [(p.title, n) for p, n in fitting][:3] == [
        ("Director 0", 51),
        ("Director 1", 51),
        ("Director 2", 51),
    ]
    fitting = branches_that_fit(org, "ceo", max_chars=3000, max_positions=40, limit=2)
    assert [n for _, n in fitting] == [1, 1]  # single leads, when no director fits
    summary = tree_summary(org, max_chars=200)
    assert summary == [
        "CEO",
        "├─ Director 0  (+50 below)",
        "├─ Director 1  (+50 below)",
        "└─ Director 2  (+50 below)",
    ]
    assert tree_summary(org, max_chars=10**6) == org.tree_lines()


def test_the_form_metadata_carries_the_branch_and_refuses_anything_else():
    from slackbot.proposals.metadata import BadMetadata, ProposalFormMetadata

    meta = ProposalFormMetadata(base=3, branch="title:team 3 4")
    assert ProposalFormMetadata.loads(meta.dumps()) == meta
    assert ProposalFormMetadata.loads('{"base": 1}').branch is None
    for bad in ('{"branch": 7}', '{"branch": ""}', '{"branch": "' + "x" * 201 + '"}'):
        with pytest.raises(BadMetadata):
            ProposalFormMetadata.loads(bad)


@pytest.mark.parametrize(
    "text",
    [
        "Operations Director\nPlant Manager x2 reports to Operations Director",  # removals
        "Operations Director\n"
        "Plant Manager reports to Operations Director\n"
        "Shift Lead x4 reports to Plant Manager\n"
        "Logistics Manager reports to Shift Lead\n"  # deeper: one more layer
        "Driver x12, 3 open reports to Logistics Manager\n"
        "Dispatcher reports to Driver",
        "VP Operations\nOps Analyst x3 [hire] reports to VP Operations",  # a renamed root
    ],
)
def test_branch_facts_are_the_whole_orgs_facts_worked_out_from_the_branch(text):
    from slackbot.policies.facts import branch_change_facts, change_facts

    org, proposed = parse(ORG), parse(text)
    whole = change_facts(org, apply_proposal(org, proposed, branch_root="operations-director"))
    assert branch_change_facts(org, proposed, branch_root="operations-director") == whole


def test_branch_facts_of_a_large_org_cost_the_branch():
    from slackbot.policies.facts import branch_change_facts, change_facts

    org = big_org()
    proposed = parse("Director 7\nLead 7-1 reports to Director 7\nNew Lead reports to Lead 7-1")
    branch_change_facts(org, proposed, branch_root="title:director 7")  # indexes built once
    started = time.perf_counter()
    facts = branch_change_facts(org, proposed, branch_root="title:director 7")
    assert time.perf_counter() - started < 0.05
    whole = change_facts(org, apply_proposal(org, proposed, branch_root="title:director 7"))
    assert facts == whole
