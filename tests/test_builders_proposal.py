"""The proposal builders never emit a block Slack refuses, whatever the data: odd
structures (stored before titles were checked), no structure, roles gone from the catalog,
every status."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from roles import load_catalog
from slackbot.blockkit.limits import check_message, check_view
from slackbot.org.structure import Position, Structure
from slackbot.proposals.model import OPEN_STATUSES, STATUS_LABELS, OrgVersion, Proposal
from slackbot.ui.common import context, message
from slackbot.ui.home import home_view
from slackbot.ui.proposal_card import proposal_card, review_request
from slackbot.ui.proposal_lists import current_message, show_message

CATALOG = load_catalog()
NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)

STRUCTURES = {
    # what `.` was stored as before positions needed a real title
    "dot": Structure((Position(".", "title:."),)),
    "one unknown title": Structure((Position("Chief Vibes Officer", "title:chief vibes"),)),
    "empty": Structure(),
    "role gone from the catalog": Structure(
        (Position("Head of Retired Things", "retired_role", role_id="retired_role"),)
    ),
    "known roles": Structure(
        (Position("CEO", "ceo", role_id="ceo"), Position("COO", "coo", "coo", 1, "ceo", 2))
    ),
}


def proposal(structure: Structure, status: str, **overrides) -> Proposal:
    values = dict(
        id=1,
        team_id="T0ORGBOT1",
        number=1,
        title="Reshape",
        rationale="Because.",
        structure_text=structure.to_text(),
        structure=structure,
        version=1,
        author_id="U0DANA0002",
        channel_id="C0ORGDES02",
        message_ts="1.0",
        status=status,
        review_by=date(2026, 12, 2),
        post_error=None,
        created_at=NOW,
        updated_at=NOW,
        closed_at=None if status in OPEN_STATUSES else NOW,
        reviewers=("U0ALEX0001",),
    )
    values.update(overrides)
    return Proposal(**values)


@pytest.mark.parametrize("status", sorted(STATUS_LABELS))
@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_cards_and_lists_are_valid_whatever_the_structure(name, status):
    structure = STRUCTURES[name]
    p = proposal(structure, status)
    current = OrgVersion("T0ORGBOT1", 1, 1, structure, NOW)
    payloads = [
        proposal_card(p, CATALOG, current),
        proposal_card(p, CATALOG, None),
        proposal_card(proposal(structure, status, message_ts=None, post_error="x"), CATALOG, None),
        show_message(p, [], CATALOG, current),
        current_message(current, 1),
        review_request(p, link=None),
    ]
    for payload in payloads:
        assert check_message(payload) == []
    home = home_view(
        user_id="U0ALEX0001",
        today=date(2026, 11, 25),
        awaiting=[p] if p.is_open else [],
        mine=[p],
        decisions=[],
        current=current,
        current_number=1,
    )
    assert check_view(home) == []


def test_an_empty_block_never_leaves_a_builder():
    payload = message("x", [context(""), context(), {"type": "actions", "elements": []}])
    assert payload["blocks"] == []


def test_the_history_says_each_decision_and_a_withdrawal_in_words():
    from slackbot.proposals.model import Event
    from slackbot.ui.proposal_lists import history_lines

    def event(kind, **kw):
        return Event(1, 1, 2, kind, "U0ALEX0001", kw.get("comment", ""), {}, NOW)

    lines = history_lines(
        [
            event("changes_requested", comment="Too many"),
            event("rejected"),
            event("approved"),
            event("withdrawn"),
        ]
    )
    assert "<@U0ALEX0001> requested changes to version 2: “Too many”" in lines[0]
    assert "<@U0ALEX0001> rejected version 2" in lines[1]
    assert "<@U0ALEX0001> approved version 2" in lines[2]
    assert lines[3].endswith("· <@U0ALEX0001> withdrew it")
