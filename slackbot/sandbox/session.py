"""A local Slack workspace with the real orgbot in it.

The app runs in HTTP mode on loopback, exactly as in production; `FakeSlack` plays Slack:
it signs and sends the requests a person's actions cause, answers the app's Web API calls,
and keeps the workspace's state, which this module shows as text after every step.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slackbot.blockkit.render import Clickable, mrkdwn_to_text, render_blocks
from slackbot.clock import ManualClock
from slackbot.config import Config
from slackbot.devslack import FakeSlack
from slackbot.devslack.server import AppResponse
from slackbot.runner import Orgbot

SANDBOX_TIMEZONE = "Europe/London"
MAX_TRAVEL = timedelta(days=31)
# scripts start on a fixed Monday morning, so their reminders and digests are the same
# whatever day they run
SCRIPT_START = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)


@dataclass
class Target:
    """Where a numbered element lives, so it can be clicked later."""

    kind: str  # message | ephemeral | view
    channel: str | None
    ref: Any  # ts, Ephemeral, or view id
    element: dict[str, Any]


@dataclass
class Screen:
    title: str
    text: str
    clickables: list[Clickable] = field(default_factory=list)


class Sandbox:
    def __init__(
        self, *, db_path: str | None = None, start: datetime | None = None, width: int = 88
    ):
        now = (start or datetime.now(UTC)).astimezone(UTC).replace(second=0, microsecond=0)
        self.clock = ManualClock(now)
        self.width = width
        self.fake = FakeSlack(clock=lambda: self.clock.now().timestamp()).start()
        self._tmp = None
        if db_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="orgbot-sandbox-")
            db_path = str(Path(self._tmp.name) / "sandbox.db")
        self.config = Config(
            bot_token=self.fake.bot_token,
            signing_secret=self.fake.signing_secret,
            api_url=self.fake.api_url,
            db_path=db_path,
            host="127.0.0.1",
            port=0,
            timezone=SANDBOX_TIMEZONE,
        )
        self.bot = Orgbot(self.config, clock=self.clock)
        self.server = self.bot.http_server(host="127.0.0.1", port=0, threads=4).start()
        self.fake.connect(f"{self.server.url}/slack/events")
        self.user = self.fake.ws.user("dana").id
        self.channel = self.fake.ws.channel("org-design").id
        self.targets: dict[int, Target] = {}
        self._seen = self._snapshot()

    def close(self) -> None:
        self.bot.close()
        self.fake.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    # who and where -------------------------------------------------------------------------

    @property
    def ws(self):
        return self.fake.ws

    @property
    def user_name(self) -> str:
        return self.ws.users[self.user].name

    @property
    def channel_name(self) -> str:
        return self.ws.channels[self.channel].name

    def switch_user(self, name: str) -> None:
        self.user = self.ws.user(name).id
        self._seen = self._snapshot()  # a new person starts with a clean screen

    def invite(self, name: str) -> str:
        """`/invite @someone` in the current channel, as Slack does it (the app is not
        asked): they become a member, so orgbot can post here once invited."""
        user = self.ws.user(name.strip())
        channel = self.ws.channels[self.channel]
        if channel.is_im:
            raise ValueError("/invite works in channels, not in direct messages")
        with self.fake.lock:
            if user.id in channel.members:
                return f"@{user.name} is already in #{channel.name}."
            channel.members.add(user.id)
        return f"@{user.name} joined #{channel.name} (added by @{self.user_name})."

    def switch_channel(self, name: str) -> None:
        channel = self.ws.channel(name)
        if self.user not in channel.members:
            channel.members.add(self.user)
        self.channel = channel.id

    # actions -----------------------------------------------------------------------------------

    def slash(self, command: str, text: str) -> AppResponse:
        return self._settled(self.fake.slash(self.user, command, text, channel=self.channel))

    def open_home(self) -> AppResponse:
        return self._settled(self.fake.open_home(self.user))

    def click(self, number: int, choice: str | None = None) -> AppResponse:
        target = self.targets.get(number)
        if target is None:
            raise KeyError(f"there is no [{number}] on screen")
        element = target.element
        action_id, value = element.get("action_id"), element.get("value")
        with self.fake.lock:
            if target.kind == "message":
                where: Any = self.ws.find_message(target.channel, target.ref)
                if where is None:
                    raise KeyError("that message is gone")
                where = copy.deepcopy(where)
            elif target.kind == "ephemeral":
                where = target.ref
            else:
                state = self.ws.views.get(target.ref)
                if state is None:
                    raise KeyError("that view is closed")
                where = copy.deepcopy(state.view)
        response = self.fake.click(
            self.user, where, action_id, value=value, channel=target.channel, selected=choice
        )
        return self._settled(response)

    def submit(self, values: dict[str, Any]) -> AppResponse:
        return self._settled(self.fake.submit(self.user, values))

    def cancel(self) -> None:
        self.fake.close(self.user)
        self._settle()

    def open_modal(self) -> dict[str, Any] | None:
        return self.fake.open_view(self.user)

    def modal_errors(self) -> dict[str, str]:
        return self.fake.view_errors(self.user)

    # time -------------------------------------------------------------------------------------

    def advance(self, delta: timedelta) -> None:
        self.set_time(self.clock.now() + delta)

    def set_time(self, moment: datetime) -> None:
        """Move the clock, firing the scheduler's own jobs at their own times on the way
        (each workspace's digest cron trigger, the quarter-hourly reminder pass with its
        upkeep), as the running scheduler would have."""
        target = moment.astimezone(UTC)
        if target < self.clock.now():
            raise ValueError("time only moves forward here")
        if target - self.clock.now() > MAX_TRAVEL:
            raise ValueError(f"move at most {MAX_TRAVEL.days} days at a time")
        scheduler = self.bot.scheduler
        while True:
            scheduler.refresh_digests()  # as the upkeep job does: settings may have changed
            now = self.clock.now() + timedelta(microseconds=1)
            upcoming = [
                (job.trigger.get_next_fire_time(None, now), job)
                for job in scheduler.jobs()
                if job.id == "reminders" or job.id.startswith("digest:")
            ]
            upcoming = [(when, job) for when, job in upcoming if when is not None]
            if not upcoming:
                break
            when = min(fire for fire, _ in upcoming)
            if when > target:
                break
            self.clock.set(when)
            for fire, job in sorted(upcoming, key=lambda item: item[1].id):
                if fire == when:  # every job due at this instant, not just the first
                    job.func(*job.args, **job.kwargs)
                    if job.id == "reminders":
                        scheduler.posts.upkeep()
        self.clock.set(target)
        self._settle()

    def run_scheduler(self) -> dict[str, Any]:
        """What the scheduler's jobs do when they fire: upkeep, the digest, reminders."""
        result = self._scheduler_pass()
        self._settle()
        return result

    def _scheduler_pass(self) -> dict[str, Any]:
        posts = self.bot.scheduler.posts  # the very object the APScheduler jobs call
        return {
            "upkeep": posts.upkeep(),
            "digest": posts.digest().results,
            "remind": posts.remind().results,
        }

    def now_local(self) -> datetime:
        return self.clock.now().astimezone(self.config.tz)

    # what changed ------------------------------------------------------------------------------

    def screens(self) -> list[Screen]:
        """Everything that appeared or changed since the last call, numbered for clicking."""
        now = self._snapshot()
        seen, self._seen = self._seen, now
        self.targets = {}
        out: list[Screen] = []
        ws = self.ws
        with self.fake.lock:
            for key, digest in now.items():
                if seen.get(key) == digest:
                    continue
                kind = key[0]
                if kind == "msg":
                    _, channel_id, ts = key
                    message = ws.find_message(channel_id, ts)
                    if message is None:
                        continue
                    channel = ws.channels[channel_id]
                    if channel.is_im and self.user not in channel.members:
                        other = next(iter(channel.members - {ws.bot.id}))
                        if key not in seen:
                            gist = mrkdwn_to_text(message["text"], ws.name_of)[:80]
                            out.append(
                                Screen(f"(orgbot sent @{ws.users[other].name} a DM: {gist})", "")
                            )
                        continue
                    where = "DM from orgbot" if channel.is_im else f"#{channel.name}"
                    if message.get("thread_ts"):
                        where += " (thread reply)"
                    edited = " (updated)" if key in seen else ""
                    out.append(
                        self._screen(
                            f"{where} · orgbot{edited}",
                            message["blocks"],
                            message["text"],
                            "message",
                            channel_id,
                            ts,
                        )
                    )
                elif kind == "eph":
                    ephemeral = ws.ephemerals[key[1]]
                    if ephemeral.deleted:
                        continue
                    if ephemeral.user != self.user:
                        out.append(
                            Screen(
                                f"(@{ws.users[ephemeral.user].name} got a message only they can see)",
                                "",
                            )
                        )
                        continue
                    title = f"only you can see this · #{ws.channels[ephemeral.channel].name}"
                    out.append(
                        self._screen(
                            title,
                            ephemeral.message["blocks"],
                            ephemeral.message["text"],
                            "ephemeral",
                            ephemeral.channel,
                            ephemeral,
                        )
                    )
                elif kind == "modal":
                    view = ws.views[key[1]].view
                    out.append(
                        self._screen(
                            f"modal: {view['title']['text']}",
                            view["blocks"],
                            "",
                            "view",
                            None,
                            key[1],
                        )
                    )
                elif kind == "home":
                    view = ws.views[key[1]].view
                    out.append(
                        self._screen(
                            f"Home tab of @{self.user_name}",
                            view["blocks"],
                            "",
                            "view",
                            None,
                            key[1],
                        )
                    )
        return out

    def recent(self, *, dms: bool, count: int = 3) -> list[Screen]:
        """The latest few top-level messages in the current channel, or in my DMs."""
        self.targets = {}
        self._seen = self._snapshot()
        with self.fake.lock:
            channel = self.ws.dm(self.user) if dms else self.ws.channels[self.channel]
            messages = [m for m in channel.messages if "thread_ts" not in m][-count:]
            title = "DM from orgbot" if dms else f"#{channel.name}"
            return [
                self._screen(
                    f"{title} · orgbot", m["blocks"], m["text"], "message", channel.id, m["ts"]
                )
                for m in messages
            ]

    def save_chart(
        self, number: int | None = None, path: str | None = None
    ) -> tuple[Path, str, str]:
        """The current org chart (or proposal #`number` against it) saved as a picture at
        `path` (default: a file in the system's temporary folder, kept after the sandbox
        closes). Returns the file, the line saying where, and the chart as a text tree.

        Raises:
            ValueError: nothing to draw, or the file cannot be written (in words).
        """
        from slackbot.pictures.subjects import ChartError, picture_format, save, subject

        ws = self.ws

        def name(user_id: str) -> str:
            user = ws.users.get(user_id)
            return (user.real_name or user.name) if user else user_id

        if path is None:
            folder = Path(tempfile.gettempdir()) / "orgbot-sandbox-charts"
            folder.mkdir(exist_ok=True)
            path = str(folder / (f"proposal-{number}.png" if number else "current-org.png"))
        try:
            picture_format(path)
            what = subject(
                self.bot.services.store.db,
                ws.team_id,
                proposal=number,
                before_after=number is not None,
            )
            what = replace(what, names=name)
            line = save(what, path)
        except ChartError as problem:
            raise ValueError(str(problem)) from None
        tree = "\n".join(what.structure.tree_lines(holder=name))
        saved = Path(path).resolve()
        return saved, line.replace(f"wrote {path}", f"saved {saved}"), tree

    def find_target(self, label: str) -> int:
        """The number of the element on screen whose text is `label`; the last one when
        several match (the newest message is drawn last)."""
        wanted = label.strip().strip("\"'").lower()
        for number, target in sorted(self.targets.items(), reverse=True):
            text = (
                (target.element.get("text") or target.element.get("placeholder") or {}).get("text")
                or ""
            ).lower()
            if text == wanted or text.rstrip("…") == wanted:
                return number
        raise KeyError(f"no button {label!r} on screen")

    def _screen(
        self,
        title: str,
        blocks: list[dict],
        fallback: str,
        kind: str,
        channel: str | None,
        ref: Any,
    ) -> Screen:
        start = len(self.targets) + 1
        rendered = render_blocks(blocks, names=self.ws.name_of, width=self.width, start=start)
        for item in rendered.clickables:
            self.targets[item.number] = Target(kind, channel, ref, dict(item.element))
        text = rendered.text or fallback
        return Screen(title, text, rendered.clickables)

    def _snapshot(self) -> dict[tuple, str]:
        def digest(obj: Any) -> str:
            return hashlib.md5(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()

        snap: dict[tuple, str] = {}
        ws = self.ws
        with self.fake.lock:
            for channel in ws.channels.values():
                for message in channel.messages:
                    snap[("msg", channel.id, message["ts"])] = digest(
                        [message.get("text"), message.get("blocks")]
                    )
            for i, ephemeral in enumerate(ws.ephemerals):
                snap[("eph", i)] = digest([ephemeral.deleted, ephemeral.message])
            stack = ws.stacks.get(self.user) or []
            if stack:
                top = ws.views[stack[-1]]
                snap[("modal", stack[-1])] = digest(
                    [top.view.get("hash"), top.view.get("blocks"), top.errors]
                )
            home = ws.homes.get(self.user)
            if home:
                snap[("home", home)] = digest(ws.views[home].view.get("blocks"))
        return snap

    # waiting for the app ---------------------------------------------------------------------------

    def _settled(self, response: AppResponse) -> AppResponse:
        self._settle()
        return response

    def _settle(self, quiet: float = 0.15, limit: float = 10.0) -> None:
        """Wait until the app's work after the ack has stopped calling Slack."""
        deadline = time.monotonic() + limit
        last = (-1, "")
        still_since = time.monotonic()
        while time.monotonic() < deadline:
            with self.fake.lock:
                state = (len(self.fake.calls), str(len(self.ws.ephemerals)))
            if state != last:
                last, still_since = state, time.monotonic()
            elif time.monotonic() - still_since >= quiet:
                return
            time.sleep(0.02)
