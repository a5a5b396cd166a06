"""The seed article's every point comes out of the COO vs Operations Director comparison:
in the answer people skim, or in the full comparison one click away."""

from roles import load_catalog
from slackbot import ids
from slackbot.blockkit.render import render_blocks
from slackbot.cli import main
from slackbot.comparisons import answer_compare, full_view
from tests.seed_points import SEED_POINTS, missing_points


def answer_and_full_view(text: str) -> tuple[str, str]:
    """The rendered answer to `/role-compare <text>`, and the modal its Full comparison
    button opens."""
    catalog = load_catalog()
    message = answer_compare(catalog, text).message
    [button] = [
        e
        for b in message["blocks"]
        for e in b.get("elements") or []
        if e.get("action_id") == ids.OPEN_FULL_COMPARISON
    ]
    view = full_view(catalog, button["value"])
    return (
        render_blocks(message["blocks"], width=10_000).text,
        render_blocks(view["blocks"], width=10_000).text,
    )


def test_the_check_can_fail():
    assert len(missing_points("the COO reports directly to the CEO")) == len(SEED_POINTS) - 1


def test_answer_and_full_view_carry_every_seed_point():
    answer, full = answer_and_full_view("COO vs Operations Director")
    assert missing_points(answer + "\n" + full) == []
    # the full view is needed: the skim answer alone leaves points out, and says where
    assert missing_points(answer) != []
    assert "Full comparison" in answer


def test_the_order_of_the_roles_does_not_lose_a_point():
    answer, full = answer_and_full_view("operations director vs coo")
    assert missing_points(answer + "\n" + full) == []


def test_orgbot_compare_full_prints_every_seed_point(capsys):
    assert (
        main(["compare", "--full", "--width", "10000", "COO", "vs", "Operations", "Director"]) == 0
    )
    assert missing_points(capsys.readouterr().out) == []
