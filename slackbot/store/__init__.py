"""Storage: the SQLite file and the queries orgbot runs on it."""

from slackbot.store.database import Store

__all__ = ["Store"]
