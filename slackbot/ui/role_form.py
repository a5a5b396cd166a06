"""Block Kit for a workspace's own roles: the role modal (`/role-compare add|edit`), the
view once a role is saved, and the note that marks a role as the workspace's own."""

from __future__ import annotations

import json
from typing import Any

from roles import Catalog, Role
from roles import catalog as catalog_module
from slackbot import ids
from slackbot.ui.common import Block, context, escape, input_block, modal, option, plain, section
from slackbot.ui.comparison import role_card_blocks
from slackbot.workspace_roles.form import responsibility_lines, role_name
from slackbot.workspace_roles.toml_io import role_to_data

OWN_ROLE = "this workspace's own role"


def own_role_note(catalog: Catalog, roles: tuple[Role, ...] | list[Role]) -> str | None:
    """`Product Manager is this workspace's own role.`, for the roles that are."""
    own = [r.short_name for r in roles if r.id in catalog.local]
    if not own:
        return None
    names = " and ".join(f"*{escape(n)}*" for n in own)
    verb = "is" if len(own) == 1 else "are"
    whose = OWN_ROLE if len(own) == 1 else "this workspace's own roles"
    return f":house: {names} {verb} {whose}, set by its admins."


def _text(
    block_id: str,
    label: str,
    value: str,
    *,
    hint: str | None = None,
    multiline: bool = False,
    optional: bool = True,
    max_length: int = 3000,
) -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": max_length}
    if multiline:
        element["multiline"] = True
    if value:
        element["initial_value"] = value[:max_length]
    return input_block(block_id, label, element, hint=hint, optional=optional)


def _select(block_id: str, label: str, choices: dict[str, str], value: str) -> Block:
    options = [option(text, key) for key, text in choices.items()]
    element: dict[str, Any] = {
        "type": "static_select",
        "options": options,
        "placeholder": plain("Choose"),
    }
    chosen = next((o for o in options if o["value"] == value), None)
    if chosen:
        element["initial_option"] = chosen
    return input_block(block_id, label, element)


def role_form_modal(
    catalog: Catalog,
    *,
    mode: str,
    role: Role | None = None,
    channel_id: str | None = None,
) -> dict[str, Any]:
    """The role modal, pre-filled from `role` when there is one.

    Args:
        catalog: the workspace's catalog (names in the reference fields).
        mode: `edit` (save `role` as this workspace's version of it) or `add` (a new role,
            started from `role` if given, with its names left for the admin to fill).
        role: the role to start from: shipped, or the workspace's own.
        channel_id: where the command was typed.
    """
    data = role_to_data(role) if role else {}
    if mode == "add":
        for key in ("id", "title", "abbreviation", "aliases"):
            data.pop(key, None)
    level_labels = getattr(catalog_module, "LEVEL_LABELS", {})
    if role is None:
        intro = "A role of this workspace's own. It shows in `/role-compare`, the picker and proposals here, nowhere else."
    elif mode == "edit" and role.id in catalog.local:
        intro = f"Change *{escape(role.label)}*, this workspace's own role."
    elif mode == "edit":
        intro = (
            f"This workspace's version of orgbot's *{escape(role.label)}*. It replaces the "
            "shipped role here only; orgbot's own stays as it is. Change the id to save it as "
            "a new role instead."
        )
    else:
        intro = f"A new role, started from *{escape(role.label)}*: give it its own names."
    blocks: list[Block] = [
        section(intro),
        _text(
            "id",
            "Role id",
            data.get("id", ""),
            hint="Lowercase letters, digits and hyphens, such as product-manager. A shipped role's id replaces that role for this workspace.",
            optional=False,
            max_length=64,
        ),
        _text("title", "Title", data.get("title", ""), optional=False, max_length=150),
        _text("abbreviation", "Abbreviation", data.get("abbreviation", ""), max_length=20),
        _text(
            "aliases",
            "Other names",
            ", ".join(data.get("aliases", [])),
            hint="Comma-separated; each must not already name another role.",
        ),
        _text("summary", "What it is", data.get("summary", ""), multiline=True, optional=False),
        _select(
            "function",
            "Function",
            {key: f.label for key, f in catalog.functions.items()},
            data.get("function", ""),
        ),
        _select(
            "rank",
            "Rank on the ladder",
            {str(n): f"{n}: {label}" for n, label in catalog_module.RANKS.items()},
            str(data.get("rank", "")),
        ),
        _select(
            "level",
            "Level",
            {k: level_labels.get(k, k) for k in catalog_module.LEVELS},
            data.get("level", ""),
        ),
        _select(
            "focus",
            "Focus",
            {k: k.capitalize() for k in catalog_module.FOCUSES},
            data.get("focus", ""),
        ),
        _select(
            "scope",
            "Scope",
            {k: k.capitalize() for k in catalog_module.SCOPES},
            data.get("scope", ""),
        ),
        _text("scope_note", "Scope, in a phrase", data.get("scope_note", ""), max_length=300),
        _text(
            "reports_to",
            "Reports to",
            role_name(catalog, data["reports_to"]) if data.get("reports_to") else "",
            hint="A role's name or id, such as COO, or “board”.",
            optional=False,
            max_length=150,
        ),
        _text("reporting_note", "About the reporting line", data.get("reporting_note", "")),
        _text(
            "works_with",
            "Works closely with (roles)",
            ", ".join(role_name(catalog, r) for r in data.get("works_with", [])),
            hint="Comma-separated role names or ids.",
        ),
        _text(
            "works_with_others",
            "Also works with (people, teams)",
            ", ".join(data.get("works_with_others", [])),
        ),
        _text(
            "decision_horizon",
            "Decision horizon",
            data.get("decision_horizon", ""),
            max_length=100,
        ),
        _text(
            "responsibilities",
            "Responsibilities",
            responsibility_lines(data),
            multiline=True,
            optional=False,
            hint="One a line: “theme: what the role does”, optionally “| scope”. Themes: "
            + ", ".join(catalog.themes),
        ),
        _text(
            "not_responsible_for",
            "Not responsible for (themes)",
            ", ".join(data.get("not_responsible_for", [])),
            hint="Comma-separated themes this role explicitly does not do.",
        ),
        _text("kpis", "Judged by (one a line)", "\n".join(data.get("kpis", [])), multiline=True),
        _text(
            "signs_you_need",
            "Signs you need one (one a line)",
            "\n".join(data.get("signs_you_need", [])),
            multiline=True,
        ),
        _text("onet_code", "O*NET-SOC code", data.get("onet_code", ""), max_length=20),
        _text("onet_title", "O*NET-SOC title", data.get("onet_title", ""), max_length=150),
        context("Only workspace admins and the people in ORGBOT_ADMINS can change roles."),
    ]
    metadata = {"mode": mode, "base": role.id if role else "", "channel": channel_id or ""}
    title = "Edit a role" if mode == "edit" else "Add a role"
    return modal(
        title,
        blocks,
        callback_id=ids.ROLE_FORM,
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps(metadata),
    )


def role_saved_modal(role: Role, catalog: Catalog, *, user_id: str) -> dict[str, Any]:
    """What the modal shows once the role is saved: its card, as people here will see it."""
    blocks: list[Block] = [
        section(
            f":white_check_mark: Saved *{escape(role.label)}* for this workspace. "
            f"`/role-compare {escape(role.short_name)}` shows it; it also counts in proposals."
        ),
        *role_card_blocks(role, catalog),
        context(f"Saved by <@{user_id}>."),
    ]
    return modal("Role saved", blocks, callback_id=ids.ROLE_SAVED, close="Done")
