"""The background scheduler (APScheduler 3.x): one per process, jobs rebuilt at start.

The database, not the scheduler, records what is due and what was sent; the jobs only
decide *when* to look. See `docs/operations.md`.
"""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk import WebClient

from slackbot.services import Services

logger = logging.getLogger("orgbot.scheduler")


class Scheduler:
    def __init__(self, services: Services, client: WebClient):
        self.services = services
        self.client = client
        self._scheduler = BackgroundScheduler(
            timezone="UTC",
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )
        self._scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def start(self) -> None:
        self.add_jobs()
        self._scheduler.start()
        logger.info(
            "scheduler started with jobs: %s", ", ".join(j.id for j in self._scheduler.get_jobs())
        )

    def add_jobs(self) -> None:
        """(Re)build the jobs; explicit ids and `replace_existing` make this safe to repeat."""

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=True)

    def _on_event(self, event: Any) -> None:
        if isinstance(event, JobExecutionEvent) and event.exception is not None:
            logger.error("job %s failed", event.job_id, exc_info=event.exception)
        else:
            logger.warning("job %s missed its run time", getattr(event, "job_id", "?"))
