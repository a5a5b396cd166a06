"""`orgbot export` writes what the database holds, as JSON and CSV."""

import csv
import io
import json
from datetime import UTC, date, datetime

from roles import load_catalog
from slackbot.cli import main
from slackbot.clock import ManualClock
from slackbot.org.structure import parse_structure
from slackbot.proposals import Draft, ProposalService
from slackbot.store import Store


def seed(path):
    store = Store(path)
    service = ProposalService(store, ManualClock(datetime(2026, 11, 25, 9, tzinfo=UTC)))
    text = "CEO\nCOO reports to CEO"
    p = service.create(
        "T1",
        "UDANA",
        Draft(
            "Add a COO",
            "why, with a comma",
            text,
            parse_structure(text, load_catalog()).structure,
            ("UALEX",),
            date(2026, 12, 2),
            "C1",
        ),
    ).proposal
    service.decide("T1", p.id, "UALEX", "approved", 'fine, "really"')
    store.close()


def test_json_export(tmp_path, monkeypatch, capsys):
    seed(tmp_path / "o.db")
    monkeypatch.setenv("ORGBOT_DB", str(tmp_path / "o.db"))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [p] = data["proposals"]
    assert (p["number"], p["status"], p["reviewers"]) == (1, "approved", ["UALEX"])
    assert [e["kind"] for e in p["history"]] == ["created", "approved", "status_changed"]
    assert p["decisions"][0]["comment"] == 'fine, "really"'
    assert p["structure"][1]["reports_to"] == "ceo"
    assert data["org_versions"][0]["version"] == 1


def test_csv_export_to_a_file(tmp_path, monkeypatch):
    seed(tmp_path / "o.db")
    monkeypatch.setenv("ORGBOT_DB", str(tmp_path / "o.db"))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "csv", "-o", str(tmp_path / "h.csv")]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "h.csv").read_text())))
    assert [r["kind"] for r in rows] == ["created", "approved", "status_changed"]
    assert rows[1]["comment"] == 'fine, "really"' and rows[1]["proposal_title"] == "Add a COO"


def test_the_export_carries_effective_dates(tmp_path, monkeypatch, capsys):
    store = Store(tmp_path / "o.db")
    clock = ManualClock(datetime(2026, 11, 25, 9, tzinfo=UTC))
    service = ProposalService(store, clock)
    text = "CEO\nCOO reports to CEO"
    structure = parse_structure(text, load_catalog()).structure
    p = service.create(
        "T1",
        "UDANA",
        Draft(
            "Add a COO",
            "why",
            text,
            structure,
            ("UALEX",),
            date(2026, 12, 2),
            "C1",
            effective_on=date(2027, 3, 1),
        ),
    ).proposal
    service.decide("T1", p.id, "UALEX", "approved")
    clock.set(datetime(2027, 3, 1, 0, 0, tzinfo=UTC))
    service.take_effect("T1", p.id)
    store.close()
    monkeypatch.setenv("ORGBOT_DB", str(tmp_path / "o.db"))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [exported] = data["proposals"]
    assert (exported["effective_on"], exported["org_version"]) == ("2027-03-01", 1)
    assert exported["versions"][0]["effective_on"] == "2027-03-01"
    assert exported["history"][-1]["kind"] == "took_effect"
    assert data["org_versions"][0]["effective_on"] == "2027-03-01"
    assert main(["export", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["proposal_effective_on"] for r in rows} == {"2027-03-01"}
    assert rows[-1]["kind"] == "took_effect"
