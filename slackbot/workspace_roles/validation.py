"""Checking a workspace's roles before they are stored: each through the catalog's own
loader (`role_from_dict`, the same checks as the shipped files), then what only a
workspace role can get wrong. Every error names where it came from and the field."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from roles import Catalog, CatalogError, Role
from roles.catalog import BOARD, role_from_dict
from roles.names import _is_abbreviation, normalize

ROLE_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def validate_roles(
    base: Catalog,
    entries: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    keep: Iterable[Role] = (),
) -> tuple[Role, ...]:
    """The roles in `entries` (where each came from, and its data), checked against `base`
    (the shipped catalog) and the workspace's other roles (`keep`).

    Returns:
        The roles, in the order given.

    Raises:
        CatalogError: the first problem, as `where: `field` what is wrong`.
    """
    checked: list[tuple[str, Role]] = []
    seen: dict[str, str] = {}
    for where, data in entries:
        role_id = data.get("id")
        if not isinstance(role_id, str) or not ROLE_ID.match(role_id.strip()):
            raise CatalogError(
                f"{where}: `id` must be lowercase letters, digits and hyphens, such as "
                f"“product-manager” (got {role_id!r})"
            )
        if role_id in seen:
            raise CatalogError(f"{where}: `id` {role_id!r} is used twice (also {seen[role_id]})")
        seen[role_id] = where
        role = role_from_dict(data, themes=base.themes, functions=base.functions, source=where)
        if not normalize(role.title):
            raise CatalogError(f"{where}: `title` must not be empty")
        checked.append((where, role))
    new_ids = {role.id for _, role in checked}
    kept = [role for role in keep if role.id not in new_ids]
    known = set(base.roles) | {r.id for r in kept} | new_ids
    for where, role in checked:
        if role.reports_to != BOARD and role.reports_to not in known:
            raise CatalogError(
                f"{where}: `reports_to` is {role.reports_to!r}, which is not a role id "
                f"(use one such as “coo”, or “{BOARD}”)"
            )
        for ref in role.works_with:
            if ref not in known:
                raise CatalogError(f"{where}: `works_with` holds {ref!r}, which is not a role id")
    catalog = base.with_roles([*kept, *(role for _, role in checked)])
    # names of the roles already there, then each new role's in turn: a clash is blamed on
    # the role that brings it
    owners: dict[str, set[str]] = {}
    for role in catalog:
        if role.id not in new_ids:
            for name in role.names():
                owners.setdefault(normalize(name), set()).add(role.id)
    for where, role in checked:
        named = (
            ("title", (role.title,)),
            ("abbreviation", (role.abbreviation,) if role.abbreviation else ()),
            ("aliases", role.aliases),
        )
        for field_name, names in named:
            for name in names:
                key = normalize(name)
                others = sorted(owners.get(key, set()) - {role.id})
                # as in the shipped files (roles/names.py), only abbreviations may be shared:
                # the answer then asks which role is meant
                if others and not _is_abbreviation(key):
                    raise CatalogError(
                        f"{where}: `{field_name}` “{name}” already names the "
                        f"{catalog[others[0]].label}; choose another name, or edit that role "
                        f"(id {others[0]!r}) instead"
                    )
        for name in role.names():
            owners.setdefault(normalize(name), set()).add(role.id)
    return tuple(role for _, role in checked)
