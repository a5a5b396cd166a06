"""Pieces every listener module uses."""

from slack_bolt import Ack


def ack_only(ack: Ack) -> None:
    """Acknowledge at once; the work happens in the listener's lazy functions."""
    ack()
