"""`orgbot chart`: the current org chart or a proposal's, drawn into a PNG or SVG file."""

import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest
from PIL import Image

from roles import load_catalog
from slackbot.cli import main
from slackbot.clock import ManualClock
from slackbot.org.structure import parse_structure
from slackbot.proposals import Draft, ProposalService
from slackbot.store import Store

CURRENT = "CEO (<@U0MARIA01>)\nCOO (<@U0SAM0002>) reports to CEO\nCFO reports to CEO"
PROPOSED = (
    "CEO (<@U0MARIA01>)\nCOO reports to CEO\nOperations Director reports to COO\n"
    "Data Analyst [hire] reports to COO"
)


def draft(title: str, text: str) -> Draft:
    structure = parse_structure(text, load_catalog()).structure
    return Draft(title, "why", text, structure, ("UALEX",), date(2026, 12, 2), "C1")


def seed(path, *, team="T1"):
    """Version 1 of the org approved (proposal #1); proposal #2 open against it."""
    store = Store(path)
    service = ProposalService(store, ManualClock(datetime(2026, 11, 25, 9, tzinfo=UTC)))
    first = service.create(team, "UDANA", draft("Start the chart", CURRENT)).proposal
    service.decide(team, first.id, "UALEX", "approved", "")
    service.create(team, "UDANA", draft("Operations under a director", PROPOSED))
    with store.write() as db:
        db["people"].insert(
            {
                "team_id": team,
                "user_id": "U0MARIA01",
                "name": "Maria Lopez",
                "tz": "Europe/London",
                "is_admin": 0,
                "fetched_at": "2026-11-25T09:00:00+00:00",
            }
        )
        db["members"].insert(
            {"team_id": team, "user_id": "U0SAM0002", "username": "sam", "display_name": "",
             "real_name": "Sam Okafor"}
        )  # fmt: skip
    store.close()


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "o.db"
    seed(path)
    monkeypatch.setenv("ORGBOT_DB", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def svg_texts(path) -> list[str]:
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_the_current_org_as_png(db, tmp_path, capsys):
    assert main(["chart", "--out", "org.png"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("wrote org.png (") and "3 positions" in out
    image = Image.open(io.BytesIO((tmp_path / "org.png").read_bytes()))
    image.load()
    assert image.format == "PNG" and 300 < image.size[0] < 1500


def test_the_current_org_as_svg_names_its_holders(db, tmp_path):
    assert main(["chart", "-o", "org.svg"]) == 0
    texts = svg_texts(tmp_path / "org.svg")
    assert "Maria Lopez" in texts  # from orgbot's people cache, not the user id
    assert "Sam Okafor" in texts  # from the member directory
    assert any(
        t.startswith("Current org chart, version 1 (in effect since 25 Nov 2026)") for t in texts
    )


def test_a_proposal_before_and_after(db, tmp_path):
    assert main(["chart", "--proposal", "2", "--before-after", "--out", "p.svg"]) == 0
    texts = svg_texts(tmp_path / "p.svg")
    assert any(t.startswith("Proposal #2: Operations under a director") for t in texts)
    assert "2 added" in texts and "1 removed" in texts  # the director and the analyst; the CFO
    assert texts.count("+ New") == 3 and texts.count("− Removed") == 2  # legend + boxes
    assert "To hire" in texts


def test_a_proposal_alone_and_the_current_org_against_its_first_version(db, tmp_path):
    assert main(["chart", "--proposal", "2", "--out", "p.svg"]) == 0
    assert "+ New" not in svg_texts(tmp_path / "p.svg")
    assert main(["chart", "--before-after", "--out", "c.svg"]) == 0
    texts = svg_texts(tmp_path / "c.svg")
    assert any(t.endswith("the first one") for t in texts) and "3 added" in texts


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--proposal", "9", "--out", "x.png"], "T1 has no proposal #9."),
        (["--out", "x.gif"], "x.gif: name a .png or .svg file"),
        (["--out", "no/such/folder/x.png"], "cannot write no/such/folder/x.png"),
        (["--team", "T2", "--out", "x.png"], "T2 has no approved org chart yet"),
    ],
)
def test_mistakes_are_sentences(db, tmp_path, capsys, argv, said):
    assert main(["chart", *argv]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not (tmp_path / "x.png").exists()


def test_a_missing_database_is_refused_not_created(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ORGBOT_DB", str(tmp_path / "none.db"))
    monkeypatch.chdir(tmp_path)
    assert main(["chart", "--out", "org.png"]) == 2
    assert "ORGBOT_DB" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists() and not (tmp_path / "org.png").exists()


def test_several_workspaces_need_a_team(tmp_path, monkeypatch, capsys):
    path = tmp_path / "o.db"
    seed(path, team="T1")
    seed(path, team="T2")
    monkeypatch.setenv("ORGBOT_DB", str(path))
    monkeypatch.chdir(tmp_path)
    assert main(["chart", "--out", "org.png"]) == 2
    assert "several workspaces (T1, T2); name one with --team" in capsys.readouterr().err
    assert main(["chart", "--team", "T2", "--out", "org.png"]) == 0
