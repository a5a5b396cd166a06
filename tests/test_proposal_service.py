"""The proposal rules, against a real SQLite file: statuses, versions, history, scoping."""

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from roles import load_catalog
from slackbot.clock import ManualClock
from slackbot.org.structure import parse_structure
from slackbot.proposals import AlreadyDecided, Closed, Draft, NotAllowed, NotFound, ProposalService
from slackbot.proposals.model import APPROVE, REJECT, REQUEST_CHANGES
from slackbot.store import Store

T = "T1"
catalog = load_catalog()


def draft(text="CEO\nCOO reports to CEO", reviewers=("UALEX", "USAM"), **kw) -> Draft:
    values = dict(
        title="Add a COO",
        rationale="Because",
        structure_text=text,
        structure=parse_structure(text, catalog).structure,
        reviewers=tuple(reviewers),
        review_by=date(2026, 12, 2),
        channel_id="C1",
    )
    values.update(kw)
    return Draft(**values)


@pytest.fixture
def clock():
    return ManualClock(datetime(2026, 11, 25, 9, tzinfo=UTC))


@pytest.fixture
def service(store, clock):
    return ProposalService(store, clock)


def kinds(service, proposal_id):
    return [e.kind for e in service.history(proposal_id)]


def test_numbers_count_per_workspace(service):
    a = service.create(T, "UDANA", draft()).proposal
    b = service.create(T, "UDANA", draft()).proposal
    other = service.create("T2", "UDANA", draft()).proposal
    assert (a.number, b.number, other.number) == (1, 2, 1)
    with pytest.raises(NotFound):
        service.get("T2", a.id)  # scoped by team


def test_every_approval_approves_and_sets_the_current_org(service, clock):
    p = service.create(T, "UDANA", draft()).proposal
    first = service.decide(T, p.id, "UALEX", APPROVE)
    assert first.proposal.status == "in_review" and not first.status_changed
    clock.advance(timedelta(hours=1))
    second = service.decide(T, p.id, "USAM", APPROVE, "lgtm")
    assert second.proposal.status == "approved" and second.status_changed
    assert second.org_version.version == 1
    assert service.current_org(T).structure == p.structure
    assert second.proposal.closed_at == clock.now()
    assert kinds(service, p.id) == ["created", "approved", "approved", "status_changed"]


def test_one_rejection_rejects(service):
    p = service.create(T, "UDANA", draft()).proposal
    outcome = service.decide(T, p.id, "USAM", REJECT, "not now")
    assert outcome.proposal.status == "rejected"
    assert service.current_org(T) is None
    with pytest.raises(Closed, match="is rejected"):
        service.decide(T, p.id, "UALEX", APPROVE)


def test_a_change_request_waits_for_an_edit_which_resets_decisions(service):
    p = service.create(T, "UDANA", draft()).proposal
    service.decide(T, p.id, "UALEX", APPROVE)
    asked = service.decide(T, p.id, "USAM", REQUEST_CHANGES, "add a CFO")
    assert asked.proposal.status == "changes_requested"
    with pytest.raises(NotAllowed, match="Only <@UDANA>"):
        service.edit(T, p.id, "USAM", draft())
    edited = service.edit(
        T, p.id, "UDANA", draft("CEO\nCOO reports to CEO\nCFO reports to CEO")
    ).proposal
    assert (edited.version, edited.status, edited.decisions) == (2, "in_review", ())
    assert len(edited.structure) == 3
    service.decide(T, p.id, "UALEX", APPROVE)
    assert service.decide(T, p.id, "USAM", APPROVE).proposal.status == "approved"
    versions = list(
        service.store.db.query(
            "select version, structure_text from proposal_versions order by version"
        )
    )
    assert [v["version"] for v in versions] == [1, 2]


def test_only_reviewers_decide_and_only_once(service):
    p = service.create(T, "UDANA", draft()).proposal
    with pytest.raises(NotAllowed, match="Only the reviewers"):
        service.decide(T, p.id, "UKENJI", APPROVE)
    service.decide(T, p.id, "UALEX", APPROVE)
    with pytest.raises(AlreadyDecided, match="You already approved version 1") as error:
        service.decide(T, p.id, "UALEX", REJECT)
    assert error.value.decision.decision == APPROVE
    assert service.store.db["decisions"].count == 1


def test_withdraw(service):
    p = service.create(T, "UDANA", draft()).proposal
    with pytest.raises(NotAllowed):
        service.withdraw(T, p.id, "UALEX")
    assert service.withdraw(T, p.id, "UDANA").proposal.status == "withdrawn"
    with pytest.raises(Closed):
        service.edit(T, p.id, "UDANA", draft())


def test_awaiting_lists_what_each_reviewer_still_owes(service):
    p = service.create(T, "UDANA", draft()).proposal
    assert [x.id for x in service.awaiting(T, "UALEX")] == [p.id]
    service.decide(T, p.id, "UALEX", APPROVE)
    assert service.awaiting(T, "UALEX") == []
    assert [x.id for x in service.awaiting(T, "USAM")] == [p.id]


def test_history_is_append_only(service):
    p = service.create(T, "UDANA", draft()).proposal
    db = service.store.db
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("update proposal_events set kind = 'x' where proposal_id = ?", [p.id])
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("delete from proposal_events")
    assert kinds(service, p.id) == ["created"]


def test_a_failed_write_leaves_nothing_behind(service, monkeypatch):
    from slackbot.proposals import repository

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(repository, "set_reviewers", broken)
    with pytest.raises(RuntimeError):
        service.create(T, "UDANA", draft())
    assert service.store.db["proposals"].count == 0


def test_migrations_apply_once_and_twice_is_harmless(tmp_path):
    path = tmp_path / "o.db"
    Store(path).close()
    store = Store(path)
    names = [r["name"] for r in store.db.query("select name from _sqlite_migrations")]
    assert names[:3] == ["m001_proposals", "m002_scheduling", "m003_verify_and_base_version"]
    assert "m004_view_submissions" in names and len(names) == len(set(names))
    assert "m005_workspace_roles" in names
    assert "m006_health_probe" in names
    assert next(store.db.query("pragma journal_mode"))["journal_mode"] == "wal"
    assert next(store.db.query("pragma foreign_keys"))["foreign_keys"] == 1
    store.close()


def test_an_edit_voids_an_old_snooze(service, clock):
    p = service.create(T, "UDANA", draft()).proposal
    with service.store.write() as db:
        db["snoozes"].insert(
            {"proposal_id": p.id, "reviewer_id": "UALEX", "until": "2026-11-26T09:00:00+00:00"}
        )
    service.edit(T, p.id, "UDANA", draft())
    assert service.store.db["snoozes"].count == 0


def test_migration_3_backfills_the_org_version_each_proposal_was_written_against(tmp_path):
    from sqlite_utils import Database

    from slackbot.store.schema import migrations

    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m003_verify_and_base_version")
    db["proposals"].insert_all(
        [
            {
                "id": 1,
                "team_id": T,
                "number": 1,
                "title": "a",
                "author_id": "U",
                "status": "approved",
                "version": 1,
                "created_at": "2026-11-01T00:00:00+00:00",
            },
            {
                "id": 2,
                "team_id": T,
                "number": 2,
                "title": "b",
                "author_id": "U",
                "status": "in_review",
                "version": 1,
                "created_at": "2026-11-03T00:00:00+00:00",
            },
        ]
    )
    db["proposal_versions"].insert_all(
        [
            {"proposal_id": 1, "version": 1, "created_at": "2026-11-01T00:00:00+00:00"},
            {"proposal_id": 2, "version": 1, "created_at": "2026-11-03T00:00:00+00:00"},
        ]
    )
    db["org_versions"].insert(
        {
            "team_id": T,
            "version": 1,
            "proposal_id": 1,
            "structure": "[]",
            "approved_at": "2026-11-02T00:00:00+00:00",
        }
    )
    migrations.apply(db)
    assert [r["base_org_version"] for r in db["proposals"].rows] == [0, 1]


def test_a_structure_longer_than_the_form_is_cut_at_a_whole_line_and_said(services):
    from slackbot.proposals.commands import new_proposal_modal

    text = "CEO\n" + "\n".join(f"Regional Director {n} reports to CEO" for n in range(150))
    view = new_proposal_modal(services, "T0ORGBOT1", channel_id=None, structure_text=text)
    field = next(b for b in view["blocks"] if b.get("block_id") == "structure")
    shown = field["element"]["initial_value"]
    assert len(shown) <= 3000 and text.startswith(shown) and text[len(shown)] == "\n"
    left = text[len(shown) :].strip().count("\n") + 1
    notes = [b for b in view["blocks"] if b["type"] == "context"]
    assert any(f"its last {left} lines are left out" in str(b) for b in notes), notes
