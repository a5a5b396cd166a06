"""orgbot's public message metadata: events other apps can react to (docs/events.md).

A decision that settles a proposal is posted (the thread reply under its card) with
`orgbot_proposal_decided`; a change of the current org chart with `orgbot_org_changed`.
Other apps read them from `message_metadata_posted` events (`metadata_subscriptions` in
their manifest) or from `conversations.history` with `include_all_metadata`.

Each such message is also one of orgbot's deliveries: `slackbot.scheduling.delivery` adds
its delivery `key` to the payload, which is how orgbot finds it again after a crash. The
contract is the fields below; `key` is orgbot's own and may change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

PROPOSAL_DECIDED = "orgbot_proposal_decided"
ORG_CHANGED = "orgbot_org_changed"
PUBLIC_EVENTS = (PROPOSAL_DECIDED, ORG_CHANGED)


def proposal_decided(
    *, team_id: str, proposal_number: int, status: str, decided_by: str, org_version: int | None
) -> dict[str, Any]:
    """`status` is `approved` or `rejected`; `org_version` the org chart version the
    approval made current (left out when it made none: a rejection, or an approval that
    takes effect later)."""
    payload: dict[str, Any] = {
        "team_id": team_id,
        "proposal_number": proposal_number,
        "status": status,
        "decided_by": decided_by,
    }
    if org_version is not None:
        payload["org_version"] = org_version
    return {"event_type": PROPOSAL_DECIDED, "event_payload": payload}


def org_changed(
    *,
    team_id: str,
    proposal_number: int | None,
    org_version: int,
    effective_date: date | None = None,
) -> dict[str, Any]:
    """The current org chart is now `org_version`, from proposal `proposal_number`
    (`effective_date`, YYYY-MM-DD, when the change has one)."""
    payload: dict[str, Any] = {"team_id": team_id, "org_version": org_version}
    if proposal_number is not None:
        payload["proposal_number"] = proposal_number
    if effective_date is not None:
        payload["effective_date"] = effective_date.isoformat()
    return {"event_type": ORG_CHANGED, "event_payload": payload}
