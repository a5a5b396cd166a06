"""Guardrails on the org's shape: read from the settings modal (inline errors), stored
(an old database upgrades), and flagged on the card and in the DMs; the card's spans and
layers effects, within Block Kit's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from roles import load_catalog
from slackbot.blockkit.limits import check_message, check_view
from slackbot.blockkit.render import render_blocks
from slackbot.org.shape import Guardrails
from slackbot.org.structure import Position, Structure, parse_structure
from slackbot.proposals.model import OrgVersion, Proposal
from slackbot.settings import Settings, load_settings, read_settings_form, save_settings
from slackbot.store import Store
from slackbot.ui.proposal_card import guardrails_dm, proposal_card, review_request
from slackbot.ui.proposal_lists import current_message
from slackbot.ui.settings_modal import settings_modal, settings_summary

CATALOG = load_catalog()
NOW = datetime(2026, 11, 25, 10, tzinfo=UTC)
T = "T0ORGBOT1"

CURRENT = (
    "CEO\nCOO reports to CEO\nOperations Director reports to COO\n"
    "Operations Manager x3 reports to Operations Director\nCFO reports to CEO"
)
# the COO takes 14 operations managers directly; five layers of assistants under the CFO
PROPOSED = (
    "CEO\nCOO reports to CEO\nOperations Manager x14 reports to COO\nCFO reports to CEO\n"
    "Finance Director reports to CFO\nController reports to Finance Director\n"
    "Accountant reports to Controller\nBookkeeper reports to Accountant"
)


def structure(text: str) -> Structure:
    result = parse_structure(text, CATALOG)
    assert result.ok, result.errors
    return result.structure


def proposal(s: Structure, **overrides) -> Proposal:
    values = dict(
        id=1,
        team_id=T,
        number=1,
        title="Flatten operations",
        rationale="Because.",
        structure_text=s.to_text(),
        structure=s,
        version=1,
        author_id="U0DANA0002",
        channel_id="C0ORGDES02",
        message_ts="1.0",
        status="in_review",
        review_by=date(2026, 12, 2),
        post_error=None,
        created_at=NOW,
        updated_at=NOW,
        closed_at=None,
        reviewers=("U0ALEX0001",),
    )
    values.update(overrides)
    return Proposal(**values)


def text(payload) -> str:
    return render_blocks(payload["blocks"], width=10_000).text


def form(**values):
    """`view.state.values` of the settings modal: the digest off, guardrails as given."""
    state = {
        "digest_cadence": {"value": {"selected_option": {"value": "off"}}},
        "timezone": {"value": {"value": "UTC"}},
    }
    for block, value in values.items():
        state[block] = {"value": {"type": "number_input", "value": value}}
    return state


# --- the settings form ----------------------------------------------------------------------


def test_empty_guardrail_fields_mean_no_guardrails():
    settings, errors = read_settings_form(form(max_layers=None, span_min="", span_max=" "), T)
    assert errors == {}
    assert (settings.max_layers, settings.span_min, settings.span_max) == (None, None, None)
    assert not settings.guardrails


def test_guardrails_are_read_from_the_form():
    settings, errors = read_settings_form(form(max_layers="6", span_min="3", span_max="12"), T)
    assert errors == {}
    assert settings.guardrails == Guardrails(max_layers=6, span_min=3, span_max=12)
    # the limits may meet
    assert read_settings_form(form(span_min="4", span_max="4"), T)[1] == {}


@pytest.mark.parametrize(
    ("values", "block", "words"),
    [
        ({"max_layers": "0"}, "max_layers", "Write a whole number from 1 to 9999"),
        ({"max_layers": "-2"}, "max_layers", "Write a whole number from 1 to 9999"),
        ({"max_layers": "2.5"}, "max_layers", "Write a whole number"),
        ({"span_min": "many"}, "span_min", "or leave it empty for no limit"),
        ({"span_max": "10000"}, "span_max", "Write a whole number from 1 to 9999"),
        (
            {"span_min": "8", "span_max": "4"},
            "span_min",
            "The smallest span (8) is above the largest (4)",
        ),
    ],
)
def test_bad_guardrails_get_an_error_on_their_field(values, block, words):
    settings, errors = read_settings_form(form(**values), T)
    assert settings is None
    assert list(errors) == [block] and words in errors[block]


def test_the_modal_shows_the_guardrails_saved():
    view = settings_modal(Settings(team_id=T, max_layers=6, span_min=3))
    assert check_view(view) == []
    by_block = {b.get("block_id"): b for b in view["blocks"]}
    assert by_block["max_layers"]["element"]["initial_value"] == "6"
    assert by_block["span_min"]["element"]["initial_value"] == "3"
    assert "initial_value" not in by_block["span_max"]["element"]
    assert all(by_block[b]["optional"] for b in ("max_layers", "span_min", "span_max"))
    assert by_block["max_layers"]["element"]["is_decimal_allowed"] is False
    assert "Org guardrails: at most 6 layers, spans of at least 3." in settings_summary(
        Settings(team_id=T, max_layers=6, span_min=3)
    )


def test_guardrails_are_stored_and_read_back(tmp_path):
    store = Store(tmp_path / "o.db")
    try:
        assert not load_settings(store, T, default_timezone="UTC").guardrails
        save_settings(
            store, Settings(team_id=T, max_layers=5, span_max=9), user_id="U0ALEX0001", now=NOW
        )
        loaded = load_settings(store, T, default_timezone="UTC")
        assert loaded.guardrails == Guardrails(max_layers=5, span_max=9)
    finally:
        store.close()


def test_a_database_from_before_guardrails_upgrades_and_keeps_its_settings(tmp_path):
    from sqlite_utils import Database

    from slackbot.store.schema import migrations

    db = Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m008_org_guardrails")
    db["settings"].insert({"team_id": T, "digest_channel": "C0ORGDES02", "timezone": "UTC"})
    db.close()
    store = Store(tmp_path / "old.db")
    try:
        loaded = load_settings(store, T, default_timezone="UTC")
        assert loaded.digest_channel == "C0ORGDES02" and not loaded.guardrails
    finally:
        store.close()


# --- the card and the DMs -------------------------------------------------------------------

GUARDRAILS = Guardrails(max_layers=4, span_min=2, span_max=12)


def test_the_card_flags_a_proposal_outside_the_guardrails_under_its_status():
    current = OrgVersion(T, 1, None, structure(CURRENT), NOW)
    card = proposal_card(proposal(structure(PROPOSED)), CATALOG, current, guardrails=GUARDRAILS)
    assert check_message(card) == []
    shown = text(card)
    flags = (
        "⚠️ Outside the workspace's guardrails (at most 4 layers, spans from 2 to 12)\n"
        "⚠️ 6 layers; the workspace's maximum is 4\n"
        "⚠️ Span of COO is 14, above 12\n"
    )
    assert flags in shown
    # before the chart and the reasons: a reviewer reads it first
    assert shown.index("Outside the workspace's guardrails") < shown.index("Why")
    assert (
        "Spans and layers (current org → proposed)\n• Layers 4 → 6\n"
        "• Managers with one report 1 → 4\n• Span of COO 1 → 14\n• Span of CFO 0 → 1\n"
    ) in shown
    assert "Span of Finance Director 1 (new)" in shown


def test_the_card_without_guardrails_or_inside_them_has_no_flag():
    current = OrgVersion(T, 1, None, structure(CURRENT), NOW)
    p = proposal(structure(PROPOSED))
    for guardrails in (None, Guardrails(), Guardrails(max_layers=6, span_max=14)):
        assert "guardrails" not in text(proposal_card(p, CATALOG, current, guardrails=guardrails))


def test_a_proposal_that_keeps_the_shape_says_so():
    current = OrgVersion(T, 1, None, structure(CURRENT), NOW)
    shown = text(proposal_card(proposal(structure(CURRENT)), CATALOG, current))
    assert "Spans and layers: 4 layers · 3 managers" in shown
    assert "(the same as the current org)" in shown
    assert "current org → proposed" not in shown


def test_the_reviewers_dm_and_the_authors_dm_carry_the_flags():
    p = proposal(structure(PROPOSED))
    dm = review_request(p, link="https://x.slack.com/archives/C/p1", guardrails=GUARDRAILS)
    assert check_message(dm) == []
    shown = text(dm)
    assert "⚠️ Span of COO is 14, above 12" in shown
    assert shown.index("Span of COO") < shown.index("Approve")
    assert "guardrails" not in text(review_request(p, link=None))

    author = guardrails_dm(p, GUARDRAILS, link="https://x.slack.com/archives/C/p1")
    assert check_message(author) == []
    assert "is outside the workspace's guardrails. It is not refused" in (text(author))
    assert "⚠️ 6 layers; the workspace's maximum is 4" in text(author)
    assert guardrails_dm(p, Guardrails(max_layers=9), link=None) is None


def test_the_current_org_shows_layers_bands_headcount_under_and_flags():
    current = OrgVersion(T, 3, None, structure(CURRENT), NOW)
    answer = current_message(current, None, guardrails=Guardrails(span_min=2))
    assert check_message(answer) == []
    shown = text(answer)
    assert (
        "Spans and layers: 4 layers · 3 managers · managers by span: 1: 1 · 2–3: 2 · 4–7: 0 · "
        "8–12: 0 · 13–16: 0 · 17+: 0 · 1 with one report"
    ) in shown
    assert "Headcount under (open roles included): CEO 6 · COO 4 · Operations Director 3" in shown
    assert "⚠️ Span of COO is 1, below 2" in shown


def test_a_large_org_card_with_flags_and_effects_stays_within_block_kits_limits():
    """60 positions (today's proposal cap), every manager outside the range, long titles."""
    long = "Regional Operations Coordinator for Northern and Eastern Territories"
    positions = [Position(title="CEO", key="ceo")]
    for i in range(59):
        positions.append(
            Position(
                title=f"{long} {i}",
                key=f"k{i}",
                headcount=20,
                reports_to="ceo" if i < 10 else f"k{i - 10}",
            )
        )
    big = Structure(tuple(positions))
    current = OrgVersion(T, 1, None, structure(CURRENT), NOW)
    tight = Guardrails(max_layers=2, span_min=50, span_max=60)
    for payload in (
        proposal_card(proposal(big), CATALOG, current, guardrails=tight),
        review_request(proposal(big), link=None, guardrails=tight),
        guardrails_dm(proposal(big), tight, link=None),
        current_message(OrgVersion(T, 1, None, big, NOW), 1, guardrails=tight),
    ):
        assert check_message(payload) == []
        assert "and " in text(payload) and "more" in text(payload)


def test_a_reminder_flags_the_guardrails_too():
    from slackbot.people import Person
    from slackbot.scheduling.reminders import outgoing, reminder_due

    p = proposal(structure(PROPOSED))
    due = reminder_due(
        p,
        Person("U0ALEX0001", "UTC", False),
        Settings(team_id=T, span_max=12),
        now=datetime(2026, 11, 26, 10, tzinfo=UTC),
        asked_at=NOW,
        last_reminded=None,
        snoozed_until=None,
    )
    assert due is not None and due.guardrails == Guardrails(span_max=12)
    reminder = outgoing(due, link=None).message
    assert check_message(reminder) == []
    assert "⚠️ Span of COO is 14, above 12" in text(reminder)
    quiet = reminder_due(
        p,
        Person("U0ALEX0001", "UTC", False),
        Settings(team_id=T),
        now=datetime(2026, 11, 26, 10, tzinfo=UTC),
        asked_at=NOW,
        last_reminded=None,
        snoozed_until=None,
    )
    assert "guardrails" not in text(outgoing(quiet, link=None).message)
