"""What the proposal modal carries in `private_metadata`, written and read in one place.

Slack hands `private_metadata` back as the app set it, but a submission is still input:
it is read strictly (a JSON object, whole numbers in range), and anything else is refused
with `BadMetadata` instead of being stored or reaching the database as the wrong type.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

# what the person sees instead of a traceback when a form's hidden state is not orgbot's
FORM_CHANGED = (
    "This form came back from Slack changed, so orgbot saved nothing. Close it and start again."
)
# SQLite's INTEGER is 64-bit: a larger id matches no row and cannot even be bound
MAX_ID = 2**63 - 1
# a Slack function execution id (`Fx…`), as the workflow step that opened the form gave it
_STEP = re.compile(r"Fx[A-Za-z0-9]{1,60}")
MAX_KEY = 200  # a position key: "title:" and a title of up to 80 characters, normalized


class BadMetadata(ValueError):
    """`private_metadata` that orgbot did not write."""


@dataclass(frozen=True)
class ProposalFormMetadata:
    """The proposal modal's hidden state.

    Attributes:
        base: the org version the author saw when the form opened (None from forms
            opened before orgbot recorded it: the current version is used then).
        proposal_id: the proposal being edited; None for a new proposal.
        step: the workflow step (its function execution id) that asked for this proposal,
            when the form came from *Start an org proposal*.
        branch: the key of the branch of the current org the form edits; None: the
            whole org.
    """

    base: int | None = None
    proposal_id: int | None = None
    step: str | None = None
    branch: str | None = None

    def dumps(self) -> str:
        data: dict[str, Any] = {"base": self.base}
        if self.proposal_id is not None:
            data["proposal_id"] = self.proposal_id
        if self.step is not None:
            data["step"] = self.step
        if self.branch is not None:
            data["branch"] = self.branch
        return json.dumps(data)

    @classmethod
    def loads(cls, text: str | None) -> ProposalFormMetadata:
        """Raises: BadMetadata."""
        try:
            data = json.loads(text or "{}")
        except ValueError:
            raise BadMetadata("not JSON") from None
        if not isinstance(data, dict):
            raise BadMetadata("not a JSON object")
        step = data.get("step")
        if step is not None and not (isinstance(step, str) and _STEP.fullmatch(step)):
            raise BadMetadata("step is not a function execution id")
        branch = data.get("branch")
        if branch is not None and (not isinstance(branch, str) or not 0 < len(branch) <= MAX_KEY):
            raise BadMetadata("branch is not a position key")
        return cls(
            base=whole_number(data.get("base"), "base", minimum=0),
            proposal_id=whole_number(data.get("proposal_id"), "proposal_id", minimum=1),
            step=step,
            branch=branch,
        )


def whole_number(value: Any, name: str, *, minimum: int) -> int | None:
    """`value` if it is None or an int from `minimum` to `MAX_ID`. Raises: BadMetadata."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_ID:
        raise BadMetadata(f"{name} is not a whole number from {minimum}")
    return value


def read_decision_metadata(text: str | None, *, kinds: frozenset[str]) -> dict[str, Any]:
    """The Request changes / Comment modal's hidden state: `proposal_id` (a whole number),
    `kind` (one of `kinds`) and `version` (a whole number or absent) are checked; the
    rest (where the button was) is returned as it is. Raises: BadMetadata."""
    try:
        data = json.loads(text or "")
    except ValueError:
        raise BadMetadata("not JSON") from None
    if not isinstance(data, dict):
        raise BadMetadata("not a JSON object")
    if whole_number(data.get("proposal_id"), "proposal_id", minimum=1) is None:
        raise BadMetadata("no proposal_id")
    whole_number(data.get("version"), "version", minimum=1)
    if data.get("kind") not in kinds:
        raise BadMetadata("kind is not a decision in words")
    return data
