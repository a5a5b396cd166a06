"""Message metadata for other apps (docs/events.md): a decision that settles a proposal is
posted with `orgbot_proposal_decided`, a change of the current org chart with
`orgbot_org_changed`; both still carry orgbot's delivery key, so a crash never posts them
twice."""

from __future__ import annotations

from datetime import timedelta

from slackbot import ids
from slackbot.app import make_client
from slackbot.proposals import events
from slackbot.scheduling.delivery import Deliveries, Outgoing, Sender
from tests.conftest import eventually
from tests.test_e2e_proposals import ALEX, SAM, propose, wait_card_update

ORG_DESIGN = "C0ORGDES02"


def metadata_of(fake, card, event_type):
    """The payloads of `event_type` in the card's thread, read as another app reads them
    (conversations.replies with include_all_metadata)."""
    found = []
    for message in fake.ws.replies(ORG_DESIGN, card["ts"]):
        metadata = message.get("metadata") or {}
        if metadata.get("event_type") == event_type:
            found.append(metadata["event_payload"])
    return found


def test_an_approval_posts_decided_and_org_changed(fake, bot):
    card = propose(fake)
    fake.click("alex", card, ids.APPROVE, value="1:1")
    wait_card_update(fake)
    eventually(lambda: fake.ws.replies(ORG_DESIGN, card["ts"]))
    # one approval of two settles nothing: no public event yet
    assert metadata_of(fake, card, events.PROPOSAL_DECIDED) == []
    fake.click("sam", card, ids.APPROVE, value="1:1")
    decided = eventually(lambda: metadata_of(fake, card, events.PROPOSAL_DECIDED))
    changed = eventually(lambda: metadata_of(fake, card, events.ORG_CHANGED))
    team = fake.ws.team_id
    assert decided == [
        {
            "team_id": team,
            "proposal_number": 1,
            "status": "approved",
            "decided_by": SAM,
            "org_version": 1,
            "key": decided[0]["key"],
        }
    ]
    assert changed == [
        {
            "team_id": team,
            "proposal_number": 1,
            "org_version": 1,
            "effective_date": "2026-11-25",  # approved today: in effect today
            "key": changed[0]["key"],
        }
    ]
    # what another app sees through the Web API, with include_all_metadata
    history = make_client(bot.config).conversations_replies(
        channel=ORG_DESIGN, ts=card["ts"], include_all_metadata=True
    )
    types = [m.get("metadata", {}).get("event_type") for m in history["messages"]]
    assert types[-2:] == [events.PROPOSAL_DECIDED, events.ORG_CHANGED]


def test_a_rejection_posts_decided_without_an_org_version(fake, bot):
    card = propose(fake)
    fake.click("alex", card, ids.REJECT, value="1:1")
    decided = eventually(lambda: metadata_of(fake, card, events.PROPOSAL_DECIDED))
    assert decided[0]["status"] == "rejected" and decided[0]["decided_by"] == ALEX
    assert "org_version" not in decided[0]
    wait_card_update(fake)
    assert metadata_of(fake, card, events.ORG_CHANGED) == []


def test_a_public_event_is_found_again_after_a_crash_not_posted_twice(fake, services, config):
    sender = Sender(Deliveries(services.store), make_client(config), services.clock.now)
    team = fake.ws.team_id
    item = Outgoing(
        key=f"reply:{team}:1:e9",
        team_id=team,
        kind="reply",
        target=ORG_DESIGN,
        message={
            "text": "Proposal #1 is approved.",
            "metadata": events.proposal_decided(
                team_id=team, proposal_number=1, status="approved", decided_by=SAM, org_version=1
            ),
        },
        keep=True,
    )
    assert sender.send(item) == "sent"
    posted = fake.messages(ORG_DESIGN)[-1]
    assert posted["metadata"]["event_type"] == events.PROPOSAL_DECIDED
    assert posted["metadata"]["event_payload"]["key"] == item.key
    assert "metadata" not in posted["text"]
    # the process died between posting and recording it: the row is still `sending`
    with services.store.write() as db:
        db["deliveries"].update(
            item.key,
            {
                "status": "sending",
                "claimed_at": (services.clock.now() - timedelta(hours=1)).isoformat(),
            },
        )
    assert sender.reconcile()["found"] == 1
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_a_proposal_that_takes_effect_later_posts_org_changed_on_its_date(fake, bot, clock):
    from datetime import UTC, datetime

    from tests.test_e2e_effective_dates import approved_for_march, in_berlin

    in_berlin(bot, fake)
    card = approved_for_march(fake, bot)
    decided = eventually(lambda: metadata_of(fake, card, events.PROPOSAL_DECIDED))
    assert decided[0]["status"] == "approved" and "org_version" not in decided[0]
    assert metadata_of(fake, card, events.ORG_CHANGED) == []
    clock.set(datetime(2027, 2, 28, 23, 0, tzinfo=UTC))  # midnight in Berlin, 1 March
    bot.scheduler.upkeep()
    changed = eventually(lambda: metadata_of(fake, card, events.ORG_CHANGED))
    assert changed == [
        {
            "team_id": fake.ws.team_id,
            "proposal_number": 1,
            "org_version": 1,
            "effective_date": "2027-03-01",
            "key": changed[0]["key"],
        }
    ]
