"""Parsing the text after `/role-compare` (or `orgbot compare`) into a request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from roles.catalog import Catalog, Role
from roles.names import Resolution, lookup, name_index, normalize, resolve
from roles.titles import CONNECTORS, read_title

MAX_ROLES = 4

# `A vs B`, `A vs. B`, `A versus B`, `A v B`, `A v. B`, `A and B`, `A or B`, `A, B`, `A / B`, `A & B`, `A + B`,
# `A | B`, `A; B`. Words only count as separators with spaces around them, so "vp of
# operations" and "research and development" (were it a role) are not split by "of"/"and"
# here; `split_pieces` re-joins pieces when the whole text is itself a known name.
_SEPARATORS = re.compile(
    r"\s+(?:vs\.?|versus|v\.?|and|or|against|compared\s+(?:to|with))\s+|\s*[,;/&|+]\s*",
    re.IGNORECASE,
)
# Slack's own tokens in command text (`<!channel>`, `<@U123|dana>`, `<#C123|general>`): not
# role names, and never worth echoing back.
_SLACK_TOKENS = re.compile(r"<[!@#][^>]*>")
# A separator left dangling at either end ("COO vs", "vs CEO").
_DANGLING = re.compile(
    r"^(?:vs\.?|versus|v\.?|and|or)$|^(?:(?:vs\.?|versus|v\.?|and|or)\s+)+|(?:\s+(?:vs\.?|versus|v\.?|and|or|with))+\s*$",
    re.IGNORECASE,
)
_HELP_WORDS = {"help", "-h", "--help", "?", "usage"}
# How people ask in words: "what's the difference between a COO and an OD?"
_QUESTION = re.compile(
    r"^(?:(?:what(?:'s|’s|\s+is|\s+are)\s+)?(?:the\s+)?differences?\s+between\s+|compare\s+)",
    re.IGNORECASE,
)
# "(COO)" after a title, "(UK)": said in passing, not another name
_ASIDE = re.compile(r"\s*\([^()]*\)")
_LIST_WORDS = {"list", "ls", "roles", "all", "catalog"}


@dataclass(frozen=True)
class CompareRequest:
    """What the user asked for.

    `kind` is `help`, `list`, `pick` (no text: open the picker), or `roles`, in which case
    `resolutions` holds one entry per name typed, in order.
    """

    kind: str
    text: str = ""
    resolutions: tuple[Resolution, ...] = field(default=())

    @property
    def roles(self) -> tuple[Role, ...]:
        """The resolved roles in order, without repeats."""
        seen: dict[str, Role] = {}
        for r in self.resolutions:
            if r.role is not None:
                seen.setdefault(r.role.id, r.role)
        return tuple(seen.values())

    @property
    def unresolved(self) -> tuple[Resolution, ...]:
        return tuple(r for r in self.resolutions if r.role is None)

    @property
    def corrections(self) -> tuple[Resolution, ...]:
        return tuple(r for r in self.resolutions if r.corrected)

    @property
    def repeated(self) -> bool:
        """True when a role was named twice (`coo vs chief operating officer`)."""
        return len(self.roles) < len([r for r in self.resolutions if r.role is not None])


def parse_compare(catalog: Catalog, text: str) -> CompareRequest:
    """Parse command text: `COO vs Operations Director`, `coo, cfo, cmo`, `coo operations director`.

    Never raises: names that match nothing come back as unresolved `Resolution`s.
    """
    text = " ".join((text or "").split())
    lowered = text.lower()
    if not text:
        return CompareRequest(kind="pick")
    if lowered in _HELP_WORDS:
        return CompareRequest(kind="help", text=text)
    if lowered in _LIST_WORDS:
        return CompareRequest(kind="list", text=text)
    asked = _question(text)
    if not asked:  # only a mention or a dangling "vs": say how to ask
        return CompareRequest(kind="help", text=text)
    resolutions = [resolve(catalog, n) for n in split_names(catalog, asked)]
    named = {r.role.id for r in resolutions if r.role is not None}
    # a name already in the request is no suggestion for another ("COO vs COO")
    resolutions = [
        replace(r, suggestions=tuple(s for s in r.suggestions if s.id not in named))
        if r.role is None
        else r
        for r in resolutions
    ]
    return CompareRequest(kind="roles", text=text, resolutions=tuple(resolutions))


def _question(text: str) -> str:
    """The role names in `text`: without Slack tokens, the words of a question ("what's the
    difference between"), asides in brackets, or separators left dangling."""
    text = " ".join(_SLACK_TOKENS.sub(" ", text).split())
    if not text:
        return ""
    text = _ASIDE.sub("", _QUESTION.sub("", text)).rstrip(" ?").strip() or text
    before = None
    while before != text:
        before = text
        text = _DANGLING.sub("", text).strip(" ,;/&|+")
    return text


def split_names(catalog: Catalog, text: str) -> list[str]:
    """Split command text into the role names it contains.

    Separators split first; a piece without separators that holds several names
    (`coo operations director`) is split by longest match against the catalog, and any
    words between known names stay together as one (possibly misspelt) name.
    """
    if lookup(catalog, text) is not None or _one_title(catalog, text):
        return [text]
    names: list[str] = []
    for piece in _SEPARATORS.split(text):
        piece = piece.strip()
        if piece:
            names.extend(segment(catalog, piece))
    return names


def _one_title(catalog: Catalog, text: str) -> bool:
    """`Director, Operations`: the words of one title in another order, commas and all;
    `Director, Engineering`, a title the catalog does not have, is one title too: a level
    alone, a comma, then a function alone."""
    words = frozenset(normalize(text).split()) - CONNECTORS
    if len(name_index(catalog).by_words.get(words, ())) == 1:
        return True
    level, comma, function = text.partition(",")
    if not comma or "," in function or _SEPARATORS.search(f"{level} {function}"):
        return False
    first, second = read_title(normalize(level).split()), read_title(normalize(function).split())
    return (
        first.rank is not None
        and not first.functions
        and not first.unknown
        and second.rank is None
        and bool(second.functions)
        and not second.unknown
    )


def segment(catalog: Catalog, piece: str) -> list[str]:
    """Split one piece without separators into the names it holds (`coo operations
    director`, `coo opps director`), by longest match against the catalog.

    A piece is only split when every part is a name or a clear typo of one: a title the
    catalog does not have stays whole (`Deputy CEO`, `Business Operations Manager`,
    `Vice President`), to be read by the title grammar.
    """
    index = name_index(catalog)
    if index.is_name(normalize(piece)):
        return [piece]
    words = piece.split()
    parts: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + index.longest), i, -1):
            candidate = " ".join(words[i:j])
            if index.is_name(normalize(candidate)):
                if unknown:
                    parts.append(" ".join(unknown))
                    unknown = []
                parts.append(candidate)
                i = j
                break
        else:
            unknown.append(words[i])
            i += 1
    if unknown:
        parts.append(" ".join(unknown))
    parts = [p for p in parts if normalize(p)]
    if len(parts) > 1 and all(
        index.is_name(normalize(p)) or resolve(catalog, p).corrected for p in parts
    ):
        return parts
    return [piece]
