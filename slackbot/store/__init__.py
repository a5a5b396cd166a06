"""Storage: the SQLite file and the queries orgbot runs on it."""

from slackbot.store.database import NewerSchemaError, Store, StoreError

__all__ = ["NewerSchemaError", "Store", "StoreError"]
