"""Item 4 of issue 8, end to end: a structure of punctuation is refused inline in the
proposal modal, and nothing is stored or posted."""

from __future__ import annotations

import pytest

from slackbot import ids
from tests.test_e2e_proposals import count, form_values, open_form


@pytest.mark.parametrize("structure", [".", "-", "...\n---", "CEO\n.", "CEO\nCOO reports to -"])
def test_a_structure_of_punctuation_is_refused_inline(fake, bot, structure):
    open_form(fake)
    response = fake.submit("dana", form_values(**{ids.STRUCTURE_BLOCK: structure}))
    body = response.json
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {ids.STRUCTURE_BLOCK}
    assert "letters or digits" in body["errors"][ids.STRUCTURE_BLOCK]
    assert fake.view_errors("dana") == body["errors"]
    assert count(bot, "proposals") == 0
    assert fake.calls_to("chat.postMessage") == []
