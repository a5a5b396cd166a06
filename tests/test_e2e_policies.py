"""Review policies end to end: signed HTTP requests in, Web API calls to the fake Slack.
A two-stage policy with a condition; the card and DMs at each step; a reviewer of a later
stage and an outsider refused; reminders for the current stage only; escalation after a
deadline (clock moved); a delegate deciding; the policy picker in the modal."""

from __future__ import annotations

from datetime import timedelta

from slackbot import ids
from slackbot.blockkit.render import render_blocks
from slackbot.policies.repository import list_policies, save_policies
from slackbot.policies.toml_io import read_policies
from tests.conftest import eventually
from tests.scheduling_helpers import utc
from tests.test_e2e_proposals import (
    ALEX,
    KENJI,
    NAMES,
    SAM,
    card_in,
    form_values,
    open_form,
)

PRIYA = "U0PRIYA005"


def text_of(blocks) -> str:
    return render_blocks(blocks, width=10_000, names={**NAMES, PRIYA: "priya"}.get).text


POLICIES = f"""
[[policies]]
name = "growth"
default = true

[[policies.stages]]
name = "Managers"
people = ["{ALEX}", "{SAM}"]
rule = "any"

[[policies.stages]]
name = "Finance"
people = ["{KENJI}"]
when = {{ adds_positions_over = 3 }}
deadline_days = 1
fallback = ["{PRIYA}"]

[[policies]]
name = "leads"

[[policies.stages]]
name = "Leads"
usergroup = "S0LEADS01"
rule = 2

[[policies]]
name = "light"

[[policies.stages]]
name = "Anyone"
named = true
rule = "any"
"""


def import_policies(bot, fake):
    with bot.services.store.write() as db:
        save_policies(
            db,
            fake.ws.team_id,
            read_policies(POLICIES, source="p"),
            by="U0ALEX0001",
            now=bot.services.clock.now(),
            via="cli",
        )


def propose_under_policy(fake, **overrides):
    view = open_form(fake)
    before = len(fake.calls_to("chat.postMessage"))
    response = fake.submit("dana", form_values(**{ids.REVIEWERS_BLOCK: []} | overrides))
    assert response.status == 200 and response.body == b"", response.body
    return view, before


def refusal(fake, user, message):
    """Click Approve as `user` on `message`; the ephemeral answer's text."""
    before = len(fake.ephemerals(user, "org-design"))
    fake.click(user, message, ids.APPROVE, value="1:1")
    eventually(lambda: len(fake.ephemerals(user, "org-design")) > before)
    return text_of(fake.ephemerals(user, "org-design")[-1].message["blocks"])


def dm_texts(fake, user):
    return [text_of(m["blocks"]) for m in fake.dms(user)]


def test_two_stages_with_a_condition_card_dms_refusals_reminders_and_escalation(
    fake, bot, clock, posts
):
    import_policies(bot, fake)
    view, before = propose_under_policy(fake)
    # the picker offers the workspace default first, then each policy
    picker = next(b for b in view["blocks"] if b.get("block_id") == ids.POLICY_BLOCK)
    assert [o["text"]["text"] for o in picker["element"]["options"]] == [
        "Workspace default (growth)",
        "growth",
        "leads",
        "light",
    ]
    fake.wait_for("chat.postMessage", before + 3)  # the card and the first stage's two DMs
    card = card_in(fake)
    text = text_of(card["blocks"])
    assert "Review: policy “growth” (version 1)" in text
    assert "1. Managers: asked now · @alex, @sam · needs any one approval, 1 more to pass" in text
    assert (
        "2. Finance: next · @kenji · needs one approval (asked because the change adds 6 positions)"
        in text
    )
    assert len(fake.dms("alex")) == len(fake.dms("sam")) == 1 and fake.dms("kenji") == []
    assert "Stage 1 of 2, “Managers”: needs any one approval." in dm_texts(fake, "alex")[0]

    # a reviewer of the next stage, and someone in no stage, are told who decides now
    assert (
        "Proposal #1 is at stage 1 of 2, “Managers”, which asks @alex, @sam. You review it "
        "at “Finance”; you'll get a message when that stage starts."
    ) in refusal(fake, "kenji", card)
    assert "only @alex, @sam can decide now" in refusal(fake, "priya", card)
    assert bot.services.store.db["decisions"].count == 0

    # alex approves: stage one passes, kenji is asked (and only kenji)
    fake.click("alex", card, ids.APPROVE, value="1:1")
    eventually(lambda: len(fake.dms("kenji")) == 1)
    assert "Stage 2 of 2, “Finance”: needs one approval." in dm_texts(fake, "kenji")[0]
    eventually(lambda: "2. Finance: asked now" in text_of(card_in(fake)["blocks"]))
    text = text_of(card_in(fake)["blocks"])
    assert "✅ 1. Managers: passed (any one approval) · @alex ✅, @sam" in text
    assert "has moved on to stage 2 of 2, “Finance”" in refusal(fake, "sam", card_in(fake))

    # reminders follow the current stage: kenji (Tokyo) is reminded, sam (London) is not
    thursday_tokyo = utc(2026, 11, 26, 0, 5)
    assert list(posts.remind(at=thursday_tokyo).results) == [
        f"reminder:{fake.ws.team_id}:1:v1:{KENJI}:2026-11-26"
    ]
    assert posts.remind(at=utc(2026, 11, 26, 14, 5)).results == {}  # 09:05 NY, 14:05 London

    # past the deadline (1 working day from Wednesday 10:00), priya is asked to decide
    clock.advance(timedelta(days=1, hours=7, minutes=5))  # Thursday 17:05 UTC, 09:05 LA
    results = posts.remind(at=clock.now()).results
    key = f"escalation:{fake.ws.team_id}:1:v1:s2:{PRIYA}"
    assert results[key] == "sent"
    [escalation] = fake.dms("priya")
    assert "has waited past the deadline of stage “Finance” (1 working day) for @kenji" in text_of(
        escalation["blocks"]
    )
    assert key not in posts.remind(at=clock.now()).results  # asked once
    fake.click("priya", escalation, ids.APPROVE, value="1:1")
    eventually(lambda: "✅ Approved" in text_of(card_in(fake)["blocks"]))
    text = text_of(card_in(fake)["blocks"])
    assert "✅ 2. Finance: passed (decided by @priya past its deadline)" in text
    history = [e for e in bot.services.proposals.history(1) if e.kind == "approved"]
    assert [(e.actor_id, e.detail.get("escalated", False)) for e in history] == [
        (ALEX, False),
        (PRIYA, True),
    ]
    assert bot.services.proposals.current_org(fake.ws.team_id) is not None


def test_a_small_change_skips_the_conditional_stage_and_the_card_says_why(fake, bot):
    import_policies(bot, fake)
    _, before = propose_under_policy(fake, **{ids.STRUCTURE_BLOCK: "CEO\nCOO reports to CEO"})
    fake.wait_for("chat.postMessage", before + 3)
    text = text_of(card_in(fake)["blocks"])
    assert "2. Finance: skipped, the change adds 2 positions, not more than 3" in text
    fake.click("sam", card_in(fake), ids.APPROVE, value="1:1")
    eventually(lambda: "✅ Approved" in text_of(card_in(fake)["blocks"]))
    assert fake.dms("kenji") == []


def test_the_author_picks_a_policy_and_names_its_reviewers(fake, bot):
    import_policies(bot, fake)
    _, before = propose_under_policy(
        fake, **{ids.POLICY_BLOCK: "light", ids.REVIEWERS_BLOCK: [KENJI, PRIYA]}
    )
    fake.wait_for("chat.postMessage", before + 3)
    text = text_of(card_in(fake)["blocks"])
    assert "Review: policy “light” (version 1)" in text
    assert "1. Anyone: asked now · @kenji, @priya · needs any one approval" in text


def test_a_policy_that_takes_named_reviewers_needs_one(fake, bot):
    import_policies(bot, fake)
    open_form(fake)
    response = fake.submit(
        "dana", form_values(**{ids.POLICY_BLOCK: "light", ids.REVIEWERS_BLOCK: []})
    )
    assert response.json["errors"] == {ids.REVIEWERS_BLOCK: "Name at least one reviewer."}


def test_a_delegate_decides_on_behalf_and_show_tells_the_path(fake, bot):
    import_policies(bot, fake)
    answer = fake.slash("sam", "/org-proposal", "away until 2026-12-04 to @kenji").json
    assert "@kenji can decide for you on proposals that ask you" in text_of(answer["blocks"])
    # a delegate who is the author gets nothing from it
    answer = fake.slash("alex", "/org-proposal", "away until 4 Dec to @dana").json
    assert "@dana can decide for you" in text_of(answer["blocks"])
    _, before = propose_under_policy(fake, **{ids.STRUCTURE_BLOCK: "CEO\nCOO reports to CEO"})
    fake.wait_for("chat.postMessage", before + 3)
    assert "You wrote proposal #1, so you can't decide on it" in refusal(
        fake, "dana", card_in(fake)
    )
    # the Home tab: sam's away note; kenji has sam's review waiting, and decides from it
    fake.open_home("sam")
    fake.wait_for("views.publish", where=lambda c: c.args.get("user_id") == SAM)
    assert "Away from Wed 25 Nov until Fri 4 Dec: @kenji decides for you" in text_of(
        fake.home("sam")["blocks"]
    )
    fake.open_home("kenji")
    fake.wait_for("views.publish", where=lambda c: c.args.get("user_id") == KENJI)
    home = fake.home("kenji")
    text = text_of(home["blocks"])
    assert "You decide for @sam until Fri 4 Dec; their reviews are below." in text
    assert "Waiting on your review (1)" in text
    fake.click("kenji", home, ids.APPROVE, value="1:1")
    eventually(lambda: "✅ Approved" in text_of(card_in(fake)["blocks"]))
    text = text_of(card_in(fake)["blocks"])
    assert "@sam ✅ (by @kenji on their behalf)" in text
    shown = text_of(fake.slash("dana", "/org-proposal", "show 1").json["blocks"])
    assert "1. Managers: passed (any one approval)" in shown
    assert (
        "@kenji approved version 1 on behalf of @sam at stage “Managers”: any one approval, stage passed"
        in shown
    )
    assert "Welcome back" in text_of(fake.slash("sam", "/org-proposal", "back").json["blocks"])


def test_a_user_group_stage_asks_its_members(fake, bot):
    import_policies(bot, fake)
    fake.ws.usergroups["S0LEADS01"] = [KENJI, PRIYA, "U0DANA0002"]  # dana wrote it: left out
    _, before = propose_under_policy(fake, **{ids.POLICY_BLOCK: "leads"})
    fake.wait_for("chat.postMessage", before + 3)
    text = text_of(card_in(fake)["blocks"])
    assert "1. Leads: asked now · @kenji, @priya · needs 2 of 2 approvals, 2 more to pass" in text
    assert fake.calls_to("usergroups.users.list")[0].args["usergroup"] == "S0LEADS01"


def test_admins_edit_the_policies_in_a_modal(fake, bot):
    fake.slash("dana", "/org-proposal", "policies")
    fake.wait_for("views.update")
    refused = fake.open_view("dana")
    assert refused["callback_id"] != ids.POLICIES_MODAL and refused.get("submit") is None
    assert "Only workspace admins" in text_of(refused["blocks"])

    import_policies(bot, fake)
    fake.slash("alex", "/org-proposal", "policies")
    fake.wait_for("views.open", 2)
    eventually(lambda: bot.services.is_admin(fake.ws.team_id, ALEX, cached=True))
    view = fake.open_view("alex")
    assert view["callback_id"] == ids.POLICIES_MODAL
    field = next(b for b in view["blocks"] if b.get("block_id") == ids.POLICIES_BLOCK)
    current = field["element"]["initial_value"]
    assert 'name = "growth"' in current and "adds_positions_over = 3" in current
    bad = fake.submit(
        "alex", {ids.POLICIES_BLOCK: current.replace('rule = "any"', 'rule = "most"')}
    )
    assert "stage 1: rule is all, any or a number" in bad.json["errors"][ids.POLICIES_BLOCK]
    saved = fake.submit(
        "alex", {ids.POLICIES_BLOCK: current.replace("deadline_days = 1", "deadline_days = 2")}
    )
    assert saved.json["response_action"] == "update"
    assert (
        "growth* (version 2): Managers → Finance" in saved.json["view"]["blocks"][0]["text"]["text"]
    )
    growth = [
        p for p, _ in list_policies(bot.services.store.db, fake.ws.team_id) if p.name == "growth"
    ]
    assert growth[0].version == 2 and growth[0].stages[1].deadline_days == 2


def test_a_policy_left_out_of_the_modal_is_removed_proposals_keep_it(fake, bot):
    import_policies(bot, fake)
    _, before = propose_under_policy(
        fake, **{ids.POLICY_BLOCK: "light", ids.REVIEWERS_BLOCK: [KENJI]}
    )
    fake.wait_for("chat.postMessage", before + 2)
    fake.slash("alex", "/org-proposal", "policies")
    fake.wait_for("views.open", 2)
    eventually(lambda: bot.services.is_admin(fake.ws.team_id, ALEX, cached=True))
    only_growth = POLICIES.split('[[policies]]\nname = "leads"')[0]
    saved = fake.submit("alex", {ids.POLICIES_BLOCK: only_growth})
    text = saved.json["view"]["blocks"][0]["text"]["text"]
    assert "Removed: leads, light (proposals under review keep them)" in text
    names = [p.name for p, _ in list_policies(bot.services.store.db, fake.ws.team_id)]
    assert names == ["growth"]
    kept = bot.services.proposals.by_number(fake.ws.team_id, 1)
    assert (kept.policy.name, kept.waiting_on) == ("light", (KENJI,))
    # the form offers what is left
    view = open_form(fake)
    picker = next(b for b in view["blocks"] if b.get("block_id") == ids.POLICY_BLOCK)
    assert [o["value"] for o in picker["element"]["options"]] == ["_default", "growth"]


def test_away_and_back_from_the_home_tab(fake, bot):
    fake.open_home("sam")
    fake.wait_for("views.publish", where=lambda c: c.args.get("user_id") == SAM)
    home = fake.home("sam")
    assert "Away soon? `/org-proposal away until DATE to @someone`" in text_of(home["blocks"])
    fake.click("sam", home, ids.AWAY_BUTTON)
    fake.wait_for("views.open")
    assert fake.open_view("sam")["callback_id"] == ids.AWAY_MODAL
    itself = fake.submit("sam", {ids.AWAY_TO_BLOCK: SAM, ids.AWAY_UNTIL_BLOCK: "2026-12-04"})
    assert itself.json["errors"] == {
        ids.AWAY_TO_BLOCK: "Pick someone else to decide for you while you're away."
    }
    past = fake.submit("sam", {ids.AWAY_TO_BLOCK: KENJI, ids.AWAY_UNTIL_BLOCK: "2026-11-20"})
    assert "has passed" in past.json["errors"][ids.AWAY_UNTIL_BLOCK]
    saved = fake.submit("sam", {ids.AWAY_TO_BLOCK: KENJI, ids.AWAY_UNTIL_BLOCK: "2026-12-04"})
    assert (
        "until Fri 4 Dec 2026, <@U0KENJI004> decides for you"
        in saved.json["view"]["blocks"][0]["text"]["text"]
    )
    eventually(lambda: "@kenji decides for you" in text_of(fake.home("sam")["blocks"]))
    fake.click("sam", fake.home("sam"), ids.BACK_BUTTON)
    eventually(lambda: "Away soon?" in text_of(fake.home("sam")["blocks"]))
    db = bot.services.store.db
    assert [
        r["cancelled_at"] is not None for r in db.query("select * from review_delegations")
    ] == [True]
