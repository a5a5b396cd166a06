"""orgbot's benchmarks. Rerun with `make bench` or
`python bench/run.py [ack|proposal|reminders|burst|modal429|shape|chart|scale]`.

Each benchmark runs orgbot and a baseline in the same run, so the figures compare like
with like on whatever machine runs them. The burst sends from a client process of its own
against a fake Slack in another, so that only orgbot runs in orgbot's process (as in a
workspace, where Slack and its clients are other machines). Results print as Markdown
tables (the ones in docs/performance.md came from here).
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import App, BoltRequest
from slack_sdk.signature import SignatureVerifier

from slackbot.app import create_app, make_client
from slackbot.config import Config
from slackbot.devslack import FakeSlack
from slackbot.org.shape import shape
from slackbot.org.structure import FILLED, OPEN, Position, Structure
from slackbot.server import HttpServer, OrgbotWSGI
from slackbot.services import Services

COMMAND_TEXT = "COO vs Operations Director"
WORKSPACE_TEXT = "Product Manager vs Project Manager"
WORKSPACE_ROLES = 50


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarize(name: str, samples: list[float], wall: float) -> dict:
    return {
        "name": name,
        "n": len(samples),
        "p50_ms": percentile(samples, 50) * 1000,
        "p99_ms": percentile(samples, 99) * 1000,
        "mean_ms": statistics.fmean(samples) * 1000,
        "rps": len(samples) / wall,
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| app | requests | p50 | p99 | mean | requests/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} | {r['n']} | {r['p50_ms']:.2f} ms | {r['p99_ms']:.2f} ms | "
            f"{r['mean_ms']:.2f} ms | {r['rps']:.0f} |"
        )
    return "\n".join(lines)


# --- the role comparison's ack ------------------------------------------------------------


def slash_body(fake: FakeSlack, text: str, *, team_id: str | None = None) -> str:
    return urllib.parse.urlencode(
        {
            "token": "x",
            "team_id": team_id or fake.ws.team_id,
            "team_domain": fake.ws.domain,
            "channel_id": "C0GENERAL1",
            "channel_name": "general",
            "user_id": "U0DANA0002",
            "user_name": "dana",
            "command": "/role-compare",
            "text": text,
            "api_app_id": "A0ORGBOT1",
            "is_enterprise_install": "false",
            "response_url": f"{fake.base_url}/respond/none",
            "trigger_id": "1.2.3",
        }
    )


def signed_headers(secret: str, body: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


def bare_app(config: Config, *, process_before_response: bool) -> App:
    app = App(
        signing_secret=config.signing_secret,
        client=make_client(config),
        process_before_response=process_before_response,
        token_verification_enabled=False,
    )

    @app.command("/role-compare")
    def nothing(ack):
        ack()

    return app


def time_in_process(app: App, fake: FakeSlack, n: int, body: str) -> tuple[list[float], float]:
    samples = []
    start = time.perf_counter()
    for _ in range(n):
        headers = signed_headers(fake.signing_secret, body)
        t0 = time.perf_counter()
        response = app.dispatch(BoltRequest(body=body, headers=headers))
        samples.append(time.perf_counter() - t0)
        assert response.status == 200, response.body
    return samples, time.perf_counter() - start


def time_over_http(app: App, fake: FakeSlack, n: int, body: str) -> tuple[list[float], float]:
    server = HttpServer(OrgbotWSGI(app, lambda: (True, {})), host="127.0.0.1", port=0).start()
    conn = http.client.HTTPConnection("127.0.0.1", server.port)
    samples = []
    try:
        start = time.perf_counter()
        for _ in range(n):
            headers = signed_headers(fake.signing_secret, body)
            t0 = time.perf_counter()
            conn.request("POST", "/slack/events", body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            samples.append(time.perf_counter() - t0)
            assert response.status == 200
        return samples, time.perf_counter() - start
    finally:
        conn.close()
        server.close()


def bench_ack(n: int) -> str:
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        config = Config(
            bot_token=fake.bot_token,
            signing_secret=fake.signing_secret,
            api_url=fake.api_url,
            db_path=f"{tmp}/bench.db",
        )
        services = Services.open(config)
        orgbot = create_app(config, services, verify_token=False)
        # a second installation whose workspace (the fake's own: orgbot answers only the
        # workspace it is installed in) has 50 roles of its own
        own_config = replace(config, db_path=f"{tmp}/bench-own.db")
        own_services = Services.open(own_config)
        add_workspace_roles(own_services, fake.ws.team_id, WORKSPACE_ROLES)
        orgbot_own = create_app(own_config, own_services, verify_token=False)
        shipped = len(services.catalog)
        seed = slash_body(fake, COMMAND_TEXT)
        pair = slash_body(fake, WORKSPACE_TEXT)
        # the ack must carry the comparison itself
        for app, body, header in (
            (orgbot, seed, COMMAND_TEXT),
            (orgbot, pair, WORKSPACE_TEXT),
            (orgbot_own, pair, WORKSPACE_TEXT),
        ):
            probe = app.dispatch(
                BoltRequest(body=body, headers=signed_headers(fake.signing_secret, body))
            )
            assert json.loads(probe.body)["blocks"][0]["text"]["text"] == header, probe.body
        assert len(own_services.catalog_for(fake.ws.team_id)) == shipped + WORKSPACE_ROLES
        apps: list[tuple[str, App, int, str]] = [
            (
                "bare Bolt, default mode (`ack()` only)",
                bare_app(config, process_before_response=False),
                max(50, n // 20),
                seed,
            ),
            (
                "bare Bolt, `process_before_response=True` (`ack()` only)",
                bare_app(config, process_before_response=True),
                n,
                seed,
            ),
            ("orgbot `/role-compare COO vs Operations Director`", orgbot, n, seed),
            (
                f"orgbot `/role-compare {WORKSPACE_TEXT}`, {shipped} shipped roles",
                orgbot,
                n,
                pair,
            ),
            (
                f"orgbot `/role-compare {WORKSPACE_TEXT}`, {shipped} shipped + "
                f"{WORKSPACE_ROLES} workspace roles",
                orgbot_own,
                n,
                pair,
            ),
        ]
        out = []
        for transport, timer in (
            ("in-process `App.dispatch`", time_in_process),
            ("over HTTP (waitress, keep-alive, one client)", time_over_http),
        ):
            rows = []
            for name, app, count, body in apps:
                timer(app, fake, 20, body)  # warm up: auth.test cache, imports, caches
                samples, wall = timer(app, fake, count, body)
                rows.append(summarize(name, samples, wall))
            out.append(f"### {transport}\n\n{table(rows)}\n")
        services.store.close()
        own_services.store.close()
        return "\n".join(out)


def add_workspace_roles(services: Services, team_id: str, count: int) -> None:
    """`count` roles of the workspace's own, each a shipped role under a new id and name,
    saved the way `orgbot roles import` saves them."""
    from datetime import UTC, datetime

    from slackbot.workspace_roles import role_to_data

    shipped = list(services.catalog)
    entries = []
    for n in range(count):
        data = role_to_data(shipped[n % len(shipped)])
        data.update(
            id=f"bench-role-{n}",
            title=f"Regional {data['title']} {n}",
            abbreviation="",
            aliases=[],
        )
        entries.append((f"bench role {n}", data))
    services.catalogs.save(team_id, entries, by="bench", now=datetime.now(UTC), via="cli")


# --- a 30-position proposal: submission to stored and posted --------------------------


def thirty_positions() -> str:
    lines = ["CEO", "COO reports to CEO", "CFO reports to CEO", "CTO reports to CEO"]
    for i in range(1, 6):
        lines.append(f"Operations Director {i} reports to COO")
        for j in range(1, 5):
            lines.append(f"Team Lead {i}.{j} x{j + 2} reports to Operations Director {i}")
    lines.append("Finance Director reports to CFO")
    assert len(lines) == 30
    return "\n".join(lines)


def bench_proposal(n: int) -> str:
    from slackbot import ids
    from slackbot.devslack import payloads
    from slackbot.runner import Orgbot
    from slackbot.ui.proposal_modal import proposal_modal

    n = min(n, 300)
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        config = Config(
            bot_token=fake.bot_token,
            signing_secret=fake.signing_secret,
            api_url=fake.api_url,
            db_path=f"{tmp}/bench.db",
            host="127.0.0.1",
            port=0,
        )
        bot = Orgbot(config, scheduler=False)
        server = bot.http_server(host="127.0.0.1", port=0).start()
        fake.connect(f"{server.url}/slack/events")
        today = bot.services.today()
        view = proposal_modal(structure_text="", review_by=today, channel_id="C0ORGDES02")
        view = {**view, "id": "V0BENCH", "team_id": fake.ws.team_id, "hash": "h", "state": {}}
        values = {
            ids.TITLE_BLOCK: "Regional operations",
            ids.RATIONALE_BLOCK: "Five regions, one operations director each.",
            ids.STRUCTURE_BLOCK: thirty_positions(),
            ids.REVIEWERS_BLOCK: ["U0ALEX0001", "U0SAM00003"],
            ids.REVIEW_BY_BLOCK: today.isoformat(),
            ids.CHANNEL_BLOCK: "C0ORGDES02",
        }
        view["state"] = {"values": payloads.view_state(view, values)}
        acks, posted = [], []
        try:
            start = time.perf_counter()
            for i in range(n):
                # each submission from a modal of its own: a repeated view id is a replay
                # (issue 8, item 2), which stores nothing
                submitted = {**view, "id": f"V0BENCH{i:05d}"}
                body = payloads.view_submission(fake.ws, fake.ws.user("dana"), submitted)
                before = len(fake.calls_to("chat.postMessage"))
                t0_wall, t0 = time.time(), time.perf_counter()
                response = fake.send_payload(body)
                acks.append(time.perf_counter() - t0)
                assert response.status == 200 and response.body == b"", response.body
                [card] = fake.wait_for("chat.postMessage", before + 1)[before : before + 1]
                posted.append(card.at - t0_wall)
                fake.wait_for("chat.postMessage", before + 3)  # and the two reviewer DMs
            wall = time.perf_counter() - start
            stored = bot.services.store.db["proposals"].count
            assert stored == n, stored
        finally:
            server.close()
            bot.close()
        rows = [
            summarize("ack: validated, stored, modal closed", acks, wall),
            summarize("card posted (`chat.postMessage` reaches Slack)", posted, wall),
        ]
        return (
            f"30 positions, 2 reviewers, {n} submissions one after another, HTTP on loopback.\n\n"
            + table(rows).replace("| app |", "| step |")
            + "\n"
        )


# --- a reminder pass over 1,000 pending reviewers, against a rate-limiting fake ------------


def bench_reminders(n: int, *, per_second: float = 50.0, burst: int = 50) -> str:
    from collections import Counter
    from datetime import UTC, date, datetime, timedelta

    from roles import load_catalog
    from slackbot.clock import ManualClock
    from slackbot.devslack.workspace import User, Workspace
    from slackbot.org.structure import parse_structure
    from slackbot.proposals import Draft
    from slackbot.scheduling.scheduled import ScheduledPosts
    from slackbot.services import Services

    n = 1000 if n >= 1000 else n
    reviewers_per_proposal = 10
    people = [
        User(f"U{i:07d}X", f"person{i}", f"Person {i}", "Europe/London") for i in range(n + 1)
    ]
    clock = ManualClock(datetime(2026, 11, 24, 10, tzinfo=UTC))
    workspace = Workspace(people, clock=lambda: clock.now().timestamp())
    with FakeSlack(workspace=workspace) as fake, tempfile.TemporaryDirectory() as tmp:
        config = Config(
            bot_token=fake.bot_token,
            api_url=fake.api_url,
            db_path=f"{tmp}/bench.db",
            timezone="Europe/London",
        )
        services = Services.open(config, clock=clock)
        text = "CEO\nCOO reports to CEO"
        structure = parse_structure(text, load_catalog()).structure
        reviewers = [p.id for p in people[1:]]
        for start in range(0, n, reviewers_per_proposal):
            draft = Draft(
                "Regional teams",
                "why",
                text,
                structure,
                tuple(reviewers[start : start + reviewers_per_proposal]),
                date(2026, 12, 9),
                "C0ORGDES02",
            )
            services.proposals.create(fake.ws.team_id, people[0].id, draft)
        fake.set_rate_limit("chat.postMessage", per_second=per_second, burst=burst)
        posts = ScheduledPosts(services, make_client(config))
        clock.set(datetime(2026, 11, 25, 9, 5, tzinfo=UTC))  # Wednesday 09:05 in London
        start = time.perf_counter()
        report = posts.remind()
        first_pass = time.perf_counter() - start
        retried = 0
        while posts.deliveries.due_retries(clock.now() + timedelta(hours=1)):
            clock.advance(timedelta(minutes=5))
            retried += posts.upkeep()["retried"]
        delivered = Counter(
            call.args["channel"]
            for call in fake.calls_to("chat.postMessage")
            if call.status == 200 and call.response.get("ok")
        )
        duplicates = sum(count - 1 for count in delivered.values() if count > 1)
        lost = len([r for r in reviewers if delivered.get(r, 0) == 0])
        limited = len([c for c in fake.calls_to("chat.postMessage") if c.status == 429])
        floor = max(0.0, (n - burst) / per_second)
        services.store.close()
    return (
        f"{n} reviewers waiting ({n // reviewers_per_proposal} proposals × {reviewers_per_proposal}), fake "
        f"`chat.postMessage` limited to {per_second:g}/s with bursts of {burst} (answers 429 + Retry-After).\n\n"
        "| measure | value |\n| --- | ---: |\n"
        f"| reminders sent in the first pass | {report.count('sent')} |\n"
        f"| sent by later retries | {retried} |\n"
        f"| time for the pass | {first_pass:.1f} s |\n"
        f"| rate limit's floor ((n - burst) / rate) | {floor:.1f} s |\n"
        f"| pass / floor | {first_pass / floor if floor else 0:.2f}× |\n"
        f"| 429 answers received | {limited} |\n"
        f"| duplicates | {duplicates} |\n"
        f"| lost | {lost} |\n"
        f"| users.list / users.info calls | {len(fake.calls_to('users.list'))} / {len(fake.calls_to('users.info'))} |\n"
        + "\n### Many workspaces, each rate-limited on its own\n\n"
        + bench_reminders_workspaces(n)
    )


# --- a burst: 200 /role-compare and 200 proposal submissions at once ----------------------


def _bot_on_loopback(fake, tmp: str):
    """orgbot as `orgbot run` has it (waitress, 8 threads), against `fake` (a FakeSlack
    here, or a `SlackElsewhere` in a process of its own)."""
    from slackbot.runner import Orgbot

    config = Config(
        bot_token=fake.bot_token,
        signing_secret=fake.signing_secret,
        api_url=fake.api_url,
        db_path=f"{tmp}/bench.db",
        host="127.0.0.1",
        port=0,
    )
    bot = Orgbot(config, scheduler=False)
    server = bot.http_server(host="127.0.0.1", port=0).start()
    fake.connect(f"{server.url}/slack/events")
    return bot, server


# The burst's other side, each in a process of its own (spawned: no threads inherited),
# so that neither competes with orgbot for its process's GIL: in a real workspace Slack
# and the people's clients are other machines. In one process with orgbot, 400 client
# threads and the fake's request threads ran between each of orgbot's SQLite calls.


def _slack_process(conn) -> None:
    """A FakeSlack in this process, driven over `conn`: it sends its addresses, then
    answers ("wait_for", method, n, timeout), ("cards", channel), ("dms", user),
    ("calls", method), ("connect", url), ("stop",)."""
    with FakeSlack() as fake:
        conn.send((fake.bot_token, fake.signing_secret, fake.api_url, fake.base_url))
        while True:
            command, *args = conn.recv()
            try:
                if command == "stop":
                    conn.send(None)
                    return
                if command == "connect":
                    fake.connect(args[0])
                    answer = None
                elif command == "wait_for":
                    method, n, timeout = args
                    answer = len(fake.wait_for(method, n, timeout=timeout))
                elif command == "cards":
                    answer = [m["text"] for m in fake.messages(args[0]) if "thread_ts" not in m]
                elif command == "dms":
                    answer = len(fake.dms(args[0]))
                elif command == "calls":
                    answer = len(fake.calls_to(args[0]))
                else:
                    raise ValueError(command)
            except Exception as error:  # sent back, raised there
                answer = error
            conn.send(answer)


class SlackElsewhere:
    """The fake Slack in a process of its own, with the parts of FakeSlack the burst uses."""

    def __init__(self) -> None:
        import multiprocessing

        from slackbot.devslack.workspace import Workspace

        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_slack_process, args=(theirs,), daemon=True)
        self._process.start()
        self.bot_token, self.signing_secret, self.api_url, self.base_url = self._conn.recv()
        self.ws = Workspace()  # the same people and channels as the fake's (for payloads)

    def _ask(self, *command):
        self._conn.send(command)
        answer = self._conn.recv()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def connect(self, url: str) -> None:
        self._ask("connect", url)

    def wait_for(self, method: str, n: int, *, timeout: float) -> int:
        return self._ask("wait_for", method, n, timeout)

    def cards(self, channel: str) -> list[str]:
        return self._ask("cards", channel)

    def dm_count(self, user: str) -> int:
        return self._ask("dms", user)

    def close(self) -> None:
        self._ask("stop")
        self._process.join(timeout=10)

    def __enter__(self) -> SlackElsewhere:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fire_timed(url: str, secret: str, bodies: list[str]) -> tuple[list, float, float]:
    start = time.monotonic()  # CLOCK_MONOTONIC: the same clock in every process
    results = _fire_at_once(url, secret, bodies)
    return results, time.monotonic() - start, start


def _fire_elsewhere(url: str, secret: str, bodies: list[str]) -> tuple[list, float, float]:
    """`_fire_at_once` from a process of its own (spawned); the seconds it took there, and
    when it started (`time.monotonic()`)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(time.sleep, 0).result()  # started and imported before the clock runs
        return pool.submit(_fire_timed, url, secret, bodies).result()


def _submission(fake: FakeSlack, bot, n: int, *, title: str) -> str:
    """A signed-ready `view_submission` body for a proposal modal of its own (view id)."""
    from slackbot import ids
    from slackbot.devslack import payloads
    from slackbot.ui.proposal_modal import proposal_modal

    today = bot.services.today()
    view = proposal_modal(structure_text="", review_by=today, channel_id="C0ORGDES02")
    view = {**view, "id": f"V0BURST{n:05d}", "team_id": fake.ws.team_id, "hash": "h"}
    values = {
        ids.TITLE_BLOCK: title,
        ids.RATIONALE_BLOCK: "The CEO runs daily operations and strategy.",
        ids.STRUCTURE_BLOCK: "CEO\nCOO reports to CEO\nOperations Director reports to COO",
        ids.REVIEWERS_BLOCK: ["U0ALEX0001", "U0SAM00003"],
        ids.REVIEW_BY_BLOCK: today.isoformat(),
        ids.CHANNEL_BLOCK: "C0ORGDES02",
    }
    view["state"] = {"values": payloads.view_state(view, values)}
    body = payloads.view_submission(fake.ws, fake.ws.user("dana"), view)
    return urllib.parse.urlencode({"payload": json.dumps(body)})


def _fire_at_once(url: str, secret: str, bodies: list[str]) -> list[tuple[int, bytes, float]]:
    """POST every body from a thread of its own, all released together; (status, body,
    seconds from send to the whole answer) for each."""
    import threading

    gate = threading.Barrier(len(bodies))
    results: list[tuple[int, bytes, float]] = [(0, b"", 0.0)] * len(bodies)
    target = urllib.parse.urlsplit(url)

    def one(i: int, body: str) -> None:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        try:
            conn.connect()
            gate.wait()
            t0 = time.perf_counter()
            conn.request("POST", target.path, body=body, headers=signed_headers(secret, body))
            response = conn.getresponse()
            data = response.read()
            results[i] = (response.status, data, time.perf_counter() - t0)
        except Exception as error:  # counted as an error below
            results[i] = (-1, repr(error).encode(), 0.0)
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(i, b)) for i, b in enumerate(bodies)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def bench_burst(n: int) -> str:
    import random

    n = min(n, 200)
    rows, checks = [], []
    with SlackElsewhere() as fake, tempfile.TemporaryDirectory() as tmp:
        bot, server = _bot_on_loopback(fake, tmp)
        try:
            compare = slash_body(fake, COMMAND_TEXT)
            titles = [f"Burst proposal {i}" for i in range(n)]
            bodies = [("compare", compare)] * n + [
                ("submit", _submission(fake, bot, i, title=t)) for i, t in enumerate(titles)
            ]
            random.Random(8).shuffle(bodies)
            results, burst_wall, start = _fire_elsewhere(
                server.url + "/slack/events", fake.signing_secret, [b for _, b in bodies]
            )
            errors = 0
            by_kind: dict[str, list[float]] = {"compare": [], "submit": []}
            for (kind, _), (status, data, seconds) in zip(bodies, results, strict=True):
                by_kind[kind].append(seconds)
                if (
                    status != 200
                    or (kind == "compare" and COMMAND_TEXT not in data.decode())
                    or (kind == "submit" and data != b"")
                ):
                    errors += 1
            # every card, and each proposal's two reviewer DMs, reach the fake Slack
            fake.wait_for("chat.postMessage", 3 * n, timeout=120)
            posted_wall = time.monotonic() - start

            cards = fake.cards("C0ORGDES02")
            found = {t for t in titles if any(t.upper() in c.upper() for c in cards)}
            duplicates = len(cards) - len(found)
            stored = bot.services.store.db["proposals"].count
            dms = fake.dm_count("alex") + fake.dm_count("sam")
        finally:
            server.close()
            bot.close()
        acks = [s for samples in by_kind.values() for s in samples]
        rows.append(
            summarize(f"orgbot `/role-compare {COMMAND_TEXT}`", by_kind["compare"], burst_wall)
        )
        rows.append(
            summarize(
                "orgbot proposal submission (stored, modal closed)", by_kind["submit"], burst_wall
            )
        )
        checks = [
            (
                "requests",
                f"{len(bodies)} ({n} + {n}), each from its own connection, released together",
            ),
            ("errors (not 200, or not the expected answer)", str(errors)),
            ("slowest ack", f"{max(acks):.2f} s"),
            ("acks over 3 s", str(sum(1 for a in acks if a >= 3.0))),
            ("proposals stored", str(stored)),
            (
                "cards posted / missing / duplicates",
                f"{len(cards)} / {n - len(found)} / {duplicates}",
            ),
            ("reviewer DMs", str(dms)),
            ("all acks answered after", f"{burst_wall:.2f} s"),
            ("every card and DM in Slack after", f"{posted_wall:.2f} s"),
        ]
    # the same burst of /role-compare against a bare Bolt app that only acks
    with SlackElsewhere() as fake, tempfile.TemporaryDirectory() as tmp:
        config = Config(
            bot_token=fake.bot_token,
            signing_secret=fake.signing_secret,
            api_url=fake.api_url,
            db_path=f"{tmp}/bench.db",
        )
        app = bare_app(config, process_before_response=True)
        bare = HttpServer(OrgbotWSGI(app, lambda: (True, {})), host="127.0.0.1", port=0).start()
        try:
            body = slash_body(fake, COMMAND_TEXT)
            results, wall, _ = _fire_elsewhere(
                bare.url + "/slack/events", fake.signing_secret, [body] * n
            )
        finally:
            bare.close()
        bare_errors = sum(1 for status, _, _ in results if status != 200)
        rows.insert(
            0,
            summarize(
                "bare Bolt, `process_before_response=True` (`ack()` only), same burst of /role-compare alone",
                [s for _, _, s in results],
                wall,
            ),
        )
        checks.append(("bare Bolt errors", str(bare_errors)))
    return (
        f"{n} signed `/role-compare` and {n} signed proposal submissions at once, over HTTP on "
        "loopback (waitress, 8 threads), from a client process of their own, against the "
        "fake Slack in another.\n\n"
        + table(rows)
        + "\n\n| measure | value |\n| --- | ---: |\n"
        + "\n".join(f"| {k} | {v} |" for k, v in checks)
        + "\n"
    )


# --- a modal while posts are rate-limited -------------------------------------------------


def bench_modal429(n: int) -> str:
    """Eight cards meet `chat.postMessage` answering 429 (Retry-After 8); then
    `/org-proposal` is typed, five times: how long until its modal is open."""
    rounds = 5
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        bot, server = _bot_on_loopback(fake, tmp)
        try:
            fake.rate_limit_next("chat.postMessage", times=100_000, retry_after=8)
            for i in range(8):
                body = _submission(fake, bot, i, title=f"Waiting proposal {i}")
                response = fake.send(body.encode(), "application/x-www-form-urlencoded")
                assert response.status == 200 and response.body == b"", response.body
            fake.wait_for("chat.postMessage", 8)
            deadline = time.monotonic() + 5
            while bot.services.background.pending < 8 and time.monotonic() < deadline:
                time.sleep(0.01)  # the last 429 is recorded a moment before its timer is set
            waiting = bot.services.background.pending
            times, outcomes = [], []
            for _ in range(rounds):
                opened = len(fake.calls_to("views.open"))
                t0 = time.perf_counter()
                fake.slash("dana", "/org-proposal", "", channel="org-design")
                [call] = fake.wait_for("views.open", opened + 1, timeout=30)[opened:]
                times.append(time.perf_counter() - t0)
                outcomes.append("open" if call.response.get("ok") else call.response.get("error"))
                fake.close("dana")
            limited = len([c for c in fake.calls_to("chat.postMessage") if c.status == 429])
        finally:
            server.close()
            bot.close()
    return (
        "Eight proposals submitted while `chat.postMessage` answers 429 with Retry-After 8, "
        f"then `/org-proposal` typed {rounds} times, over HTTP on loopback.\n\n"
        "| measure | value |\n| --- | ---: |\n"
        f"| modal opened (of {rounds}) | {outcomes.count('open')} ({', '.join(sorted(set(outcomes)))}) |\n"
        f"| command sent → `views.open` answered, fastest | {min(times) * 1000:.1f} ms |\n"
        f"| command sent → `views.open` answered, median | {statistics.median(times) * 1000:.1f} ms |\n"
        f"| command sent → `views.open` answered, slowest | {max(times) * 1000:.1f} ms |\n"
        f"| posts waiting on a timer (no worker held) | {waiting} |\n"
        f"| 429 answers to `chat.postMessage` | {limited} |\n"
    )


# --- spans and layers of a large org --------------------------------------------------------


def generated_org(size: int, *, seed: int = 10) -> Structure:
    """A `size`-position org shaped like a real one: each manager has 2 to 12 reports,
    titles of a function and a level, most single seats held by a person (a user id), some
    positions several seats, some of them open or to hire, a few dotted lines; filled
    breadth first from one CEO."""
    rng = random.Random(seed)
    functions = ("Operations", "Finance", "Engineering", "Customer Success", "Marketing")
    levels = ("Director", "Senior Manager", "Manager", "Lead", "Specialist", "Analyst")
    positions = [Position(title="CEO", key="p0", holders=("U000000000",))]
    managers = deque(["p0"])
    while len(positions) < size:
        manager = managers.popleft()
        for _ in range(min(rng.randint(2, 12), size - len(positions))):
            n = len(positions)
            key = f"p{n}"
            seats = rng.choice((1, 1, 1, 1, 2, 3, 5))
            vacancies = rng.choice((0, 0, 1)) if seats > 1 else 0
            holders = tuple(f"U{n * 10 + i:09d}" for i in range(seats - vacancies))
            dotted = (f"p{rng.randrange(1, n)}",) if n > 20 and rng.random() < 0.03 else ()
            if dotted and dotted[0] == manager:
                dotted = ()
            positions.append(
                Position(
                    title=f"{rng.choice(functions)} {rng.choice(levels)} {n}",
                    key=key,
                    headcount=seats,
                    reports_to=manager,
                    holders=holders,
                    vacancies=vacancies,
                    status=OPEN if vacancies else FILLED,
                    dotted=dotted,
                )
            )
            managers.append(key)
    return Structure(tuple(positions))


def chain_org(size: int) -> Structure:
    """`size` positions, each reporting to the one before: the deepest possible org."""
    return Structure(
        tuple(
            Position(title=f"Role {i}", key=f"p{i}", reports_to=f"p{i - 1}" if i else None)
            for i in range(size)
        )
    )


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


def bench_shape(n: int) -> str:
    """Spans and layers (`slackbot.org.shape.shape`) of 10,000-position orgs, beside the
    code path the card used before (`Structure.spans()`, spans only, over the structure's
    children index)."""
    runs = 9
    rows = []
    for name, org in (
        ("10,000 positions, 2–12 reports each", generated_org(10_000)),
        ("10,000 positions in one chain", chain_org(10_000)),
        ("1,000 positions, 2–12 reports each", generated_org(1_000)),
    ):
        new = _timed(lambda org=org: shape(Structure(org.positions)), runs)
        # a fresh Structure each run: its children index is built once per structure
        old = _timed(lambda org=org: Structure(org.positions).spans(), runs)
        result = shape(org)
        rows.append(
            f"| {name} | {result.layers} | {len(result.managers)} | "
            f"{statistics.median(new) * 1000:.1f} ms | {max(new) * 1000:.1f} ms | "
            f"{statistics.median(old) * 1000:.1f} ms |"
        )
    return (
        f"`shape()` p50 and slowest over {runs} runs; `Structure.spans()` (spans only, no layers "
        "or headcount under) p50 beside it. Each run on a fresh `Structure`.\n\n"
        "| org | layers | managers | `shape()` p50 | `shape()` slowest | `Structure.spans()` p50 |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: |\n" + "\n".join(rows) + "\n"
    )


def bench_chart(n: int) -> str:
    """Chart pictures (`slackbot.pictures.render_png`) of sample orgs of 30, 300 and 3,000
    positions, and a before/after of 300: the time to draw and encode, the PNG's size in
    pixels and bytes, and the boxes drawn (a large org folds to stay legible)."""
    from slackbot.pictures import render_png, render_svg
    from slackbot.pictures.chart import build_chart
    from slackbot.pictures.samples import sample_change, sample_names, sample_org

    runs = 5
    render_png(sample_org(30), names=sample_names)  # the fonts load once per process
    rows = []
    cases = [(f"{size:,} positions", sample_org(size), None) for size in (30, 300, 3_000)]
    org300 = sample_org(300)
    cases.append(("300 positions, before/after", sample_change(org300), org300))
    for name, org, before in cases:
        png = render_png(org, before=before, names=sample_names)
        cpu_start = time.process_time()
        times = _timed(lambda o=org, b=before: render_png(o, before=b, names=sample_names), runs)
        cpu = (time.process_time() - cpu_start) / runs
        svg = _timed(lambda o=org, b=before: render_svg(o, before=b, names=sample_names), runs)
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        boxes = len(build_chart(org, before=before).boxes)
        rows.append(
            f"| {name} | {boxes} | {statistics.median(times) * 1000:,.0f} ms | "
            f"{max(times) * 1000:,.0f} ms | {cpu * 1000:,.0f} ms | "
            f"{statistics.median(svg) * 1000:,.0f} ms | "
            f"{width} × {height} | {len(png) / 1024:,.0f} KB |"
        )
    return (
        f"`render_png()` p50 and slowest over {runs} runs (layout, drawing and PNG encoding), "
        "its mean CPU time (less sensitive to other work on the machine), `render_svg()` "
        "p50.\n\n"
        "| org | boxes drawn | PNG p50 | PNG slowest | PNG CPU | SVG p50 | PNG pixels | PNG size |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n" + "\n".join(rows) + "\n"
    )


def bench_scale(n: int) -> str:
    """Large orgs: importing a 10,000-position CSV; parsing and checking a branch of it
    beside today's whole-structure parse; the ack of a branch proposal's submission."""
    from roles import load_catalog
    from slackbot import ids
    from slackbot.devslack import payloads
    from slackbot.org.branch import branch_of, branch_problems, branches_that_fit
    from slackbot.org.importing import import_org, plan_import
    from slackbot.org.structure import parse_structure
    from slackbot.org.table import read_org_table, write_org_table
    from slackbot.proposals.form import MAX_STRUCTURE
    from slackbot.ui.proposal_modal import proposal_modal

    catalog = load_catalog()
    csv_text = write_org_table(generated_org(10_000))
    lines = []
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        bot, server = _bot_on_loopback(fake, tmp)
        team = fake.ws.team_id
        try:
            store = bot.services.store
            reads = _timed(lambda: read_org_table(csv_text, catalog, people=None), 3)
            t0 = time.perf_counter()
            plan = plan_import(store, team, csv_text, catalog=catalog, people=None)
            assert plan.ok, plan.result.problems[:3]
            version = import_org(
                store, team, plan.result.structure, by="bench", now=bot.services.clock.now()
            )
            whole = time.perf_counter() - t0
            org = version.structure
            as_text = org.to_text()
            old = _timed(lambda: parse_structure(as_text, catalog), 1)
            lines += [
                f"### Importing a 10,000-position CSV ({len(csv_text):,} bytes)\n",
                "| step | time |",
                "| --- | ---: |",
                f"| read and check the CSV (`read_org_table`, p50 of 3) | {statistics.median(reads) * 1000:,.0f} ms |",
                f"| dry run + import as one org version (`plan_import` + `import_org`, one SQLite write) | {whole * 1000:,.0f} ms |",
                f"| today's path for the same org as text (`parse_structure`, refused: over {60} positions) | {old[0] * 1000:,.0f} ms |",
                "",
            ]

            [(root, count)] = branches_that_fit(
                org, None, max_chars=MAX_STRUCTURE, max_positions=60, limit=1
            )
            branch = branch_of(org, root.key)
            branch_text = branch.to_text()
            # the branch's holders are members of the workspace, as they would be
            from slackbot.devslack.workspace import User

            for position in branch.positions:
                for holder in position.holders:
                    fake.ws.users[holder] = User(holder, f"person.{holder.lower()}", holder)

            def with_branch():
                parsed = parse_structure(branch_text, catalog)
                assert parsed.ok and not branch_problems(
                    org, parsed.structure, branch_root=root.key
                )

            runs = max(50, min(n, 500))
            new = _timed(with_branch, runs)
            today = _timed(lambda: parse_structure(branch_text, catalog), runs)
            lines += [
                f"### Parsing and checking a branch ({len(branch_text):,} characters, {count} positions, of the 10,000)\n",
                f"| path | p50 | p99 (of {runs}) |",
                "| --- | ---: | ---: |",
                f"| branch: `parse_structure` + `branch_problems` against the whole org | {percentile(new, 50) * 1000:.2f} ms | {percentile(new, 99) * 1000:.2f} ms |",
                f"| today: `parse_structure` alone | {percentile(today, 50) * 1000:.2f} ms | {percentile(today, 99) * 1000:.2f} ms |",
                "",
            ]

            def body_for(i: int, *, branch: bool) -> str:
                today_date = bot.services.today()
                view = proposal_modal(
                    structure_text="",
                    review_by=today_date,
                    channel_id="C0ORGDES02",
                    base_org_version=version.version,
                    branch_root=root.key if branch else None,
                    branch_title=root.title if branch else None,
                )
                view = {**view, "id": f"V0SCALE{i:05d}", "team_id": team, "hash": "h"}
                values = {
                    ids.TITLE_BLOCK: "A branch" if branch else "A whole org",
                    ids.RATIONALE_BLOCK: "Measured.",
                    ids.STRUCTURE_BLOCK: branch_text,
                    ids.REVIEWERS_BLOCK: ["U0ALEX0001"],
                    ids.REVIEW_BY_BLOCK: today_date.isoformat(),
                    ids.CHANNEL_BLOCK: "C0ORGDES02",
                }
                view["state"] = {"values": payloads.view_state(view, values)}
                body = payloads.view_submission(fake.ws, fake.ws.user("dana"), view)
                return urllib.parse.urlencode({"payload": json.dumps(body)})

            acks = {True: [], False: []}
            count_acks = min(n, 100)
            for i in range(count_acks * 2):
                branch = i % 2 == 0
                body = body_for(i, branch=branch)
                headers = signed_headers(fake.signing_secret, body)
                before = len(fake.calls_to("chat.postMessage"))
                t0 = time.perf_counter()
                response = bot.app.dispatch(BoltRequest(body=body, headers=headers))
                acks[branch].append(time.perf_counter() - t0)
                assert response.status == 200 and not response.body, response.body
                # one after another, as bench_proposal: the card and the reviewer's DM are
                # posted (after the ack) before the next submission
                fake.wait_for("chat.postMessage", before + 2, timeout=120)
            lines += [
                f"### The ack of a proposal submission, in process ({count_acks} each, one after another, alternating; the current org has 10,000 positions)\n",
                "| submission | p50 | p99 |",
                "| --- | ---: | ---: |",
                f"| a branch ({count} positions): parsed, checked against the org, stored | {percentile(acks[True], 50) * 1000:.1f} ms | {percentile(acks[True], 99) * 1000:.1f} ms |",
                f"| today's whole-org proposal of the same text: parsed, stored | {percentile(acks[False], 50) * 1000:.1f} ms | {percentile(acks[False], 99) * 1000:.1f} ms |",
                "",
            ]
        finally:
            server.close()
            bot.close()
    return "\n".join(lines)


# --- a reminder pass over many workspaces, each rate-limited on its own -------------------


def bench_reminders_workspaces(
    n: int,
    *,
    workspaces: int = 100,
    reviewers: int = 50,
    per_second: float = 2.0,
    burst: int = 10,
) -> str:
    """100 workspaces × 50 reviewers waiting, orgbot installed in each (its own token), the
    fake limiting `chat.postMessage` in each workspace on its own (`per_second` sustained,
    `burst` at once; 429 + Retry-After past that). The pass serves the workspaces side by
    side, so it should take about as long as one workspace's own floor."""
    from collections import Counter
    from datetime import UTC, date, datetime

    from slack_sdk.oauth.installation_store import Installation

    from roles import load_catalog
    from slackbot.clock import ManualClock
    from slackbot.devslack.oauth import CLIENT_ID, CLIENT_SECRET
    from slackbot.devslack.workspace import User
    from slackbot.installations.clients import TeamClients, TeamRoutedClient
    from slackbot.org.structure import parse_structure
    from slackbot.proposals import Draft
    from slackbot.scheduling.scheduled import ScheduledPosts
    from slackbot.services import Services

    clock = ManualClock(datetime(2026, 11, 24, 10, tzinfo=UTC))
    people = [
        User(f"U{i:07d}X", f"person{i}", f"Person {i}", "Europe/London")
        for i in range(reviewers + 1)
    ]
    with (
        FakeSlack(clock=lambda: clock.now().timestamp()) as fake,
        tempfile.TemporaryDirectory() as tmp,
    ):
        config = Config(
            api_url=fake.api_url,
            db_path=f"{tmp}/bench.db",
            timezone="Europe/London",
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            state_secret="bench",
        )
        services = Services.open(config, clock=clock)
        text = "CEO\nCOO reports to CEO"
        structure = parse_structure(text, load_catalog()).structure
        teams = [f"T{i:08d}" for i in range(workspaces)]
        for team in teams:
            view = fake.add_workspace(team)
            for person in people:
                view.ws.users[person.id] = person
            grant = fake.oauth.new_grant([team], None, False)
            services.installations.save(
                Installation(team_id=team, bot_token=grant.token, user_id=people[0].id)
            )
            draft = Draft(
                "Regional teams",
                "why",
                text,
                structure,
                tuple(p.id for p in people[1:]),
                date(2026, 12, 9),
                "C0ORGDES02",
            )
            services.proposals.create(team, people[0].id, draft)
            fake.set_team_rate_limit(team, "chat.postMessage", per_second=per_second, burst=burst)
        base = make_client(config)
        clients = TeamClients(
            services.installations, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base=base
        )
        posts = ScheduledPosts(services, TeamRoutedClient.from_base(base, clients))
        clock.set(datetime(2026, 11, 25, 9, 5, tzinfo=UTC))  # Wednesday 09:05 in London
        start = time.perf_counter()
        report = posts.remind()
        took = time.perf_counter() - start
        ok = [
            c for c in fake.calls_to("chat.postMessage") if c.status == 200 and c.response.get("ok")
        ]
        delivered = Counter((c.team_id, c.args["channel"]) for c in ok)
        wrong_token = sum(1 for c in ok if c.token != fake.token_of(c.team_id))
        duplicates = sum(count - 1 for count in delivered.values() if count > 1)
        lost = sum(1 for t in teams for p in people[1:] if delivered.get((t, p.id), 0) == 0)
        limited = len([c for c in fake.calls_to("chat.postMessage") if c.status == 429])
        floor = max(0.0, (reviewers - burst) / per_second)
        services.store.close()
    total = workspaces * reviewers
    return (
        f"{workspaces} workspaces × {reviewers} reviewers waiting ({total} reminders), orgbot "
        f"installed in each with its own token; the fake limits `chat.postMessage` in each "
        f"workspace on its own to {per_second:g}/s with bursts of {burst} (429 + Retry-After).\n\n"
        "| measure | value |\n| --- | ---: |\n"
        f"| reminders sent by the pass | {report.count('sent')} of {total} |\n"
        f"| time for the pass | {took:.1f} s |\n"
        f"| one workspace's floor ((reviewers - burst) / rate) | {floor:.1f} s |\n"
        f"| pass / floor | {took / floor if floor else 0:.2f}× |\n"
        f"| 429 answers received | {limited} |\n"
        f"| duplicates | {duplicates} |\n"
        f"| lost | {lost} |\n"
        f"| posts with another workspace's token | {wrong_token} |\n"
    )


BENCHES: dict[str, Callable[[int], str]] = {
    "ack": bench_ack,
    "proposal": bench_proposal,
    "reminders": bench_reminders,
    "reminders-workspaces": bench_reminders_workspaces,
    "burst": bench_burst,
    "modal429": bench_modal429,
    "shape": bench_shape,
    "chart": bench_chart,
    "scale": bench_scale,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("which", nargs="*", choices=[*BENCHES, []], help="default: all")
    parser.add_argument("-n", type=int, default=2000, help="requests per app (default 2000)")
    args = parser.parse_args()
    args.which = args.which or list(BENCHES)
    import logging

    # a burst queues requests in waitress on purpose; its per-request warning is noise here
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; "
        f"`python bench/run.py {' '.join(args.which)} -n {args.n}`\n"
    )
    for name in args.which:
        print(f"## {name}\n")
        print(BENCHES[name](args.n))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
