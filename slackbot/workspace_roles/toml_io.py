"""The TOML of workspace roles: the shipped files' format, one role a file or several as
`[[roles]]`. Python reads TOML (`tomllib`) but does not write it; the writer here covers
the shapes a role has (strings, numbers, lists of strings, arrays of tables).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from roles import CatalogError, Role


def read_roles(text: str, *, source: str) -> list[tuple[str, dict[str, Any]]]:
    """The roles in a TOML text, each with where it came from (for error messages):
    `source` for a single-role file, `source, role 2 (product-manager)` for `[[roles]]`.

    Raises:
        CatalogError: the text is not TOML, or mixes a role's keys with `[[roles]]`.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{source}: not valid TOML ({error})") from None
    if "roles" not in data:
        if not data:
            raise CatalogError(f"{source}: holds no role (write one role's keys, or [[roles]])")
        return [(source, data)]
    items = data["roles"]
    others = sorted(set(data) - {"roles"})
    if others:
        raise CatalogError(
            f"{source}: put every key inside a [[roles]] table (found {', '.join(others)} outside)"
        )
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise CatalogError(f"{source}: `roles` must be an array of tables, written [[roles]]")
    if not items:
        raise CatalogError(f"{source}: holds no role")
    return [
        (f"{source}, role {n} ({item.get('id') or 'no id'})", item)
        for n, item in enumerate(items, start=1)
    ]


def role_to_data(role: Role) -> dict[str, Any]:
    """A role as the mapping its TOML file holds (`role_from_dict` reads it back)."""
    return _plain(role, top=True)


def _plain(value: Any, *, top: bool = False) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in fields(value):
            item = getattr(value, f.name)
            # inside a responsibility, optional fields left empty are left out
            if item is None or (not top and item in ("", (), frozenset())):
                continue
            out[f.name] = _plain(item)
        return out
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


HEADER = (
    "# orgbot roles: import with `orgbot roles import FILE.toml --team T`.\n"
    "# The format is the one of roles/catalog/*.toml; see docs/roles.md.\n"
)


def dump_roles(roles: Iterable[Mapping[str, Any]], *, header: str = HEADER) -> str:
    """Roles (as `role_to_data` gives them) as TOML, one `[[roles]]` table each."""
    lines = [header.rstrip("\n"), ""] if header else []
    for data in roles:
        lines.append("[[roles]]")
        tables: list[tuple[str, list[Mapping[str, Any]]]] = []
        for key, value in data.items():
            if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
                tables.append((key, value))
            else:
                lines.append(f"{key} = {_value(value)}")
        for key, items in tables:
            for item in items:
                lines.append("")
                lines.append(f"[[roles.{key}]]")
                lines.extend(f"{k} = {_value(v)}" for k, v in item.items())
        lines.append("")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        # a JSON string (escapes \" \\ \n \uXXXX) is a valid TOML basic string
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        items = [_value(v) for v in value]
        one_line = "[" + ", ".join(items) + "]"
        if len(one_line) <= 80:
            return one_line
        return "[\n" + "".join(f"    {item},\n" for item in items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
