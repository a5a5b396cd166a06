"""Effective dates: an approved proposal with a later date becomes the current org on that
date in the workspace's time zone (daylight-saving changes included), exactly once; the
org on a date; the org's history; the form's field; the upgrade of a 0.2.0 database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from roles import load_catalog
from slackbot import ids
from slackbot.clock import ManualClock
from slackbot.org.structure import parse_structure
from slackbot.proposals import Draft, ProposalService, read_proposal_form
from slackbot.proposals.dates import BadDate, parse_day
from slackbot.proposals.model import APPROVE, NOT_APPLIED, TOOK_EFFECT
from slackbot.proposals.timeline import org_history, org_on
from slackbot.ui.proposal_card import proposal_card_blocks
from slackbot.ui.proposal_lists import history_message, list_line, org_on_message
from slackbot.ui.proposal_modal import proposal_modal

T = "T1"
catalog = load_catalog()
COO = "CEO\nCOO reports to CEO"
CFO = "CEO\nCOO reports to CEO\nCFO reports to CEO"


def draft(text=COO, *, effective_on=None, reviewers=("UALEX",), title="Add a COO") -> Draft:
    return Draft(
        title=title,
        rationale="Because",
        structure_text=text,
        structure=parse_structure(text, catalog).structure,
        reviewers=reviewers,
        review_by=date(2026, 12, 2),
        channel_id="C1",
        effective_on=effective_on,
    )


def service_in(store, clock, zone="UTC") -> ProposalService:
    return ProposalService(store, clock, zone=lambda team_id: ZoneInfo(zone))


def approved(service, text=COO, *, effective_on, title="Add a COO"):
    p = service.create(T, "UDANA", draft(text, effective_on=effective_on, title=title)).proposal
    return service.decide(T, p.id, "UALEX", APPROVE)


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 11, 25, 9, tzinfo=UTC))


# --- approval and taking effect ------------------------------------------------------------


def test_an_approval_with_a_later_date_waits_for_it(store, clock):
    service = service_in(store, clock)
    outcome = approved(service, effective_on=date(2027, 3, 1))
    p = outcome.proposal
    assert p.status == "approved" and outcome.org_version is None
    assert p.awaiting_effect and p.status_label == "Approved, effective 1 March 2027"
    assert service.current_org(T) is None  # not the current org until then
    assert [x.id for x in service.scheduled(T)] == [p.id]
    assert service.take_effect(T, p.id) is None  # not due yet

    clock.set(datetime(2027, 3, 1, 0, 0, tzinfo=UTC))
    done = service.take_effect(T, p.id)
    assert done.kind == TOOK_EFFECT and done.org_version.version == 1
    current = service.current_org(T)
    assert (current.version, current.proposal_id, current.effective_on) == (
        1,
        p.id,
        date(2027, 3, 1),
    )
    assert service.get(T, p.id).org_version == 1 and not service.get(T, p.id).awaiting_effect
    assert service.get(T, p.id).status_label == "Approved"
    assert [e.kind for e in service.history(p.id)][-1] == "took_effect"
    # a second pass, another process, a restart: nothing more
    assert service.take_effect(T, p.id) is None
    assert store.db["org_versions"].count == 1


def test_without_a_date_or_with_a_date_that_passed_it_takes_effect_on_approval(store, clock):
    service = service_in(store, clock)
    now = approved(service, effective_on=None)
    assert now.org_version.version == 1
    assert now.org_version.effective_on == date(2026, 11, 25)
    # written for 26 Nov, approved on 28 Nov: in effect from the approval, not before it
    p = service.create(T, "UDANA", draft(CFO, effective_on=date(2026, 11, 26))).proposal
    clock.set(datetime(2026, 11, 28, 12, tzinfo=UTC))
    late = service.decide(T, p.id, "UALEX", APPROVE)
    assert late.org_version.version == 2 and late.org_version.effective_on == date(2026, 11, 28)


def test_the_org_changed_before_the_date_sends_it_back_to_the_author(store, clock):
    service = service_in(store, clock)
    later = approved(service, CFO, effective_on=date(2027, 3, 1), title="Add a CFO").proposal
    now = approved(service, COO, effective_on=None)  # approved meanwhile, in effect at once
    assert now.org_version.version == 1
    clock.set(datetime(2027, 3, 1, 9, tzinfo=UTC))
    outcome = service.take_effect(T, later.id)
    assert outcome.kind == NOT_APPLIED and outcome.org_changed and outcome.org_version is None
    back = service.get(T, later.id)
    assert back.status == "changes_requested" and back.is_open and back.closed_at is None
    assert service.current_org(T).version == 1  # the other change is not undone
    last = service.history(later.id)[-1]
    assert last.kind == "status_changed" and last.detail["reason"] == "org_changed"
    assert service.take_effect(T, later.id) is None


@pytest.mark.parametrize(
    ("zone", "effective_on", "just_before", "at_midnight"),
    [
        # New York springs forward on Sun 14 Mar 2027: midnight is still EST (UTC-5)
        ("America/New_York", date(2027, 3, 14), (2027, 3, 14, 4, 59), (2027, 3, 14, 5, 0)),
        # ...and the day after the change, midnight is EDT (UTC-4)
        ("America/New_York", date(2027, 3, 15), (2027, 3, 15, 3, 59), (2027, 3, 15, 4, 0)),
        # Berlin falls back on Sun 25 Oct 2026: midnight is still CEST (UTC+2)
        ("Europe/Berlin", date(2026, 10, 25), (2026, 10, 24, 21, 59), (2026, 10, 24, 22, 0)),
        ("Europe/Berlin", date(2026, 10, 26), (2026, 10, 25, 22, 59), (2026, 10, 25, 23, 0)),
        # Auckland is ahead of UTC: its 1 March starts on 28 February in UTC (NZDT, UTC+13)
        ("Pacific/Auckland", date(2027, 3, 1), (2027, 2, 28, 10, 59), (2027, 2, 28, 11, 0)),
        ("UTC", date(2027, 3, 1), (2027, 2, 28, 23, 59), (2027, 3, 1, 0, 0)),
    ],
)
def test_due_at_midnight_in_the_workspace_time_zone(
    store, clock, zone, effective_on, just_before, at_midnight
):
    clock.set(datetime(2026, 10, 1, 9, tzinfo=UTC))
    service = service_in(store, clock, zone)
    p = approved(service, effective_on=effective_on).proposal
    assert p.awaiting_effect
    clock.set(datetime(*just_before, tzinfo=UTC))
    assert service.take_effect(T, p.id) is None
    clock.set(datetime(*at_midnight, tzinfo=UTC))
    assert service.take_effect(T, p.id).kind == TOOK_EFFECT


# --- the org on a date, and its history ------------------------------------------------------


def test_the_org_on_past_and_future_dates(store, clock):
    service = service_in(store, clock, "Europe/Berlin")
    first = approved(service, COO, effective_on=None).proposal  # v1 on 25 Nov 2026
    later = approved(service, CFO, effective_on=date(2027, 3, 1), title="Add a CFO").proposal

    before = org_on(service, T, date(2026, 11, 24))
    assert before.structure is None and not before.future
    today = org_on(service, T, date(2026, 11, 25))
    assert today.version.version == 1 and today.number == 1
    feb = org_on(service, T, date(2027, 2, 28))
    assert feb.future and feb.takes_effect == () and feb.number == 1
    assert [p.title for p in feb.structure.positions] == ["CEO", "COO"]
    march = org_on(service, T, date(2027, 3, 1))
    assert [p.id for p in march.takes_effect] == [later.id] and march.number == 2
    assert [p.title for p in march.structure.positions] == ["CEO", "COO", "CFO"]
    text = str(org_on_message(march))
    assert "The org on 1 March 2027 (version 2)" in text and "not yet current" in text
    assert "#2 Add a CFO takes effect on 1 March 2027" in text

    clock.set(datetime(2027, 3, 1, 8, tzinfo=UTC))
    service.take_effect(T, later.id)
    assert org_on(service, T, date(2027, 2, 28)).version.version == 1  # the past stays
    assert org_on(service, T, date(2027, 3, 1)).version.version == 2

    entries, total = org_history(service, T)
    assert total == 2
    assert [(e.version, e.effective_on, e.proposal_number, e.approvers) for e in entries] == [
        (2, date(2027, 3, 1), 2, ("UALEX",)),
        (1, date(2026, 11, 25), first.number, ("UALEX",)),
    ]


def test_a_projection_skips_a_proposal_that_would_go_back(store, clock):
    service = service_in(store, clock)
    a = approved(service, COO, effective_on=date(2027, 3, 1), title="A").proposal
    b = approved(service, CFO, effective_on=date(2027, 4, 1), title="B").proposal  # same base
    april = org_on(service, T, date(2027, 4, 1))
    assert [p.id for p in april.takes_effect] == [a.id]
    assert [p.id for p in april.sent_back] == [b.id]
    assert "goes back to its author then" in str(org_on_message(april))


def test_history_pages_newest_first_with_and_n_more(store, clock):
    service = service_in(store, clock)
    for i in range(4):
        approved(service, COO if i % 2 else CFO, effective_on=None, title=f"P{i}")
    entries, total = org_history(service, T, page=1, per_page=3)
    assert [e.version for e in entries] == [4, 3, 2] and total == 4
    message = history_message(entries, total=total, page=1, per_page=3, links={1: None})
    text = str(message)
    assert "*v4* · effective Wed 25 Nov 2026 · #4 P3 · approved by <@UALEX>" in text
    assert "…and 1 older: `/org-proposal history 2` lists them." in text
    entries, _ = org_history(service, T, page=2, per_page=3)
    assert [e.version for e in entries] == [1]


# --- what people see ---------------------------------------------------------------------


def test_cards_and_lists_say_approved_effective(store, clock):
    service = service_in(store, clock)
    p = approved(service, effective_on=date(2027, 3, 1)).proposal
    card = str(proposal_card_blocks(p, catalog, service.current_org(T)))
    assert "Approved, effective 1 March 2027" in card and ":calendar:" in card
    assert "it becomes the current org chart on 1 March 2027" in card
    assert "Approved, effective 1 March 2027" in list_line(p)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-03-01", date(2027, 3, 1)),
        ("1 March 2027", date(2027, 3, 1)),
        ("1st March 2027", date(2027, 3, 1)),
        ("1 Mar 2027", date(2027, 3, 1)),
        ("March 1, 2027", date(2027, 3, 1)),
        ("march 1 2027", date(2027, 3, 1)),
        ("Sept 30 2027", date(2027, 9, 30)),
        ("today", date(2026, 11, 25)),
        ("tomorrow", date(2026, 11, 26)),
    ],
)
def test_dates_as_people_write_them(text, expected):
    assert parse_day(text, today=date(2026, 11, 25)) == expected


@pytest.mark.parametrize(
    "text", ["03/01/2027", "1 March", "31 February 2027", "soon", "2027-13-01"]
)
def test_bad_dates_say_how_to_write_one(text):
    with pytest.raises(BadDate, match="Write the date as `2027-03-01` or `1 March 2027`"):
        parse_day(text, today=date(2026, 11, 25))


def form(effective: str | None, *, today=date(2026, 11, 25)):
    values = {
        ids.TITLE_BLOCK: {"value": {"value": "Add a COO"}},
        ids.RATIONALE_BLOCK: {"value": {"value": "Because"}},
        ids.STRUCTURE_BLOCK: {"value": {"value": COO}},
        ids.REVIEWERS_BLOCK: {"value": {"selected_users": ["UALEX"]}},
        ids.REVIEW_BY_BLOCK: {"value": {"selected_date": "2026-12-02"}},
        ids.CHANNEL_BLOCK: {"value": {"selected_conversation": "C1"}},
        ids.EFFECTIVE_BLOCK: {"value": {"selected_date": effective}},
    }
    return read_proposal_form(values, catalog=catalog, author_id="UDANA", today=today)


def test_the_form_reads_an_optional_effective_date():
    assert form(None).draft.effective_on is None
    assert form("2026-11-25").draft.effective_on == date(2026, 11, 25)
    assert form("2027-03-01").draft.effective_on == date(2027, 3, 1)
    past = form("2026-11-24")
    assert past.draft is None
    assert past.errors[ids.EFFECTIVE_BLOCK].startswith("Tue 24 Nov 2026 has passed")
    assert (
        "Pick a date within the next five years" in form("2035-01-01").errors[ids.EFFECTIVE_BLOCK]
    )


def test_the_modal_offers_the_date_and_an_edit_keeps_it(store, clock):
    new = proposal_modal(structure_text=COO, review_by=date(2026, 12, 2), channel_id="C1")
    field = next(b for b in new["blocks"] if b.get("block_id") == ids.EFFECTIVE_BLOCK)
    assert field["optional"] is True and field["element"]["type"] == "datepicker"
    assert "initial_date" not in field["element"]
    service = service_in(store, clock)
    p = service.create(T, "UDANA", draft(effective_on=date(2027, 3, 1))).proposal
    edit = proposal_modal(
        structure_text=p.structure_text,
        review_by=p.review_by,
        channel_id="C1",
        proposal=p,
        today=date(2026, 11, 25),
    )
    field = next(b for b in edit["blocks"] if b.get("block_id") == ids.EFFECTIVE_BLOCK)
    assert field["element"]["initial_date"] == "2027-03-01"
    # an edit that changes it makes a version with the new date
    edited = service.edit(T, p.id, "UDANA", draft(effective_on=date(2027, 4, 1))).proposal
    assert edited.effective_on == date(2027, 4, 1)
    rows = list(store.db.query("select version, effective_on from proposal_versions order by 1"))
    assert rows == [
        {"version": 1, "effective_on": "2027-03-01"},
        {"version": 2, "effective_on": "2027-04-01"},
    ]
    # a date that has passed is not offered again (the form would refuse it)
    stale = proposal_modal(
        structure_text=p.structure_text,
        review_by=p.review_by,
        channel_id="C1",
        proposal=edited,
        today=date(2027, 4, 2),
    )
    field = next(b for b in stale["blocks"] if b.get("block_id") == ids.EFFECTIVE_BLOCK)
    assert "initial_date" not in field["element"]


# --- upgrading a database from 0.2.0 ----------------------------------------------------------

RELEASED_0_2_0 = (
    "m001_proposals",
    "m002_scheduling",
    "m003_verify_and_base_version",
    "m004_view_submissions",
    "m005_workspace_roles",
    "m006_health_probe",
    "m007_proposal_deliveries",
)


def test_a_database_from_0_2_0_upgrades_in_place_and_keeps_every_proposal(tmp_path):
    from sqlite_utils import Database

    from slackbot.store import Store
    from slackbot.store.schema import migrations

    path = tmp_path / "orgbot-0.2.0.db"
    db = Database(path)
    later = [
        m.name for m in migrations.pending(Database(memory=True)) if m.name not in RELEASED_0_2_0
    ]
    migrations.apply(db, stop_before=later)
    assert [m.name for m in migrations.applied(db)] == list(RELEASED_0_2_0)
    # rows as 0.2.0 wrote them: an approved proposal that made org version 1, an open one
    structure = parse_structure(COO, catalog).structure.to_json()
    for pid, status in ((1, "approved"), (2, "in_review")):
        db["proposals"].insert(
            {
                "id": pid,
                "team_id": T,
                "number": pid,
                "title": f"P{pid}",
                "rationale": "why",
                "structure_text": COO,
                "structure": structure,
                "version": 1,
                "author_id": "UDANA",
                "channel_id": "C1",
                "message_ts": f"1790000000.00010{pid}",
                "status": status,
                "review_by": "2026-12-02",
                "created_at": "2026-11-20T09:00:00+00:00",
                "updated_at": "2026-11-21T09:00:00+00:00",
                "closed_at": "2026-11-21T23:30:00+00:00" if status == "approved" else None,
                "base_org_version": 0 if pid == 1 else 1,
            }
        )
        db["proposal_versions"].insert(
            {"proposal_id": pid, "version": 1, "title": f"P{pid}", "structure": structure}
        )
        db["proposal_reviewers"].insert({"proposal_id": pid, "user_id": "UALEX", "position": 0})
    db["decisions"].insert(
        {
            "proposal_id": 1,
            "version": 1,
            "reviewer_id": "UALEX",
            "decision": "approved",
            "decided_at": "2026-11-21T23:30:00+00:00",
        }
    )
    db["proposal_events"].insert(
        {
            "team_id": T,
            "proposal_id": 1,
            "version": 1,
            "kind": "created",
            "actor_id": "UDANA",
            "at": "2026-11-20T09:00:00+00:00",
        }
    )
    db["org_versions"].insert(
        {
            "team_id": T,
            "version": 1,
            "proposal_id": 1,
            "structure": structure,
            "approved_at": "2026-11-21T23:30:00+00:00",
        }
    )
    db.close()

    store = Store(path)  # what `orgbot run` does at start: the pending migrations
    try:
        assert [m.name for m in migrations.pending(store.db)] == []
        clock = ManualClock(datetime(2026, 11, 25, 9, tzinfo=UTC))
        service = service_in(store, clock, "Europe/Berlin")
        first, second = service.get(T, 1), service.get(T, 2)
        assert (first.status, first.org_version, first.effective_on) == ("approved", 1, None)
        assert first.status_label == "Approved" and not first.awaiting_effect
        assert (second.status, second.org_version, second.base_org_version) == (
            "in_review",
            None,
            1,
        )
        assert len(service.history(1)) == 1 and service.current_org(T).version == 1
        assert store.db["proposal_events"].count == 1 and store.db["decisions"].count == 1
        # approved at 23:30 UTC on 21 Nov: 22 Nov in Berlin, the day it took effect there
        [entry], total = org_history(service, T)
        assert (entry.effective_on, entry.approvers, total) == (date(2026, 11, 22), ("UALEX",), 1)
        assert org_on(service, T, date(2026, 11, 21)).structure is None
        assert org_on(service, T, date(2026, 11, 22)).version.version == 1
        # and it works on as before: the open proposal is approved into version 2
        approved_now = service.decide(T, 2, "UALEX", APPROVE)
        assert approved_now.org_version.version == 2
    finally:
        store.close()


def test_a_proposal_makes_at_most_one_org_version(store, clock):
    import sqlite3

    service = service_in(store, clock)
    p = approved(service, effective_on=None).proposal
    with pytest.raises(sqlite3.IntegrityError), store.write() as db:
        db["org_versions"].insert(
            {
                "team_id": T,
                "version": 2,
                "proposal_id": p.id,
                "structure": "[]",
                "approved_at": clock.now().isoformat(),
            }
        )
    assert store.db["org_versions"].count == 1
