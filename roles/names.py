"""Turning what people type (`Opps Director`, `c.o.o.`, `the CFO`) into catalog roles.

In order: an exact name (title, abbreviation, alias); an abbreviation several roles share
(`CPO`), which asks; a known title with words that do not change the role (`Interim CEO`);
"Head of X" (the director/VP-level role of function X); a typo of one title, accepted only
when the typed words mean the same as that title (`Opps Director`, never `Product` for
`Project`); otherwise the title grammar (`roles.titles`) reads it as "function + level" and
the answer names the nearest roles by function and level, spelling last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from roles.catalog import Catalog, Role
from roles.titles import (
    CONNECTORS,
    MODIFIERS,
    PART_WORDS,
    RANK_WORDS,
    TitleReading,
    grammar_vocabulary,
    read_title,
)

_FILLER = {"the", "a", "an", "our", "my"}
_NON_WORD = re.compile(r"[^a-z0-9]+")

# A typo is corrected without asking when the best match scores at least this (0-100)...
AUTO_ACCEPT = 86
# ...and beats the next role by this margin; below SUGGEST a name is not offered at all.
AUTO_MARGIN = 6
SUGGEST = 75
# A typed word is read as a known word (for the grammar) when this close to it.
WORD_MATCH = 80
# Nearest roles offered for a title that is not in the catalog.
NEAREST = 3


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
    One index per catalog instance (`Catalog.names`).
    """

    exact: dict[str, str]  # normalized name -> role id
    shared: dict[str, tuple[str, ...]]  # normalized abbreviation -> the role ids using it
    keys: tuple[str, ...]
    owners: tuple[str, ...]  # role id of keys[i]
    longest: int  # most words in any name
    vocabulary: tuple[str, ...]  # every word of every name, and the grammar's words
    # the words a typo may be read as: the vocabulary without abbreviations that are names
    # by themselves (`csio` must not become `cio`, a real title)
    spellable: tuple[str, ...]
    readings: dict[str, TitleReading]  # normalized name -> its reading
    by_words: dict[frozenset[str], tuple[str, ...]]  # a name's words, in any order -> ids

    @classmethod
    def build(cls, catalog: Catalog) -> NameIndex:
        owners: dict[str, list[str]] = {}
        for role in catalog:
            for name in role.names():
                key = normalize(name)
                if not key:
                    continue
                ids = owners.setdefault(key, [])
                if role.id not in ids:
                    ids.append(role.id)
        exact = {k: ids[0] for k, ids in owners.items() if len(ids) == 1}
        shared = {k: tuple(ids) for k, ids in owners.items() if len(ids) > 1}
        for key, ids in shared.items():
            if not _is_abbreviation(key):
                raise ValueError(f"{key!r} names both {ids[0]} and {ids[1]}")
        pairs = [(k, i) for k, ids in owners.items() for i in ids]
        by_words: dict[frozenset[str], tuple[str, ...]] = {}
        for key, ids in owners.items():
            content = _content(key.split())
            by_words[content] = tuple(dict.fromkeys((*by_words.get(content, ()), *ids)))
        words = set(grammar_vocabulary())
        for key in owners:
            words.update(key.split())
        return cls(
            exact=exact,
            shared=shared,
            keys=tuple(k for k, _ in pairs),
            owners=tuple(i for _, i in pairs),
            longest=max(len(k.split()) for k in owners),
            vocabulary=tuple(sorted(words)),
            spellable=tuple(sorted(w for w in words if not (w in owners and _is_abbreviation(w)))),
            readings={k: read_title(k.split()) for k in owners},
            by_words=by_words,
        )

    def is_name(self, key: str) -> bool:
        return key in self.exact or key in self.shared


def _is_abbreviation(key: str) -> bool:
    return " " not in key and len(key) <= 5


def name_index(catalog: Catalog) -> NameIndex:
    """The catalog's own index (built once per catalog instance)."""
    return catalog.names


@dataclass(frozen=True)
class Resolution:
    """What one typed name resolved to.

    `role` is set when the name is known, a clear typo of one name, or a known title with
    words that do not change the role (`corrected` then says so, and `note` how it was
    read). Otherwise `suggestions` holds the nearest roles, best first: `ambiguous` when
    the name fits several of them (an abbreviation they share, a level or function alone),
    and `nearest_by` says how they were chosen (`function and level`, `function`, `level`,
    or `spelling`) when the name is a title the catalog does not have.
    """

    query: str
    role: Role | None = None
    corrected: bool = False
    suggestions: tuple[Role, ...] = ()
    ambiguous: bool = False
    note: str = ""
    nearest_by: str = ""

    @property
    def outcome(self) -> str:
        """`role`, `ask`, or `unknown` (not in the catalog), for tests and logs."""
        if self.role is not None:
            return "role"
        return "ask" if self.ambiguous else "unknown"


def lookup(catalog: Catalog, name: str) -> Role | None:
    """The role whose title, abbreviation or alias is exactly `name` (after normalizing)."""
    role_id = name_index(catalog).exact.get(normalize(name))
    return catalog[role_id] if role_id else None


def resolve(catalog: Catalog, name: str) -> Resolution:
    """Resolve a typed name by meaning; never substitute one real title for another."""
    index = name_index(catalog)
    key = normalize(name)
    if not key:
        return Resolution(query=name)
    if key in index.exact:
        return Resolution(query=name, role=catalog[index.exact[key]])
    if key in index.shared:
        return Resolution(
            query=name, suggestions=tuple(catalog[i] for i in index.shared[key]), ambiguous=True
        )
    words = key.split()
    reading = read_title(_spell(index, words))
    found = _without_modifiers(catalog, index, words, name)
    if found is None:
        found = _head_of(catalog, reading, words, name)
    if found is None:
        found = _typo(catalog, index, key, reading, name)
    if found is not None:
        return found
    return _nearest(catalog, index, key, reading, name)


# Short forms people write for a whole word
SHORT_FORMS = {
    "dir": "director",
    "mgmt": "management",
    "dept": "department",
    "exec": "executive",
    "mgr": "manager",
    "eng": "engineering",
    "mktg": "marketing",
}


def _spell(index: NameIndex, words: list[str]) -> list[str]:
    """Each word as the known word it is a spelling of (`opps` -> `ops`), else as typed."""
    known = set(index.vocabulary)
    spelled = []
    for word in words:
        word = SHORT_FORMS.get(word, word)
        if word in known or len(word) < 4:
            spelled.append(word)
            continue
        match = process.extractOne(
            word, index.spellable, scorer=fuzz.ratio, score_cutoff=WORD_MATCH
        )
        spelled.append(match[0] if match and not _derived(word, match[0]) else word)
    return spelled


def _derived(word: str, known: str) -> bool:
    """`accountant` from `account`, `generalist` from `general`: another word built on a
    known one, not a misspelling of it (a plural, `managers`, is still the known word)."""
    return word.startswith(known) and len(word) - len(known) >= 2


def _without_modifiers(
    catalog: Catalog, index: NameIndex, words: list[str], name: str
) -> Resolution | None:
    """`Interim CEO`, `Senior Project Manager`, `Group CFO`: the role, saying so."""
    words = " ".join(words).replace("senior vice president", "senior vp").split()
    words = [x for w in words for x in (("senior", "vp") if w == "svp" else (w,))]
    kept = [w for w in words if w not in MODIFIERS]
    dropped = [w for w in words if w in MODIFIERS]
    if not dropped or not kept:
        return None
    role_id = index.exact.get(" ".join(kept))
    if role_id is None:
        return None
    role = catalog[role_id]
    return Resolution(
        query=name,
        role=role,
        corrected=True,
        note=f"“{' '.join(dropped)}” qualifies the title without changing the role.",
    )


def _head_of(
    catalog: Catalog, reading: TitleReading, words: list[str], name: str
) -> Resolution | None:
    """`Head of Sales`: the one director- or VP-level role of that function, if there is one."""
    if "head" not in words or len(reading.functions) != 1 or reading.unknown:
        return None
    text = f" {' '.join(words)} "
    if any(f" {part} " in text for part in PART_WORDS):  # Head of Talent is not the HR Director
        return None
    if reading.rank != 4.5 or reading.stepped:
        return None
    function = reading.functions[0]
    for rank in (5, 4):
        fits = [r for r in catalog if r.function == function and r.rank == rank]
        if len(fits) == 1:
            return Resolution(
                query=name,
                role=fits[0],
                corrected=True,
                note="“Head of” a function is its director or VP level.",
            )
        if fits:
            return None
    return None


def _typo(
    catalog: Catalog, index: NameIndex, key: str, reading: TitleReading, name: str
) -> Resolution | None:
    """One title the typed name is a misspelling of: each typed word, read as the known
    word it is a spelling of (`cheif` -> `chief`), gives exactly that title's words. A
    real word is never read as another (`product` stays `product`, not `project`)."""
    if len(key) <= 3:  # `cfo` vs `cto`: one letter apart and both real
        return None
    words = _content(_spell(index, key.split()))
    owners = index.by_words.get(words, ())
    if len(owners) == 1:
        return Resolution(query=name, role=catalog[owners[0]], corrected=True)
    return None


def _content(words) -> frozenset[str]:
    return frozenset(w for w in words if w not in CONNECTORS)


def _nearest(
    catalog: Catalog, index: NameIndex, key: str, reading: TitleReading, name: str
) -> Resolution:
    """A title the catalog does not have: the nearest roles by function and level, then
    spelling; `ambiguous` (the answer asks) when only a level or only a function was named.
    """
    spelling = {role_id: score for role_id, score, _ in _spelling(index, key, limit=12)}
    if not reading.understood:
        best = max(spelling.values(), default=0.0)
        close = [
            catalog[i]
            for i, s in sorted(spelling.items(), key=lambda kv: -kv[1])
            if s >= SUGGEST and s >= best - 15
        ]
        second = sorted(spelling.values(), reverse=True)[1] if len(spelling) > 1 else 0.0
        return Resolution(
            query=name,
            suggestions=tuple(close[:4]),
            ambiguous=len(close) > 1 and best >= AUTO_ACCEPT and best - second < AUTO_MARGIN,
            nearest_by="spelling" if close else "",
        )
    wanted = set(reading.functions)
    related: list[str] = []
    for f in reading.functions:
        entry = catalog.functions.get(f)
        related.extend(r for r in (entry.related if entry else ()) if r not in wanted)
    target = reading.rank

    def level(role: Role) -> float:
        return abs(role.rank - target) if target is not None else 0.0

    def by_function(role: Role) -> tuple:
        if role.function in wanted:
            fd, order = 0, 0
        else:
            fd, order = 1, related.index(role.function)
        return (fd, level(role), order, -spelling.get(role.id, 0.0), role.rank)

    candidates: list[Role] = []
    if wanted:
        candidates = sorted(
            (r for r in catalog if r.function in wanted or r.function in related),
            key=by_function,
        )
    nearest_by = ("function and level" if target is not None else "function") if candidates else ""
    if not candidates and target is not None:
        # "VP" alone: the roles titled vice president first (not the CISO or the chief of
        # staff, who merely sit on that rung)
        titled = _titled_at(catalog, index, target)
        candidates = sorted(
            (r for r in catalog if level(r) <= 1.5),
            key=lambda r: (r.id not in titled, level(r), -spelling.get(r.id, 0.0), r.rank),
        )
        nearest_by = "level" if candidates else ""
    # a level alone ("Director", "VP") or a function alone ("Marketing"): which one?
    generic = (not wanted or target is None) and not reading.unknown and not reading.modifiers
    if generic and wanted:
        candidates = [r for r in candidates if r.function in wanted] or candidates
    return Resolution(
        query=name,
        suggestions=tuple(candidates[: 4 if generic else NEAREST]),
        ambiguous=generic and bool(candidates),
        nearest_by=nearest_by,
    )


def _titled_at(catalog: Catalog, index: NameIndex, rank: float) -> set[str]:
    """Ids of the roles with a name that says `rank` in words (`VP of Sales` for 4)."""
    phrases = [p.split() for p, r in RANK_WORDS.items() if r == rank]
    titled = set()
    for key, role_id in zip(index.keys, index.owners, strict=True):
        words = key.split()
        if any(words[i : i + len(p)] == p for p in phrases for i in range(len(words) - len(p) + 1)):
            titled.add(role_id)
    return titled


def _spelling(index: NameIndex, key: str, *, limit: int) -> list[tuple[str, float, str]]:
    """Roles by how closely one of their names is spelt like `key`: (id, score, name)."""
    best: dict[str, tuple[float, str]] = {}
    for matched, score, position in process.extract(
        key,
        index.keys,
        scorer=_score,
        processor=None,
        limit=limit * 4,
        score_cutoff=SUGGEST - 15,
    ):
        role_id = index.owners[position]
        if score > best.get(role_id, (-1.0, ""))[0]:
            best[role_id] = (score, matched)
    ordered = sorted(best.items(), key=lambda kv: -kv[1][0])[:limit]
    return [(role_id, score, matched) for role_id, (score, matched) in ordered]


def rank(catalog: Catalog, name: str, *, limit: int = 5) -> list[tuple[Role, float]]:
    """Roles by how closely one of their names is spelt like `name`, best first, 0-100."""
    query = normalize(name)
    if not query:
        return []
    return [
        (catalog[role_id], score)
        for role_id, score, _ in _spelling(name_index(catalog), query, limit=limit)
    ]


def _score(query: str, key: str, **kwargs) -> float:
    # Plain ratio for typos in whole names; token_sort for reordered words
    # ("director operations"); partial matches only for longer keys, so that
    # "director" alone does not look like a near-perfect "hr director".
    score = max(fuzz.ratio(query, key), fuzz.token_sort_ratio(query, key))
    if len(query) >= 5 and len(key) >= 5:
        score = max(score, 0.9 * fuzz.partial_ratio(query, key))
    return score
