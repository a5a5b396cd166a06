"""What to draw, read from the database: the current org chart, a proposal's chart, or
either against what it changes; and saving the picture to a file. Shared by `orgbot
chart` and the sandbox's `chart` command. Only reads; never asks Slack anything."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from slackbot.org.structure import Structure
from slackbot.pictures import render_png, render_svg
from slackbot.proposals import repository as repo

FORMATS = (".png", ".svg")


class ChartError(Exception):
    """Why there is nothing to draw, or the picture cannot be saved, in words."""


@dataclass(frozen=True)
class Subject:
    structure: Structure
    before: Structure | None
    title: str
    names: Callable[[str], str]


def teams(db: Database) -> list[str]:
    """The workspaces with an org chart or a proposal in this database."""
    rows = db.query(
        "select team_id from org_versions union select team_id from proposals order by team_id"
    )
    return [r["team_id"] for r in rows]


def people_names(db: Database, team_id: str) -> Callable[[str], str]:
    """A holder's name as Slack shows it, from what orgbot has stored: the workspace's
    member directory (display name, else real name, else username), else the `people`
    cache; the user id when orgbot knows neither."""
    known = {
        r["user_id"]: r["name"]
        for r in db.query("select user_id, name from people where team_id = ?", [team_id])
        if r["name"]
    }
    if db["members"].exists():
        for r in db.query(
            "select user_id, username, display_name, real_name from members where team_id = ?",
            [team_id],
        ):
            shown = r["display_name"] or r["real_name"] or r["username"]
            if shown:
                known[r["user_id"]] = shown
    return lambda user_id: known.get(user_id, user_id)


def subject(
    db: Database, team_id: str, *, proposal: int | None = None, before_after: bool = False
) -> Subject:
    """What `orgbot chart` draws.

    Args:
        proposal: a proposal's number: its chart (with `before_after`, marked against the
            current org chart, as its card compares it). None: the current org chart
            (with `before_after`, marked against the version before it).

    Raises:
        ChartError: no such proposal, or no approved org chart yet.
    """
    names = people_names(db, team_id)
    current = repo.current_org(db, team_id)
    if proposal is not None:
        found = repo.get_by_number(db, team_id, proposal)
        if found is None:
            raise ChartError(f"{team_id} has no proposal #{proposal}.")
        title = f"Proposal #{found.number}: {found.title}"
        if not before_after:
            return Subject(found.structure, None, title, names)
        before = current.structure if current else Structure()
        against = f"version {current.version}" if current else "no approved chart yet"
        return Subject(
            found.structure, before, f"{title} (against the current org, {against})", names
        )
    if current is None:
        raise ChartError(
            f"{team_id} has no approved org chart yet; draw a proposal with --proposal N."
        )
    effective = getattr(current, "effective_on", None)
    since = (
        f"in effect since {effective.day} {effective:%b %Y}"
        if effective
        else f"approved {current.approved_at.day} {current.approved_at:%b %Y}"
    )
    title = f"Current org chart, version {current.version} ({since})"
    if not before_after:
        return Subject(current.structure, None, title, names)
    previous = repo.org_version(db, team_id, current.version - 1)
    title += f", against version {current.version - 1}" if previous else ", the first one"
    return Subject(current.structure, previous.structure if previous else Structure(), title, names)


def picture_format(path: str | os.PathLike[str]) -> str:
    """ ".png" or ".svg", from the file's name.

    Raises:
        ChartError: any other name.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ChartError(f"{path}: name a .png or .svg file, e.g. chart.png.")
    return suffix


def save(what: Subject, path: str | os.PathLike[str]) -> str:
    """Draw `what` into `path` (PNG or SVG, by its suffix). Returns a line saying what was
    written.

    Raises:
        ChartError: another suffix, or the file cannot be written.
    """
    target = Path(path)
    if picture_format(target) == ".png":
        data = render_png(what.structure, before=what.before, names=what.names, title=what.title)
    else:
        data = render_svg(
            what.structure, before=what.before, names=what.names, title=what.title
        ).encode("utf-8")
    try:
        target.write_bytes(data)
    except OSError as error:
        raise ChartError(
            f"cannot write {target} ({error.strerror or error}). Check that its folder exists "
            "and that you can write there."
        ) from None
    return f"wrote {target} ({_size(len(data))}, {len(what.structure)} positions)"


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count >= 1024 else f"{count} bytes"
