"""The background scheduler (APScheduler 3.x): one per process, jobs rebuilt at start.

Jobs only decide *when* to look; the database records what is due and what was sent
(`delivery.py`), so jobs can be rebuilt freely and several processes can run them.

| job id | trigger | does |
| --- | --- | --- |
| `digest:<team>` | cron, the workspace's day and time, in its time zone | post that digest |
| `reminders` | every 15 minutes | DM the reviewers who are due a reminder |
| `upkeep` | every 30 s (`ORGBOT_UPKEEP_SECONDS`) | make approved proposals whose effective date has come the current org, reconcile interrupted posts, send queued and due ones (proposal cards, DMs, replies, card redraws), retry failed ones, refresh digest jobs; finish workflow steps that came due (`slackbot/workflows`) |
| `catch-up` | once, at start | upkeep, then a digest missed while orgbot was down (within the grace period) and due reminders |
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk import WebClient

from slackbot.scheduling.scheduled import ScheduledPosts
from slackbot.services import Services
from slackbot.settings import Settings, known_teams, load_settings

logger = logging.getLogger("orgbot.scheduler")
REMINDER_EVERY = timedelta(minutes=15)
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday, midnight
_CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def digest_trigger(settings: Settings) -> CronTrigger | None:
    """A cron trigger in the workspace's own time zone (so DST moves it with the clock)."""
    if not settings.digest_enabled:
        return None
    if settings.digest_cadence == "daily":
        days = ",".join(d for i, d in enumerate(_CRON_DAYS) if i not in settings.quiet_days)
    else:
        days = _CRON_DAYS[settings.digest_weekday]
    return CronTrigger(
        day_of_week=days,
        hour=settings.digest_time.hour,
        minute=settings.digest_time.minute,
        timezone=settings.tz,
        # anchored in the past, not at "now": the trigger's fire times then depend only on
        # the settings, so the sandbox can ask it about any moment of its own clock
        start_date=EPOCH,
    )


def reminder_trigger() -> IntervalTrigger:
    """Every 15 minutes, on the quarter hour (anchored at midnight UTC)."""
    return IntervalTrigger(seconds=REMINDER_EVERY.total_seconds(), start_date=EPOCH)


def same_trigger(a: Any, b: Any) -> bool:
    """APScheduler's str() of a cron trigger leaves out its time zone; compare both."""
    return str(a) == str(b) and str(getattr(a, "timezone", "")) == str(getattr(b, "timezone", ""))


class Scheduler:
    def __init__(self, services: Services, client: WebClient):
        self.services = services
        self.posts = ScheduledPosts(services, client)
        self._scheduler = BackgroundScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )
        self._scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        # `_on_event` reports a failed job (with its traceback); APScheduler's executor
        # would log the same traceback again under its own name
        logging.getLogger("apscheduler.executors").setLevel(logging.CRITICAL)
        self._idle = threading.Condition()
        self._running_jobs = 0
        self._stopping = False

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        self.add_jobs()
        self._scheduler.start()
        logger.info(
            "scheduler started: %s", ", ".join(sorted(j.id for j in self._scheduler.get_jobs()))
        )

    def add_jobs(self) -> None:
        """(Re)build every job from the database; explicit ids and `replace_existing` make
        this safe to repeat."""
        now = datetime.now(UTC)  # APScheduler runs on the real clock; the jobs use services.clock
        self._scheduler.add_job(
            self._guarded,
            reminder_trigger(),
            args=(self.posts.remind,),
            id="reminders",
            replace_existing=True,
        )
        self._scheduler.add_job(
            self._guarded,
            IntervalTrigger(seconds=self.services.config.upkeep_seconds),
            args=(self.upkeep,),
            id="upkeep",
            replace_existing=True,
            next_run_time=now + timedelta(seconds=2),
        )
        self._scheduler.add_job(
            self._guarded,
            args=(self.catch_up,),
            id="catch-up",
            replace_existing=True,
            next_run_time=now + timedelta(seconds=1),
        )
        self.refresh_digests()

    def refresh_digests(self) -> None:
        """One cron job per workspace digest, matching the settings in the database."""
        wanted = {}
        for team_id in known_teams(self.services.store):
            if not self.services.acting_in(team_id):  # uninstalled or revoked: job removed
                continue
            settings = load_settings(
                self.services.store, team_id, default_timezone=self.services.config.timezone
            )
            trigger = digest_trigger(settings)
            if trigger is not None:
                wanted[f"digest:{team_id}"] = (team_id, trigger)
        for job in self._scheduler.get_jobs():
            if job.id.startswith("digest:") and job.id not in wanted:
                job.remove()
        for job_id, (team_id, trigger) in wanted.items():
            existing = self._scheduler.get_job(job_id)
            if existing is not None and same_trigger(existing.trigger, trigger):
                continue
            if existing is not None:
                existing.remove()
            self._scheduler.add_job(
                self._guarded,
                trigger,
                args=(self.posts.digest,),
                id=job_id,
                kwargs={"team_id": team_id},
                replace_existing=True,
            )

    def catch_up(self) -> None:
        """At start: settle interrupted posts, then post what came due while orgbot was
        down (a digest within its grace period, today's reminders)."""
        self.upkeep()
        self.posts.digest()
        self.posts.remind()

    def upkeep(self) -> None:
        from slackbot.workflows import WorkflowSteps

        counts = self.posts.upkeep()
        # workflow steps: outcomes a dead process left, decisions taken while orgbot was
        # down, proposal forms submitted or expired (ORGBOT_STEP_TIMEOUT_HOURS)
        counts.update(WorkflowSteps(self.services, self.posts.client).upkeep())
        if any(counts.values()):
            logger.info("upkeep: %s", counts)
        self.refresh_digests()

    def jobs(self) -> list[Any]:
        return self._scheduler.get_jobs()

    def _guarded(self, job: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one job, counted, unless the scheduler is stopping (see `shutdown`)."""
        with self._idle:
            if self._stopping:
                return None
            self._running_jobs += 1
        try:
            return job(*args, **kwargs)
        finally:
            with self._idle:
                self._running_jobs -= 1
                self._idle.notify_all()

    def shutdown(self) -> None:
        """Stop, once the jobs under way have finished. APScheduler's own
        `shutdown(wait=True)` waits for them while holding the lock that `get_jobs` and
        `add_job` take, so an upkeep that was refreshing the digest jobs then waited
        for it forever: `orgbot run` hung on SIGTERM (and the test suite at a teardown)."""
        if not self._scheduler.running:
            return
        with self._idle:
            self._stopping = True  # no job starts from now on
            self._idle.wait_for(lambda: self._running_jobs == 0)
        self._scheduler.shutdown(wait=True)

    def _on_event(self, event: Any) -> None:
        if isinstance(event, JobExecutionEvent) and event.exception is not None:
            logger.error("job %s failed", event.job_id, exc_info=event.exception)
        else:
            logger.warning("job %s missed its run time", getattr(event, "job_id", "?"))
