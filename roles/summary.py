"""The skimmable top of a comparison: a one-line verdict with the key contrast, and a
compact side-by-side of level, focus, scope and reports-to (one column a role).

Pure functions over catalog roles; `slackbot/ui/comparison.py` renders them, the full
comparison (`roles.compare`) stays one click away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from roles.catalog import BOARD, LEVEL_LABELS, Catalog, Role
from roles.compare import BOTH, DIFFERENT_SCOPE, ONLY, Comparison

# The ladder in a word or two, for the side-by-side ("C-suite · Executive").
RANK_SHORT = {
    0: "Board",
    1: "Head of the organization",
    2: "Deputy head",
    3: "C-suite",
    4: "Vice president",
    5: "Director",
    6: "Manager",
    7: "Individual contributor",
}
# The same, as a plural noun for "both are …" ("both C-suite officers").
RANK_PLURAL = {
    0: "board leaders",
    1: "heads of their organization",
    2: "deputy heads",
    3: "C-suite officers",
    4: "vice presidents",
    5: "directors",
    6: "managers",
    7: "individual contributors",
}
# How far a role's remit reaches, as an adjective ("strategic and company-wide").
SCOPE_WORD = {
    "whole organization": "company-wide",
    "business unit": "unit-wide",
    "department": "departmental",
    "team": "team-level",
}
# A function as a short noun for "(finance)"; a key not listed reads as itself.
FUNCTION_WORD = {
    "general-management": "general management",
    "people": "people and HR",
    "technology": "technology and IT",
    "customer": "customer experience",
    "security": "information security",
    "project-delivery": "project delivery",
    "supply-chain": "supply chain",
}


@dataclass(frozen=True)
class Column:
    """One role's column of the side-by-side."""

    role: Role
    function: str  # "operations"
    level: str  # "C-suite · Executive"
    focus: str  # "Strategic"
    scope: str  # "Whole organization"
    reports_to: str  # "CEO", "the board of directors"
    in_short: str  # the first sentence of the role's summary


@dataclass(frozen=True)
class Glance:
    """One line of themes at a glance: `Both cover: …`, `Mainly the COO: …`."""

    heading: str
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    verdict: str
    columns: tuple[Column, ...]
    glance: tuple[Glance, ...]


def summarize(catalog: Catalog, comparison: Comparison) -> Summary:
    return Summary(
        verdict=verdict(catalog, comparison.roles),
        columns=side_by_side(catalog, comparison.roles),
        glance=themes_at_a_glance(comparison),
    )


def themes_at_a_glance(comparison: Comparison) -> tuple[Glance, ...]:
    """The comparison's theme verdicts as a few lines of labels: what they share (with who,
    when not all of them, and "different scope" where the catalog says so), then per role
    what is "only" or "mainly" theirs, worded as the full comparison words it."""
    roles = comparison.roles
    shared: list[str] = []
    own: dict[tuple[str, str], list[str]] = {}
    for entry in comparison.themes:
        if entry.verdict in (BOTH, DIFFERENT_SCOPE):
            notes = []
            if len(entry.owners) < len(roles):
                notes.append(", ".join(r.short_name for r in entry.owners))
            if entry.verdict == DIFFERENT_SCOPE:
                notes.append("different scope")
            shared.append(f"{entry.label} ({'; '.join(notes)})" if notes else entry.label)
        else:
            word = "Only" if entry.verdict == ONLY else "Mainly"
            own.setdefault((word, entry.owners[0].id), []).append(entry.label)
    lines = []
    if shared:
        heading = "Both cover" if len(roles) == 2 else "Shared"
        suffix = " (different scope)"
        if len(shared) > 1 and all(label.endswith(suffix) for label in shared):
            # said once for the line, not after every theme
            heading += ", each at its own scope"
            shared = [label.removesuffix(suffix) for label in shared]
        lines.append(Glance(heading, tuple(shared)))
    for role in roles:
        for word in ("Only", "Mainly"):
            labels = own.get((word, role.id))
            if labels:
                lines.append(Glance(f"{word} the {role.short_name}", tuple(labels)))
    return tuple(lines)


def side_by_side(catalog: Catalog, roles: Sequence[Role]) -> tuple[Column, ...]:
    return tuple(
        Column(
            role=role,
            function=function_word(role.function),
            level=level_label(role),
            focus=role.focus.capitalize(),
            scope=role.scope.capitalize(),
            reports_to=catalog.manager_label(role),
            in_short=first_sentence(role.summary),
        )
        for role in roles
    )


def level_label(role: Role) -> str:
    """`C-suite · Executive`; one word when rank and level say the same thing."""
    rank, level = RANK_SHORT.get(role.rank, str(role.rank)), LEVEL_LABELS[role.level]
    return rank if rank.lower() == level.lower() else f"{rank} · {level}"


def function_word(function: str) -> str:
    return FUNCTION_WORD.get(function, function.replace("-", " "))


def first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def verdict(catalog: Catalog, roles: Sequence[Role]) -> str:
    """One sentence that carries the key contrast between the roles.

    `The COO is strategic and company-wide; the Operations Director is tactical and
    departmental, and reports to the COO.` Only what the catalog says about each role:
    focus and scope where they differ, the function where it tells the roles apart, and
    the reporting line between them.
    """
    roles = tuple(roles)
    dims = []
    if len({r.focus for r in roles}) > 1:
        dims.append(lambda r: r.focus)
    if len({r.scope for r in roles}) > 1:
        dims.append(lambda r: SCOPE_WORD[r.scope])
    functions_differ = len({r.function for r in roles}) > 1
    # name the function when it is what tells the roles apart, or for a pair
    show_function = functions_differ and (not dims or len(roles) == 2)

    def name(role: Role) -> str:
        if show_function:
            return f"the {role.short_name} ({function_word(role.function)})"
        return f"the {role.short_name}"

    linked = {r.id: phrase for r in roles if (phrase := _reporting_line(catalog, r, roles))}
    if not dims:
        both = "both" if len(roles) == 2 else "all"
        same = f"{roles[0].focus} and {SCOPE_WORD[roles[0].scope]}"
        sentence = f"{_join([name(r) for r in roles])} are {both} {same}"
        if len({r.rank for r in roles}) == 1:
            sentence += f" {RANK_PLURAL.get(roles[0].rank, 'roles')}"
        clauses = [sentence, *_link_clauses([r for r in roles if r.id in linked], linked)]
    else:
        # roles that read the same are grouped: "the COO, CFO and CMO are strategic and
        # company-wide"; a role's line to another compared role follows its own clause
        groups: dict[str, list[Role]] = {}
        for role in roles:
            key = " and ".join(dim(role) for dim in dims)
            groups.setdefault(f"{role.id}:{key}" if show_function else key, []).append(role)
        clauses = []
        for key, members in groups.items():
            described = key.split(":", 1)[-1]
            if len(members) == 1:
                clause = f"{name(members[0])} is {described}"
                if members[0].id in linked:
                    clause += f", and {linked[members[0].id]}"
                clauses.append(clause)
            else:
                clauses.append(f"the {_join([m.short_name for m in members])} are {described}")
                clauses.extend(_link_clauses([m for m in members if m.id in linked], linked))
    if not linked:
        clauses.extend(_unlinked_clauses(catalog, roles, same_rung_said=not dims))
    return _capitalize("; ".join(clauses)) + "."


def _reporting_line(catalog: Catalog, role: Role, roles: Sequence[Role]) -> str:
    """How `role` reports to another of the compared roles, if it does: `reports to the
    COO`; `reports to the Vice President of Operations where there is one, else to the
    COO` when a compared role of its function sits between it and its manager (the
    catalog keeps the usual line, the seed's "reports to the COO"); `reports to the board,
    which the Chair of the Board leads` next to the chair (not "both report to the board")."""
    if role.reports_to in catalog:
        manager = catalog[role.reports_to]
        between = [
            r
            for r in roles
            if r.function == role.function
            and r.reports_to == role.reports_to
            and manager.rank < r.rank < role.rank
        ]
        if between:
            mid = max(between, key=lambda r: r.rank)
            return (
                f"reports to the {mid.short_name} where there is one, "
                f"else to the {manager.short_name}"
            )
    if role.reports_to in {r.id for r in roles}:
        return f"reports to the {catalog[role.reports_to].short_name}"
    chair = next((r for r in roles if r.rank == 0 and r.id != role.id), None)
    if chair is not None and role.reports_to == BOARD and role.rank > 0:
        return f"reports to the board, which the {chair.short_name} leads"
    return ""


def _link_clauses(roles: Sequence[Role], linked: dict[str, str]) -> list[str]:
    """`the COO, CFO and CTO report to the CEO`, one clause a reporting line."""
    by_line: dict[str, list[Role]] = {}
    for role in roles:
        by_line.setdefault(linked[role.id], []).append(role)
    return [
        f"the {_join([m.short_name for m in members])} "
        + (line if len(members) == 1 else line.replace("reports", "report", 1))
        for line, members in by_line.items()
    ]


def _unlinked_clauses(
    catalog: Catalog, roles: tuple[Role, ...], *, same_rung_said: bool
) -> list[str]:
    """When no role reports to another: `both are individual contributors` when they sit
    on one rung (unless already said), `both report to the CEO` if they share a manager,
    else, for a pair on different rungs, which one sits higher on the ladder."""
    both = "both" if len(roles) == 2 else "all"
    if len({r.rank for r in roles}) == 1 and not same_rung_said:
        rung = f"{both} are {RANK_PLURAL.get(roles[0].rank, 'on the same rung')}"
        managers = {r.reports_to for r in roles}
        if len(managers) == 1:
            manager = next(iter(managers))
            who = "the board" if manager == BOARD else f"the {catalog[manager].short_name}"
            rung += f" reporting to {who}"
        return [rung]
    managers = {r.reports_to for r in roles}
    if len(managers) == 1:
        manager = next(iter(managers))
        who = "the board" if manager == BOARD else f"the {catalog[manager].short_name}"
        return [f"{'both' if len(roles) == 2 else 'all'} report to {who}"]
    if len(roles) == 2 and roles[0].rank != roles[1].rank:
        high, low = sorted(roles, key=lambda r: r.rank)
        return [
            f"the {high.short_name} sits higher on the ladder "
            f"({_lower(RANK_SHORT[high.rank])}, against {_lower(RANK_SHORT[low.rank])})"
        ]
    return []


def _join(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _lower(text: str) -> str:
    return text if text.startswith("C-") else text.lower()


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]
