"""Positions stored by 0.2.0 with a title outside ASCII: 0.2.0 keyed them by their ASCII
letters only (`Geschäftsführer` as `title:gesch ftsf hrer`, `国際部長` as `title:`), so
the next proposal, which keys the same title by all its letters, showed it removed and
added again. Read back, they take today's key, and what reports to them follows."""

from __future__ import annotations

import json

from roles import load_catalog
from slackbot.org.parse import parse_structure
from slackbot.org.structure import Structure, diff

catalog = load_catalog()

# as 0.2.0's Structure.to_json wrote it (json.dumps: ASCII escapes)
OLD = json.dumps(
    [
        {
            "title": "CEO",
            "key": "ceo",
            "role_id": "ceo",
            "headcount": 1,
            "reports_to": None,
            "line": 1,
        },
        {
            "title": "Geschäftsführer",
            "key": "title:gesch ftsf hrer",
            "role_id": None,
            "headcount": 1,
            "reports_to": "ceo",
            "line": 2,
        },
        {
            "title": "国際部長",
            "key": "title:",
            "role_id": None,
            "headcount": 2,
            "reports_to": "title:gesch ftsf hrer",
            "line": 3,
        },
        {
            "title": "Analyst",
            "key": "title:analyst",
            "role_id": None,
            "headcount": 1,
            "reports_to": "title:",
            "line": 4,
        },
    ]
)
SAME = "CEO\nGeschäftsführer reports to CEO\n国際部長 x2 reports to Geschäftsführer\nAnalyst reports to 国際部長"


def test_a_0_2_0_structure_with_titles_outside_ascii_reads_with_todays_keys():
    old = Structure.from_json(OLD)
    new = parse_structure(SAME, catalog).structure
    assert [(p.key, p.reports_to) for p in old.positions] == [
        (p.key, p.reports_to) for p in new.positions
    ]
    assert diff(old, new) == []
    assert old.tree_lines() == new.tree_lines()
