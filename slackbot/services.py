"""The core objects one orgbot process shares: config, catalog, database, clock and the
domain services built on them. Listeners reach them through the Bolt context
(`services_from(context)`), put there by a middleware in `create_app`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date, tzinfo
from typing import Any

from roles import Catalog, load_catalog
from slackbot.background import Background
from slackbot.clock import Clock, SystemClock
from slackbot.config import Config
from slackbot.org.directory import MemberDirectory
from slackbot.org.shape import Guardrails
from slackbot.proposals.service import ProposalService
from slackbot.store import Store
from slackbot.workspace_roles import CatalogProvider

CONTEXT_KEY = "orgbot"
CATALOG_KEY = "orgbot_catalog"


@dataclass(eq=False)
class Services:
    config: Config
    store: Store
    catalog: Catalog = field(default_factory=load_catalog)
    clock: Clock = field(default_factory=SystemClock)
    scheduler: Any = None  # slackbot.scheduling.scheduler.Scheduler once started
    background: Background = field(default_factory=Background)
    proposals: ProposalService = field(init=False)
    catalogs: CatalogProvider = field(init=False)
    members: MemberDirectory = field(init=False)
    # many workspaces (SLACK_CLIENT_ID): the installations; None with one SLACK_BOT_TOKEN
    installations: Any = None
    oauth_states: Any = None
    _workspace_urls: dict[str | None, str] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _card_locks: dict[int, threading.Lock] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.proposals = ProposalService(self.store, self.clock, zone=self.zone)
        self.catalogs = CatalogProvider(self.store, self.catalog)
        self.members = MemberDirectory(self.store, self.clock)

    def catalog_for(self, team_id: str | None) -> Catalog:
        """The catalog a workspace sees: `catalog` (shipped) with its own roles over it."""
        return self.catalogs.catalog_for(team_id)

    def card_lock(self, proposal_id: int) -> threading.Lock:
        """One lock per proposal: its card is posted and redrawn by one thread at a time,
        from the latest record, so updates that race each other cannot leave it stale."""
        with self._lock:
            return self._card_locks.setdefault(proposal_id, threading.Lock())

    def today(self, team_id: str | None = None) -> date:
        """Today's date in the workspace's time zone (its settings, else ORGBOT_TIMEZONE)."""
        return self.clock.now().astimezone(self.zone(team_id)).date()

    def zone(self, team_id: str | None = None) -> tzinfo:
        """The workspace's time zone (its settings, else ORGBOT_TIMEZONE)."""
        if not team_id:
            return self.config.tz
        from slackbot.settings import load_settings

        return load_settings(self.store, team_id, default_timezone=self.config.timezone).tz

    def guardrails(self, team_id: str) -> Guardrails:
        """The workspace's guardrails on its org's shape (`/org-proposal settings`)."""
        from slackbot.settings import load_settings

        return load_settings(self.store, team_id, default_timezone=self.config.timezone).guardrails

    def is_admin(
        self, team_id: str, user_id: str, client: Any = None, *, cached: bool = False
    ) -> bool:
        """Workspace admins and owners (from Slack, cached a day) and `ORGBOT_ADMINS`.

        `cached=True` answers from what orgbot already knows, without calling Slack: for
        checks made before an ack, which must not wait on the Web API."""
        if user_id in self.config.admins:
            return True
        from slackbot.people import People

        people = People(self.store, None if cached else client, default_tz=self.config.timezone)
        return people.get(team_id, user_id, now=self.clock.now()).is_admin

    def admin_notes(self, team_id: str, user_id: str, client: Any = None) -> list[str]:
        """What an admin should see on their Home tab: deliveries that need attention."""
        from slackbot.scheduling.delivery import Deliveries

        troubles = Deliveries(self.store).troubles(team_id)
        if not troubles or not self.is_admin(team_id, user_id, client):
            return []
        notes = [
            f"• `{d.key}`: {d.status}, {d.last_error or 'no reason recorded'}"
            for d in troubles[:10]
        ]
        notes.append("`orgbot check` lists them all; docs/operations.md says what to do.")
        return notes

    def workspace_url(self, client: Any, team_id: str | None = None) -> str | None:
        """`https://team.slack.com/`, from auth.test once per process and workspace (for
        permalinks); None without a client (dry runs stay offline)."""
        if client is None:
            return None
        key = self._url_key(team_id)
        with self._lock:
            if key not in self._workspace_urls:
                from slackbot.installations.clients import for_team

                try:
                    url = for_team(client, team_id).auth_test().get("url") or ""
                except Exception as error:  # a link is a nicety; never fail over it
                    logging.getLogger("orgbot").warning("auth.test failed: %s", error)
                    return None
                self._workspace_urls[key] = url
            return self._workspace_urls[key] or None

    def known_workspace_url(self, team_id: str | None = None) -> str | None:
        """The workspace URL if `workspace_url` has fetched it already (never calls Slack:
        for answers built before an ack)."""
        with self._lock:
            return self._workspace_urls.get(self._url_key(team_id)) or None

    def _url_key(self, team_id: str | None) -> str | None:
        # one workspace: one URL whoever asks; many: one per workspace
        return team_id if self.installations is not None else None

    def acting_in(self, team_id: str | None) -> bool:
        """orgbot may act in this workspace now: always with one SLACK_BOT_TOKEN; with many
        workspaces, while its installation is active (not uninstalled, not revoked)."""
        if self.installations is None or team_id is None:
            return True
        from slackbot.installations.store import ACTIVE

        return self.installations.status_of(team_id) == ACTIVE

    @classmethod
    def open(cls, config: Config, *, clock: Clock | None = None) -> Services:
        """Open the database named in `config` (applying migrations) and build the services."""
        services = cls(config=config, store=Store(config.db_path), clock=clock or SystemClock())
        if config.multi_workspace:
            from slackbot.installations.store import InstallationStore, OAuthStateStore

            services.installations = InstallationStore(services.store, now=services.clock.now)
            services.oauth_states = OAuthStateStore(
                services.store, secret=config.state_secret or "", now=services.clock.now
            )
        return services


def services_from(context: Any) -> Services:
    """The `Services` a middleware put in this request's Bolt context."""
    return context[CONTEXT_KEY]


def catalog_from(context: Any) -> Catalog:
    """The catalog of the request's workspace, which a middleware put in its Bolt context."""
    return context[CATALOG_KEY]
