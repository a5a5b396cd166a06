"""The core objects one orgbot process shares: config, catalog, database, clock and the
domain services built on them. Listeners reach them through the Bolt context
(`services_from(context)`), put there by a middleware in `create_app`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roles import Catalog, load_catalog
from slackbot.clock import Clock, SystemClock
from slackbot.config import Config
from slackbot.store import Store

CONTEXT_KEY = "orgbot"


@dataclass(eq=False)
class Services:
    config: Config
    store: Store
    catalog: Catalog = field(default_factory=load_catalog)
    clock: Clock = field(default_factory=SystemClock)
    scheduler: Any = None  # slackbot.scheduler.Scheduler once started

    def __deepcopy__(self, memo: dict) -> Services:
        # Bolt deep-copies the context for lazy listeners; the services are shared, not copied.
        return self

    @classmethod
    def open(cls, config: Config, *, clock: Clock | None = None) -> Services:
        """Open the database named in `config` (applying migrations) and build the services."""
        return cls(config=config, store=Store(config.db_path), clock=clock or SystemClock())


def services_from(context: Any) -> Services:
    """The `Services` a middleware put in this request's Bolt context."""
    return context[CONTEXT_KEY]
