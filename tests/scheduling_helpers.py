"""Shared set-up for the scheduler tests: services on a real SQLite file, a manual clock,
a Web API client pointed at the fake Slack, and proposals created through the service."""

from __future__ import annotations

from datetime import UTC, date, datetime

from roles import load_catalog
from slackbot.app import make_client
from slackbot.clock import ManualClock
from slackbot.org.structure import parse_structure
from slackbot.proposals import Draft
from slackbot.scheduling.scheduled import ScheduledPosts
from slackbot.services import Services
from slackbot.settings import Settings, save_settings

TEAM = "T0ORGBOT1"
DANA, ALEX, SAM, KENJI, PRIYA = "U0DANA0002", "U0ALEX0001", "U0SAM00003", "U0KENJI004", "U0PRIYA005"
ORG_DESIGN, GENERAL = "C0ORGDES02", "C0GENERAL1"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def make_services(config, clock: ManualClock) -> Services:
    return Services.open(config, clock=clock)


def make_posts(services: Services, config) -> ScheduledPosts:
    return ScheduledPosts(services, make_client(config))


def create_proposal(
    services: Services,
    *,
    author: str = DANA,
    reviewers: tuple[str, ...] = (ALEX,),
    review_by: date = date(2026, 12, 2),
    title: str = "Put operations under a COO",
    channel: str = ORG_DESIGN,
):
    text = "CEO\nCOO reports to CEO"
    draft = Draft(
        title=title,
        rationale="why",
        structure_text=text,
        structure=parse_structure(text, load_catalog()).structure,
        reviewers=reviewers,
        review_by=review_by,
        channel_id=channel,
    )
    proposal = services.proposals.create(TEAM, author, draft).proposal
    return services.proposals.record_posted(proposal, channel, f"{1790000000 + proposal.id}.000100")


def set_digest(services: Services, **values) -> Settings:
    settings = Settings(team_id=TEAM, timezone="Europe/Berlin", digest_channel=ORG_DESIGN, **values)
    return save_settings(services.store, settings, user_id=ALEX, now=services.clock.now())
