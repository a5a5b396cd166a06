"""Writes tests/data/orgbot-0.2.0.sql with orgbot 0.2.0's own code (commit 20d46c2):

git archive 20d46c2 | tar -x -C /tmp/orgbot-0.2.0
PYTHONPATH=/tmp/orgbot-0.2.0 .venv/bin/python tests/data/make_orgbot_0_2_0.py /tmp/old.db
sqlite3 /tmp/old.db .dump > tests/data/orgbot-0.2.0.sql
"""

import sys
from datetime import UTC, date, datetime, timedelta

from slackbot.orgchart import parse_structure

from roles import load_catalog
from slackbot.clock import ManualClock
from slackbot.proposals import Draft, ProposalService
from slackbot.proposals.model import APPROVE, REJECT, REQUEST_CHANGES
from slackbot.store import Store

T, C = "T0ORGBOT1", "C0ORGDES02"
ALEX, DANA, SAM, KENJI = "U0ALEX0001", "U0DANA0002", "U0SAM00003", "U0KENJI004"
cat = load_catalog()
path = sys.argv[1]
store = Store(path)
clock = ManualClock(datetime(2026, 11, 20, 9, tzinfo=UTC))
s = ProposalService(store, clock)
ts = iter(f"17955{n:05d}.000100" for n in range(1, 100))


def draft(title, text, reviewers=(ALEX, SAM)):
    r = parse_structure(text, cat)
    assert r.ok, r.errors
    return Draft(
        title=title,
        rationale="Because <!channel> & more.",
        structure_text=text,
        structure=r.structure,
        reviewers=reviewers,
        review_by=date(2026, 12, 2),
        channel_id=C,
    )


def post(p):
    return s.record_posted(p, C, next(ts))


ORG = "CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director\nCFO reports to CEO"
p1 = post(s.create(T, DANA, draft("Put operations under a COO", ORG)).proposal)
clock.advance(timedelta(hours=2))
s.comment(T, p1.id, KENJI, "Looks good <@U0PRIYA005>")
s.decide(T, p1.id, ALEX, APPROVE)
clock.advance(timedelta(hours=1))
s.decide(T, p1.id, SAM, APPROVE)
clock.advance(timedelta(days=1))
p2 = post(
    s.create(T, DANA, draft("Finance grows", ORG + "\nController x2 reports to CFO")).proposal
)
s.decide(T, p2.id, ALEX, REQUEST_CHANGES, comment="Two is too many")
s.edit(
    T,
    p2.id,
    DANA,
    draft("Finance grows", ORG + "\nController reports to CFO\nData Analyst reports to CFO"),
)
p3 = post(s.create(T, SAM, draft("Flatten <!here> & co", "CEO\nCOO reports to CEO")).proposal)
s.decide(T, p3.id, ALEX, REJECT, comment="No")
p4 = post(
    s.create(
        T,
        KENJI,
        draft("Withdrawn one", "CEO\nHead of People reports to CEO"),
    ).proposal
)
s.withdraw(T, p4.id, KENJI)
p5 = post(s.create(T, DANA, draft("国際チーム 🚀", ORG + "\n国際部長 x2 reports to CEO")).proposal)
store.close()
