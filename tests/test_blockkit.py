"""The limit checker catches what Slack would reject; the renderer shows Block Kit as text."""

from slackbot.blockkit.limits import check_message, check_view
from slackbot.blockkit.render import mrkdwn_to_text, render_blocks
from slackbot.ui.common import (
    actions,
    button,
    clip,
    escape,
    header,
    long_sections,
    message,
    modal,
    section,
)


def test_checker_flags_each_kind_of_violation():
    too_many = {"text": "x", "blocks": [section("x")] * 51}
    assert any("51 blocks" in p for p in check_message(too_many))
    long_section = {
        "text": "x",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
    }
    assert any("limit 3000" in p for p in check_message(long_section))
    assert any("fallback" in p for p in check_message({"blocks": [section("x")]}))
    view = {"type": "modal", "title": {"type": "plain_text", "text": "x" * 25}, "blocks": []}
    assert any("modal title" in p for p in check_view(view))
    dupes = {"text": "x", "blocks": [section("a", block_id="b"), section("b", block_id="b")]}
    assert any("duplicate block_id" in p for p in check_message(dupes))
    big_button = {"text": "x", "blocks": [actions(button("ok", "a", "v" * 2001))]}
    assert check_message(big_button) == []  # the builder clipped it
    raw = {
        "text": "x",
        "blocks": [
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "a",
                        "text": {"type": "plain_text", "text": "x" * 76},
                    }
                ],
            }
        ],
    }
    assert any("limit 75" in p for p in check_message(raw))


def test_builders_clip_to_the_limits():
    assert len(header("h" * 500)["text"]["text"]) == 150
    assert check_view(modal("A title much longer than twenty-four", [], callback_id="c")) == []
    blocks = long_sections("\n".join(["line " * 100] * 40))
    assert len(blocks) > 1 and all(len(b["text"]["text"]) <= 3000 for b in blocks)
    too_many = message("t", [section("x")] * 60)
    assert check_message(too_many) == []


def test_escape_and_clip():
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert clip("abcdef", 4) == "abc…"
    assert clip("a &amp; b", 5) == "a…"


def test_render_text_resolves_links_and_numbers_buttons():
    rendered = render_blocks(
        [
            header("Title"),
            section("*Hi* <@U1>, see <#C1> and <https://x.test|the doc> &lt;ok&gt;"),
            actions(button("Approve", "a"), button("Reject", "r")),
        ],
        names={"U1": "dana", "C1": "general"}.get,
    )
    assert rendered.text.splitlines() == [
        "TITLE",
        "=====",
        "Hi @dana, see #general and the doc (https://x.test) <ok>",
        "[1] Approve   [2] Reject",
    ]
    assert [c.element["action_id"] for c in rendered.clickables] == ["a", "r"]


def test_mrkdwn_specials():
    assert mrkdwn_to_text("<!channel> <!subteam^S1|@ops>") == "@channel @ops"


def test_every_emoji_orgbot_writes_shows_as_one_in_the_terminal():
    # `orgbot compare` and the sandbox print what Slack shows: no bare `:house:` codes
    import re
    from pathlib import Path

    from slackbot.blockkit.render import EMOJI

    root = Path(__file__).parent.parent
    used = set()
    for path in [*root.glob("slackbot/ui/*.py"), *root.glob("handlers/*.py")]:
        used.update(re.findall(r":[a-z][a-z0-9_+-]*[a-z0-9]:", path.read_text(encoding="utf-8")))
    assert used <= set(EMOJI), used - set(EMOJI)


def test_a_message_too_long_keeps_its_buttons_and_its_end_and_says_what_it_left_out():
    blocks = [
        header("Proposal #1"),
        *[section(f"part {n}") for n in range(70)],
        actions(button("Approve", "approve", "1:1")),
        actions(button("Edit", "edit", "1")),
        section("closing note"),
    ]
    payload = message("t", blocks)
    assert check_message(payload) == []
    kept = payload["blocks"]
    assert len(kept) == 50
    assert kept[0] == blocks[0] and kept[-1] == blocks[-1]
    assert [b for b in kept if b["type"] == "actions"] == blocks[71:73]
    texts = [b["text"]["text"] for b in kept if b["type"] == "section"]
    assert texts[0] == "part 0" and "part 69" in texts  # the middle goes, not the end
    notes = [b for b in kept if b["type"] == "context"]
    assert len(notes) == 1 and "25 more" in notes[0]["elements"][0]["text"]
    # the note stands where the parts were left out, in order
    at = kept.index(notes[0])
    assert kept[at - 1]["text"]["text"].startswith("part") and kept[at + 1]["text"][
        "text"
    ].startswith("part")


def test_a_message_of_buttons_only_keeps_the_last_buttons():
    blocks = [actions(button(f"b{n}", f"a{n}")) for n in range(60)]
    payload = message("t", blocks)
    assert check_message(payload) == []
    assert payload["blocks"][-1] == blocks[-1]


def test_a_view_too_long_keeps_its_inputs():
    from slackbot.ui.common import input_block

    blocks = [section(f"part {n}") for n in range(120)]
    blocks.append(input_block("structure", "Structure", {"type": "plain_text_input"}))
    view = modal("Form", blocks, callback_id="c", submit="Save")
    assert check_view(view) == []
    assert view["blocks"][-1]["type"] == "input"
