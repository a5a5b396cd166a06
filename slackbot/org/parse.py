"""Reading the structure text people type, one position a line, into a `Structure`.

    CEO (@maria)
    COO (@sam) reports to CEO
    Operations Manager x3, 1 open reports to COO
    Data Analyst [hire] reports to CFO
    Head of Data reports to CFO, dotted to COO

A line is `Title [xN] [(@holder, …)] [, N open | [open|hire|backfill]] [reports to
Manager] [, dotted to Other, …]`; the parts after the title may come in any order. Every
problem is reported with its line number, not just the first. Pure: names of people are
looked up through a `HolderResolver` the caller passes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process

from roles import Catalog
from roles.names import lookup, normalize
from slackbot.org.structure import (
    BACKFILL,
    EXAMPLE,
    FILLED,
    HIRE,
    MAX_HEADCOUNT,
    MAX_POSITIONS,
    MAX_TITLE,
    OPEN,
    SEAT_WORDS,
    USER_ID,
    HolderResolver,
    Position,
    Structure,
)

_REPORTS = re.compile(
    r"\s+(?:reports?\s+(?:to|into)|reporting\s+to|under)\s+|\s*(?:->|→|=>)\s*", re.IGNORECASE
)
# "…, dotted to COO, CTO", "… dotted-line to COO", "… also reports to COO"
_DOTTED = re.compile(
    r"(?:\s*[,;]\s*|\s+)(?:dotted(?:[- ]?lines?)?\s+(?:to|into)|also\s+reports?\s+(?:to|into))\b\s*",
    re.IGNORECASE,
)
# "Manager x3", "Manager ×3", "Manager (3)": an x needs a space before it, so that a
# title ending in a digit ("Linux2", "Tier x2 Lead" aside) is not read as a count
_HEADCOUNT = re.compile(
    r"^(?P<title>.*?)(?:\s+[x*]\s*(?P<n>\d+)|\s*×\s*(?P<n3>\d+)|\s*\(\s*(?P<n2>\d+)\s*\))$",
    re.IGNORECASE,
)
_SEAT_KIND = r"open|vacant|to\s+hire|hire|hiring|new\s+hires?|backfills?"
# "…, 1 open", "… (2 to hire)"
_SEATS = re.compile(
    rf"^(?P<title>.*?)\s*(?:,\s*(?P<n>\d+)\s+(?P<kind>{_SEAT_KIND})"
    rf"|\(\s*(?P<n2>\d+)\s+(?P<kind2>{_SEAT_KIND})\s*\))$",
    re.IGNORECASE,
)
# "… [hire]", "… [open]", "… [2 backfill]"; any other [tag] is named as a mistake
_TAG = re.compile(r"^(?P<title>.*?)\s*\[(?P<tag>[^\[\]]*)\]$")
_TAG_BODY = re.compile(rf"^\s*(?:(?P<n>\d+)\s+)?(?P<kind>{_SEAT_KIND})\s*$", re.IGNORECASE)
# "… (@dana)", "… (@dana, <@U123>)": parentheses holding an @
_HOLDERS = re.compile(r"^(?P<title>.*?)\s*,?\s*\((?P<who>[^()]*@[^()]*)\)$")
_MENTION = re.compile(r"^<@(?P<id>[UW][A-Z0-9]{2,})(?:\|[^>]*)?>$")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")
_TRAILING_COMMENT = re.compile(r"\s+#\s.*$")
_WORDLIKE = re.compile(r"[^\W_]")
_UNICODE_WORDS = re.compile(r"[^\W_]+")
_FILLER = {"the", "a", "an", "our", "my"}
STATUS_TAGS = "[open], [hire] or [backfill]"
SEATS_EXAMPLE = "Operations Manager x3, 1 open"


@dataclass
class ParseResult:
    structure: Structure = field(default_factory=Structure)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def title_key(title: str) -> str:
    """The identity of a title that is not a catalog role: its normalized words. A title
    in another script keeps its letters (`研究員` and `工程師` are two positions)."""
    if title.isascii():
        return "title:" + normalize(title)
    words = [w for w in _UNICODE_WORDS.findall(title.casefold()) if w not in _FILLER]
    return "title:" + " ".join(words)


def position_key(catalog: Catalog, title: str) -> tuple[str, str | None]:
    role = lookup(catalog, title)
    if role is not None:
        return role.id, role.id
    return title_key(title), None


def seat_kind(word: str) -> str:
    """`open`/`vacant` -> OPEN, `hire`/`to hire`/`hiring`/`new hire` -> HIRE, `backfill` ->
    BACKFILL."""
    word = " ".join(word.lower().split())
    if word in ("open", "vacant"):
        return OPEN
    if word.startswith("backfill"):
        return BACKFILL
    return HIRE


@dataclass
class _Line:
    number: int
    title: str
    headcount: int = 1
    manager: str | None = None
    dotted: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)
    vacancies: int | None = None  # None: not given as a count
    status: str = FILLED


def parse_structure(
    text: str,
    catalog: Catalog,
    *,
    people: HolderResolver | None = None,
    max_positions: int | None = MAX_POSITIONS,
) -> ParseResult:
    """Read one position a line (see the module docstring).

    Blank lines and lines starting with `#` are skipped; list bullets are allowed.

    Args:
        text: what the person typed.
        catalog: to recognise titles that are catalog roles.
        people: looks up `@name` holders; without it only user ids (`<@U…>`, `@U…`) are
            accepted and a name is reported as a mistake.
        max_positions: the most positions allowed (None: no limit).

    Returns:
        A `ParseResult`: the structure when there were no mistakes, else every mistake
        with its line number and an empty structure.
    """
    errors: list[str] = []
    lines: list[_Line] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        stripped = _BULLET.sub("", raw).strip()
        if not stripped or stripped.startswith("#"):
            continue
        stripped = _TRAILING_COMMENT.sub("", stripped)
        line, problem = _read_line(number, stripped)
        if problem:
            errors.append(f"Line {number}: {problem}")
            continue
        assert line is not None
        lines.append(line)

    if not lines and not errors:
        return ParseResult(errors=[f"List at least one position, e.g. `{EXAMPLE}`."])
    if max_positions is not None and len(lines) > max_positions:
        errors.append(
            f"That's {len(lines)} positions; a proposal holds up to {max_positions} so its "
            "card fits in one Slack message. Split it into smaller proposals."
        )

    keys: dict[str, _Line] = {}
    positions: list[tuple[Position, _Line]] = []
    for line in lines:
        key, role_id = position_key(catalog, line.title)
        if key in keys:
            first = keys[key]
            same = (
                "" if normalize(first.title) == normalize(line.title) else f" (as “{first.title}”)"
            )
            errors.append(
                f"Line {line.number}: “{line.title}” is listed twice (also line "
                f"{first.number}{same}). For several people in one role write it once with a "
                f"count, e.g. `{line.title} x2`."
            )
            continue
        keys[key] = line
        holders, problems = _holders(line, people)
        errors.extend(f"Line {line.number}: {p}" for p in problems)
        vacancies = line.vacancies
        if vacancies is None:
            vacancies = line.headcount - len(line.handles) if line.status != FILLED else 0
        positions.append(
            (
                Position(
                    title=line.title,
                    key=key,
                    role_id=role_id,
                    headcount=line.headcount,
                    line=line.number,
                    holders=holders,
                    vacancies=vacancies,
                    status=line.status if vacancies else FILLED,
                ),
                line,
            )
        )

    titles = {p.key: p.title for p, _ in positions}
    resolved: list[Position] = []
    for position, line in positions:
        manager_key = None
        ok = True
        if line.manager is not None:
            manager_key, _ = position_key(catalog, line.manager)
            if manager_key == position.key:
                errors.append(f"Line {line.number}: “{position.title}” can't report to itself.")
                ok = False
            elif manager_key not in titles:
                errors.append(
                    f"Line {line.number}: “{position.title}” reports to “{line.manager}”, "
                    f"which is not in the list.{_did_you_mean(line.manager, titles.values())} "
                    f"Add a line for {line.manager} or correct the name."
                )
                ok = False
        dotted: list[str] = []
        for target in line.dotted:
            key, _ = position_key(catalog, target)
            if key == position.key:
                errors.append(
                    f"Line {line.number}: “{position.title}” can't have a dotted line to itself."
                )
            elif key not in titles:
                errors.append(
                    f"Line {line.number}: “{position.title}” has a dotted line to “{target}”, "
                    f"which is not in the list.{_did_you_mean(target, titles.values())} Add a "
                    f"line for {target} or correct the name."
                )
            elif key == manager_key:
                errors.append(
                    f"Line {line.number}: “{position.title}” already reports to "
                    f"{titles[key]}; a dotted line to its own manager adds nothing. Remove it, "
                    "or make the dotted line to someone else."
                )
            elif key in dotted:
                errors.append(
                    f"Line {line.number}: the dotted line from “{position.title}” to "
                    f"{titles[key]} is written twice; keep one."
                )
            else:
                dotted.append(key)
                continue
            ok = False
        if ok:
            resolved.append(replace(position, reports_to=manager_key, dotted=tuple(dotted)))

    structure = Structure(tuple(resolved))
    if not errors:
        errors.extend(_shape_problems(structure))
    return ParseResult(structure=structure if not errors else Structure(), errors=errors)


def _read_line(number: int, text: str) -> tuple[_Line | None, str | None]:
    """Split one line into its parts, or say why it can't be read."""
    main, dotted_text = text, None
    found = _DOTTED.search(text)
    if found:
        main, dotted_text = text[: found.start()], text[found.end() :]
        # "X, dotted to COO, reports to CFO": the solid line written after the dotted one
        parts = _REPORTS.split(dotted_text, maxsplit=1)
        if len(parts) > 1:
            dotted_text = parts[0].rstrip(" ,;")
            main = f"{main} reports to {parts[1]}"
    parts = _REPORTS.split(main, maxsplit=1)
    head = parts[0].strip()
    manager = parts[1].strip().rstrip(",;").strip() if len(parts) > 1 else None

    line = _Line(number=number, title=head, manager=manager)
    problem = _read_head(line, head)
    if problem:
        return None, problem
    head = line.title
    if not head:
        return None, f"can't read “{text}”: it has no position title. Write e.g. `{EXAMPLE}`."
    if not _WORDLIKE.search(head):
        return None, (
            f"“{text}” is not a position: a title needs letters or digits. Write e.g. `{EXAMPLE}`."
        )
    if manager is not None and not manager:
        return None, f"“{head}” reports to whom? Write e.g. `{EXAMPLE}`."
    if manager is not None and not _WORDLIKE.search(manager):
        return None, (
            f"“{head}” reports to “{manager}”, which is not a position title (it needs "
            f"letters or digits). Write e.g. `{EXAMPLE}`."
        )
    if re.search(r"\breports?\b|\bunder\b", head, re.IGNORECASE) and manager is None:
        return None, f"can't read “{text}”. Write e.g. `{EXAMPLE}`."
    if dotted_text is not None:
        targets = [t.strip() for t in re.split(r"[,;]", dotted_text)]
        targets = [t for t in targets if t]
        if not targets:
            return None, f"“{head}” has a dotted line to whom? Write e.g. `{head} dotted to COO`."
        for target in targets:
            if not _WORDLIKE.search(target):
                return None, (
                    f"“{head}” has a dotted line to “{target}”, which is not a position title "
                    "(it needs letters or digits)."
                )
        line.dotted = targets
    if line.headcount < 1 or line.headcount > MAX_HEADCOUNT:
        return None, f"the count for “{head}” must be from 1 to {MAX_HEADCOUNT}."
    for name in (head, manager or "", *line.dotted):
        if len(name) > MAX_TITLE:
            return None, f"“{name[:40]}…” is longer than {MAX_TITLE} characters; shorten the title."
    return line, _seats_problem(line)


def _read_head(line: _Line, head: str) -> str | None:
    """Peel the count, holders, open seats and [status] off the end of the title, in any
    order; each may be written once."""
    seen: set[str] = set()
    while True:
        part, match = _peel(head)
        if part is None:
            break
        assert match is not None
        if part in seen:
            return f"“{match.group('title').strip()}”: write its {part} once."
        seen.add(part)
        head = match.group("title").strip()
        if part == "count":
            line.headcount = int(match.group("n") or match.group("n2") or match.group("n3"))
        elif part == "holders":
            line.handles = [h.strip() for h in match.group("who").split(",")]
        elif part == "seats":
            n = match.group("n") or match.group("n2")
            kind = seat_kind(match.group("kind") or match.group("kind2"))
            if line.status != FILLED and line.status != kind:
                return _two_kinds(head, line.status, kind)
            line.vacancies, line.status = int(n), kind
        elif part == "tag":
            tag = match.group("tag")
            body = _TAG_BODY.match(tag)
            if body is None:
                return (
                    f"“[{tag.strip()}]” is not a status; write {STATUS_TAGS} (or "
                    f"`{SEATS_EXAMPLE}` for some seats of several)."
                )
            kind = seat_kind(body.group("kind"))
            if line.status != FILLED and line.status != kind:
                return _two_kinds(head, line.status, kind)
            line.status = kind
            if body.group("n"):
                line.vacancies = int(body.group("n"))
    line.title = head
    return None


def _peel(head: str) -> tuple[str | None, re.Match[str] | None]:
    for part, pattern in (
        ("tag", _TAG),
        ("holders", _HOLDERS),
        ("seats", _SEATS),
        ("count", _HEADCOUNT),
    ):
        match = pattern.match(head)
        if match and (part != "count" or _count_of(match)):
            return part, match
    return None, None


def _count_of(match: re.Match[str]) -> str | None:
    return match.group("n") or match.group("n2") or match.group("n3")


def _two_kinds(head: str, first: str, second: str) -> str:
    return (
        f"“{head}” is marked both {SEAT_WORDS[first]} and {SEAT_WORDS[second]}; its vacant "
        "seats are one kind: open, to hire or backfill."
    )


def _seats_problem(line: _Line) -> str | None:
    seats = line.headcount
    named = len(line.handles)
    if line.vacancies is not None and line.vacancies > seats:
        return (
            f"“{line.title}” has {seats} seat{'s' if seats > 1 else ''}; "
            f"{line.vacancies} {SEAT_WORDS[line.status]} is more than that. Write the count "
            f"first, e.g. `{line.title} x{line.vacancies}, {line.vacancies} "
            f"{SEAT_WORDS[line.status]}`."
        )
    if line.status != FILLED and line.vacancies is None and named >= seats:
        return (
            f"“{line.title}” is marked {SEAT_WORDS[line.status]} but every seat has a holder. "
            f"Remove the holder or the [{line.status}], or add seats, e.g. "
            f"`{line.title} x{seats + 1}`."
        )
    filled = seats - (line.vacancies or 0)
    if named > filled:
        return (
            f"“{line.title}” names {named} holders for {filled} filled seat"
            f"{'' if filled == 1 else 's'}. Raise the count (e.g. `{line.title} x{named}`) or "
            "name fewer people."
        )
    return None


def _holders(line: _Line, people: HolderResolver | None) -> tuple[tuple[str, ...], list[str]]:
    """The user ids of the line's holders, and a problem for each handle that is not one
    person."""
    ids: list[str] = []
    problems: list[str] = []
    for written in line.handles:
        mention = _MENTION.match(written)
        if mention:
            handle = mention.group("id")
        elif written.startswith("@") and written[1:].strip():
            handle = written[1:].strip()
        else:
            problems.append(
                f"“{written}” in the holders of “{line.title}” is not a person; write each "
                "holder as @name, separated by commas, e.g. `(@dana, @sam)`."
            )
            continue
        is_id = bool(USER_ID.match(handle))
        if people is None:
            if is_id:
                ids.append(handle)
            else:
                problems.append(
                    f"“@{handle}” can't be looked up here; write holders as user ids "
                    "(`<@U012AB3CD>`)."
                )
            continue
        found = people.resolve(handle)
        if isinstance(found, str):
            if found in ids:
                problems.append(f"“{written}” is named twice as holder of “{line.title}”.")
            else:
                ids.append(found)
            continue
        if is_id and not found:
            problems.append(
                f"“{written}” (holder of “{line.title}”) is not a member of this workspace."
            )
        elif not found:
            problems.append(
                f"nobody in this workspace is called “@{handle}” (holder of “{line.title}”)."
                + _suggestions(people, handle)
            )
        else:
            shown = ", ".join(_who(people, uid) for uid in found[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            problems.append(
                f"“@{handle}” (holder of “{line.title}”) could be {len(found)} people: "
                f"{shown}{more}. Write the one you mean by a name only they have, or as "
                "<@U…>."
            )
    return tuple(ids), problems


def _who(people: HolderResolver, user_id: str) -> str:
    describe = getattr(people, "describe", None)
    if describe is not None:
        return describe(user_id)
    name = people.name(user_id)
    return f"@{name} ({user_id})" if name else user_id


def _suggestions(people: HolderResolver, handle: str) -> str:
    suggest = getattr(people, "suggest", None)
    found = suggest(handle) if suggest is not None else []
    if not found:
        return ""
    return " Did you mean " + " or ".join(f"“@{n}”" for n in found[:3]) + "?"


def _did_you_mean(name: str, titles: Iterable[str]) -> str:
    found = process.extractOne(name, list(titles), scorer=fuzz.WRatio, score_cutoff=70)
    return f" Did you mean “{found[0]}”?" if found else ""


def dotted_loops(structure: Structure) -> list[str]:
    """A dotted line to someone in the position's own solid-line team (a report, or a
    report's report): it would answer to a person who answers to it."""
    problems = []
    by_key = structure.by_key
    for position in structure.positions:
        for target in position.dotted:
            chain = [target]
            current = by_key[target].reports_to if target in by_key else None
            while current is not None and current != position.key and len(chain) <= len(by_key):
                chain.append(current)
                current = by_key[current].reports_to if current in by_key else None
            if current != position.key:
                continue
            path = " → ".join(by_key[k].title for k in [*chain, position.key])
            problems.append(
                f"Line {position.line}: “{position.title}” has a dotted line to "
                f"“{by_key[target].title}”, who reports to it ({path}): a loop. Remove the "
                f"dotted line, or have {by_key[target].title} report elsewhere."
            )
    return problems


def _shape_problems(structure: Structure) -> list[str]:
    problems = []
    by_key = structure.by_key
    seen_in_loop: set[str] = set()
    done: set[str] = set()  # positions known to reach a top position
    for position in structure.positions:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = position.key
        while current is not None and current not in on_path and current not in done:
            path.append(current)
            on_path.add(current)
            current = by_key[current].reports_to
        if current is not None and current in on_path and current not in seen_in_loop:
            loop = path[path.index(current) :]
            seen_in_loop.update(loop)
            names = " → ".join(by_key[k].title for k in [*loop, loop[0]])
            problems.append(
                f"Reporting loop: {names}. Someone in it must report outside the loop, or "
                "be a top position (no “reports to”)."
            )
        elif current is None or current in done:
            done.update(path)
    if not problems:
        problems.extend(dotted_loops(structure))
    if not structure.roots():
        problems.insert(
            0,
            "No top position: every position reports to another. Leave “reports to …” off "
            "the top one, e.g. just `CEO`.",
        )
    return problems
