"""Block Kit for /role-compare stays inside Slack's limits for every role and pair."""

import itertools
import json

import pytest

from roles import compare, load_catalog, parse_compare
from slackbot.blockkit.limits import check_message, check_view
from slackbot.comparisons import answer_compare
from slackbot.ui import comparison as ui

catalog = load_catalog()


def test_every_pair_and_card_fits_a_message():
    for a, b in itertools.permutations(catalog, 2):
        message = ui.comparison_message(compare(catalog, (a, b)), catalog)
        assert check_message(message) == [], (a.id, b.id)
    for role in catalog:
        assert check_message(ui.role_card_message(role, catalog)) == [], role.id


def test_the_widest_four_role_comparisons_fit():
    by_text = sorted(catalog, key=lambda r: -len(json.dumps(r.__dict__, default=str)))
    for group in itertools.combinations(by_text[:7], 4):
        message = ui.comparison_message(compare(catalog, group), catalog)
        assert check_message(message) == [], [r.id for r in group]
        view = ui.comparison_modal(compare(catalog, group), catalog, channel_id="C1")
        assert check_view(view) == [], [r.id for r in group]


def test_list_help_unknown_and_picker_fit():
    assert check_message(ui.role_list_message(catalog)) == []
    assert check_message(ui.help_message()) == []
    request = parse_compare(catalog, "coo vs <!channel> wizard vs director")
    assert check_message(ui.unresolved_message(request, catalog)) == []
    assert check_view(ui.picker_modal(catalog, channel_id="C1", initial=["coo"])) == []


def test_user_text_cannot_ping_or_mention():
    # Slack's mention tokens are dropped before the names are read: never echoed back
    message = answer_compare(catalog, "coo vs <!channel> and <@U123>").message
    raw = json.dumps(message)
    assert "<!channel>" not in raw and "<@U123>" not in raw
    assert message["blocks"][0]["text"]["text"] == "Chief Operating Officer (COO)"
    # any other markup in a name is escaped
    message = answer_compare(catalog, "coo vs <!here|here> <script>x").message
    raw = json.dumps(message)
    assert "<!here" not in raw and "<script>" not in raw
    assert "&lt;script&gt;x" in raw


def test_every_message_has_a_text_fallback():
    for text in ("coo vs cfo", "coo", "list", "help", "nonsense vs coo", "a, b, c, d, e"):
        message = answer_compare(catalog, text).message
        assert message["text"].strip(), text


@pytest.mark.parametrize(
    "text", ["Chief Operating Officer " * 150, "x" * 3000, "coo vs " + "chief happiness " * 100]
)
def test_a_long_paste_is_not_echoed_in_full(text):
    from slackbot.blockkit.render import render_blocks

    message = answer_compare(catalog, text).message
    shown = render_blocks(message["blocks"], width=10_000).text
    assert len(shown) < 3_500 and len(message["text"]) < 1_000
    assert "…”" in shown
