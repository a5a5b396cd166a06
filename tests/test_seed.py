"""The seed article's every point comes out of the COO vs Operations Director comparison."""

from roles import load_catalog
from slackbot.blockkit.render import render_blocks
from slackbot.cli import main
from slackbot.comparisons import answer_compare
from tests.seed_points import SEED_POINTS, missing_points


def test_the_check_can_fail():
    assert len(missing_points("the COO reports directly to the CEO")) == len(SEED_POINTS) - 1


def test_comparison_blocks_carry_every_seed_point():
    message = answer_compare(load_catalog(), "COO vs Operations Director").message
    text = render_blocks(message["blocks"], width=10_000).text
    assert missing_points(text) == []


def test_the_order_of_the_roles_does_not_lose_a_point():
    message = answer_compare(load_catalog(), "operations director vs coo").message
    text = render_blocks(message["blocks"], width=10_000).text
    assert missing_points(text) == []


def test_orgbot_compare_prints_every_seed_point(capsys):
    assert main(["compare", "--width", "10000", "COO", "vs", "Operations", "Director"]) == 0
    assert missing_points(capsys.readouterr().out) == []
