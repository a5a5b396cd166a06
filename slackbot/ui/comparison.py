"""Block Kit for `/role-compare`: the comparison, a role card, the list, help, the picker,
and the answer when a name matches nothing. Pure functions from `roles` objects to dicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from roles import ONET_CREDIT, Catalog, CompareRequest, Comparison, Role
from roles.catalog import LEVEL_LABELS, ONET_LICENSE, ONET_LICENSE_URL
from roles.compare import MAX_ROLES
from roles.summary import Column, summarize, verdict
from slackbot import ids
from slackbot.blockkit import limits
from slackbot.ui.common import (
    Block,
    actions,
    bullets,
    button,
    context,
    divider,
    escape,
    fields_section,
    header,
    long_sections,
    message,
    modal,
    option,
    plain,
    section,
)

EXAMPLES = ("COO vs Operations Director", "coo, cfo, cmo", "ops director and coo")


def comparison_message(
    comparison: Comparison,
    catalog: Catalog,
    *,
    notes: Sequence[str] = (),
    shared_by: str | None = None,
    can_propose: bool = True,
) -> dict[str, Any]:
    """The skimmable comparison as a message (verdict, side-by-side, themes at a glance)
    with a "Full comparison" button: ephemeral with Share/Propose buttons too, or, once
    `shared_by` is set, the in-channel copy that says who shared it."""
    blocks = comparison_blocks(comparison, catalog, notes=notes)
    value = ",".join(comparison.role_ids)
    full = button("Full comparison", ids.OPEN_FULL_COMPARISON, value)
    if shared_by:
        blocks.append(actions(full, block_id="comparison_actions"))
        blocks.append(
            context(f"Shared by <@{shared_by}> · `/role-compare {escape(comparison.title)}`")
        )
    else:
        buttons = [full, button("Share in channel", ids.SHARE_COMPARISON, value, style="primary")]
        if can_propose:
            buttons.append(button("Propose an org change", ids.PROPOSE_FROM_COMPARISON, value))
        blocks.append(actions(*buttons, block_id="comparison_actions"))
    return message(comparison_text(comparison, catalog), blocks)


def comparison_text(comparison: Comparison, catalog: Catalog) -> str:
    """The plain-text fallback: what the notification and screen readers say."""
    return f"{comparison.title}: {verdict(catalog, comparison.roles)}"


def comparison_blocks(
    comparison: Comparison, catalog: Catalog, *, notes: Sequence[str] = ()
) -> list[Block]:
    """The answer people skim: the verdict first, then level, focus, scope and reports-to
    side by side, then the themes they share and the rest of each role's list."""
    summary = summarize(catalog, comparison)
    blocks: list[Block] = [header(comparison.title)]
    blocks.extend(context(note) for note in notes)
    blocks.append(section(f"*{escape(summary.verdict)}*"))
    blocks.append(fields_section(None, [_column(c, catalog) for c in summary.columns]))
    lines = [f"*{escape(g.heading)}:* " + escape(" · ".join(g.labels)) for g in summary.glance]
    if lines:
        blocks.extend(long_sections("\n".join(lines)))
    blocks.append(
        context(
            "Every duty, what each role is judged by and the signs you need it: *Full comparison*."
        )
    )
    return blocks


def full_comparison_blocks(comparison: Comparison, catalog: Catalog) -> list[Block]:
    """Everything behind the "Full comparison" button: long summaries, every attribute,
    key differences, every duty by theme, KPIs, signs you need each role, O*NET codes."""
    roles = comparison.roles
    names = [r.short_name for r in roles]
    blocks: list[Block] = [
        header(comparison.title),
        context(" · ".join(escape(r.label) for r in roles)),
    ]
    for row in comparison.attributes:
        blocks.append(
            fields_section(
                f"*{row.label}*",
                [f"*{escape(n)}*\n{escape(v)}" for n, v in zip(names, row.values, strict=True)],
            )
        )
    blocks.append(divider())
    if comparison.differences:
        blocks.extend(
            long_sections("*Key differences*\n" + bullets(map(escape, comparison.differences)))
        )
    if comparison.shared:
        lines = ["*Where they overlap*"]
        for entry in comparison.shared:
            lines.append(f"• *{escape(entry.label)}*: {escape(entry.verdict_text.lower())}")
            scopes = dict((r.id, s) for r, s in entry.scopes)
            for role, duties in entry.duties:
                scope = f" ({escape(scopes[role.id])})" if scopes.get(role.id) else ""
                lines.append(f"      {escape(role.short_name)}{scope}: {escape('; '.join(duties))}")
        blocks.extend(long_sections("\n".join(lines)))
    for word, per_role in (("Only", comparison.only), ("Mainly", comparison.mainly)):
        for role, duties in per_role:
            if duties:
                blocks.extend(
                    long_sections(
                        f"*{word} the {escape(role.short_name)}*\n"
                        + bullets(escape(d.text) for d in duties)
                    )
                )
    choose = ["*When to choose which*"]
    for role, signs in comparison.choose:
        choose.append(f"_Signs you need the {escape(role.short_name)}:_")
        choose.append(bullets(escape(s) for s in signs))
    blocks.extend(long_sections("\n".join(choose)))
    blocks.append(context(_onet_line(roles)))
    return blocks


def full_comparison_modal(comparison: Comparison, catalog: Catalog) -> dict[str, Any]:
    return modal(
        "Full comparison",
        full_comparison_blocks(comparison, catalog),
        callback_id="role_comparison_full",
        close="Close",
    )


def _column(column: Column, catalog: Catalog) -> str:
    own = " · _this workspace's own_" if column.role.id in catalog.local else ""
    return "\n".join(
        (
            f"*{escape(column.role.short_name)}* · {escape(column.function)}{own}",
            f"Level: {escape(column.level)}",
            f"Focus: {escape(column.focus)}",
            f"Scope: {escape(column.scope)}",
            f"Reports to: {escape(column.reports_to)}",
            f"_{escape(column.in_short)}_",
        )
    )


def role_card_message(role: Role, catalog: Catalog, *, notes: Sequence[str] = ()) -> dict[str, Any]:
    blocks = role_card_blocks(role, catalog, notes=notes)
    blocks.append(
        actions(
            button("Share in channel", ids.SHARE_COMPARISON, role.id, style="primary"),
            button("Compare it with…", ids.OPEN_ROLE_PICKER, role.id),
            block_id="role_card_actions",
        )
    )
    return message(f"{role.label}: {role.summary}", blocks)


def role_card_blocks(role: Role, catalog: Catalog, *, notes: Sequence[str] = ()) -> list[Block]:
    blocks: list[Block] = [header(role.label)]
    blocks.extend(context(n) for n in notes if n)
    blocks.append(section(escape(role.summary)))
    blocks.append(
        fields_section(
            None,
            [
                f"*Level*\n{LEVEL_LABELS[role.level]}",
                f"*Focus*\n{role.focus.capitalize()} — {role.focus_meaning}",
                f"*Scope*\n{role.scope.capitalize()} — {escape(role.scope_note)}",
                f"*Reports to*\n{escape(catalog.manager_label(role))}. {escape(role.reporting_note)}",
                f"*Works closely with*\n{escape(_partners(role, catalog))}",
                f"*Decision horizon*\n{escape(role.decision_horizon)}",
            ],
        )
    )
    lines = [
        f"• {escape(r.text)}  _({escape(catalog.theme_label(r.theme))})_"
        for r in role.responsibilities
    ]
    blocks.extend(long_sections("*Responsibilities*\n" + "\n".join(lines)))
    blocks.extend(long_sections("*Judged by*\n" + bullets(map(escape, role.kpis))))
    blocks.extend(
        long_sections("*Signs you need one*\n" + bullets(map(escape, role.signs_you_need)))
    )
    if role.aliases:
        blocks.append(context("Also called: " + escape(", ".join(role.aliases))))
    blocks.append(context(_onet_line((role,))))
    return blocks


def role_list_message(catalog: Catalog) -> dict[str, Any]:
    by_level: dict[str, list[Role]] = {}
    for role in catalog:
        by_level.setdefault(role.level, []).append(role)
    blocks: list[Block] = [header(f"The role catalog: {len(catalog)} roles")]
    for level, roles in by_level.items():
        lines = [f"*{LEVEL_LABELS[level]}*"]
        for role in roles:
            own = " · _this workspace's own_" if role.id in catalog.local else ""
            lines.append(f"• *{escape(role.label)}*: {role.focus}, {role.scope}{own}")
        blocks.extend(long_sections("\n".join(lines)))
    blocks.append(context("Compare two to four: `/role-compare COO vs Operations Director`"))
    return message(f"The role catalog: {len(catalog)} roles", blocks)


def help_message() -> dict[str, Any]:
    examples = "\n".join(f"• `/role-compare {e}`" for e in EXAMPLES)
    text = (
        "*Compare leadership roles*\n"
        f"Name two to {MAX_ROLES} roles, separated by `vs`, commas, `and` or `/`:\n{examples}\n"
        "• `/role-compare COO`: one role's card\n"
        "• `/role-compare list`: every role in the catalog\n"
        "• `/role-compare`: pick roles from a list\n"
        "• `/role-compare add`, `/role-compare edit COO`: admins add or change this "
        "workspace's own roles\n"
        "Abbreviations, other names and small typos are understood."
    )
    return message("How to use /role-compare", [section(text)])


# What someone typed, echoed back in an answer: at most this many characters.
ECHO_LIMIT = 80


def quoted(typed: str) -> str:
    """`“Chief Happiness Wizard”`, escaped; a very long name is cut (`“xxxx…”`), so that an
    answer never grows with what was pasted into the command."""
    if len(typed) > ECHO_LIMIT:
        typed = typed[: ECHO_LIMIT - 1].rstrip() + "…"
    return f"“{escape(typed)}”"


def unresolved_message(request: CompareRequest, catalog: Catalog) -> dict[str, Any]:
    """Names that matched nothing, or several roles: what was meant, and how to ask again."""
    lines = []
    for r in request.unresolved:
        typed = quoted(r.query)
        if r.suggestions and r.ambiguous:
            options = ", ".join(f"*{escape(s.label)}*" for s in r.suggestions)
            lines.append(f"• {typed} could be {options}.")
        elif r.suggestions:
            options = ", ".join(f"*{escape(s.label)}*" for s in r.suggestions)
            how = f"nearest by {r.nearest_by}" if r.nearest_by else "closest matches"
            lines.append(f"• {typed} is not in the catalog; {how}: {options}.")
        else:
            lines.append(f"• {typed} is not in the catalog, and nothing is close.")
    known = [r.role.short_name for r in request.resolutions if r.role]
    suggestion = _retry_example(request)
    text = "I couldn't tell which roles you meant:\n" + "\n".join(lines)
    if suggestion:
        text += f"\nTry: `/role-compare {escape(suggestion)}`"
    blocks: list[Block] = [section(text)]
    if known:
        blocks.append(context("Understood: " + escape(", ".join(known))))
    blocks.append(
        context(
            "`/role-compare list` shows every role; `/role-compare` with nothing opens a picker."
        )
    )
    return message("I couldn't tell which roles you meant. " + _plain_lines(request), blocks)


def picker_modal(
    catalog: Catalog,
    *,
    channel_id: str | None,
    initial: Sequence[str] = (),
) -> dict[str, Any]:
    options = [
        option(role.label + (" · our own" if role.id in catalog.local else ""), role.id)
        for role in catalog
    ]
    choices: dict[str, Any] = {"options": options}
    if len(options) > limits.OPTIONS:  # a workspace's own roles on top of the shipped ones
        choices = {"option_groups": _option_groups(catalog, options)}
    blocks: list[Block] = []
    for n, block_id in enumerate(ids.PICKER_ROLE_BLOCKS):
        element: dict[str, Any] = {
            "type": "static_select",
            "action_id": ids.PICKER_ROLE_ACTION,
            "placeholder": {"type": "plain_text", "text": "Choose a role"},
            **choices,
        }
        if n < len(initial) and initial[n] in catalog:
            element["initial_option"] = next(o for o in options if o["value"] == initial[n])
        blocks.append(
            {
                "type": "input",
                "block_id": block_id,
                "optional": n >= 2,
                "label": {"type": "plain_text", "text": f"Role {n + 1}"},
                "element": element,
            }
        )
    return modal(
        "Compare roles",
        blocks,
        callback_id=ids.ROLE_PICKER,
        submit="Compare",
        close="Cancel",
        private_metadata=channel_id or "",
    )


def _option_groups(catalog: Catalog, options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Over 100 roles: this workspace's own, then the shipped ones, 100 a group."""
    own = [o for o in options if o["value"] in catalog.local]
    shipped = [o for o in options if o["value"] not in catalog.local]
    groups = []
    for label, items in (("This workspace's roles", own), ("orgbot's catalog", shipped)):
        chunks = [items[i : i + limits.OPTIONS] for i in range(0, len(items), limits.OPTIONS)]
        for n, chunk in enumerate(chunks, start=1):
            suffix = f" ({n})" if len(chunks) > 1 else ""
            groups.append({"label": plain(label + suffix), "options": chunk})
    return groups


def comparison_modal(
    comparison: Comparison, catalog: Catalog, *, channel_id: str | None, note: str | None = None
) -> dict[str, Any]:
    """The picker's result, shown in the same modal."""
    blocks = comparison_blocks(comparison, catalog)
    if note:
        blocks.insert(1, section(note))
    value = ",".join(comparison.role_ids)
    buttons = [button("Full comparison", ids.OPEN_FULL_COMPARISON, value)]
    if channel_id:
        buttons.append(button("Share in channel", ids.SHARE_COMPARISON, value, style="primary"))
    blocks.append(actions(*buttons, block_id="comparison_actions"))
    return modal(
        "Role comparison",
        blocks,
        callback_id="role_comparison_result",
        close="Done",
        private_metadata=channel_id or "",
    )


def _plain_lines(request: CompareRequest) -> str:
    parts = []
    for r in request.unresolved:
        if r.suggestions:
            parts.append(
                f"{quoted(r.query)}: did you mean {', '.join(s.short_name for s in r.suggestions)}?"
            )
        else:
            parts.append(f"{quoted(r.query)} is not in the catalog.")
    return " ".join(parts)


def _retry_example(request: CompareRequest) -> str:
    names = []
    for r in request.resolutions:
        if r.role:
            names.append(r.role.short_name)
        elif r.suggestions:
            names.append(r.suggestions[0].short_name)
        else:
            return ""
    return " vs ".join(names)


def _partners(role: Role, catalog: Catalog) -> str:
    names = [catalog[i].short_name for i in role.works_with] + list(role.works_with_others)
    return ", ".join(names)


def _onet_line(roles: Sequence[Role]) -> str:
    coded = [
        f"{escape(r.short_name)}: {r.onet_code} {escape(r.onet_title)}"
        for r in roles
        if r.onet_code
    ]
    if not coded:
        return "From orgbot's role catalog."
    credit = escape(ONET_CREDIT).replace(ONET_LICENSE, f"<{ONET_LICENSE_URL}|{ONET_LICENSE}>", 1)
    return "O*NET-SOC " + " · ".join(coded) + ". " + credit
