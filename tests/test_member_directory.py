"""The member directory: `@name` read against a cached copy of users.list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient

from roles import load_catalog
from slackbot.devslack.workspace import User
from slackbot.org.directory import MemberDirectory, MembersUnavailable
from slackbot.org.members import Member, Members
from slackbot.org.structure import parse_structure

catalog = load_catalog()

members = Members(
    [
        Member("U01", "dana", "Dana", "Dana Okafor"),
        Member("U02", "dana.k", "Dana", "Dana Kim"),
        Member("U03", "sam", "", "Sam Lindqvist"),
        Member("U04", "zoe", "Zoë", "Zoë Brun"),
        Member("U05", "rin", "凛", "Rin Sato"),
        Member("U06", "dana.o", "", "Dana Okafor"),
    ]
)


@pytest.mark.parametrize(
    ("handle", "expected"),
    [
        ("dana", "U01"),  # two show as "Dana"; the username decides
        ("Dana", "U01"),
        ("dana  okafor", ["U01", "U06"]),  # two people with one name
        ("DANA KIM", "U02"),
        ("Dana.O", "U06"),
        ("Sam Lindqvist", "U03"),
        ("zoe", "U04"),
        ("Zoe Brun", "U04"),  # accents may be left out
        ("凛", "U05"),
        ("nobody", []),
        ("U03", "U03"),
        ("U09", []),  # an id this workspace does not have
    ],
)
def test_names_match_display_real_and_user_names_case_insensitively(handle, expected):
    assert members.resolve(handle) == expected


def test_the_name_written_back_is_one_that_finds_only_that_person():
    assert members.name("U01") == "Dana"  # the username decides between the two Danas
    assert members.name("U02") == "Dana Kim"
    assert members.name("U06") == "dana.o"  # "Dana Okafor" is two people
    assert members.name("U03") == "Sam Lindqvist"
    assert members.name("U04") == "Zoë"
    assert members.name("U09") is None
    assert members.describe("U02") == "Dana Kim (@dana.k)"
    assert "Dana Okafor" not in members.suggest("Dan")  # two people
    assert "Dana Kim" in members.suggest("Dan")


def test_ambiguous_and_unknown_names_are_errors_that_list_candidates():
    result = parse_structure(
        "CEO (@Dana Okafor)\nCOO (@Sammy) reports to CEO", catalog, people=members
    )
    assert result.errors == [
        "Line 1: “@Dana Okafor” (holder of “CEO”) could be 2 people: Dana Okafor (@dana), "
        "Dana Okafor (@dana.o). Write the one you mean by a name only they have, or as <@U…>.",
        "Line 2: nobody in this workspace is called “@Sammy” (holder of “COO”). Did you mean "
        "“@sam”?",
    ]


def client_for(fake, **kwargs):
    return WebClient(token=fake.bot_token, base_url=fake.api_url, **kwargs)


def test_users_list_is_read_page_by_page_without_deleted_users_or_bots(fake, store, clock):
    for i in range(450):
        fake.ws.users[f"U1{i:05d}"] = User(f"U1{i:05d}", f"person{i}", f"Person {i}")
    fake.ws.users["U0GONE0009"] = User("U0GONE0009", "gone", "Gone Away", deleted=True)
    fake.ws.users["U0HELPBOT1"] = User("U0HELPBOT1", "helper", "Helper", is_bot=True)
    directory = MemberDirectory(store, clock)
    assert directory.cached("T0ORGBOT01") is None
    fetched = directory.refresh("T0ORGBOT01", client_for(fake))
    calls = fake.calls_to("users.list")
    assert len(calls) == 3  # 200 a page
    assert "U0DANA0002" in fetched and "U100449" in fetched
    assert "U0GONE0009" not in fetched and "U0HELPBOT1" not in fetched
    assert "UORGBOT001" not in fetched and fake.ws.bot.id not in fetched
    cached, fetched_at = directory.cached("T0ORGBOT01")
    assert len(cached) == len(fetched) == 455
    assert not directory.is_stale(fetched_at)
    clock.advance(timedelta(hours=1))
    assert directory.is_stale(fetched_at)
    # a refresh replaces the copy: someone who left is gone from it
    del fake.ws.users["U100001"]
    directory.refresh("T0ORGBOT01", client_for(fake))
    assert "U100001" not in directory.cached("T0ORGBOT01")[0]


def test_the_fake_users_list_cursor_is_opaque_as_slack_s(fake):
    client = client_for(fake)
    first = client.users_list(limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    assert cursor and not cursor.isdigit()
    second = client.users_list(limit=2, cursor=cursor)
    assert {m["id"] for m in first["members"]}.isdisjoint(m["id"] for m in second["members"])
    with pytest.raises(Exception, match="invalid_cursor"):
        client.users_list(limit=2, cursor="2")


def test_a_resolver_fetches_only_when_a_name_needs_it_and_says_when_slack_fails(fake, store, clock):
    directory = MemberDirectory(store, clock)
    people = directory.resolver("T0ORGBOT01", client_for(fake))
    assert people.resolve("U0NOTKNOWN") == "U0NOTKNOWN"  # no copy: ids pass as they are
    assert fake.calls_to("users.list") == []
    fake.fail("users.list", "internal_error")
    with pytest.raises(MembersUnavailable):
        people.resolve("dana")
    people = directory.resolver("T0ORGBOT01", client_for(fake))
    assert people.resolve("dana") == "U0DANA0002"
    assert people.resolve("U0NOTKNOWN") == []  # now the copy says who is a member
    assert not people.stale
    clock.advance(timedelta(hours=2))
    later = directory.resolver("T0ORGBOT01", client_for(fake))
    assert later.resolve("sam") == "U0SAM00003" and later.stale
    assert len(fake.calls_to("users.list")) == 2  # the stale copy answered


def test_a_database_from_0_2_0_upgrades_and_its_structures_load_unchanged(tmp_path, clock):
    """A proposal and an org version stored by 0.2.0 (structure JSON without holders, seats
    or dotted lines) load as they were: every seat filled, nobody named."""
    import json

    from sqlite_utils import Database

    from slackbot.proposals.service import ProposalService
    from slackbot.store import Store
    from slackbot.store.schema import migrations

    old = json.dumps(
        [
            {"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1},
            {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo"},
            {
                "title": "Ops Manager",
                "key": "operations-manager",
                "role_id": "operations-manager",
                "headcount": 3,
                "reports_to": "coo",
                "line": 3,
            },
        ]
    )
    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m009_member_directory")
    db["org_versions"].insert(
        {
            "team_id": "T1",
            "version": 1,
            "proposal_id": None,
            "structure": old,
            "approved_at": "2026-11-20T09:00:00+00:00",
        }
    )
    db.close()
    store = Store(tmp_path / "old.db")
    try:
        current = ProposalService(store, clock).current_org("T1")
        s = current.structure
        assert [
            (p.title, p.headcount, p.holders, p.vacancies, p.status, p.dotted) for p in s.positions
        ] == [
            ("CEO", 1, (), 0, "filled", ()),
            ("COO", 1, (), 0, "filled", ()),
            ("Ops Manager", 3, (), 0, "filled", ()),
        ]
        assert s.tree_lines() == ["CEO", "└─ COO", "   └─ Ops Manager ×3"]
        assert store.db["member_directories"].count == 0  # the new tables are there
    finally:
        store.close()


def test_a_copy_is_indexed_once_until_it_is_refreshed(fake, store, clock):
    directory = MemberDirectory(store, clock)
    directory.refresh("T0ORGBOT01", client_for(fake))
    first = directory.cached("T0ORGBOT01")[0]
    assert directory.cached("T0ORGBOT01")[0] is first  # not read and indexed again
    fake.ws.users["U0NEWHIRE1"] = User("U0NEWHIRE1", "newbie", "New Hire")
    directory.refresh("T0ORGBOT01", client_for(fake))  # the same second: still the new copy
    assert directory.cached("T0ORGBOT01")[0].resolve("newbie") == "U0NEWHIRE1"
