"""Org proposals: the form, the record, the review, the decision, the current org."""

from slackbot.proposals.form import FormResult, read_proposal_form
from slackbot.proposals.model import (
    AlreadyDecided,
    Closed,
    Draft,
    NotAllowed,
    NotFound,
    Outcome,
    Proposal,
    ProposalError,
)
from slackbot.proposals.service import ProposalService

__all__ = [
    "AlreadyDecided",
    "Closed",
    "Draft",
    "FormResult",
    "NotAllowed",
    "NotFound",
    "Outcome",
    "Proposal",
    "ProposalError",
    "ProposalService",
    "read_proposal_form",
]
