"""The fake Slack's upload flow and canvases are as strict as Slack's: files_upload_v2
works end to end through it, and each refusal Slack documents is answered."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from slackbot.devslack import FakeSlack
from slackbot.devslack.webapi import granted_scopes

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 120


@pytest.fixture
def fake():
    with FakeSlack() as fake:
        yield fake


def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=fake.bot_token, base_url=fake.api_url)


def post(url: str, data: bytes, content_type: str = "application/octet-stream") -> int:
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_files_upload_v2_shares_the_file_in_a_thread():
    with FakeSlack(scopes=granted_scopes() | {"files:read"}) as fake:
        _upload_into_a_thread(fake)


def _upload_into_a_thread(fake: FakeSlack) -> None:
    web = client(fake)
    card = web.chat_postMessage(channel=fake.ws.channel("general").id, text="card")
    result = web.files_upload_v2(
        content=PNG,
        filename="chart.png",
        title="Before/after",
        channel=card["channel"],
        thread_ts=card["ts"],
        initial_comment="The picture",
    )
    file_id = result["file"]["id"]
    assert fake.file_bytes(file_id) == PNG
    reply = next(m for m in fake.messages("general") if m.get("files"))
    assert reply["thread_ts"] == card["ts"] and reply["text"] == "The picture"
    assert reply["files"][0]["id"] == file_id and reply["files"][0]["title"] == "Before/after"
    info = web.files_info(file=file_id)["file"]
    assert info["name"] == "chart.png" and info["size"] == len(PNG)
    assert [c.method for c in fake.calls][-4:] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
        "files.info",
    ]


def test_the_upload_must_have_the_declared_length(fake):
    web = client(fake)
    grant = web.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    assert post(grant["upload_url"], PNG + b"extra") == 400
    assert post(grant["upload_url"], PNG[:10]) == 400
    # nothing arrived, so there is nothing to complete
    with pytest.raises(SlackApiError) as error:
        web.files_completeUploadExternal(files=[{"id": grant["file_id"], "title": "a"}])
    assert error.value.response["error"] == "file_not_found"
    assert post(grant["upload_url"], PNG) == 200
    web.files_completeUploadExternal(files=[{"id": grant["file_id"], "title": "a"}])


def test_multipart_uploads_are_read_like_raw_ones(fake):
    web = client(fake)
    grant = web.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    boundary = "XyZ"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="filename"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + PNG
        + f"\r\n--{boundary}--\r\n".encode()
    )
    assert post(grant["upload_url"], body, f"multipart/form-data; boundary={boundary}") == 200
    assert fake.file_bytes(grant["file_id"]) == PNG


@pytest.mark.parametrize(
    ("files", "error"),
    [
        ([{"id": "F0NOSUCHFILE"}], "file_not_found"),
        ([], "invalid_arguments"),
    ],
)
def test_completing_an_unknown_file_is_refused(fake, files, error):
    with pytest.raises(SlackApiError) as raised:
        client(fake).files_completeUploadExternal(files=files)
    assert raised.value.response["error"] == error


def test_a_file_is_completed_once(fake):
    web = client(fake)
    grant = web.files_getUploadURLExternal(filename="a.png", length=len(PNG))
    post(grant["upload_url"], PNG)
    web.files_completeUploadExternal(files=[{"id": grant["file_id"]}])
    with pytest.raises(SlackApiError) as raised:
        web.files_completeUploadExternal(files=[{"id": grant["file_id"]}])
    assert raised.value.response["error"] == "file_not_found"
    assert post(grant["upload_url"], PNG) == 400  # the upload URL is spent


def test_get_upload_url_refuses_a_zero_length_or_no_name(fake):
    web = client(fake)
    with pytest.raises(SlackApiError) as raised:
        web.files_getUploadURLExternal(filename="a.png", length=0)
    assert raised.value.response["error"] == "missing_argument"
    with pytest.raises(SlackApiError) as raised:
        web.files_getUploadURLExternal(filename="", length=3)
    assert raised.value.response["error"] == "invalid_arguments"
    with pytest.raises(SlackApiError) as raised:
        web.files_getUploadURLExternal(filename="a.png", length=3, alt_txt="x" * 1001)
    assert raised.value.response["error"] == "alt_txt_too_large"


def test_sharing_into_a_thread_that_does_not_exist_or_a_channel_without_the_bot(fake):
    web = client(fake)
    general = fake.ws.channel("general").id
    for kwargs, error in (
        ({"channel": general, "thread_ts": "1.000001"}, "invalid_thread_ts"),
        ({"channel": "C0NOSUCH"}, "channel_not_found"),
    ):
        with pytest.raises(SlackApiError) as raised:
            web.files_upload_v2(content=PNG, filename="a.png", **kwargs)
        assert raised.value.response["error"] == error


def test_a_failed_upload_step_raises_in_files_upload_v2(fake):
    fake.fail_uploads(status=500)
    with pytest.raises((SlackRequestError, OSError)):
        client(fake).files_upload_v2(content=PNG, filename="a.png")
    assert fake.calls_to("files.completeUploadExternal") == []


@pytest.mark.parametrize(
    ("method", "scope", "call"),
    [
        (
            "files.getUploadURLExternal",
            "files:write",
            lambda w: w.files_getUploadURLExternal(filename="a", length=1),
        ),
        (
            "files.completeUploadExternal",
            "files:write",
            lambda w: w.files_completeUploadExternal(files=[{"id": "F1"}]),
        ),
        ("files.info", "files:read", lambda w: w.files_info(file="F1")),
        ("canvases.create", "canvases:write", lambda w: w.canvases_create(title="x")),
        ("canvases.edit", "canvases:write", lambda w: w.canvases_edit(canvas_id="F1", changes=[])),
        (
            "conversations.canvases.create",
            "canvases:write",
            lambda w: w.conversations_canvases_create(channel_id="C1", document_content=None),
        ),
    ],
)
def test_each_method_needs_its_scope(method, scope, call):
    with FakeSlack(scopes=granted_scopes() - {scope}) as fake:
        with pytest.raises(SlackApiError) as raised:
            call(client(fake))
        assert raised.value.response["error"] == "missing_scope"
        assert raised.value.response["needed"] == scope
        assert fake.calls_to(method)


def test_app_yaml_grants_what_orgbot_uses_and_not_files_read():
    scopes = granted_scopes()
    assert {"files:write", "canvases:write"} <= scopes
    assert "files:read" not in scopes


def test_canvases_create_then_edit(fake):
    web = client(fake)
    channel = fake.ws.channel("general").id
    canvas_id = web.canvases_create(
        title="The org",
        channel_id=channel,
        document_content={"type": "markdown", "markdown": "# CEO"},
    )["canvas_id"]
    md = {"type": "markdown", "markdown": "# CEO\n- COO"}
    web.canvases_edit(
        canvas_id=canvas_id, changes=[{"operation": "replace", "document_content": md}]
    )
    assert fake.canvas(canvas_id).markdown == "# CEO\n- COO"
    web.canvases_edit(
        canvas_id=canvas_id,
        changes=[
            {
                "operation": "insert_at_end",
                "document_content": {"type": "markdown", "markdown": "end"},
            }
        ],
    )
    assert fake.canvas(canvas_id).markdown.endswith("\nend")
    assert fake.canvas(canvas_id).channel_id == channel


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ([], "invalid_arguments"),  # one operation a call, no fewer
        (
            [{"operation": "replace", "document_content": {"type": "markdown", "markdown": "a"}}]
            * 2,
            "invalid_arguments",
        ),
        (
            [{"operation": "explode", "document_content": {"type": "markdown", "markdown": "a"}}],
            "invalid_arguments",
        ),
        (
            [
                {
                    "operation": "insert_before",
                    "document_content": {"type": "markdown", "markdown": "a"},
                }
            ],
            "invalid_arguments",
        ),
        (
            [{"operation": "replace", "document_content": {"type": "html", "html": "a"}}],
            "invalid_arguments",
        ),
        (
            [
                {
                    "operation": "replace",
                    "document_content": {"type": "markdown", "markdown": "x" * 1_048_577},
                }
            ],
            "canvas_editing_failed",
        ),
    ],
)
def test_canvas_edits_slack_refuses(fake, changes, error):
    web = client(fake)
    canvas_id = web.canvases_create(title="t")["canvas_id"]
    with pytest.raises(SlackApiError) as raised:
        web.canvases_edit(canvas_id=canvas_id, changes=changes)
    assert raised.value.response["error"] == error
    assert fake.canvas(canvas_id).markdown == ""


def test_editing_an_unknown_canvas(fake):
    with pytest.raises(SlackApiError) as raised:
        client(fake).canvases_edit(
            canvas_id="F0NOPE",
            changes=[
                {"operation": "replace", "document_content": {"type": "markdown", "markdown": "a"}}
            ],
        )
    assert raised.value.response["error"] == "canvas_not_found"


def test_one_channel_canvas_per_channel(fake):
    web = client(fake)
    channel = fake.ws.channel("general").id
    web.conversations_canvases_create(
        channel_id=channel, document_content={"type": "markdown", "markdown": "a"}
    )
    with pytest.raises(SlackApiError) as raised:
        web.conversations_canvases_create(channel_id=channel, document_content=None)
    assert raised.value.response["error"] == "channel_canvas_already_exists"
    assert json.dumps([c.channel_canvas for c in fake.canvases()]) == "[true]"


def image_block(ref: dict) -> list[dict]:
    return [{"type": "image", "alt_text": "the chart", "slack_file": ref}]


def test_an_image_block_shows_a_shared_file_but_not_a_private_one(fake):
    web = client(fake)
    general = fake.ws.channel("general").id
    private = web.files_upload_v2(content=PNG, filename="private.png")["file"]["id"]
    with pytest.raises(SlackApiError) as raised:
        web.chat_postMessage(channel=general, text="chart", blocks=image_block({"id": private}))
    assert raised.value.response["error"] == "invalid_blocks"
    assert (
        "invalid slack file [json-pointer:/blocks/0/slack_file]" in raised.value.response["errors"]
    )
    shared = web.files_upload_v2(content=PNG, filename="shared.png", channel=general)["file"]["id"]
    web.chat_postMessage(channel=general, text="chart", blocks=image_block({"id": shared}))
    for ref in ({"id": "F0NOPE"}, {"id": shared, "url": "https://x"}, {}):
        with pytest.raises(SlackApiError):
            web.chat_postMessage(channel=general, text="chart", blocks=image_block(ref))
