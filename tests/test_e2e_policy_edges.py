"""Review policies at their edges, end to end over HTTP: two reviewers' Approve clicks at
the same instant in a "1 of 2" stage; delegation loops and odd delegates; hostile policy
TOML; clicks on old DMs (a finished stage, an older version, a withdrawn proposal)."""

from __future__ import annotations

import threading

import pytest

from slackbot import ids
from slackbot.proposals.model import ProposalError
from tests.conftest import eventually
from tests.test_e2e_policies import (
    dm_texts,
    import_policies,
    propose_under_policy,
    text_of,
)
from tests.test_e2e_proposals import ALEX, KENJI, SAM, card_in

SMALL = "CEO\nCOO reports to CEO"  # adds 2 positions: the "Finance" stage is skipped


def click_together(fake, clicks):
    """Send each (user, message) Approve click from its own thread, released at once."""
    barrier = threading.Barrier(len(clicks))
    answers = []

    def click(user, message):
        barrier.wait()
        answers.append(fake.click(user, message, ids.APPROVE, value="1:1"))

    threads = [threading.Thread(target=click, args=c) for c in clicks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status for a in answers] == [200, 200]


def thread_texts(fake):
    """The texts of the replies in the card's thread (pictures are files, not replies)."""
    return [m.get("text", "") for m in fake.messages("org-design") if "thread_ts" in m]


def status_changes(bot):
    return [e for e in bot.services.proposals.history(1) if e.kind == "status_changed"]


def test_two_approvals_at_once_in_the_last_stage_approve_once(fake, bot):
    import_policies(bot, fake)
    _, before = propose_under_policy(fake, **{ids.STRUCTURE_BLOCK: SMALL})
    fake.wait_for("chat.postMessage", before + 3)
    alex_dm, sam_dm = fake.dms("alex")[0], fake.dms("sam")[0]
    click_together(fake, [("alex", alex_dm), ("sam", sam_dm)])
    eventually(lambda: "✅ Approved" in text_of(card_in(fake)["blocks"]))
    eventually(lambda: len(fake.ephemerals("alex")) + len(fake.ephemerals("sam")) >= 1)
    db = bot.services.store.db
    assert db["decisions"].count == 1
    assert [(e.detail["from"], e.detail["to"]) for e in status_changes(bot)] == [
        ("in_review", "approved")
    ]
    assert db.execute("select count(*) from org_versions").fetchone()[0] == 1
    eventually(lambda: len(fake.dms("dana")) >= 1 and len(thread_texts(fake)) >= 2)
    texts = thread_texts(fake)
    assert len([t for t in texts if "approved version 1" in t]) == 1, texts
    assert len([t for t in texts if "now the current org chart" in t]) == 1, texts
    assert len(fake.dms("dana")) == 1
    loser = "sam" if fake.ephemerals("sam") else "alex"
    note = text_of(fake.ephemerals(loser)[-1].message["blocks"])
    assert "Traceback" not in note and note.strip()


def test_two_approvals_at_once_in_the_first_stage_advance_once(fake, bot):
    import_policies(bot, fake)
    _, before = propose_under_policy(fake)  # adds 6 positions: Finance follows
    fake.wait_for("chat.postMessage", before + 3)
    alex_dm, sam_dm = fake.dms("alex")[0], fake.dms("sam")[0]
    click_together(fake, [("alex", alex_dm), ("sam", sam_dm)])
    eventually(lambda: len(fake.dms("kenji")) == 1)
    eventually(lambda: "2. Finance: asked now" in text_of(card_in(fake)["blocks"]))
    db = bot.services.store.db
    assert db["decisions"].count == 1
    assert status_changes(bot) == []
    advanced = db.execute(
        "select count(*) from proposal_events where kind = 'approved'"
    ).fetchone()[0]
    assert advanced == 1
    eventually(lambda: any("approved version 1" in t for t in thread_texts(fake)))
    assert len(fake.dms("kenji")) == 1
    assert len([t for t in thread_texts(fake) if "approved version 1" in t]) == 1
    assert "Stage 2 of 2, “Finance”" in dm_texts(fake, "kenji")[0]
    assert db.execute("select count(*) from org_versions").fetchone()[0] == 0


# --- delegation edges ---------------------------------------------------------------------


def away(fake, user, text):
    """`/org-proposal TEXT` as `user`; the ephemeral answer's text."""
    response = fake.slash(user, "/org-proposal", text)
    assert response.status == 200
    answer = text_of(response.json["blocks"])
    assert answer.strip() and "Traceback" not in answer
    return answer


def delegations(bot):
    return [
        (r["user_id"], r["delegate_id"])
        for r in bot.services.store.db.query(
            "select * from review_delegations where cancelled_at is null"
        )
    ]


def test_delegating_to_oneself_is_refused_in_words(fake, bot):
    assert "Pick someone else" in away(fake, "sam", f"away until 2026-12-04 to <@{SAM}>")
    assert delegations(bot) == []


def test_a_delegation_loop_is_refused_in_words(fake, bot):
    away(fake, "sam", f"away until 2026-12-04 to <@{KENJI}>")
    answer = away(fake, "kenji", f"away until 2026-12-10 to <@{SAM}>")
    assert "@sam is away until Fri 4 Dec and asked you to decide for them" in answer
    assert delegations(bot) == [(SAM, KENJI)]


def test_an_away_date_in_the_past_or_unreadable_is_told(fake, bot):
    assert "Fri 20 Nov 2026 has passed" in away(fake, "sam", f"away until 2026-11-20 to <@{KENJI}>")
    for bad in ("2026-13-45", "30 Feb 2027", "yesterday", "soon"):
        assert f"I can't read “{bad}” as a date" in away(
            fake, "sam", f"away until {bad} to <@{KENJI}>"
        )
    assert "The end comes before the start" in away(
        fake, "sam", f"away from 2026-12-10 until 2026-12-04 to <@{KENJI}>"
    )
    assert delegations(bot) == []


def test_a_delegate_from_another_workspace_is_refused_in_words(fake, bot):
    answer = away(fake, "sam", "away until 2026-12-04 to <@U0PARTNER7>")
    assert "isn't a member of this workspace" in answer
    assert delegations(bot) == []


# --- hostile policy TOML: the modal (inline error) and the CLI (exit status 2) ---------------

P = '[[policies]]\nname = "p"\n\n[[policies.stages]]\nname = "s"\n'
HOSTILE = {
    "unknown policy key": ('[[policies]]\nname = "p"\ncolour = "red"\n', "unknown key colour"),
    "unknown stage key": (P + 'people = ["U0ALEX0001"]\nreviewer = "x"\n', "unknown key reviewer"),
    "N > M": (
        P + 'people = ["U0ALEX0001", "U0SAM00003"]\nrule = 3\n',
        "needs 3 approvals but names 2 people",
    ),
    "N = 0": (P + 'people = ["U0ALEX0001"]\nrule = 0\n', "a number of approvals is 1 or more"),
    "an empty stage": (
        '[[policies]]\nname = "p"\n\n[[policies.stages]]\n',
        "a stage needs a name",
    ),
    "0 stages": ('[[policies]]\nname = "p"\n', "has no stages"),
    "no reviewers": (P + 'rule = "any"\n', "name the reviewers"),
    "people are not ids": (P + 'people = ["bob"]\n', "not “bob”"),
    "a list of numbers": ("policies = [1, 2]\n", "write each policy as a [[policies]] table"),
    "default is not true or false": (
        '[[policies]]\nname = "p"\ndefault = "yes"\n',
        "default is true or false",
    ),
    "a name too long for the form's picker": (
        P.replace('name = "p"', f'name = "{"x" * 2900}"', 1) + 'people = ["U0ALEX0001"]\n',
        "a name of up to 50 characters",
    ),
    "a stage name too long": (
        P.replace('name = "s"', f'name = "{"y" * 2900}"') + 'people = ["U0ALEX0001"]\n',
        "a stage name of up to 80 characters",
    ),
}


def test_hostile_policy_toml_in_the_modal_gets_an_inline_error(fake, bot):
    fake.slash("alex", "/org-proposal", "policies")
    fake.wait_for("views.open")
    eventually(lambda: bot.services.is_admin(fake.ws.team_id, ALEX, cached=True))
    fake.slash("alex", "/org-proposal", "policies")
    fake.wait_for("views.open", 2)
    for case, (text, said) in HOSTILE.items():
        assert len(text) <= 3000, case
        response = fake.submit("alex", {ids.POLICIES_BLOCK: text})
        assert response.status == 200, case
        error = response.json["errors"][ids.POLICIES_BLOCK]
        assert said in error, (case, error)
        assert "Traceback" not in error and len(error) <= 2000
    assert bot.services.store.db["review_policy_versions"].count == 0


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_policy_toml_in_the_cli_exits_2_with_a_sentence(
    case, tmp_path, monkeypatch, capsys
):
    from slackbot import cli

    monkeypatch.setenv("ORGBOT_DB", str(tmp_path / "orgbot.db"))
    text, said = HOSTILE[case]
    source = tmp_path / "p.toml"
    source.write_text(text, encoding="utf-8")
    assert cli.main(["policies", "import", str(source), "--team", "T0ACME01"]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_a_policy_file_that_is_not_utf8_exits_2_with_a_sentence(tmp_path, monkeypatch, capsys):
    from slackbot import cli

    monkeypatch.setenv("ORGBOT_DB", str(tmp_path / "orgbot.db"))
    source = tmp_path / "p.toml"
    source.write_bytes(P.encode() + b'people = ["U0ALEX0001"]\n# caf\xe9\n')
    assert cli.main(["policies", "import", str(source), "--team", "T0ACME01"]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text" in err and "Traceback" not in err


# --- clicks on old DMs --------------------------------------------------------------------


def click_answer(fake, user, message, value="1:1"):
    """Click Approve on `message` as `user`; the text of the answer only they see."""
    before = len(fake.ephemerals(user))
    response = fake.click(user, message, ids.APPROVE, value=value)
    assert response.status == 200
    eventually(lambda: len(fake.ephemerals(user)) > before)
    answer = text_of(fake.ephemerals(user)[-1].message["blocks"])
    assert answer.strip() and "Traceback" not in answer
    return answer


def test_a_click_on_a_dm_from_a_finished_stage_says_where_it_is(fake, bot):
    import_policies(bot, fake)
    _, before = propose_under_policy(fake)
    fake.wait_for("chat.postMessage", before + 3)
    sam_dm = fake.dms("sam")[0]
    fake.click("alex", fake.dms("alex")[0], ids.APPROVE, value="1:1")
    eventually(lambda: len(fake.dms("kenji")) == 1)
    answer = click_answer(fake, "sam", sam_dm)
    assert "has moved on to stage 2 of 2, “Finance”" in answer
    assert "“Managers”, where you review, is done" in answer
    assert bot.services.store.db["decisions"].count == 1


def test_a_click_on_a_dm_for_an_older_version_asks_to_look_again(fake, bot):
    import_policies(bot, fake)
    _, before = propose_under_policy(fake, **{ids.STRUCTURE_BLOCK: SMALL})
    fake.wait_for("chat.postMessage", before + 3)
    alex_v1 = fake.dms("alex")[0]
    fake.click("sam", fake.dms("sam")[0], ids.REQUEST_CHANGES, value="1:1")
    fake.wait_for("views.open", 2)
    fake.submit("sam", {ids.COMMENT_BLOCK: "Add the CFO."})
    eventually(lambda: "Changes requested" in text_of(card_in(fake)["blocks"]))
    fake.click("dana", card_in(fake), ids.EDIT, value="1")
    fake.wait_for("views.open", 3)
    fake.submit("dana", {ids.STRUCTURE_BLOCK: SMALL + "\nCFO reports to CEO"})
    eventually(lambda: "version 2" in text_of(card_in(fake)["blocks"]))
    answer = click_answer(fake, "alex", alex_v1)
    assert "That was version 1 of proposal #1" in answer and "now version 2" in answer
    assert [r["decision"] for r in bot.services.store.db["decisions"].rows] == ["changes_requested"]


def test_a_click_on_a_withdrawn_proposal_says_it_was_withdrawn(fake, bot):
    import_policies(bot, fake)
    away(fake, "sam", f"away until 2026-12-04 to <@{KENJI}>")
    _, before = propose_under_policy(fake, **{ids.STRUCTURE_BLOCK: SMALL})
    fake.wait_for("chat.postMessage", before + 3)
    fake.click("dana", card_in(fake), ids.WITHDRAW, value="1")
    eventually(lambda: "Withdrawn" in text_of(card_in(fake)["blocks"]))
    # the reviewers' DMs keep their buttons: a click is told the proposal was withdrawn
    assert "withdrawn" in click_answer(fake, "alex", fake.dms("alex")[0])
    for person in (ALEX, KENJI):  # a reviewer, and sam's delegate
        with pytest.raises(ProposalError) as refused:
            bot.services.proposals.decide(fake.ws.team_id, 1, person, "approved", version=1)
        assert "withdrawn" in str(refused.value), person
    assert bot.services.store.db["decisions"].count == 0


# --- a user group Slack will not list at submission ---------------------------------------


@pytest.mark.parametrize(
    "fault", ["no_such_subteam", "missing_scope", "ratelimited", "internal_error"]
)
def test_a_user_group_slack_will_not_list_asks_the_admins_and_the_card_says_why(fault, fake, bot):
    import_policies(bot, fake)
    fake.ws.usergroups["S0LEADS01"] = [KENJI, SAM]
    if fault == "ratelimited":
        fake.rate_limit_next("usergroups.users.list", times=5)
    elif fault == "internal_error":
        fake.after_call("usergroups.users.list", "500", times=5)
    elif fault == "no_such_subteam":
        del fake.ws.usergroups["S0LEADS01"]
    else:
        fake.fail("usergroups.users.list", fault, times=5)
    view = open_form_for_leads(fake)
    assert view
    eventually(lambda: card_in_or_none(fake) is not None)
    text = text_of(card_in(fake)["blocks"])
    assert "1. Leads: asked now" in text, text
    assert "Traceback" not in text


def open_form_for_leads(fake):
    view, _ = propose_under_policy(fake, **{ids.POLICY_BLOCK: "leads"})
    return view


def card_in_or_none(fake):
    cards = [m for m in fake.messages("org-design") if "thread_ts" not in m]
    return cards[-1] if cards else None


# --- a delegate who reviews in the same stage ---------------------------------------------

PAIR = f"""
[[policies]]
name = "pair"
default = true

[[policies.stages]]
name = "Both"
people = ["{ALEX}", "{SAM}"]
rule = "all"
"""


def import_pair(bot, fake):
    from slackbot.policies.repository import save_policies
    from slackbot.policies.toml_io import read_policies

    with bot.services.store.write() as db:
        save_policies(
            db,
            fake.ws.team_id,
            read_policies(PAIR, source="p"),
            by=ALEX,
            now=bot.services.clock.now(),
            via="cli",
        )


def test_a_delegate_who_reviews_in_the_same_stage_can_also_decide_for_the_one_away(fake, bot):
    import_pair(bot, fake)
    away(fake, "sam", f"away until 2026-12-04 to <@{ALEX}>")
    _, before = propose_under_policy(fake, **{ids.STRUCTURE_BLOCK: SMALL})
    fake.wait_for("chat.postMessage", before + 3)
    fake.click("alex", fake.dms("alex")[0], ids.APPROVE, value="1:1")
    eventually(lambda: bot.services.store.db["decisions"].count == 1)
    # alex approved for himself; sam's review is still waiting, and alex stands in for sam
    fake.click("alex", card_in(fake), ids.APPROVE, value="1:1")
    eventually(lambda: "✅ Approved" in text_of(card_in(fake)["blocks"]))
    assert "@sam ✅ (by @alex on their behalf)" in text_of(card_in(fake)["blocks"])
    assert [
        e.detail.get("on_behalf_of")
        for e in bot.services.proposals.history(1)
        if e.kind == "approved"
    ] == [None, SAM]


def test_a_delegate_for_two_people_away_in_one_stage_decides_for_each(fake, bot):
    import_pair(bot, fake)
    away(fake, "sam", f"away until 2026-12-04 to <@{KENJI}>")
    away(fake, "alex", f"away until 2026-12-04 to <@{KENJI}>")
    _, before = propose_under_policy(fake, **{ids.STRUCTURE_BLOCK: SMALL})
    fake.wait_for("chat.postMessage", before + 3)
    fake.click("kenji", card_in(fake), ids.APPROVE, value="1:1")
    eventually(lambda: "1 more to pass" in text_of(card_in(fake)["blocks"]))
    fake.click("kenji", card_in(fake), ids.APPROVE, value="1:1")
    eventually(lambda: "✅ Approved" in text_of(card_in(fake)["blocks"]))
    text = text_of(card_in(fake)["blocks"])
    assert "@alex ✅ (by @kenji on their behalf)" in text
    assert "@sam ✅ (by @kenji on their behalf)" in text
    eventually(lambda: len([t for t in thread_texts(fake) if "approved version 1" in t]) == 2)
