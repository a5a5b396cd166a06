"""The org seen in Slack, end to end over HTTP: each proposal version's before/after picture
uploaded through the fake's upload flow into its card's thread (once, retried after a
failure without touching the card), and the canvas of the current org (created once,
updated on approval)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from slackbot import ids
from slackbot.pictures import MAX_HEIGHT, MAX_WIDTH
from tests.conftest import eventually
from tests.test_e2e_proposals import ALEX, STRUCTURE, card_in, propose, text_of, wait_card_update

ORG_DESIGN = "C0ORGDES02"


def pictures(fake, card):
    return fake.ws.thread_files(ORG_DESIGN, card["ts"])


def status(bot, key: str) -> str | None:
    rows = list(bot.services.store.db.query("select status from deliveries where key = ?", [key]))
    return rows[0]["status"] if rows else None


def decoded(fake, shared) -> Image.Image:
    data = fake.file_bytes(shared["id"])
    assert data is not None and data.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_a_submitted_proposal_gets_its_before_after_picture_in_the_thread(fake, bot):
    card = propose(fake)
    fake.wait_for("files.completeUploadExternal")
    [shared] = pictures(fake, card)
    assert shared["name"] == "proposal-1-v1.png"
    assert shared["title"] == "#1 before and after (version 1)"
    image = decoded(fake, shared)
    assert image.format == "PNG"
    assert 200 <= image.width <= MAX_WIDTH and 100 <= image.height <= MAX_HEIGHT
    # the three steps of files_upload_v2, the bytes through the fake's upload URL
    steps = [c.method for c in fake.calls if c.method.startswith(("files.", "upload"))]
    assert steps == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    upload = fake.calls_to("upload")[0]
    assert upload.status == 200 and upload.args["length"] == len(fake.file_bytes(shared["id"]))
    complete = fake.calls_to("files.completeUploadExternal")[0].args
    assert complete["channel_id"] == ORG_DESIGN and complete["thread_ts"] == card["ts"]
    # the card says where the picture is, and still carries its buttons
    text = text_of(card_in(fake)["blocks"])
    assert "chart before and after each version is shared in this card's thread" in text
    assert any(b.get("type") == "actions" for b in card_in(fake)["blocks"])
    # the upkeep finds it done: no second upload
    bot.scheduler.upkeep()
    bot.scheduler.upkeep()
    assert len(fake.calls_to("files.getUploadURLExternal")) == 1
    assert len(pictures(fake, card)) == 1


def test_an_edit_redraws_the_picture(fake, bot):
    card = propose(fake)
    fake.wait_for("files.completeUploadExternal")
    fake.click("alex", card, ids.REQUEST_CHANGES, value="1:1")
    fake.wait_for("views.open", 2)
    fake.submit("alex", {ids.COMMENT_BLOCK: "Add the CFO."})
    wait_card_update(fake)
    fake.click("dana", card_in(fake), ids.EDIT, value="1")
    fake.wait_for("views.open", 3)
    bigger = STRUCTURE + "\nCFO reports to CEO\nController reports to CFO"
    assert fake.submit("dana", {ids.STRUCTURE_BLOCK: bigger}).body == b""
    fake.wait_for("files.completeUploadExternal", 2)
    first, second = pictures(fake, card)
    assert (first["name"], second["name"]) == ("proposal-1-v1.png", "proposal-1-v2.png")
    assert fake.file_bytes(first["id"]) != fake.file_bytes(second["id"])
    assert decoded(fake, second).size != decoded(fake, first).size


@pytest.mark.parametrize("failure", ["upload 500", "getUploadURL error"])
def test_a_failed_upload_leaves_the_card_intact_and_the_upkeep_retries_it(
    fake, bot, clock, failure
):
    bot.scheduler._scheduler.pause()  # the test runs the upkeep itself
    if failure == "upload 500":
        fake.fail_uploads(status=500)
    else:
        fake.fail("files.getUploadURLExternal", "internal_error")
    card = propose(fake)  # the card and both reviewers' DMs went out
    key = "picture:T0ORGBOT1:1:v1"
    eventually(lambda: status(bot, key) == "failed")
    assert fake.calls_to("files.completeUploadExternal") == []
    assert pictures(fake, card) == []
    blocks = card_in(fake)["blocks"]
    assert "PUT OPERATIONS UNDER A COO" in text_of(blocks)
    assert any(b.get("type") == "actions" for b in blocks)
    assert len(fake.dms("alex")) == 1 and len(fake.dms("sam")) == 1

    bot.scheduler.upkeep()  # not due yet (backoff): nothing
    assert fake.calls_to("files.completeUploadExternal") == []
    clock.advance(timedelta(minutes=2))
    bot.scheduler.upkeep()
    [shared] = pictures(fake, card)
    assert decoded(fake, shared).width >= 200
    assert bot.services.store.db["deliveries"].get(key)["status"] == "sent"
    clock.advance(timedelta(hours=1))
    bot.scheduler.upkeep()  # a second pass does nothing
    assert len(fake.calls_to("files.completeUploadExternal")) == 1
    assert card_in(fake)["ts"] == card["ts"]


def test_a_picture_interrupted_after_sharing_is_found_in_the_thread_not_uploaded_again(
    fake, bot, clock
):
    bot.scheduler._scheduler.pause()
    card = propose(fake)
    fake.wait_for("files.completeUploadExternal")
    key = "picture:T0ORGBOT1:1:v1"
    eventually(lambda: status(bot, key) == "sent")
    # as if the process died between the upload and recording it
    bot.services.store.db["deliveries"].update(
        key, {"status": "sending", "claimed_by": "elsewhere:1:x", "claimed_at": "2000-01-01"}
    )
    bot.scheduler.upkeep()
    assert bot.services.store.db["deliveries"].get(key)["status"] == "sent"
    assert len(fake.calls_to("files.getUploadURLExternal")) == 1
    assert len(pictures(fake, card)) == 1


# --- the canvas of the current org ----------------------------------------------------------


def set_canvas_channel(fake, bot, channel: str | None) -> None:
    fake.slash("alex", "/org-proposal", "settings")
    before = len(fake.calls_to("views.open"))
    fake.wait_for("views.open", before)
    eventually(lambda: bot.services.is_admin(fake.ws.team_id, ALEX, cached=True))
    eventually(lambda: fake.open_view("alex")["callback_id"] == ids.SETTINGS_MODAL)
    response = fake.submit(
        "alex", {"digest_channel": None, "digest_cadence": "off", "canvas_channel": channel}
    )
    assert response.status == 200 and response.body == b"", response.body


def approve(fake, card, version=1, number=1):
    for who in ("alex", "sam"):
        before = len(fake.calls_to("chat.update"))
        fake.click(who, card_in(fake), ids.APPROVE, value=f"{number}:{version}")
        fake.wait_for("chat.update", before + 1)


def test_the_canvas_is_created_once_and_updated_on_approval(fake, bot, clock):
    bot.scheduler._scheduler.pause()
    set_canvas_channel(fake, bot, ORG_DESIGN)
    bot.scheduler.upkeep()  # no current org yet: no canvas
    assert fake.canvases() == []

    card = propose(fake)
    approve(fake, card)
    fake.wait_for("canvases.create")
    eventually(lambda: status(bot, "canvas:T0ORGBOT1:v1") == "sent")
    [canvas] = fake.canvases()
    assert canvas.channel_id == ORG_DESIGN and canvas.title == "Org chart (orgbot)"
    assert "Version 1 of the org" in canvas.markdown
    assert "**Operations Manager ×3**" in canvas.markdown
    assert "[#1 Put operations under a COO](https://" in canvas.markdown
    assert "## Spans and layers" in canvas.markdown and "Layers: 4" in canvas.markdown

    # a replay of the announcement, upkeep passes: nothing more
    bot.scheduler.posts.messenger.publishing.canvas.org_changed(fake.ws.team_id)
    bot.scheduler.upkeep()
    clock.advance(timedelta(hours=3))
    bot.scheduler.upkeep()
    assert len(fake.calls_to("canvases.create")) == 1
    assert fake.calls_to("canvases.edit") == []

    second = propose(
        fake,
        **{
            "title": "Add a CFO",
            ids.TITLE_BLOCK: "Add a CFO",
            ids.STRUCTURE_BLOCK: STRUCTURE + "\nCFO [hire] reports to CEO",
        },
    )
    approve(fake, second, number=2)
    fake.wait_for("canvases.edit")
    [canvas] = fake.canvases()
    assert "Version 2 of the org" in canvas.markdown
    assert "[#2 Add a CFO](https://" in canvas.markdown
    assert "| CFO | CEO | to hire |" in canvas.markdown  # an open role
    bot.scheduler.upkeep()
    assert len(fake.calls_to("canvases.create")) == 1
    assert len(fake.calls_to("canvases.edit")) == 1


def test_a_failed_canvas_update_is_retried_by_the_upkeep(fake, bot, clock):
    bot.scheduler._scheduler.pause()
    set_canvas_channel(fake, bot, ORG_DESIGN)
    fake.fail("canvases.create", "canvas_creation_failed")
    card = propose(fake)
    approve(fake, card)
    fake.wait_for("canvases.create")
    eventually(lambda: status(bot, "canvas:T0ORGBOT1:v1") == "failed")
    assert fake.canvases() == []
    clock.advance(timedelta(minutes=2))
    bot.scheduler.upkeep()
    assert len(fake.canvases()) == 1
    assert "Approved" in text_of(card_in(fake)["blocks"])


# --- the current org's picture ----------------------------------------------------------------


def test_the_current_chart_is_uploaded_once_per_version_and_reused(fake, bot, clock):
    bot.scheduler._scheduler.pause()
    card = propose(fake)
    approve(fake, card)
    fake.wait_for("files.completeUploadExternal", 2)
    # recorded once Slack answered (the proposal's picture may come before or after)
    eventually(lambda: status(bot, "org-picture:T0ORGBOT1:v1") == "sent")
    shared = {f["name"]: f for f in pictures(fake, card)}
    assert sorted(shared) == ["org-v1.png", "proposal-1-v1.png"]
    assert decoded(fake, shared["org-v1.png"]).width >= 200

    # /org-proposal current and the Home tab point to it; asking again uploads nothing
    for _ in range(2):
        answer = fake.slash("dana", "/org-proposal", "current")
        text = text_of(answer.json["blocks"])
        assert "The picture of version 1 is in the thread of proposal #1's card" in text
    fake.open_home("dana")
    home = fake.wait_for("views.publish")[-1].args["view"]
    assert "The picture of version 1 is in" in text_of(home["blocks"])
    bot.scheduler.upkeep()
    clock.advance(timedelta(hours=1))
    bot.scheduler.upkeep()
    assert len(fake.calls_to("files.getUploadURLExternal")) == 2  # the proposal's, the org's


def test_the_canvas_follows_an_effective_date_not_the_approval(fake, bot, clock):
    from datetime import UTC, datetime

    bot.scheduler._scheduler.pause()
    set_canvas_channel(fake, bot, ORG_DESIGN)
    card = propose(fake, **{ids.EFFECTIVE_BLOCK: "2027-03-01"})
    approve(fake, card)
    eventually(lambda: "Approved, effective 1 March 2027" in text_of(card_in(fake)["blocks"]))
    bot.scheduler.upkeep()
    assert fake.canvases() == []  # approved, not yet the current org

    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    bot.scheduler.upkeep()  # takes effect, announced, and the canvas made in the same pass
    fake.wait_for("canvases.create")
    [canvas] = fake.canvases()
    assert "Version 1 of the org" in canvas.markdown
    assert "in effect since 1 March 2027" in canvas.markdown
    bot.scheduler.upkeep()
    assert len(fake.calls_to("canvases.create")) == 1 and fake.calls_to("canvases.edit") == []
