"""The role catalog: one TOML file a role in `roles/catalog/`, loaded into frozen dataclasses.

Nothing here knows about Slack; `slackbot/` renders these objects.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from types import MappingProxyType

LEVELS = ("executive", "senior", "middle", "first-line", "individual-contributor")
LEVEL_LABELS = {
    "executive": "Executive",
    "senior": "Senior management",
    "middle": "Middle management",
    "first-line": "First-line management",
    "individual-contributor": "Individual contributor",
}
FOCUSES = ("strategic", "tactical", "operational")
# What a focus means when a role has no `focus_note` of its own: neutral wording that fits
# any function (a role's own note, such as the COO's "keeps operations aligned with the
# organization's overall goals", is preferred; see `Role.focus_meaning`).
FOCUS_MEANING = {
    "strategic": "sets direction for its area and ties it to the organization's goals",
    "tactical": "turns strategy into actionable plans and oversees their execution",
    "operational": "runs the day-to-day work and keeps it on track",
}
# The ladder: lower is more senior (see roles/catalog/README.md).
RANKS = {
    0: "board",
    1: "head of the organization",
    2: "deputy head",
    3: "C-suite officer",
    4: "SVP / VP",
    5: "director / head of a function",
    6: "manager",
    7: "individual contributor or specialist",
}
SCOPES = ("whole organization", "business unit", "department", "team")
BOARD = "board"

# O*NET-SOC 2019 codes and titles, as published in this release of the O*NET Database.
ONET_VERSION = "30.0"
ONET_LICENSE = "CC BY 4.0"
ONET_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
ONET_CREDIT = (
    f"Includes information from the O*NET {ONET_VERSION} Database by USDOL/ETA, used under "
    f"the {ONET_LICENSE} license; modified by orgbot, not approved by USDOL/ETA. "
    "O*NET® is a trademark of USDOL/ETA."
)


class CatalogError(ValueError):
    """A catalog file is missing a field or holds a value outside the allowed set."""


@dataclass(frozen=True)
class Responsibility:
    theme: str
    text: str
    scope: str = ""  # e.g. "company-wide", "departmental", "one project"


@dataclass(frozen=True)
class Role:
    """One leadership or operations role, as described by its catalog file."""

    id: str
    title: str
    abbreviation: str
    aliases: tuple[str, ...]
    function: str
    rank: int
    level: str
    focus: str
    focus_note: str
    scope: str
    scope_note: str
    reports_to: str
    reporting_note: str
    works_with: tuple[str, ...]
    works_with_others: tuple[str, ...]
    summary: str
    decision_horizon: str
    kpis: tuple[str, ...]
    signs_you_need: tuple[str, ...]
    onet_code: str
    onet_title: str
    responsibilities: tuple[Responsibility, ...]
    not_responsible_for: tuple[str, ...] = ()

    @property
    def short_name(self) -> str:
        """`COO` where the role has an abbreviation, else its title."""
        return self.abbreviation or self.title

    @property
    def label(self) -> str:
        """`Chief Operating Officer (COO)`, or the bare title."""
        if self.abbreviation and self.abbreviation.lower() != self.title.lower():
            return f"{self.title} ({self.abbreviation})"
        return self.title

    @property
    def themes(self) -> frozenset[str]:
        return frozenset(r.theme for r in self.responsibilities)

    @property
    def level_rank(self) -> int:
        """The position on the ladder (`rank`): 0 the board ... 7 an individual contributor."""
        return self.rank

    @property
    def focus_meaning(self) -> str:
        """What this role's focus means, in its own words where the catalog gives them."""
        return self.focus_note or FOCUS_MEANING[self.focus]

    def duties(self, theme: str) -> tuple[Responsibility, ...]:
        return tuple(r for r in self.responsibilities if r.theme == theme)

    def names(self) -> tuple[str, ...]:
        """Every name the role answers to: title, abbreviation, aliases."""
        return tuple(n for n in (self.title, self.abbreviation, *self.aliases) if n)


_LIST_FIELDS = ("aliases", "works_with", "works_with_others", "kpis", "signs_you_need")
_STR_FIELDS = (
    "id",
    "title",
    "abbreviation",
    "function",
    "level",
    "focus",
    "scope",
    "scope_note",
    "reports_to",
    "reporting_note",
    "summary",
    "decision_horizon",
    "onet_code",
    "onet_title",
)


def role_from_dict(
    data: Mapping,
    *,
    themes: Mapping[str, str],
    functions: Mapping[str, object] | None = None,
    source: str = "",
) -> Role:
    """Build a `Role` from a parsed catalog file.

    `functions` is the vocabulary of functions.toml (the shipped one when omitted).

    Raises:
        CatalogError: a field is missing, has the wrong type, or an unknown value; the
            message names the file (or role id) and the field.
    """
    where = source or data.get("id", "?")
    functions = load_functions() if functions is None else functions
    for name in _STR_FIELDS:
        if not isinstance(data.get(name), str):
            raise CatalogError(f"{where}: `{name}` must be a string")
    for name in _LIST_FIELDS:
        value = data.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CatalogError(f"{where}: `{name}` must be a list of strings")
    for name, allowed in (("level", LEVELS), ("focus", FOCUSES), ("scope", SCOPES)):
        if data[name] not in allowed:
            raise CatalogError(f"{where}: `{name}` is {data[name]!r}, expected one of {allowed}")
    if data["function"] not in functions:
        raise CatalogError(
            f"{where}: `function` is {data['function']!r}, expected one of "
            f"{tuple(functions)} (see functions.toml)"
        )
    rank = data.get("rank")
    if not isinstance(rank, int) or isinstance(rank, bool) or rank not in RANKS:
        raise CatalogError(
            f"{where}: `rank` must be a whole number from 0 (board) to 7 (individual "
            f"contributor), not {rank!r}"
        )
    focus_note = data.get("focus_note", "")
    if not isinstance(focus_note, str):
        raise CatalogError(f"{where}: `focus_note` must be a string")
    items = data.get("responsibilities")
    if not isinstance(items, list) or not items:
        raise CatalogError(f"{where}: needs [[responsibilities]]")
    responsibilities = []
    for item in items:
        if not isinstance(item, Mapping):
            raise CatalogError(f"{where}: each [[responsibilities]] must be a table")
        theme, text, scope = item.get("theme"), item.get("text"), item.get("scope", "")
        if theme not in themes:
            raise CatalogError(f"{where}: unknown theme {theme!r} (see themes.toml)")
        if not isinstance(text, str) or not text.strip():
            raise CatalogError(f"{where}: a responsibility has no text")
        if not isinstance(scope, str):
            raise CatalogError(f"{where}: a responsibility's `scope` must be a string")
        responsibilities.append(Responsibility(theme=theme, text=text.strip(), scope=scope.strip()))
    negatives = data.get("not_responsible_for", [])
    if not isinstance(negatives, list) or not all(isinstance(v, str) for v in negatives):
        raise CatalogError(f"{where}: `not_responsible_for` must be a list of theme keys")
    covered = {r.theme for r in responsibilities}
    for theme in negatives:
        if theme not in themes:
            raise CatalogError(
                f"{where}: `not_responsible_for` has unknown theme {theme!r} (see themes.toml)"
            )
        if theme in covered:
            raise CatalogError(
                f"{where}: `not_responsible_for` lists {theme!r}, which the role's own "
                "responsibilities cover"
            )
    return Role(
        **{name: data[name].strip() for name in _STR_FIELDS},
        **{name: tuple(v.strip() for v in data[name]) for name in _LIST_FIELDS},
        rank=rank,
        focus_note=focus_note.strip(),
        responsibilities=tuple(responsibilities),
        not_responsible_for=tuple(negatives),
    )


@dataclass(frozen=True)
class Function:
    """One entry of functions.toml: a key, a label, and the functions next to it."""

    key: str
    label: str
    related: tuple[str, ...] = ()


def functions_from_dict(data: Mapping, *, source: str = "functions.toml") -> dict[str, Function]:
    result: dict[str, Function] = {}
    for key, value in data.items():
        if isinstance(value, str):
            value = {"label": value}
        if not isinstance(value, Mapping) or not isinstance(value.get("label"), str):
            raise CatalogError(f"{source}: `{key}` needs a `label`")
        related = value.get("related", [])
        if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
            raise CatalogError(f"{source}: `{key}.related` must be a list of function keys")
        result[key] = Function(key=key, label=value["label"], related=tuple(related))
    for function in result.values():
        for other in function.related:
            if other not in result:
                raise CatalogError(f"{source}: `{function.key}` relates to unknown {other!r}")
    return result


@cache
def load_functions() -> Mapping[str, Function]:
    """The shipped function vocabulary (roles/catalog/functions.toml)."""
    text = (resources.files("roles") / "catalog" / "functions.toml").read_text(encoding="utf-8")
    return MappingProxyType(functions_from_dict(tomllib.loads(text)))


@dataclass(frozen=True, eq=False)
class Catalog:
    """The roles by id, most senior first, and the theme and function vocabularies.

    Each instance keeps its own name index (`names`), so a workspace's catalog (see
    `with_roles`) resolves its own names without touching the shipped one.
    """

    roles: Mapping[str, Role]
    themes: Mapping[str, str]
    functions: Mapping[str, Function] = field(default_factory=load_functions)
    # ids of roles that come from `with_roles` (a workspace's own), not the shipped files
    local: frozenset[str] = frozenset()

    def __iter__(self) -> Iterator[Role]:
        return iter(self.roles.values())

    def __len__(self) -> int:
        return len(self.roles)

    def __contains__(self, role_id: object) -> bool:
        return role_id in self.roles

    def get(self, role_id: str) -> Role | None:
        return self.roles.get(role_id)

    def __getitem__(self, role_id: str) -> Role:
        return self.roles[role_id]

    def theme_label(self, theme: str) -> str:
        return self.themes.get(theme, theme)

    def function_label(self, function: str) -> str:
        entry = self.functions.get(function)
        return entry.label if entry else function

    def manager_label(self, role: Role) -> str:
        """Who the role typically reports to, as people say it (`CEO`, `the board`)."""
        if role.reports_to == BOARD:
            return "the board of directors"
        manager = self.roles.get(role.reports_to)
        return manager.short_name if manager else role.reports_to

    @cached_property
    def names(self):  # -> roles.names.NameIndex (imported lazily: names imports catalog)
        """This catalog's name index, built on first use."""
        from roles.names import NameIndex

        return NameIndex.build(self)

    @classmethod
    def from_roles(
        cls,
        roles: Iterable[Role],
        *,
        themes: Mapping[str, str],
        functions: Mapping[str, Function] | None = None,
        local: Iterable[str] = (),
    ) -> Catalog:
        """A catalog of these roles, checked for references to roles it does not hold.

        Raises:
            CatalogError: a role refers to (reports to, works with) an unknown role.
        """
        by_id = {role.id: role for role in roles}
        for role in by_id.values():
            for ref in (*role.works_with, role.reports_to):
                if ref != BOARD and ref not in by_id:
                    raise CatalogError(f"{role.id}.toml: refers to unknown role {ref!r}")
        ordered = dict(sorted(by_id.items(), key=lambda kv: (kv[1].rank, kv[1].title)))
        return cls(
            roles=MappingProxyType(ordered),
            themes=MappingProxyType(dict(themes)),
            functions=MappingProxyType(dict(functions or load_functions())),
            local=frozenset(local),
        )

    def with_roles(self, roles: Iterable[Role]) -> Catalog:
        """A new catalog: this one plus `roles` (a workspace's own), which replace any
        role with the same id. This catalog is not changed.

        Raises:
            CatalogError: a role refers to an unknown role.
        """
        extra = {role.id: role for role in roles}
        merged = {**self.roles, **extra}
        return Catalog.from_roles(
            merged.values(),
            themes=self.themes,
            functions=self.functions,
            local=self.local | set(extra),
        )

    @classmethod
    def from_directory(cls, directory: Path | resources.abc.Traversable) -> Catalog:
        """Load every role file, `themes.toml` and `functions.toml` from a directory
        (the shipped `functions.toml` when the directory has none).

        Raises:
            CatalogError: a file is malformed, an id does not match its file name, or a
                role refers to another that does not exist.
        """
        themes_file = directory / "themes.toml"
        themes = tomllib.loads(themes_file.read_text(encoding="utf-8"))
        functions_file = directory / "functions.toml"
        functions = (
            functions_from_dict(tomllib.loads(functions_file.read_text(encoding="utf-8")))
            if functions_file.is_file()
            else dict(load_functions())
        )
        roles: dict[str, Role] = {}
        for entry in directory.iterdir():
            if not entry.name.endswith(".toml") or entry.name in _VOCABULARY_FILES:
                continue
            try:
                data = tomllib.loads(entry.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise CatalogError(f"{entry.name}: {error}") from None
            role = role_from_dict(data, themes=themes, functions=functions, source=entry.name)
            if f"{role.id}.toml" != entry.name:
                raise CatalogError(f"{entry.name}: id {role.id!r} does not match the file name")
            roles[role.id] = role
        return cls.from_roles(roles.values(), themes=themes, functions=functions)


_VOCABULARY_FILES = {"themes.toml", "functions.toml"}


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with orgbot, loaded once per process."""
    return Catalog.from_directory(resources.files("roles") / "catalog")
