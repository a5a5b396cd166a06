"""Answering `/role-compare` text: the core behind the command, the picker and the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roles import MAX_ROLES, Catalog, CompareRequest, compare, parse_compare
from slackbot import ids
from slackbot.ui import comparison as ui
from slackbot.ui.common import context, escape, simple_message
from slackbot.ui.role_form import own_role_note

# The picker's private_metadata when it was opened where orgbot cannot post.
NOT_HERE = "-"
CANNOT_SHARE = (
    "I can't post in a conversation between other people, so there is no Share button "
    "here. To share a comparison, run `/role-compare` in a channel (invite me with "
    "`/invite @orgbot` if I'm not there) or in your DM with me."
)


@dataclass(frozen=True)
class CompareAnswer:
    """Either a message to show (ephemeral, as the command's response) or the picker."""

    message: dict[str, Any] | None = None
    open_picker: bool = False


def answer_compare(catalog: Catalog, text: str, *, can_propose: bool = True) -> CompareAnswer:
    """What `/role-compare <text>` answers. Never raises on user input."""
    request = parse_compare(catalog, text)
    if request.kind == "pick":
        return CompareAnswer(open_picker=True)
    if request.kind == "help":
        return CompareAnswer(ui.help_message())
    if request.kind == "list":
        return CompareAnswer(ui.role_list_message(catalog))
    return CompareAnswer(roles_message(catalog, request, can_propose=can_propose))


def roles_message(
    catalog: Catalog, request: CompareRequest, *, can_propose: bool = True
) -> dict[str, Any]:
    if request.unresolved:
        return ui.unresolved_message(request, catalog)
    roles = request.roles
    notes = correction_notes(request)
    if own := own_role_note(catalog, roles):
        notes.append(own)
    if not roles:
        return ui.help_message()
    if len(roles) == 1:
        if request.repeated:
            notes.append(
                f"You named the {escape(roles[0].short_name)} twice; here is its card. "
                "To compare, name two different roles."
            )
        return ui.role_card_message(roles[0], catalog, notes=notes)
    if len(roles) > MAX_ROLES:
        return simple_message(
            f"I can compare up to {MAX_ROLES} roles at once; you named {len(roles)} "
            f"({escape(', '.join(r.short_name for r in roles))}). Pick {MAX_ROLES} or fewer."
        )
    if request.repeated:
        notes.append("A role you named twice is compared once.")
    return ui.comparison_message(
        compare(catalog, roles), catalog, notes=notes, can_propose=can_propose
    )


def correction_notes(request: CompareRequest) -> list[str]:
    return [
        f"Read {ui.quoted(r.query)} as *{escape(r.role.label)}*"
        + (f": {escape(r.note)}" if r.note else ", the same title spelt differently.")
        for r in request.corrections
        if r.role is not None
    ]


def shared_message(catalog: Catalog, value: str, *, user_id: str) -> dict[str, Any] | None:
    """The in-channel copy of a comparison or card, from a Share button's value."""
    role_ids = [i for i in value.split(",") if i in catalog]
    if len(role_ids) == 1:
        role = catalog[role_ids[0]]
        notes = [n for n in [own_role_note(catalog, [role])] if n]
        message = ui.role_card_message(role, catalog, notes=notes)
        message["blocks"][-1] = context(f"Shared by <@{user_id}>")
        return message
    if len(role_ids) < 2:
        return None
    roles = tuple(catalog[i] for i in role_ids)
    notes = [n for n in [own_role_note(catalog, roles)] if n]
    return ui.comparison_message(compare(catalog, roles), catalog, notes=notes, shared_by=user_id)


def full_view(catalog: Catalog, value: str) -> dict[str, Any] | None:
    """The "Full comparison" modal for a button's value (comma-separated role ids), or
    None when fewer than two of those roles are still in the catalog."""
    roles = tuple(dict.fromkeys(catalog[i] for i in value.split(",") if i in catalog))
    if not 2 <= len(roles) <= MAX_ROLES:
        return None
    return ui.full_comparison_modal(compare(catalog, roles), catalog)


@dataclass(frozen=True)
class PickerAnswer:
    """The picker's submission: inline `errors` by block id, or the result `view`."""

    errors: dict[str, str] | None = None
    view: dict[str, Any] | None = None


def picker_answer(catalog: Catalog, view: dict[str, Any]) -> PickerAnswer:
    values = (view.get("state") or {}).get("values") or {}
    picked: list[tuple[str, str]] = []
    for block_id in ids.PICKER_ROLE_BLOCKS:
        selected = (values.get(block_id, {}).get(ids.PICKER_ROLE_ACTION) or {}).get(
            "selected_option"
        )
        if selected:
            picked.append((block_id, selected["value"]))
    errors: dict[str, str] = {}
    seen: dict[str, str] = {}
    for block_id, role_id in picked:
        if role_id not in catalog:
            errors[block_id] = "That role is no longer in the catalog; pick another."
        elif role_id in seen:
            errors[block_id] = (
                f"You picked the {catalog[role_id].short_name} already; pick a different role."
            )
        seen.setdefault(role_id, block_id)
    if len(picked) < 2 and not errors:
        missing = ids.PICKER_ROLE_BLOCKS[len(picked)] if len(picked) < 2 else None
        errors[missing or ids.PICKER_ROLE_BLOCKS[1]] = "Pick at least two roles to compare."
    if errors:
        return PickerAnswer(errors=errors)
    where = view.get("private_metadata") or ""
    return PickerAnswer(
        view=comparison_view(
            catalog,
            ",".join(role_id for _, role_id in picked),
            channel_id=where if where not in ("", NOT_HERE) else None,
            note=CANNOT_SHARE if where == NOT_HERE else None,
        )
    )


def comparison_view(
    catalog: Catalog, value: str, *, channel_id: str | None, note: str | None = None
) -> dict[str, Any]:
    """The picker modal's result for the role ids in `value` (comma-separated)."""
    roles = tuple(catalog[i] for i in value.split(",") if i in catalog)
    note = " ".join(n for n in (own_role_note(catalog, roles), note) if n) or None
    return ui.comparison_modal(compare(catalog, roles), catalog, channel_id=channel_id, note=note)
