"""Spans, layers and guardrails end to end: an admin sets guardrails in the settings modal
(bad input refused inline), a proposal outside them is submitted, and its card, the
reviewer's DM and the author's DM flag it and show what it does to spans and layers.
Signed HTTP requests in, Web API calls to the fake Slack."""

from __future__ import annotations

from slackbot import ids
from tests.conftest import eventually
from tests.test_e2e_proposals import ALEX, card_in, form_values, open_form, text_of

CURRENT = (
    "CEO\nCOO reports to CEO\nOperations Director reports to COO\n"
    "Operations Manager x3 reports to Operations Director\nCFO reports to CEO"
)
# the operations director goes: 14 operations managers report to the COO; the CFO gets a
# five-deep finance line
OUTSIDE = (
    "CEO\nCOO reports to CEO\nOperations Manager x14 reports to COO\nCFO reports to CEO\n"
    "Finance Director reports to CFO\nController reports to Finance Director\n"
    "Accountant reports to Controller\nBookkeeper reports to Accountant"
)


def approve_current_org(fake, bot):
    """Proposal #1 (no guardrails yet), approved by alex: the current org."""
    open_form(fake)
    fake.submit(
        "dana",
        form_values(**{ids.STRUCTURE_BLOCK: CURRENT, ids.REVIEWERS_BLOCK: [ALEX]}),
    )
    eventually(lambda: fake.dms("alex"))
    fake.click("alex", card_in(fake), ids.APPROVE, value="1:1")
    eventually(lambda: bot.services.proposals.current_org(fake.ws.team_id))


def open_settings(fake, bot):
    before = len(fake.calls_to("views.open"))
    fake.slash("alex", "/org-proposal", "settings")
    fake.wait_for("views.open", before + 1)
    eventually(lambda: bot.services.is_admin(fake.ws.team_id, ALEX, cached=True))
    assert fake.open_view("alex")["callback_id"] == ids.SETTINGS_MODAL


def test_guardrails_set_in_settings_flag_a_proposal_on_its_card_and_in_both_dms(fake, bot):
    approve_current_org(fake, bot)
    assert not [dm for dm in fake.dms("dana") if "guardrails" in dm["text"]]

    open_settings(fake, bot)
    bad = fake.submit(
        "alex",
        {"digest_cadence": "off", "max_layers": "0", "span_min": "8", "span_max": "4"},
    )
    assert bad.json["response_action"] == "errors"
    assert bad.json["errors"] == {
        "max_layers": "Write a whole number from 1 to 9999, or leave it empty for no limit.",
        "span_min": "The smallest span (8) is above the largest (4). Lower it, or raise the largest.",
    }
    assert bot.services.store.db["settings"].count == 0  # nothing saved
    ok = fake.submit(
        "alex", {"digest_cadence": "off", "max_layers": "4", "span_min": "2", "span_max": "12"}
    )
    assert ok.status == 200 and ok.body == b""
    saved = eventually(lambda: [dm for dm in fake.dms("alex") if dm["text"].startswith("Saved")])
    assert "Org guardrails: at most 4 layers, spans from 2 to 12." in saved[-1]["text"]

    # the modal shows them next time
    open_settings(fake, bot)
    shown = {b.get("block_id"): b for b in fake.open_view("alex")["blocks"]}
    assert [
        shown[b]["element"].get("initial_value") for b in ("max_layers", "span_min", "span_max")
    ] == [
        "4",
        "2",
        "12",
    ]
    fake.close("alex")

    # dana proposes a structure outside them: posted all the same
    reviews_before = len(fake.dms("alex"))
    open_form(fake)
    response = fake.submit(
        "dana",
        form_values(
            **{
                ids.TITLE_BLOCK: "Flatten operations, deepen finance",
                ids.STRUCTURE_BLOCK: OUTSIDE,
                ids.REVIEWERS_BLOCK: [ALEX],
            }
        ),
    )
    assert response.status == 200 and response.body == b""
    card = eventually(lambda: [m for m in fake.messages("org-design") if "#2" in m["text"]])[-1]
    shown = text_of(card["blocks"])
    assert (
        "⚠️ Outside the workspace's guardrails (at most 4 layers, spans from 2 to 12)\n"
        "⚠️ 6 layers; the workspace's maximum is 4\n"
        "⚠️ Span of COO is 14, above 12\n"
        "⚠️ Span of CFO is 1, below 2\n"
    ) in shown
    assert shown.index("Outside the workspace's guardrails") < shown.index("Proposed org chart")
    assert (
        "Spans and layers (current org → proposed)\n"
        "• Layers 4 → 6\n"
        "• Managers with one report 1 → 4\n"
        "• Span of COO 1 → 14\n"
    ) in shown
    assert "widest COO (14)" in shown
    assert bot.services.proposals.get(fake.ws.team_id, 2).status == "in_review"  # not refused

    review = eventually(lambda: fake.dms("alex")[reviews_before:])[-1]
    review_text = text_of(review["blocks"])
    assert "asked you to review a proposal" in review_text
    assert "⚠️ 6 layers; the workspace's maximum is 4" in review_text
    assert "⚠️ Span of COO is 14, above 12" in review_text
    assert any(b["type"] == "actions" for b in review["blocks"])

    author = eventually(lambda: [dm for dm in fake.dms("dana") if "guardrails" in dm["text"]])
    [author] = author
    author_text = text_of(author["blocks"])
    assert "Your proposal #2 “Flatten operations, deepen finance”" in author_text
    assert "It is not refused" in author_text
    assert "⚠️ Span of COO is 14, above 12" in author_text

    # the current org: its layers and span bands, and it is inside the guardrails but for
    # the COO, who has one report
    current = text_of(fake.slash("kenji", "/org-proposal", "current").json["blocks"])
    assert (
        "Spans and layers: 4 layers · 3 managers · managers by span: 1: 1 · 2–3: 2 · 4–7: 0 · "
        "8–12: 0 · 13–16: 0 · 17+: 0 · 1 with one report"
    ) in current
    assert "Headcount under (open roles included): CEO 6 · COO 4 · Operations Director 3" in current
    assert "⚠️ Span of COO is 1, below 2" in current
