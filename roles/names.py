"""Turning what people type (`Opps Director`, `c.o.o.`, `the CFO`) into catalog roles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from roles.catalog import Catalog, Role

_FILLER = {"the", "a", "an", "our", "my"}
_NON_WORD = re.compile(r"[^a-z0-9]+")

# A typo is corrected without asking when the best match scores at least this (0-100)...
AUTO_ACCEPT = 86
# ...and beats the next role by this margin; below SUGGEST a name is not offered at all.
AUTO_MARGIN = 6
SUGGEST = 65


def normalize(name: str) -> str:
    """Lowercase words without punctuation or filler: `The C.O.O.` -> `coo`."""
    text = name.lower().replace("&", " and ")
    text = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", text)  # c.o.o. -> coo
    words = [w for w in _NON_WORD.split(text) if w and w not in _FILLER]
    return " ".join(words)


@dataclass(frozen=True)
class NameIndex:
    """Every normalized name a role answers to, for exact and fuzzy lookups.

    A name several roles answer to (only abbreviations may be shared: `cpo`, `cro`) is in
    `shared`, not `exact`: it never resolves on its own, the answer asks which is meant.
    """

    exact: dict[str, str]  # normalized name -> role id
    shared: dict[str, tuple[str, ...]]  # normalized abbreviation -> the role ids using it
    keys: tuple[str, ...]
    owners: tuple[str, ...]  # role id of keys[i]
    longest: int  # most words in any name

    @classmethod
    def build(cls, catalog: Catalog) -> NameIndex:
        owners: dict[str, list[str]] = {}
        for role in catalog:
            for name in role.names():
                key = normalize(name)
                ids = owners.setdefault(key, [])
                if role.id not in ids:
                    ids.append(role.id)
        exact = {k: ids[0] for k, ids in owners.items() if len(ids) == 1}
        shared = {k: tuple(ids) for k, ids in owners.items() if len(ids) > 1}
        for key, ids in shared.items():
            if not _is_abbreviation(key):
                raise ValueError(f"{key!r} names both {ids[0]} and {ids[1]}")
        pairs = [(k, i) for k, ids in owners.items() for i in ids]
        return cls(
            exact=exact,
            shared=shared,
            keys=tuple(k for k, _ in pairs),
            owners=tuple(i for _, i in pairs),
            longest=max(len(k.split()) for k in owners),
        )


def _is_abbreviation(key: str) -> bool:
    return " " not in key and len(key) <= 5


def name_index(catalog: Catalog) -> NameIndex:
    """The catalog's own index (built once per catalog instance)."""
    return catalog.names


@dataclass(frozen=True)
class Resolution:
    """What one typed name resolved to.

    `role` is set when the name is known or a clear typo of one name (`corrected` then says
    so); otherwise `suggestions` holds the closest roles, best first, and `ambiguous` tells
    whether several roles fit about equally well.
    """

    query: str
    role: Role | None = None
    corrected: bool = False
    suggestions: tuple[Role, ...] = ()
    ambiguous: bool = False


def lookup(catalog: Catalog, name: str) -> Role | None:
    """The role whose title, abbreviation or alias is exactly `name` (after normalizing)."""
    role_id = name_index(catalog).exact.get(normalize(name))
    return catalog[role_id] if role_id else None


def resolve(catalog: Catalog, name: str) -> Resolution:
    """Resolve a typed name: exact names first, then typo-tolerant matching.

    Short queries (three letters or fewer) are never corrected, only suggested, since
    `cfo` vs `cto` is one letter apart and both are real.
    """
    role = lookup(catalog, name)
    if role is not None:
        return Resolution(query=name, role=role)
    shared = name_index(catalog).shared.get(normalize(name))
    if shared:
        return Resolution(query=name, suggestions=tuple(catalog[i] for i in shared), ambiguous=True)
    ranked = rank(catalog, name)
    if not ranked:
        return Resolution(query=name)
    (best, best_score), *rest = ranked
    runner_up = rest[0][1] if rest else 0.0
    if (
        len(normalize(name)) > 3
        and best_score >= AUTO_ACCEPT
        and best_score - runner_up >= AUTO_MARGIN
    ):
        return Resolution(query=name, role=best, corrected=True)
    close = tuple(role for role, score in ranked if score >= max(SUGGEST, best_score - 15))
    return Resolution(
        query=name,
        suggestions=close[:4],
        # "could be A or B" only when several fit well; otherwise these are just the
        # closest names to something that is not in the catalog
        ambiguous=len(close) > 1
        and best_score >= AUTO_ACCEPT
        and best_score - runner_up < AUTO_MARGIN,
    )


def rank(catalog: Catalog, name: str, *, limit: int = 5) -> list[tuple[Role, float]]:
    """Roles by how closely one of their names matches `name`, best first, 0-100."""
    query = normalize(name)
    if not query:
        return []
    index = name_index(catalog)
    best: dict[str, float] = {}
    for _key, score, position in process.extract(
        query,
        index.keys,
        scorer=_score,
        processor=None,
        limit=limit * 4,
        score_cutoff=SUGGEST - 15,
    ):
        role_id = index.owners[position]
        best[role_id] = max(best.get(role_id, 0.0), score)
    ordered = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
    return [(catalog[role_id], score) for role_id, score in ordered]


def _score(query: str, key: str, **kwargs) -> float:
    # Plain ratio for typos in whole names; token_sort for reordered words
    # ("director operations"); partial matches only for longer keys, so that
    # "director" alone does not look like a near-perfect "hr director".
    score = max(fuzz.ratio(query, key), fuzz.token_sort_ratio(query, key))
    if len(query) >= 5 and len(key) >= 5:
        score = max(score, 0.9 * fuzz.partial_ratio(query, key))
    return score
