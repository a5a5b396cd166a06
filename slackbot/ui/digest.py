"""The channel digest: what is new, what waits (overdue first), what was decided."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slackbot.proposals.model import STATUS_EMOJI, Event, Proposal
from slackbot.ui.common import context, divider, escape, header, long_sections, message, section
from slackbot.ui.proposal_card import day, when


@dataclass(frozen=True)
class DigestTotals:
    """How many there are in all; the lists given to `digest_message` may be fewer."""

    new: int
    waiting: int
    decided: int


def more_line(shown: int, total: int) -> str:
    """The line under a shortened list, saying how many are left out and where they are."""
    if total <= shown:
        return ""
    return (
        f"…and {total - shown} more: `/org-proposal list` lists them, and each reviewer's "
        "orgbot Home tab shows what waits on them."
    )


def _listed(title: str, total: int, lines: list[str]) -> str:
    more = more_line(len(lines), total)
    return f"*{title}* ({total})\n" + "\n".join(lines) + (f"\n{more}" if more else "")


def digest_message(
    *,
    period: str,
    span: str,
    since: datetime,
    now: datetime,
    new: Sequence[Proposal],
    waiting: Sequence[Proposal],
    decisions: Sequence[tuple[Event, Proposal]],
    link: Callable[[Proposal], str | None],
    totals: DigestTotals | None = None,
) -> dict[str, Any]:
    """The digest. `new`, `waiting` and `decisions` may be the first few of each; `totals`
    says how many there are in all (by default, as many as given)."""
    totals = totals or DigestTotals(len(new), len(waiting), len(decisions))

    def name(p: Proposal) -> str:
        text = f"#{p.number} {escape(p.title)}"
        url = link(p)
        return f"<{url}|{text}>" if url else text

    if not (totals.new or totals.waiting or totals.decided):
        text = (
            f"Org proposals, {period}: a quiet {span}. Nothing new, nothing waiting, no decisions."
        )
        return message(text, [section(f":calendar: {text}")])

    blocks = [header(f"Org proposals: {period}")]
    if new:
        lines = [f"• {name(p)} by <@{p.author_id}>" for p in sorted(new, key=lambda p: p.number)]
        blocks.extend(long_sections(_listed("New", totals.new, lines)))
    if waiting:
        today = now.date()  # `now` is in the workspace's time zone
        ordered = sorted(waiting, key=lambda p: (p.review_by >= today, p.review_by, p.number))
        lines = []
        for p in ordered:
            waited = max(0, (now - p.updated_at).days)
            overdue = p.review_by < today
            flag = (
                f":warning: *overdue since {day(p.review_by)}*"
                if overdue
                else f"review by {day(p.review_by)}"
            )
            who = ", ".join(f"<@{r}>" for r in p.waiting_on) or "the author (changes requested)"
            if p.status == "changes_requested":
                who = f"<@{p.author_id}> (changes requested)"
            lines.append(
                f"• {name(p)}: waiting {waited} day{'s' if waited != 1 else ''} on {who} · {flag}"
            )
        blocks.extend(long_sections(_listed("Awaiting review", totals.waiting, lines)))
    if decisions:
        lines = []
        for e, p in decisions:
            if e.kind == "withdrawn":
                lines.append(
                    f"• :leftwards_arrow_with_hook: {name(p)}: withdrawn by <@{e.actor_id}>"
                )
            else:
                outcome = e.detail.get("to", "")
                if outcome == "approved" and p.awaiting_effect:
                    outcome = p.status_words  # approved, effective 1 March 2027
                lines.append(
                    f"• {STATUS_EMOJI.get(e.detail.get('to', ''), '')} {name(p)}: {outcome}"
                )
        blocks.extend(long_sections(_listed("Decided", totals.decided, lines)))
    blocks += [
        divider(),
        context(f"Since {when(since)} · `/org-proposal list` for everything open"),
    ]
    summary = (
        f"Org proposals, {period}: {totals.new} new, {totals.waiting} awaiting review, "
        f"{totals.decided} decided"
    )
    return message(summary, blocks)
