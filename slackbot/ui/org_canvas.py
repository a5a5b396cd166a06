"""The canvas of the current org, as Slack's canvas markdown (docs.slack.dev, "Canvas
surface": headings h1-h3, bulleted lists, bold, links, markdown tables; no Block Kit).

Pure: an org version and what to say about it in, one markdown document out. Holders are
shown by name, never as mentions (a canvas mention notifies); everything people wrote is
escaped so that it reads as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from slackbot.org.shape import describe_bands, shape
from slackbot.org.structure import Structure

MAX_MARKDOWN = 1_048_576  # canvases take at most 1 MiB of markdown
MAX_TREE_LINES = 2_000  # beyond this the tree is cut (the picture and `orgbot org export` have all)
_SPECIAL = re.compile(r"([\\`*_\[\]#|<>~!])")


def md(text: str) -> str:
    """User text as literal canvas markdown: markup characters escaped, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


@dataclass(frozen=True)
class LastChange:
    number: int
    title: str
    link: str | None
    effective_on: str  # e.g. "25 November 2026"


def org_canvas_markdown(
    structure: Structure,
    *,
    version: int,
    names: Callable[[str], str | None] | None = None,
    last_change: LastChange | None = None,
) -> str:
    """The whole canvas: the tree, open roles, spans and layers, the last approved change."""
    name_of = names or (lambda _user: None)

    def holder(user_id: str) -> str:
        return md(name_of(user_id) or user_id)

    out: list[str] = [
        f"Version {version} of the org: {len(structure)} positions, "
        f"{structure.headcount()} seats. orgbot keeps this canvas up to date; edits made "
        "here are replaced at the next approval.",
        "",
        "## Last approved change",
    ]
    if last_change is None:
        out.append("None yet.")
    else:
        label = f"#{last_change.number} {md(last_change.title)}"
        shown = f"[{label}]({last_change.link})" if last_change.link else label
        out.append(f"{shown}, in effect since {last_change.effective_on}.")
    out += ["", "## The chart"]
    by_key = structure.by_key
    lines = 0
    # iterative, top positions first, in the order written
    stack = [(root, 0) for root in reversed(structure.roots())]
    while stack:
        position, depth = stack.pop()
        lines += 1
        if lines > MAX_TREE_LINES:
            out.append(f"- … and {len(structure) - MAX_TREE_LINES} more positions")
            break
        parts = [f"**{md(position.label())}**"]
        if position.holders:
            parts.append(", ".join(holder(h) for h in position.holders))
        if position.vacancies:
            parts.append(md(position.seats_text()))
        line = " · ".join(parts)
        if position.dotted:
            line += " ┄ dotted to " + ", ".join(
                md(by_key[k].title if k in by_key else k) for k in position.dotted
            )
        out.append("  " * depth + "- " + line)
        for child in reversed(structure.children(position.key)):
            stack.append((child, depth + 1))
    vacant = [p for p in structure.positions if p.vacancies]
    out += ["", "## Open roles"]
    if not vacant:
        out.append("None: every seat is held.")
    else:
        out += ["| Position | Reports to | Vacant seats |", "| --- | --- | --- |"]
        for position in vacant:
            manager = by_key.get(position.reports_to or "")
            out.append(
                f"| {md(position.title)} | {md(manager.title) if manager else '—'} "
                f"| {md(position.seats_text())} |"
            )
    org = shape(structure)
    out += [
        "",
        "## Spans and layers",
        f"- Layers: {org.layers}",
        f"- Managers: {len(org.managers)}; spans: {md(describe_bands(org))}",
        f"- Managers with a single report: {len(org.single_report)}",
    ]
    if org.managers:
        out += [
            "",
            "| Manager | Layer | Span (seats) | Headcount under |",
            "| --- | --- | --- | --- |",
        ]
        for manager in org.managers[:200]:
            out.append(
                f"| {md(manager.title)} | {manager.layer} | {manager.span} | {manager.under} |"
            )
    text = "\n".join(out) + "\n"
    return text[:MAX_MARKDOWN]
