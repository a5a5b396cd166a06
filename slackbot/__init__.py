"""orgbot: a self-hosted Slack app for org planning."""

__version__ = "0.3.0"
