"""Comparing two to four roles: attributes side by side, the key differences the attribute
rows do not already say, and every responsibility theme with a true verdict.

A theme two roles both list is "both" (or "both, with a different scope" when the catalog
gives each a different scope: the COO's KPIs are company-wide, a marketing director's are
the department's). A theme only one role lists is "mainly" that role: the catalog says the
role does it, not that the other never does. Only when every other role's file says it does
NOT do the theme (`not_responsible_for`) is it "only" that role.

Each key difference is a `Finding` with a `kind`; a kind is only used when its condition
holds for the roles (tests check every kind over every pair in the catalog).

Pure functions over the catalog; a comparison of the same roles is computed once per
catalog and reused (`compare` is cached), so answering `/role-compare` costs a dictionary
lookup after the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from roles.catalog import LEVEL_LABELS, RANKS, Catalog, Responsibility, Role

MIN_ROLES, MAX_ROLES = 2, 4

# A theme's verdict
BOTH = "both"
DIFFERENT_SCOPE = "different-scope"
MAINLY = "mainly"
ONLY = "only"

# Kinds of key difference (see `differences`)
REPORTS_TO = "reports-to"
LADDER = "ladder"
SAME_RUNG = "same-rung"
FOCUS = "focus"
FUNCTIONS = "functions"
SAME_FUNCTION = "same-function"
SCOPES = "different-scope"
ONLY_THEMES = "only"
MAINLY_THEMES = "mainly"

# The rung of the ladder, as it reads in the singular and the plural, and its article.
RUNG = {
    0: ("chair of the board", "chairs of the board", "the"),
    1: ("head of the organization", "heads of the organization", "the"),
    2: ("deputy head of the organization", "deputy heads of the organization", "a"),
    3: ("C-suite officer", "C-suite officers", "a"),
    4: ("VP-level leader", "VP-level leaders", "a"),
    5: ("director or head of a function", "directors or heads of a function", "a"),
    6: ("manager", "managers", "a"),
    7: ("individual contributor", "individual contributors", "an"),
}
assert set(RUNG) == set(RANKS)


@dataclass(frozen=True)
class AttributeRow:
    """One row of the side-by-side table: a label and one value per compared role."""

    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ThemeEntry:
    """One responsibility theme and what the compared roles do about it.

    `duties` holds the roles that list the theme, with what each does (in role order);
    `verdict` is `both` (two or more list it), `different-scope` (two or more list it
    with different scopes), `mainly` (one lists it, the catalog says nothing of the
    others) or `only` (one lists it and every other role's file excludes it).
    `scopes` gives each listing role's scope phrase ("" when the catalog has none).
    """

    theme: str
    label: str
    duties: tuple[tuple[Role, tuple[str, ...]], ...]
    verdict: str = BOTH
    scopes: tuple[tuple[Role, str], ...] = ()
    compared: int = 2  # how many roles the comparison holds

    @property
    def owners(self) -> tuple[Role, ...]:
        return tuple(role for role, _ in self.duties)

    @property
    def verdict_text(self) -> str:
        """`Both, with a different scope`, `Mainly the COO`, `Only the CEO`."""
        names = [f"the {r.short_name}" for r in self.owners]
        if self.verdict == ONLY:
            return f"Only {names[0]}"
        if self.verdict == MAINLY:
            return f"Mainly {names[0]}"
        who = "Both" if len(names) == self.compared == 2 else _capital(_join(names))
        if self.verdict == DIFFERENT_SCOPE:
            return f"{who}, with a different scope"
        return who


@dataclass(frozen=True)
class Finding:
    """One key difference: its text, and the kind of statement it is (for tests)."""

    kind: str
    text: str
    roles: tuple[str, ...] = ()  # ids the statement is about, in the order it names them
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Comparison:
    roles: tuple[Role, ...]
    attributes: tuple[AttributeRow, ...]
    findings: tuple[Finding, ...]
    themes: tuple[ThemeEntry, ...]
    choose: tuple[tuple[Role, tuple[str, ...]], ...]

    @property
    def title(self) -> str:
        return " vs ".join(role.short_name for role in self.roles)

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(role.id for role in self.roles)

    @property
    def differences(self) -> tuple[str, ...]:
        """The key differences as sentences, most telling first."""
        return tuple(f.text for f in self.findings)

    @property
    def shared(self) -> tuple[ThemeEntry, ...]:
        """Themes two or more of the roles list (verdict `both` or `different-scope`)."""
        return tuple(e for e in self.themes if e.verdict in (BOTH, DIFFERENT_SCOPE))

    @property
    def only(self) -> tuple[tuple[Role, tuple[Responsibility, ...]], ...]:
        """Per role, its duties that the catalog says no other compared role does."""
        return self._duties_with(ONLY)

    @property
    def mainly(self) -> tuple[tuple[Role, tuple[Responsibility, ...]], ...]:
        """Per role, its duties no other compared role lists (without saying they never
        do them)."""
        return self._duties_with(MAINLY)

    def _duties_with(self, verdict: str) -> tuple[tuple[Role, tuple[Responsibility, ...]], ...]:
        themes = {e.theme for e in self.themes if e.verdict == verdict}
        return tuple(
            (role, tuple(r for r in role.responsibilities if r.theme in themes))
            for role in self.roles
        )


def compare(catalog: Catalog, roles: tuple[Role, ...] | list[Role]) -> Comparison:
    """Compare two to four distinct roles, in the order given.

    Raises:
        ValueError: fewer than two or more than four roles, or a role named twice.
    """
    ids = tuple(role.id for role in roles)
    if len(set(ids)) != len(ids):
        raise ValueError("each role can be compared only once")
    if not MIN_ROLES <= len(ids) <= MAX_ROLES:
        raise ValueError(f"compare {MIN_ROLES} to {MAX_ROLES} roles, not {len(ids)}")
    return _compare_ids(catalog, ids)


@lru_cache(maxsize=4096)
def _compare_ids(catalog: Catalog, ids: tuple[str, ...]) -> Comparison:
    roles = tuple(catalog[i] for i in ids)
    themes = tuple(theme_entries(catalog, roles))
    return Comparison(
        roles=roles,
        attributes=attribute_rows(catalog, roles),
        findings=tuple(differences(catalog, roles, themes)),
        themes=themes,
        choose=tuple((role, role.signs_you_need) for role in roles),
    )


def attribute_rows(catalog: Catalog, roles: tuple[Role, ...]) -> tuple[AttributeRow, ...]:
    def row(label: str, value) -> AttributeRow:
        return AttributeRow(label, tuple(value(role) for role in roles))

    return (
        row("What it is", lambda r: r.summary),
        row("Level", lambda r: _level(r)),
        row("Focus", lambda r: r.focus.capitalize()),
        row("Scope", lambda r: f"{r.scope.capitalize()} — {r.scope_note}"),
        row("Reports to", lambda r: f"{catalog.manager_label(r)}. {r.reporting_note}"),
        row("Works closely with", lambda r: _join(_partners(catalog, r))),
        row("Decision horizon", lambda r: r.decision_horizon),
        row("Judged by", lambda r: _join(r.kpis)),
    )


def theme_entries(catalog: Catalog, roles: tuple[Role, ...]) -> list[ThemeEntry]:
    """Every theme any of the roles lists, in catalog theme order, with its verdict."""
    entries = []
    for theme, label in catalog.themes.items():
        owners = [r for r in roles if theme in r.themes]
        if not owners:
            continue
        scopes = tuple((r, _scope(r, theme)) for r in owners)
        if len(owners) >= 2:
            given = [s for _, s in scopes if s]
            different = len(given) == len(owners) and len(set(given)) > 1
            verdict = DIFFERENT_SCOPE if different else BOTH
        else:
            others = [r for r in roles if r is not owners[0]]
            verdict = ONLY if all(theme in r.not_responsible_for for r in others) else MAINLY
        entries.append(
            ThemeEntry(
                theme=theme,
                label=label,
                duties=tuple((r, tuple(x.text for x in r.duties(theme))) for r in owners),
                verdict=verdict,
                scopes=scopes,
                compared=len(roles),
            )
        )
    # what they share first, then each role's own, in the order the roles were named
    order = {BOTH: 0, DIFFERENT_SCOPE: 0}
    position = {r.id: n for n, r in enumerate(roles)}
    entries.sort(key=lambda e: (order.get(e.verdict, 1), position[e.owners[0].id]))
    return entries


def differences(
    catalog: Catalog, roles: tuple[Role, ...], themes: tuple[ThemeEntry, ...] = ()
) -> list[Finding]:
    """The key differences, most telling first: what the attribute rows do not say."""
    themes = themes or tuple(theme_entries(catalog, roles))
    findings: list[Finding] = []
    findings.extend(_focus(roles))
    findings.extend(_ladder(catalog, roles))
    findings.extend(_reporting(roles))
    findings.extend(_scopes(roles, themes))
    findings.extend(_functions(catalog, roles))
    findings.extend(_theme_owners(catalog, roles, themes))
    return findings


def _ladder(catalog: Catalog, roles: tuple[Role, ...]) -> list[Finding]:
    ids = tuple(r.id for r in roles)
    if len({r.rank for r in roles}) == 1:
        rung = RUNG[roles[0].rank][1]
        return [Finding(SAME_RUNG, f"{_both(roles)} are {rung} on the ladder.", ids)]
    ordered = sorted(roles, key=lambda r: r.rank)
    if len(roles) == 2:
        top, low = ordered
        between = _between(catalog, top, low)
        # a direct report is not "two rungs lower" (the CEO's COO): the rungs it skips are
        # only counted when a role of its function stands in between
        lower = (
            ""
            if low.reports_to == top.id and not between
            else f", {_steps(low.rank - top.rank)} lower"
        )
        if top.rank == 0 and _titled_by_rung(top):  # not "the Chair … is the chair …"
            text = (
                f"On the ladder the {top.short_name} leads the board, above management, and the "
                f"{low.short_name} is {_rung(low)}{lower}"
            )
        else:
            text = (
                f"On the ladder the {top.short_name} is {_rung(top)} and the "
                f"{low.short_name} {_rung(low)}{lower}"
            )
        if between:
            text += f", with the {_join([r.short_name for r in between])} in between"
        return [Finding(LADDER, text + ".", (top.id, low.id))]
    text = "On the ladder, from the most senior: " + ", ".join(
        r.short_name if _titled_by_rung(r) else f"{r.short_name} ({RUNG[r.rank][0]})"
        for r in ordered
    )
    return [Finding(LADDER, text + ".", tuple(r.id for r in ordered))]


def _between(catalog: Catalog, top: Role, low: Role) -> list[Role]:
    """Roles of the same function on the rungs strictly between two roles of it."""
    if top.function != low.function:
        return []
    return [r for r in catalog if r.function == top.function and top.rank < r.rank < low.rank]


def _reporting(roles: tuple[Role, ...]) -> list[Finding]:
    """Who reports to whom among the roles compared; left out when a compared role of the
    same function sits between them on the ladder (the ladder sentence orders them)."""
    by_id = {r.id: r for r in roles}

    def skipped(low: Role, top: Role) -> bool:
        return any(
            r.function == low.function == top.function and top.rank < r.rank < low.rank
            for r in roles
        )

    return [
        Finding(
            REPORTS_TO,
            f"The {r.short_name} typically reports to the {by_id[r.reports_to].short_name}.",
            (r.id, r.reports_to),
        )
        for r in roles
        if r.reports_to in by_id and not skipped(r, by_id[r.reports_to])
    ]


def _focus(roles: tuple[Role, ...]) -> list[Finding]:
    if len({r.focus for r in roles}) == 1:
        return []
    text = _sentence_join(
        f"the {r.short_name} is {_a(r.focus)} role that {r.focus_meaning}" for r in roles
    )
    return [Finding(FOCUS, text + ".", tuple(r.id for r in roles))]


def _functions(catalog: Catalog, roles: tuple[Role, ...]) -> list[Finding]:
    ids = tuple(r.id for r in roles)
    if len({r.function for r in roles}) == 1:
        label = _lower(catalog.function_label(roles[0].function))
        return [Finding(SAME_FUNCTION, f"{_both(roles)} work in the same function: {label}.", ids)]
    return [
        Finding(
            FUNCTIONS,
            "Different functions: "
            + "; ".join(
                f"the {r.short_name} in {_lower(catalog.function_label(r.function))}" for r in roles
            )
            + ".",
            ids,
        )
    ]


def _scopes(roles: tuple[Role, ...], themes: tuple[ThemeEntry, ...]) -> list[Finding]:
    """Themes they share at a different scope, grouped by the scopes the roles give."""
    groups: dict[tuple[tuple[str, str], ...], list[ThemeEntry]] = {}
    for entry in themes:
        if entry.verdict == DIFFERENT_SCOPE:
            key = tuple((r.id, s) for r, s in entry.scopes)
            groups.setdefault(key, []).append(entry)
    findings = []
    for key, entries in groups.items():
        by_id = {r.id: r for r in roles}
        labels = _list([_lower(e.label) for e in entries])
        owners = [by_id[i] for i, _ in key]
        who = (
            "Both"
            if len(owners) == len(roles) == 2
            else "The " + _join([r.short_name for r in owners])
        )
        where = ", ".join(f"the {by_id[i].short_name} {scope}" for i, scope in key)
        findings.append(
            Finding(
                SCOPES,
                f"{who} cover the same ground at a different scope ({where}): {labels}.",
                tuple(i for i, _ in key),
                tuple(e.theme for e in entries),
            )
        )
    return findings


def _theme_owners(
    catalog: Catalog, roles: tuple[Role, ...], themes: tuple[ThemeEntry, ...]
) -> list[Finding]:
    findings = []
    for verdict, kind in ((ONLY, ONLY_THEMES), (MAINLY, MAINLY_THEMES)):
        for role in roles:
            mine = [e for e in themes if e.verdict == verdict and e.owners == (role,)]
            if not mine:
                continue
            labels = _list([_lower(e.label) for e in mine])
            others = [r for r in roles if r is not role]
            whose = (
                f"the {others[0].short_name}'s role" if len(others) == 1 else "the others' roles"
            )
            if verdict == ONLY:
                text = f"Only the {role.short_name}: {labels} (not part of {whose})."
            else:
                text = f"Mainly the {role.short_name}: {labels}."
            findings.append(
                Finding(kind, text, (role.id,), tuple(e.theme for e in mine)),
            )
    return findings


def _scope(role: Role, theme: str) -> str:
    scopes = {d.scope for d in role.duties(theme) if d.scope}
    return scopes.pop() if len(scopes) == 1 else ""


def _titled_by_rung(role: Role) -> bool:
    """The role's title already names its rung (the Chair of the Board)."""
    return RUNG[role.rank][0] == role.title.lower()


def _rung(role: Role) -> str:
    singular, _, article = RUNG[role.rank]
    return f"{article} {singular}"


def _level(role: Role) -> str:
    """`Executive (C-suite officer)`; the rung only where it adds to the level's name."""
    label, rung = LEVEL_LABELS[role.level], RUNG[role.rank][0]
    return label if rung.lower() == label.lower() else f"{label} ({rung})"


def _partners(catalog: Catalog, role: Role) -> list[str]:
    return [
        f"the {catalog[i].short_name}" if catalog[i].abbreviation else catalog[i].title.lower()
        for i in role.works_with
        if i in catalog
    ] + list(role.works_with_others)


def _both(roles: tuple[Role, ...]) -> str:
    if len(roles) == 2:
        return f"Both the {roles[0].short_name} and the {roles[1].short_name}"
    return "The " + _join([r.short_name for r in roles])


def _steps(n: int) -> str:
    words = ("no", "one", "two", "three", "four", "five", "six", "seven")
    return f"{words[n]} rung" + ("" if n == 1 else "s")


def _a(phrase: str) -> str:
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def _lower(label: str) -> str:
    """Lowercase a label's first word unless it is an abbreviation (`KPIs`, `IT`)."""
    first, _, rest = label.partition(" ")
    if first[1:2].isupper():
        return label
    return (first.lower() + " " + rest).strip()


def _list(labels: list[str]) -> str:
    """Theme labels, which have "and" inside them, listed with semicolons."""
    return "; ".join(labels)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence_join(clauses) -> str:
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:]


def _join(items: list[str] | tuple[str, ...]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
