"""Block Kit for spans and layers: what a proposal does to them, the shape of an org in a
line, and the flags of a proposal outside the workspace's guardrails. Pure builders."""

from __future__ import annotations

from collections.abc import Sequence

from slackbot.org.shape import Guardrails, Shape, describe_bands, guardrail_flags, shape_effects
from slackbot.ui.common import Block, bullets, escape, section

MAX_UNDER = 6  # managers listed with their headcount under them


def shape_line(org: Shape) -> str:
    """The shape of an org in one line of mrkdwn: layers, managers, the span bands,
    managers with one report, the widest and narrowest spans."""
    if not org.positions:
        return ""
    parts = [f"{org.layers} layer{'' if org.layers == 1 else 's'}"]
    if not org.managers:
        return parts[0] + " · no managers yet"
    parts.append(f"{len(org.managers)} manager{'' if len(org.managers) == 1 else 's'}")
    parts.append(f"managers by span: {describe_bands(org)}")
    single = len(org.single_report)
    if single:
        parts.append(f"{single} with one report")
    widest, narrowest = org.widest, org.narrowest
    if widest is not None and narrowest is not None and widest.span != narrowest.span:
        parts.append(
            f"widest {escape(widest.title)} ({widest.span}), "
            f"narrowest {escape(narrowest.title)} ({narrowest.span})"
        )
    elif widest is not None:
        parts.append(f"every span {widest.span}")
    return "Spans and layers: " + " · ".join(parts)


def under_line(org: Shape) -> str:
    """Headcount under the managers with the most people under them (open roles included)."""
    top = sorted(org.managers, key=lambda m: -m.under)[:MAX_UNDER]
    if not top:
        return ""
    more = len(org.managers) - len(top)
    listed = " · ".join(f"{escape(m.title)} {m.under}" for m in top)
    return "Headcount under (open roles included): " + listed + (f" · +{more} more" if more else "")


def effects_blocks(before: Shape, after: Shape) -> list[Block]:
    """`*Spans and layers* (current org → proposed)` with one bullet a change; nothing when
    they stay the same."""
    lines = shape_effects(before, after)
    if not lines:
        return []
    return [
        section(
            "*Spans and layers* (current org → proposed)\n"
            + bullets(escape(line) for line in lines)
        )
    ]


def flag_lines(org: Shape, guardrails: Guardrails) -> list[str]:
    """Where `org` is outside `guardrails`, each line escaped for mrkdwn."""
    if not guardrails:
        return []
    return [escape(flag) for flag in guardrail_flags(org, guardrails)]


def flags_text(flags: Sequence[str], guardrails: Guardrails) -> str:
    """`:warning: *Outside the workspace's guardrails* (…)` and a bullet a flag."""
    if not flags:
        return ""
    return (
        f":warning: *Outside the workspace's guardrails* ({guardrails.describe()})\n"
        + "\n".join(f":warning: {flag}" for flag in flags)
    )


def flags_blocks(org: Shape, guardrails: Guardrails) -> list[Block]:
    text = flags_text(flag_lines(org, guardrails), guardrails)
    return [section(text)] if text else []
