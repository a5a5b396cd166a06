"""The role modal: which role `/role-compare add|edit` asks for, and reading the modal back
into a role file's keys, every problem on its own field. The final say is the catalog's
loader (`role_from_dict`), whose messages name the field; they land on that field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from roles import Catalog, CatalogError, Role
from roles.catalog import BOARD
from roles.names import lookup, resolve
from slackbot.ui.common import escape

VALUE = "value"  # the action_id of every input in the modal
FORM_SOURCE = "form"

# block id = the role file's key; in the order the modal shows them
TEXT_FIELDS = (
    "title",
    "abbreviation",
    "aliases",
    "summary",
    "function",
    "rank",
    "level",
    "focus",
    "scope",
    "scope_note",
    "reports_to",
    "reporting_note",
    "works_with",
    "works_with_others",
    "decision_horizon",
    "responsibilities",
    "not_responsible_for",
    "kpis",
    "signs_you_need",
    "onet_code",
    "onet_title",
)
FORM_BLOCKS = ("id", *TEXT_FIELDS)
COMMA_LISTS = ("aliases", "works_with_others", "not_responsible_for")
LINE_LISTS = ("kpis", "signs_you_need")
REQUIRED = {
    "id": "lowercase letters, digits and hyphens, such as product-manager",
    "title": "the role's name, such as Product Manager",
    "summary": "a few sentences on what the role is",
    "function": "choose one",
    "rank": "choose one",
    "level": "choose one",
    "focus": "choose one",
    "scope": "choose one",
    "reports_to": "a role's name or id, or “board”",
    "responsibilities": "one a line, “theme: what the role does”",
}
_VERB = re.compile(r"^(add|edit)\b\s*(.*)$", re.IGNORECASE)
_FIELD = re.compile(r"`(\w+)`")


@dataclass(frozen=True)
class RoleFormRequest:
    """`/role-compare add [ROLE]` (a new role, started from ROLE if named) or
    `/role-compare edit ROLE` (this workspace's version of ROLE)."""

    mode: str  # add | edit
    name: str = ""


def role_form_request(text: str) -> RoleFormRequest | None:
    """The request when the command's text asks for the role modal, else None."""
    match = _VERB.match(" ".join((text or "").split()))
    if not match:
        return None
    return RoleFormRequest(mode=match.group(1).lower(), name=match.group(2).strip())


@dataclass
class RoleFormResult:
    data: dict[str, Any] | None = None
    role: Role | None = None
    errors: dict[str, str] = field(default_factory=dict)


def split_commas(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def split_lines(text: str) -> list[str]:
    return [line.strip(" •-\t") for line in (text or "").splitlines() if line.strip(" •-\t")]


def role_name(catalog: Catalog, role_id: str) -> str:
    """How the form shows a reference to another role: its short name, or `board`."""
    if role_id == BOARD:
        return BOARD
    role = catalog.get(role_id)
    return role.short_name if role else role_id


def responsibility_lines(data: dict[str, Any]) -> str:
    lines = []
    for item in data.get("responsibilities") or []:
        line = f"{item.get('theme', '')}: {item.get('text', '')}"
        if item.get("scope"):
            line += f" | {item['scope']}"
        lines.append(line)
    return "\n".join(lines)


def _reference(catalog: Catalog, name: str) -> str | None:
    """A role id from what the form holds: an id, a name, or `board`."""
    if name.lower() in (BOARD, "the board", "board of directors", "the board of directors"):
        return BOARD
    if name in catalog:
        return name
    role = lookup(catalog, name)
    return role.id if role else None


def read_role_form(
    values: dict[str, Any],
    *,
    catalog: Catalog,
    base: dict[str, Any] | None = None,
    check: Any = None,
) -> RoleFormResult:
    """Read `view.state.values` of the role modal into a role file's keys.

    Args:
        values: by block id (the role file's key), then the action id `value`.
        catalog: the workspace's catalog, for names in `reports_to` and `works_with`.
        base: the keys of the role the form started from; keys the form does not show are
            kept from it.
        check: `f([(where, data)]) -> roles` that validates (`CatalogProvider.check` for
            the workspace); its CatalogError lands on the field it names.
    """
    errors: dict[str, str] = {}

    def get(block: str) -> str:
        state = values.get(block, {}).get(VALUE) or {}
        if "selected_option" in state:
            return ((state.get("selected_option") or {}).get("value") or "").strip()
        return (state.get("value") or "").strip()

    for name in REQUIRED:
        if not get(name):
            errors[name] = f"`{name}` is required: {REQUIRED[name]}."
    data: dict[str, Any] = dict(base or {})
    data["id"] = get("id").lower()
    for name in TEXT_FIELDS:
        if name in COMMA_LISTS:
            data[name] = split_commas(get(name))
        elif name in LINE_LISTS:
            data[name] = split_lines(get(name))
        elif name not in ("rank", "reports_to", "works_with", "responsibilities"):
            data[name] = get(name)
    if not data["not_responsible_for"] and "not_responsible_for" not in (base or {}):
        del data["not_responsible_for"]

    rank = get("rank")
    if rank:
        try:
            data["rank"] = int(rank)
        except ValueError:
            errors["rank"] = f"`rank` must be a whole number such as 5 (got “{rank}”)."

    reports_to = get("reports_to")
    ref = _reference(catalog, reports_to) if reports_to else None
    if reports_to and ref is None and "reports_to" not in errors:
        errors["reports_to"] = (
            f"`reports_to`: “{reports_to}” is not a role here; write a role's name or id "
            f"(such as COO), or “{BOARD}”."
        )
    data["reports_to"] = ref or reports_to

    partners = []
    for name in split_commas(get("works_with")):
        ref = _reference(catalog, name)
        if ref is None or ref == BOARD:
            errors["works_with"] = (
                f"`works_with`: “{name}” is not a role here; put people who are not catalog "
                "roles under “Also works with”."
            )
        partners.append(ref or name)
    data["works_with"] = partners

    items = []
    for number, line in enumerate(split_lines(get("responsibilities")), start=1):
        theme, colon, rest = line.partition(":")
        text, _, scope = rest.partition("|")
        theme = theme.strip().lower()
        if not colon or not text.strip():
            errors["responsibilities"] = (
                f"`responsibilities`, line {number}: write “theme: what the role does”, "
                "such as “budgets: Sets the annual budget.”"
            )
            break
        if theme not in catalog.themes:
            errors["responsibilities"] = (
                f"`responsibilities`, line {number}: “{theme}” is not a theme; use one of "
                + ", ".join(catalog.themes)
            )
            break
        item = {"theme": theme, "text": text.strip()}
        if scope.strip():
            item["scope"] = scope.strip()
        items.append(item)
    if items or "responsibilities" not in errors:
        data["responsibilities"] = items

    if errors:
        return RoleFormResult(errors=errors)
    try:
        [role] = check([(FORM_SOURCE, data)]) if check else [None]
    except CatalogError as error:
        return RoleFormResult(errors=form_errors(error))
    return RoleFormResult(data=data, role=role)


def form_errors(error: CatalogError) -> dict[str, str]:
    """A loader error as `{block_id: message}`: on the field it names, else on the title."""
    text = str(error)
    if text.startswith(f"{FORM_SOURCE}: "):
        text = text[len(FORM_SOURCE) + 2 :]
    match = _FIELD.search(text)
    block = match.group(1) if match and match.group(1) in FORM_BLOCKS else None
    if block is None and "theme" in text:
        block = "responsibilities"
    return {block or "title": text[:1000]}


def role_form_start(catalog: Catalog, request: RoleFormRequest) -> tuple[Role | None, str | None]:
    """The role the modal starts from, or what to tell the admin instead."""
    if not request.name:
        if request.mode == "edit":
            return None, (
                "Say which role to edit: `/role-compare edit COO`. "
                "`/role-compare add` starts a new one."
            )
        return None, None
    found = resolve(catalog, request.name)
    if found.role is not None:
        return found.role, None
    close = ", ".join(f"*{escape(s.label)}*" for s in found.suggestions)
    text = f"“{escape(request.name)}” is not in the catalog."
    if close:
        text += f" Closest: {close}."
    return None, text + " `/role-compare add` starts a new role from scratch."
