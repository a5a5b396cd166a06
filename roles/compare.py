"""Comparing two to four roles: attributes side by side, differences in plain sentences,
shared themes, what only each role does, and when to choose which.

Pure functions over the catalog; a comparison of the same roles is computed once per
process and reused (`compare` is cached), so answering `/role-compare` costs a dictionary
lookup after the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from roles.catalog import LEVEL_LABELS, Catalog, Responsibility, Role

MIN_ROLES, MAX_ROLES = 2, 4


@dataclass(frozen=True)
class AttributeRow:
    """One row of the side-by-side table: a label and one value per compared role."""

    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ThemeEntry:
    """A theme two or more of the roles cover, with what each of them does about it."""

    theme: str
    label: str
    duties: tuple[tuple[Role, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Comparison:
    roles: tuple[Role, ...]
    attributes: tuple[AttributeRow, ...]
    differences: tuple[str, ...]
    shared: tuple[ThemeEntry, ...]
    only: tuple[tuple[Role, tuple[Responsibility, ...]], ...]
    choose: tuple[tuple[Role, tuple[str, ...]], ...]

    @property
    def title(self) -> str:
        return " vs ".join(role.short_name for role in self.roles)

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(role.id for role in self.roles)


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
    return Comparison(
        roles=roles,
        attributes=attribute_rows(catalog, roles),
        differences=tuple(differences(catalog, roles)),
        shared=tuple(shared_themes(catalog, roles)),
        only=tuple(
            (role, tuple(r for r in role.responsibilities if _owners(roles, r.theme) == [role]))
            for role in roles
        ),
        choose=tuple((role, role.signs_you_need) for role in roles),
    )


def attribute_rows(catalog: Catalog, roles: tuple[Role, ...]) -> tuple[AttributeRow, ...]:
    def row(label: str, value) -> AttributeRow:
        return AttributeRow(label, tuple(value(role) for role in roles))

    return (
        row("What it is", lambda r: r.summary),
        row("Level", lambda r: LEVEL_LABELS[r.level]),
        row("Focus", lambda r: f"{r.focus.capitalize()} — {r.focus_meaning}"),
        row("Scope", lambda r: f"{r.scope.capitalize()} — {r.scope_note}"),
        row("Reports to", lambda r: f"{catalog.manager_label(r)}. {r.reporting_note}"),
        row("Works closely with", lambda r: _join(_partners(catalog, r))),
        row("Decision horizon", lambda r: r.decision_horizon),
        row("Judged by", lambda r: _join(r.kpis)),
    )


def differences(catalog: Catalog, roles: tuple[Role, ...]) -> list[str]:
    """The key differences as plain sentences, most telling first."""
    sentences: list[str] = []
    top_rank = min(r.level_rank for r in roles)
    tops = [r for r in roles if r.level_rank == top_rank]
    others = [r for r in roles if r.level_rank != top_rank]
    if others:
        verb = "works" if len(tops) == 1 else "work"
        sentences.append(
            f"The {_join([r.short_name for r in tops])} {verb} at a higher level of "
            f"decision-making ({LEVEL_LABELS[tops[0].level].lower()}) than the "
            f"{_join(_levelled(others))}."
        )
    if len({r.focus for r in roles}) > 1:
        sentences.append(
            _sentence_join(
                f"the {r.short_name} is {_article(r.focus)} {r.focus} role that {r.focus_meaning}"
                for r in roles
            )
            + "."
        )
    if len({r.scope_note for r in roles}) > 1:
        sentences.append(
            _sentence_join(f"the {r.short_name} looks after {r.scope_note}" for r in roles) + "."
        )
    sentences.extend(_reporting_sentences(catalog, roles))
    if len({tuple(_partners(catalog, r)) for r in roles}) > 1:
        sentences.append(
            _sentence_join(
                f"the {r.short_name} works closely with {_join(_partners(catalog, r))}"
                for r in roles
            )
            + "."
        )
    if len({r.decision_horizon for r in roles}) > 1:
        sentences.append(
            "Decision horizon: "
            + "; ".join(f"{r.short_name}, {r.decision_horizon}" for r in roles)
            + "."
        )
    return sentences


def _reporting_sentences(catalog: Catalog, roles: tuple[Role, ...]) -> list[str]:
    ids = {r.id for r in roles}
    sentences = []
    for role in roles:
        if role.reports_to in ids:
            manager = catalog[role.reports_to]
            sentences.append(
                f"The {role.short_name} typically reports to the {manager.short_name} and "
                f"works with them to keep its plans in line with the wider strategy."
            )
    if not sentences and len({r.reports_to for r in roles}) > 1:
        sentences.append(
            _sentence_join(
                f"the {r.short_name} reports to {_the(catalog.manager_label(r))}" for r in roles
            )
            + "."
        )
    return sentences


def shared_themes(catalog: Catalog, roles: tuple[Role, ...]) -> list[ThemeEntry]:
    """Themes at least two of the roles cover, in catalog theme order."""
    entries = []
    for theme, label in catalog.themes.items():
        owners = _owners(roles, theme)
        if len(owners) >= 2:
            entries.append(
                ThemeEntry(
                    theme=theme,
                    label=label,
                    duties=tuple(
                        (r, tuple(x.text for x in r.responsibilities if x.theme == theme))
                        for r in owners
                    ),
                )
            )
    return entries


def _owners(roles: tuple[Role, ...], theme: str) -> list[Role]:
    return [r for r in roles if theme in r.themes]


def _partners(catalog: Catalog, role: Role) -> list[str]:
    return [
        f"the {catalog[i].short_name}" if catalog[i].abbreviation else catalog[i].title.lower()
        for i in role.works_with
    ] + list(role.works_with_others)


def _levelled(roles: list[Role]) -> list[str]:
    return [f"{r.short_name} ({LEVEL_LABELS[r.level].lower()})" for r in roles]


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _the(label: str) -> str:
    return label if label.startswith("the ") else f"the {label}"


def _sentence_join(clauses) -> str:
    text = "; ".join(clauses)
    return text[:1].upper() + text[1:]


def _join(items: list[str] | tuple[str, ...]) -> str:
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
