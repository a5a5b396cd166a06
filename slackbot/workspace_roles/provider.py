"""One place that answers "which catalog does this workspace see": the shipped catalog
with the workspace's own roles laid over it, built once per change and cached.

The cache is checked against the workspace's revision (one indexed query), so a change made
by another process (`orgbot roles import` while the bot runs) shows on the next request.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from roles import Catalog, CatalogError, Role
from slackbot.store import Store
from slackbot.workspace_roles.repository import WorkspaceRoles
from slackbot.workspace_roles.validation import validate_roles

logger = logging.getLogger("orgbot.roles")


class CatalogProvider:
    def __init__(self, store: Store, shipped: Catalog):
        self.shipped = shipped
        self.roles = WorkspaceRoles(store)
        self.store = store
        self._cache: dict[str, tuple[int, Catalog]] = {}
        self._lock = threading.Lock()

    def catalog_for(self, team_id: str | None) -> Catalog:
        """The catalog `team_id` sees: shipped roles, its own added or put in their place."""
        if not team_id:
            return self.shipped
        revision = self.roles.revision(team_id)
        cached = self._cache.get(team_id)
        if cached is not None and cached[0] == revision:
            return cached[1]
        catalog = self._build(team_id) if revision else self.shipped
        with self._lock:
            self._cache[team_id] = (revision, catalog)
        return catalog

    def own_roles(self, team_id: str) -> tuple[Role, ...]:
        """The workspace's own roles, by id."""
        catalog = self.catalog_for(team_id)
        return tuple(catalog[i] for i in sorted(catalog.local))

    def check(
        self, team_id: str, entries: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> tuple[Role, ...]:
        """Validate roles for `team_id` without saving them.

        Raises:
            CatalogError: the first problem, naming where and the field.
        """
        return validate_roles(self.shipped, entries, keep=self.own_roles(team_id))

    def save(
        self,
        team_id: str,
        entries: Sequence[tuple[str, Mapping[str, Any]]],
        *,
        by: str,
        now: datetime,
        via: str,
    ) -> tuple[Role, ...]:
        """Validate and store roles for `team_id`, all or none.

        Raises:
            CatalogError: the first problem; nothing is stored then.
        """
        with self.store.write():
            roles = self.check(team_id, entries)
            self.roles.save(team_id, [data for _, data in entries], by=by, now=now, via=via)
        self.invalidate(team_id)
        return roles

    def remove(self, team_id: str, role_id: str, *, by: str, now: datetime, via: str) -> bool:
        """Remove a workspace role. Refused (CatalogError) while another of the workspace's
        roles refers to it and no shipped role has that id."""
        with self.store.write():
            if role_id not in self.shipped:
                users = [
                    r.id
                    for r in self.own_roles(team_id)
                    if r.id != role_id and role_id in (r.reports_to, *r.works_with)
                ]
                if users:
                    raise CatalogError(
                        f"{role_id}: still named in `reports_to` or `works_with` of "
                        f"{', '.join(users)}; change those first"
                    )
            removed = self.roles.remove(team_id, role_id, by=by, now=now, via=via)
        self.invalidate(team_id)
        return removed

    def invalidate(self, team_id: str) -> None:
        with self._lock:
            self._cache.pop(team_id, None)

    def _build(self, team_id: str) -> Catalog:
        """The overlay from the stored roles. A stored role that no longer passes (the
        catalog's rules grew stricter since it was saved) is left out and logged, so one bad
        role never takes `/role-compare` down for the workspace."""
        entries = [
            (f"workspace {team_id}, role {stored.role_id}", stored.data)
            for stored in self.roles.stored(team_id)
        ]
        try:
            return self.shipped.with_roles(validate_roles(self.shipped, entries))
        except CatalogError:
            pass
        # keep every role that passes on its own (roles may refer to each other)
        accepted: list[Role] = []
        pending = entries
        while pending:
            failed: list[tuple[tuple[str, Mapping[str, Any]], CatalogError]] = []
            for entry in pending:
                try:
                    accepted.extend(validate_roles(self.shipped, [entry], keep=accepted))
                except CatalogError as error:
                    failed.append((entry, error))
            if len(failed) == len(pending):
                for _, error in failed:
                    logger.warning("skipping a stored role: %s", error)
                break
            pending = [entry for entry, _ in failed]
        return self.shipped.with_roles(accepted)
