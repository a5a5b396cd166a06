"""Review policies at their edges, end to end over HTTP: two reviewers' Approve clicks at
the same instant in a "1 of 2" stage; delegation loops and odd delegates; hostile policy
TOML; clicks on old DMs (a finished stage, an older version, a withdrawn proposal)."""

from __future__ import annotations

import threading

from slackbot import ids
from tests.conftest import eventually
from tests.test_e2e_policies import (
    dm_texts,
    import_policies,
    propose_under_policy,
    text_of,
)
from tests.test_e2e_proposals import KENJI, SAM, card_in

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
