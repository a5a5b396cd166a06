"""The sandbox's command loop: type what a Slack user would, see what Slack would show.

The same loop reads a script (`orgbot sandbox --script FILE`), where every line is what a
person would type, answers to a modal's fields included; `expect TEXT` checks the last
output, and any failed step ends the script with a non-zero exit status.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import shlex
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from slackbot import manifest
from slackbot.sandbox.forms import MULTILINE_END, Field, FieldError, fields_of, parse_answer
from slackbot.sandbox.session import MAX_TRAVEL, Sandbox, Screen

HELP = """\
Commands (type them as the person you are; `as` changes who):
  /role-compare COO vs Operations Director    any slash command, in the current channel
  /org-proposal                                opens the proposal form (you fill it field by field)
  /invite @orgbot                              add orgbot (or anyone) to the current channel
  click 3   (or just 3)   click Approve        press button [3], or the button called Approve
  show              dms                        the latest messages here / your DMs from orgbot
  home                                         open your Home tab
  as @alex          in #leadership             become someone else / move to another channel
  wait 1d           wait 2h30m                 move the clock; reminders and digests fire
  at monday 09:00   at 2026-12-01 09:00        move the clock to a time (workspace time zone)
  tick                                         run the scheduler now, without moving the clock
  chart             chart 3    chart 3 p.svg   save a picture of the org chart / proposal #3
                                               against it (PNG or SVG) and print its path
  people            channels        time       who and what is here, and the time
  expect TEXT       expect-not TEXT            (scripts) check the last output
  help              quit
In a form: Enter keeps the value shown in [brackets]; several lines end with a lone '.'.
Type 'cancel' at any field to close the form."""

_DURATION = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class StepFailed(Exception):
    """A scripted step did not do what the script expected."""


class Lines:
    """Where input comes from: the terminal, or a script's lines (with their numbers)."""

    def __init__(self, source: TextIO | None = None, *, echo: Callable[[str], None] | None = None):
        self.source = source
        self.echo = echo
        self.number = 0
        self._iter: Iterator[str] | None = iter(source) if source is not None else None

    @property
    def scripted(self) -> bool:
        return self.source is not None

    def read(self, prompt: str) -> str | None:
        """One line, or None at the end of input."""
        if self._iter is None:
            try:
                return input(prompt)
            except EOFError:
                return None
        while True:
            try:
                line = next(self._iter).rstrip("\n")
            except StopIteration:
                return None
            self.number += 1
            if line.startswith("# ") or line == "#":
                continue  # a comment in a script
            if self.echo:
                self.echo(f"{prompt}{line}")
            return line


class Repl:
    def __init__(self, sandbox: Sandbox, lines: Lines, out: Callable[[str], None] = print):
        self.sb = sandbox
        self.lines = lines
        self.out = out
        self.last_output = ""
        self._problems_seen = 0  # the stand-in Slack's complaints already reported

    # the loop -------------------------------------------------------------------------------

    def run(self) -> int:
        """Read commands until the end, `quit` or Ctrl-C. Returns the exit status."""
        try:
            return self._loop()
        except KeyboardInterrupt:
            self.say("\n(interrupted; the sandbox is closed)")
            return 130 if self.lines.scripted else 0

    def _loop(self) -> int:
        if not self.lines.scripted:
            self.say(self._welcome())
        while True:
            line = self.lines.read(self._prompt())
            if line is None or line.strip() in ("quit", "exit"):
                return 0
            if not line.strip():
                continue
            try:
                self.command(line.strip())
            except StepFailed as failure:
                self.say(f"✗ step failed: {failure}")
                if self.lines.scripted:
                    self.say(f"  (script line {self.lines.number})")
                    return 1
            except (KeyError, ValueError) as problem:
                message = problem.args[0] if problem.args else str(problem)
                self.say(f"✗ {message}")
                if self.lines.scripted:
                    self.say(f"  (script line {self.lines.number})")
                    return 1

    def _channel_line(self, channel: Any) -> str:
        ws = self.sb.ws
        if channel.is_im or channel.is_mpim:
            names = [f"@{ws.users[m].name}" for m in sorted(channel.members)]
            names = ", ".join(names[:-1]) + " and " + names[-1]
            kind = "DM" if channel.is_im else "group DM"
            return f"#{channel.name}  ({kind} between {names}; orgbot is not in it)"
        private = "  (private)" if channel.is_private else ""
        member = "" if ws.bot.id in channel.members else "  (orgbot is not a member)"
        return f"#{channel.name}{private}{member}"

    def say(self, text: str) -> None:
        self.out(text)

    def command(self, line: str) -> None:
        words = line.split(maxsplit=1)
        verb, rest = words[0], (words[1] if len(words) > 1 else "")
        if verb == "/invite":  # Slack's own command: it never reaches the app
            if not rest.split():
                raise ValueError("say whom, e.g. /invite @orgbot")
            self.last_output = "\n".join(self.sb.invite(name) for name in rest.split())
            self.say(self.last_output)
        elif verb.startswith("/"):
            if verb not in slash_commands():  # Slack answers these itself; orgbot never hears
                raise ValueError(
                    f"{verb} is not a valid command (Slack would say so too). orgbot's are "
                    + ", ".join(sorted(slash_commands()))
                    + ", and Slack's /invite works here"
                )
            response = self.sb.slash(verb, rest)
            self._check_response(response)
            self.show()
        elif verb == "click" or verb.isdigit():
            target = rest.strip() if verb == "click" else verb
            number = int(target) if target.isdigit() else self.sb.find_target(target)
            self.click(number)
        elif verb in ("dms", "show"):
            screens = self.sb.recent(dms=verb == "dms")
            self.last_output = "\n".join(self._format(s) for s in screens) or "(nothing here yet)"
            self.say(self.last_output)
        elif verb == "home":
            self._check_response(self.sb.open_home())
            self.show()
        elif verb == "as":
            self.sb.switch_user(rest.strip())
            self.say(f"You are now @{self.sb.user_name}.")
        elif verb == "in":
            self.sb.switch_channel(rest.strip())
            self.say(f"You are now in #{self.sb.channel_name}.")
        elif verb == "wait":
            self.sb.advance(parse_duration(rest))
            self.say(f"⏰ It is now {self._now()}.")
            self.show()
        elif verb == "at":
            self.sb.set_time(parse_when(rest, self.sb.now_local()))
            self.say(f"⏰ It is now {self._now()}.")
            self.show()
        elif verb == "tick":
            self.sb.run_scheduler()
            self.show()
        elif verb == "time":
            self.say(f"It is {self._now()}.")
        elif verb == "chart":
            self.chart(rest)
        elif verb == "people":
            self.say(
                "\n".join(
                    f"@{u.name:<8} {u.real_name:<16} {u.tz}{'  (admin)' if u.is_admin else ''}"
                    for u in self.sb.ws.users.values()
                    if not u.is_bot
                )
            )
        elif verb == "channels":
            bot = self.sb.ws.bot.id
            places = [c for c in self.sb.ws.channels.values() if not (c.is_im and bot in c.members)]
            self.say("\n".join(self._channel_line(c) for c in places))
        elif verb == "expect":
            self.expect(_unquote(rest), present=True)
        elif verb == "expect-not":
            self.expect(_unquote(rest), present=False)
        elif verb in ("help", "?"):
            self.say(HELP)
        else:
            raise ValueError(f"unknown command {verb!r}; type help")

    # showing --------------------------------------------------------------------------------

    def show(self) -> None:
        screens = self.sb.screens()
        text = "\n".join(self._format(s) for s in screens) if screens else "(nothing new)"
        self.last_output = text
        self.say(text)
        if self.sb.open_modal() is not None and any(s.title.startswith("modal:") for s in screens):
            self.fill_modal()

    def _format(self, screen: Screen) -> str:
        if not screen.text:
            return screen.title
        bar = f"┌── {screen.title} "
        return f"{bar}{'─' * max(0, 60 - len(bar))}\n{_indent(screen.text)}\n└{'─' * 59}"

    def click(self, number: int) -> None:
        target = self.sb.targets.get(number)
        if target is None:
            raise KeyError(f"there is no [{number}] on screen")
        choice = None
        if target.element.get("type") in ("static_select", "overflow"):
            options = target.element.get("options") or []
            self.say("\n".join(f"  {i}. {o['text']['text']}" for i, o in enumerate(options, 1)))
            answer = self.lines.read("  which? ")
            if (
                answer is None
                or not answer.strip().isdigit()
                or not 1 <= int(answer) <= len(options)
            ):
                raise ValueError("pick an option by its number")
            choice = options[int(answer) - 1]["value"]
        self._check_response(self.sb.click(number, choice))
        self.show()

    def chart(self, rest: str) -> None:
        """`chart [N] [FILE]`: the picture saved, its path, and the chart as text (or the
        picture itself, in a terminal that shows images)."""
        words = rest.split()
        number = None
        if words and words[0].lstrip("#").isdigit():
            number = int(words.pop(0).lstrip("#"))
        if len(words) > 1:
            raise ValueError("say chart, chart 3 or chart 3 FILE.png")
        path, saved, tree = self.sb.save_chart(number, words[0] if words else None)
        self.last_output = f"{saved}\n{tree}"
        self.say(saved)
        shown = not self.lines.scripted and sys.stdout.isatty()
        image = inline_image(path, os.environ) if shown else ""
        self.out(image or tree)

    def expect(self, text: str, *, present: bool) -> None:
        found = _squash(text) in _squash(self.last_output)
        if found != present:
            raise StepFailed(
                f"expected {'to see' if present else 'not to see'} {text!r} in the last output"
            )

    # modals ---------------------------------------------------------------------------------

    def fill_modal(self) -> None:
        """Ask each field of the open modal, submit, and ask again about any field the app
        rejected, showing its error."""
        view = self.sb.open_modal()
        fields = fields_of(view)
        if not fields:
            return  # a result view: read it, press its buttons, or carry on
        values: dict[str, Any] = {}
        ask = fields
        while True:
            for f in ask:
                if f.block_id in values:  # asked again: Enter keeps what was typed last
                    f = replace(f, initial=values[f.block_id])
                answer = self._ask(f, error=self.sb.modal_errors().get(f.block_id))
                if answer is _CANCEL:
                    self.sb.cancel()
                    self.say("(form closed)")
                    return
                if answer is not _KEEP:
                    values[f.block_id] = answer
            before = view.get("id")
            response = self.sb.submit(values)
            self._check_response(response)
            errors = self.sb.modal_errors()
            still_open = self.sb.open_modal()
            if errors and still_open and still_open.get("id") == before:
                self.say(
                    "The form has problems:\n"
                    + "\n".join(f"  ⚠ {_label(fields, b)}: {m}" for b, m in errors.items())
                )
                ask = [f for f in fields if f.block_id in errors]
                continue
            self.show()
            return

    def _ask(self, f: Field, *, error: str | None = None) -> Any:
        ws = self.sb.ws
        current = f.describe_initial(ws)
        lines = [f"{f.label}{'' if f.optional else ' *'}  ({f.instructions()})"]
        if f.hint:
            lines.append(f"  {f.hint}")
        if f.options:
            lines.extend(f"  {i}. {text}" for i, (_, text) in enumerate(f.options, 1))
        if error:
            lines.append(f"  ⚠ {error}")
        self.say("\n".join(lines))
        while True:
            if f.multiline:
                if current:
                    self.say(_indent(current, "  │ "))
                first = self.lines.read(
                    "  > " + ("(Enter keeps the text above) " if current else "")
                )
                if first is None:
                    raise StepFailed(f"the input ended inside the form, at {f.label!r}")
                if first.strip() == "cancel":
                    return _CANCEL
                if not first.strip():
                    return _KEEP
                collected = [first]
                while True:
                    more = self.lines.read("  > ")
                    if more is None or more.strip() == MULTILINE_END:
                        break
                    collected.append(more)
                text = "\n".join(collected)
            else:
                text = self.lines.read(f"  > [{current}] " if current else "  > ")
                if text is None:
                    raise StepFailed(f"the input ended inside the form, at {f.label!r}")
                if text.strip() == "cancel":
                    return _CANCEL
                if not text.strip():
                    return _KEEP
            try:
                return parse_answer(f, text, ws, today=self.sb.now_local().date())
            except FieldError as problem:
                self.say(f"  ⚠ {problem}")
                if self.lines.scripted:
                    raise StepFailed(f"{f.label}: {problem}") from None

    # helpers --------------------------------------------------------------------------------

    def _check_response(self, response: Any) -> None:
        if response is not None and response.status != 200:
            raise StepFailed(f"orgbot answered HTTP {response.status}: {response.text[:200]}")
        problems = self.sb.fake.problems[self._problems_seen :]  # each one is told once
        self._problems_seen += len(problems)
        if problems:
            raise StepFailed("Slack would reject or mangle a message: " + "; ".join(problems[:3]))

    def _prompt(self) -> str:
        return f"@{self.sb.user_name} in #{self.sb.channel_name}> "

    def _now(self) -> str:
        local = self.sb.now_local()
        return f"{local:%a} {local.day} {local:%b %Y, %H:%M} ({self.sb.config.timezone})"

    def _welcome(self) -> str:
        return (
            "orgbot sandbox: the real orgbot, over HTTP, in a pretend Slack workspace.\n"
            f"You are @{self.sb.user_name} in #{self.sb.channel_name}; it is {self._now()}.\n"
            "Try: /role-compare COO vs Operations Director   ·   /org-proposal   ·   home   ·   help"
        )


def inline_image(path: Path, env: Mapping[str, str]) -> str:
    """The escape sequence that shows the PNG at `path` inline in iTerm2 or kitty (told
    apart by their environment variables), or "" in other terminals and for SVG."""
    if path.suffix.lower() != ".png":
        return ""
    if env.get("TERM_PROGRAM") == "iTerm.app":
        data = Path(path).read_bytes()
        payload = base64.b64encode(data).decode("ascii")
        return f"\033]1337;File=inline=1;size={len(data)};preserveAspectRatio=1:{payload}\a"
    if env.get("TERM") == "xterm-kitty" or env.get("KITTY_WINDOW_ID"):
        payload = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        chunks = [payload[i : i + 4096] for i in range(0, len(payload), 4096)] or [""]
        parts = []
        for i, chunk in enumerate(chunks):
            more = 1 if i < len(chunks) - 1 else 0
            head = f"a=T,f=100,m={more}" if i == 0 else f"m={more}"
            parts.append(f"\033_G{head};{chunk}\033\\")
        return "".join(parts)
    return ""


_KEEP = object()
_CANCEL = object()


def parse_duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip().replace(" ", ""))
    if not text.strip() or not match:
        raise ValueError("say how long, e.g. wait 1d, wait 3h, wait 1d2h30m")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    try:
        return timedelta(days=days, hours=hours, minutes=minutes)
    except OverflowError:  # `wait 99999999999d`
        raise ValueError(f"move at most {MAX_TRAVEL.days} days at a time") from None


@functools.cache
def slash_commands() -> frozenset[str]:
    """The slash commands app.yaml gives orgbot: what Slack would send it."""
    return frozenset(manifest.declared(manifest.load_manifest()).commands)


def parse_when(text: str, now: datetime) -> datetime:
    """`monday 09:00`, `tomorrow 09:00`, `2026-12-01 09:00`, `09:00` (today or tomorrow):
    the next such moment in the workspace's time zone."""
    parts = text.lower().split()
    if not parts:
        raise ValueError("say when, e.g. at monday 09:00")
    clock = parts[-1]
    if not re.fullmatch(r"\d{1,2}:\d{2}", clock):
        raise ValueError("end with a time, e.g. at monday 09:00")
    hours, minutes = (int(x) for x in clock.split(":"))
    day = " ".join(parts[:-1])
    base = now.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    if not day:
        return base if base > now else base + timedelta(days=1)
    if day == "today":
        return base
    if day == "tomorrow":
        return base + timedelta(days=1)
    if day in _WEEKDAYS:
        ahead = (_WEEKDAYS.index(day) - now.weekday()) % 7
        moment = base + timedelta(days=ahead)
        return moment if moment > now else moment + timedelta(days=7)
    try:
        return datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=now.tzinfo)
    except ValueError:
        raise ValueError("say when, e.g. at monday 09:00 or at 2026-12-01 09:00") from None


def _label(fields: list[Field], block_id: str) -> str:
    return next((f.label for f in fields if f.block_id == block_id), block_id)


def _indent(text: str, prefix: str = "│ ") -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return shlex.split(text)[0]
    return text
