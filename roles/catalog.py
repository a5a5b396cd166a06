"""The role catalog: one TOML file a role in `roles/catalog/`, loaded into frozen dataclasses.

Nothing here knows about Slack; `slackbot/` renders these objects.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

LEVELS = ("executive", "senior", "middle", "first-line")
LEVEL_LABELS = {
    "executive": "Executive",
    "senior": "Senior management",
    "middle": "Middle management",
    "first-line": "First-line management",
}
FOCUSES = ("strategic", "tactical", "operational")
FOCUS_MEANING = {
    "strategic": "sets direction and keeps operations aligned with the organization's overall goals",
    "tactical": "turns strategy into actionable plans and oversees their execution",
    "operational": "runs the day-to-day work and keeps it on track",
}
SCOPES = ("whole organization", "business unit", "department", "team")
BOARD = "board"

ONET_CREDIT = (
    "Occupation codes include information from the O*NET Database by the U.S. Department of Labor, Employment "
    "and Training Administration (USDOL/ETA), used under the CC BY 4.0 license. O*NET® is a "
    "trademark of USDOL/ETA. orgbot has modified this information; USDOL/ETA has not "
    "approved, endorsed, or tested these modifications."
)


class CatalogError(ValueError):
    """A catalog file is missing a field or holds a value outside the allowed set."""


@dataclass(frozen=True)
class Responsibility:
    theme: str
    text: str


@dataclass(frozen=True)
class Role:
    """One leadership or operations role, as described by its catalog file."""

    id: str
    title: str
    abbreviation: str
    aliases: tuple[str, ...]
    level: str
    focus: str
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
        """0 for executive, 3 for first-line: lower is more senior."""
        return LEVELS.index(self.level)

    def names(self) -> tuple[str, ...]:
        """Every name the role answers to: title, abbreviation, aliases."""
        return tuple(n for n in (self.title, self.abbreviation, *self.aliases) if n)


_LIST_FIELDS = ("aliases", "works_with", "works_with_others", "kpis", "signs_you_need")
_STR_FIELDS = (
    "id",
    "title",
    "abbreviation",
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


def role_from_dict(data: Mapping, *, themes: Mapping[str, str], source: str = "") -> Role:
    """Build a `Role` from a parsed catalog file.

    Raises:
        CatalogError: a field is missing, has the wrong type, or an unknown value.
    """
    where = source or data.get("id", "?")
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
    items = data.get("responsibilities")
    if not isinstance(items, list) or not items:
        raise CatalogError(f"{where}: needs [[responsibilities]]")
    responsibilities = []
    for item in items:
        theme, text = item.get("theme"), item.get("text")
        if theme not in themes:
            raise CatalogError(f"{where}: unknown theme {theme!r} (see themes.toml)")
        if not isinstance(text, str) or not text.strip():
            raise CatalogError(f"{where}: a responsibility has no text")
        responsibilities.append(Responsibility(theme=theme, text=text.strip()))
    return Role(
        **{name: data[name].strip() for name in _STR_FIELDS},
        **{name: tuple(v.strip() for v in data[name]) for name in _LIST_FIELDS},
        responsibilities=tuple(responsibilities),
    )


@dataclass(frozen=True, eq=False)
class Catalog:
    """The roles by id, in title order, and the theme vocabulary."""

    roles: Mapping[str, Role]
    themes: Mapping[str, str]

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

    def manager_label(self, role: Role) -> str:
        """Who the role typically reports to, as people say it (`CEO`, `the board`)."""
        if role.reports_to == BOARD:
            return "the board of directors"
        manager = self.roles.get(role.reports_to)
        return manager.short_name if manager else role.reports_to

    @classmethod
    def from_directory(cls, directory: Path | resources.abc.Traversable) -> Catalog:
        """Load every `*.toml` role file and `themes.toml` from a directory.

        Raises:
            CatalogError: a file is malformed, an id does not match its file name, or a
                role refers to another that does not exist.
        """
        themes_file = directory / "themes.toml"
        themes = tomllib.loads(themes_file.read_text(encoding="utf-8"))
        roles: dict[str, Role] = {}
        for entry in directory.iterdir():
            if not entry.name.endswith(".toml") or entry.name == "themes.toml":
                continue
            try:
                data = tomllib.loads(entry.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise CatalogError(f"{entry.name}: {error}") from None
            role = role_from_dict(data, themes=themes, source=entry.name)
            if f"{role.id}.toml" != entry.name:
                raise CatalogError(f"{entry.name}: id {role.id!r} does not match the file name")
            roles[role.id] = role
        for role in roles.values():
            for ref in (*role.works_with, role.reports_to):
                if ref != BOARD and ref not in roles:
                    raise CatalogError(f"{role.id}.toml: refers to unknown role {ref!r}")
        ordered = dict(sorted(roles.items(), key=lambda kv: (kv[1].level_rank, kv[1].title)))
        return cls(roles=MappingProxyType(ordered), themes=MappingProxyType(dict(themes)))


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with orgbot, loaded once per process."""
    return Catalog.from_directory(resources.files("roles") / "catalog")
