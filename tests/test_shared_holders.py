"""One person named as the holder of several positions (an interim role, or a slip of the
pen): the card says so, so reviewers see it; it is not refused."""

from __future__ import annotations

from roles import load_catalog
from slackbot.blockkit.limits import check_message
from slackbot.org.parse import parse_structure
from slackbot.ui.proposal_card import proposal_card, shared_holders_note
from tests.test_builders_proposal import CATALOG, proposal

IDS = {"alex": "U0ALEX0001", "sam": "U0SAM00003"}


class Directory:
    def resolve(self, handle):
        return IDS.get(handle.lower(), [])

    def name(self, user_id):
        return {v: k for k, v in IDS.items()}.get(user_id)


def structure(text):
    result = parse_structure(text, load_catalog(), people=Directory())
    assert result.ok, result.errors
    return result.structure


def test_a_person_holding_several_positions_is_named_on_the_card():
    s = structure("CEO (@sam)\nCOO (@sam) reports to CEO\nCFO (@alex) reports to CEO")
    note = shared_holders_note(s, {"U0SAM00003": "Sam <b>"}.get)
    assert note == "@Sam &lt;b&gt; holds 2 positions: CEO, COO"
    card = proposal_card(proposal(s, "in_review"), CATALOG, None)
    assert check_message(card) == []
    assert "@U0SAM00003 holds 2 positions: CEO, COO" in str(card["blocks"])
    assert "<@U0SAM00003>" not in str(card["blocks"])  # named, never mentioned


def test_nobody_in_two_positions_no_note():
    assert shared_holders_note(structure("CEO (@alex)\nCOO (@sam) reports to CEO"), None) == ""
