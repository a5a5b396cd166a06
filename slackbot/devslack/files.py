"""Files and canvases in the fake Slack: the upload flow `files_upload_v2` uses, and the
canvas methods, answered as Slack documents them.

The upload flow (docs.slack.dev/reference/methods/files.getUploadURLExternal and
.../files.completeUploadExternal; slack_sdk's `WebClient.files_upload_v2` does the three
steps):

1. `files.getUploadURLExternal(filename, length)` → `upload_url` and `file_id`;
2. the bytes are POSTed to `upload_url` (raw, or multipart form-encoded); the fake's
   loopback server takes them and refuses a body whose size is not the declared `length`;
3. `files.completeUploadExternal(files=[{id, title}], channel_id?, initial_comment?,
   thread_ts?)` finishes it; with a channel the file is shared there (as a message with
   `files`, in the thread when `thread_ts` is given), without one it stays private.

Canvases (docs.slack.dev/reference/methods/canvases.create, canvases.edit,
conversations.canvases.create): markdown `document_content` of at most 1 MiB; `canvases.edit`
takes one change a call ("Only one operation per API call is currently supported"):
`insert_at_start`, `insert_at_end`, `insert_before` / `insert_after` / `delete` (with a
`section_id`), `replace` (a section, or the whole canvas without one), `rename`.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

MAX_CANVAS_MARKDOWN = 1_048_576  # "limited to 1 MiB (1,048,576 characters)"
MAX_ALT_TEXT = 1000  # alt_txt_too_large
CANVAS_OPERATIONS = (
    "insert_after",
    "insert_before",
    "insert_at_start",
    "insert_at_end",
    "replace",
    "delete",
    "rename",
)
NEEDS_SECTION = ("insert_after", "insert_before", "delete")


@dataclass
class StoredFile:
    id: str
    filename: str
    length: int
    alt_txt: str | None = None
    token: str = ""
    data: bytes | None = None  # None until the bytes arrive at the upload URL
    title: str | None = None
    completed: bool = False
    channels: list[str] = field(default_factory=list)
    deleted: bool = False

    def json(self, *, domain: str, team_id: str, user: str, created: float) -> dict[str, Any]:
        """The file object (docs.slack.dev/reference/objects/file-object), its main fields."""
        name = self.filename
        return {
            "id": self.id,
            "created": int(created),
            "timestamp": int(created),
            "name": name,
            "title": self.title or name,
            "mimetype": "image/png" if name.lower().endswith(".png") else "",
            "filetype": name.rsplit(".", 1)[-1].lower() if "." in name else "",
            "user": user,
            "user_team": team_id,
            "size": self.length,
            "is_public": False,
            "url_private": f"https://files.slack.com/files-pri/{team_id}-{self.id}/{name}",
            "permalink": f"https://{domain}.slack.com/files/{user}/{self.id}/{name}",
            "channels": list(self.channels),
            "alt_txt": self.alt_txt,
        }


@dataclass
class Canvas:
    id: str
    title: str
    markdown: str
    channel_id: str | None = None
    channel_canvas: bool = False
    edits: int = 0


def upload_body(raw: bytes, content_type: str) -> bytes:
    """The file's bytes from an upload POST: the body itself, or the file part of a
    multipart form (`-F filename=@file`)."""
    if not content_type.lower().startswith("multipart/form-data"):
        return raw
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        if part.get_filename() is not None or part.get_param("name", header="content-disposition"):
            return payload or b""
    return b""


def parse_json_arg(value: Any) -> Any:
    """Arguments Slack takes as JSON (files, changes, document_content) arrive as strings
    in a form body and as objects in a JSON body."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return copy.deepcopy(value)


def _error(code: str, **extra: Any) -> Exception:
    from slackbot.devslack.webapi import SlackError

    return SlackError(code, **extra)


class FilesApi:
    """The file and canvas methods of the fake Web API (mixed into `WebApi`, which
    provides `ws`, `base_url`, `_channel`, `_postable_channel` and `_message_from`)."""

    files: dict[str, StoredFile]
    canvases: dict[str, Canvas]

    def _init_files(self) -> None:
        self.files = {}
        self.canvases = {}
        self._upload_tokens: dict[str, str] = {}  # token in the upload URL -> file id

    # the upload flow ---------------------------------------------------------------------

    def m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            raise _error("invalid_arguments") from None
        if not filename:
            raise _error("invalid_arguments")
        if length <= 0:  # "Typically only occurs when the `length` provided is 0."
            raise _error("missing_argument")
        alt = args.get("alt_txt")
        if alt and len(str(alt)) > MAX_ALT_TEXT:
            raise _error("alt_txt_too_large")
        file_id = self.ws.next_id("F0")
        token = f"{file_id.lower()}x{len(self._upload_tokens) + 1:04d}"
        self.files[file_id] = StoredFile(
            file_id, filename, length, alt_txt=str(alt) if alt else None, token=token
        )
        self._upload_tokens[token] = file_id
        return {"upload_url": f"{self.base_url}/upload/v1/{token}", "file_id": file_id}

    def upload(self, token: str, body: bytes) -> tuple[int, str]:
        """A POST to an upload URL: `200 OK - <bytes>`, or an error status and reason."""
        file_id = self._upload_tokens.get(token)
        stored = self.files.get(file_id or "")
        if stored is None:
            return 404, "upload url not found"
        if stored.completed:
            return 400, "upload already completed"
        if len(body) != stored.length:
            return 400, f"length mismatch: declared {stored.length}, received {len(body)}"
        stored.data = body
        return 200, f"OK - {len(body)}"

    def m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        wanted = parse_json_arg(args.get("files"))
        if not isinstance(wanted, list) or not wanted:
            raise _error("invalid_arguments")
        found: list[StoredFile] = []
        for item in wanted:
            stored = self.files.get(str((item or {}).get("id") or ""))
            # a file id Slack never gave, one whose bytes never arrived at its upload URL,
            # or one completed already: Slack has no upload to finish
            if stored is None or stored.data is None or stored.completed or stored.deleted:
                raise _error("file_not_found")
            found.append(stored)
        channel_id = args.get("channel_id") or None
        channels = [c for c in str(args.get("channels") or "").split(",") if c]
        thread_ts = args.get("thread_ts") or None
        if channel_id and channels:
            raise _error("invalid_arguments")
        targets = [channel_id] if channel_id else channels
        if thread_ts and len(targets) != 1:
            raise _error("invalid_arguments")  # "provide only one channel when using thread_ts"
        places = [self._postable_channel(c) for c in targets]
        if thread_ts and self.ws.find_message(places[0].id, str(thread_ts)) is None:
            raise _error("invalid_thread_ts")
        for stored, item in zip(found, wanted, strict=True):
            stored.title = (item or {}).get("title") or stored.filename
            stored.completed = True
        now = self.ws.clock()
        files_json = [self._file_json(f, now) for f in found]
        for place in places:
            for stored in found:
                stored.channels.append(place.id)
            message = {
                "type": "message",
                "user": self.ws.bot.id,
                "bot_id": "B0ORGBOT1",
                "ts": self.ws.next_ts(),
                "text": str(args.get("initial_comment") or ""),
                "blocks": [],
                "files": [self._file_json(f, now) for f in found],
                "upload": True,
                "display_as_bot": False,
            }
            if thread_ts:
                message["thread_ts"] = str(thread_ts)
            place.messages.append(message)
        # as Slack answers: the files' ids and titles (slack_sdk reads `files`)
        return {"files": [{"id": f["id"], "title": f["title"]} for f in files_json]}

    def m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(args.get("file") or ""))
        if stored is None or not stored.completed or stored.deleted:
            raise _error("file_not_found")
        return {"file": self._file_json(stored, self.ws.clock())}

    def m_files_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(args.get("file") or ""))
        if stored is None or stored.deleted:
            raise _error("file_not_found")
        if stored.completed:
            stored.deleted = True
            for channel in self.ws.channels.values():
                channel.messages = [
                    m
                    for m in channel.messages
                    if not any(f.get("id") == stored.id for f in m.get("files") or [])
                ]
        else:
            raise _error("file_not_found")
        return {}

    def slack_file_problems(self, blocks: Any) -> list[str]:
        """Image blocks and elements that name a Slack file the bot cannot show: "the user
        posting these blocks must have access to this file", one of `id` or `url`, an
        image (docs.slack.dev/reference/block-kit/composition-objects/slack-file-object).
        A file uploaded without a channel is the bot's alone: Slack answers
        `invalid slack file` (python-slack-sdk #1658)."""
        problems: list[str] = []

        def walk(node: Any, pointer: str) -> None:
            if isinstance(node, dict):
                if node.get("type") == "image" and "slack_file" in node:
                    problems.extend(self._slack_file_problem(node["slack_file"], pointer))
                for key, value in node.items():
                    walk(value, f"{pointer}/{key}")
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    walk(value, f"{pointer}/{i}")

        walk(blocks, "/blocks")
        return problems

    def _slack_file_problem(self, ref: Any, pointer: str) -> list[str]:
        where = f"[json-pointer:{pointer}/slack_file]"
        if not isinstance(ref, dict) or ("id" in ref) == ("url" in ref):
            return [f"invalid slack file {where}"]
        if "id" in ref:
            stored = self.files.get(str(ref["id"]))
        else:
            stored = next(
                (
                    f
                    for f in self.files.values()
                    if str(ref["url"]).endswith(f"/{f.id}/{f.filename}")
                    or f"-{f.id}/" in str(ref["url"])
                ),
                None,
            )
        shown = stored is not None and stored.completed and not stored.deleted and stored.channels
        image = stored is not None and stored.filename.lower().endswith(
            (".png", ".jpg", ".jpeg", ".gif")
        )
        if not (shown and image):
            return [f"invalid slack file {where}"]
        return []

    def _file_json(self, stored: StoredFile, now: float) -> dict[str, Any]:
        return stored.json(
            domain=self.ws.domain, team_id=self.ws.team_id, user=self.ws.bot.id, created=now
        )

    # canvases ------------------------------------------------------------------------------

    def _markdown(
        self,
        args: dict[str, Any],
        *,
        required: bool = False,
        too_long: str = "canvas_creation_failed",
    ) -> str | None:
        content = parse_json_arg(args.get("document_content"))
        if content is None:
            if required or args.get("document_content"):
                raise _error("invalid_arguments")
            return None
        if not isinstance(content, dict) or content.get("type") != "markdown":
            raise _error("invalid_arguments")
        markdown = content.get("markdown")
        if not isinstance(markdown, str):
            raise _error("invalid_arguments")
        if len(markdown) > MAX_CANVAS_MARKDOWN:
            raise _error(too_long, detail="document_content is over 1 MiB")
        return markdown

    def m_canvases_create(self, args: dict[str, Any]) -> dict[str, Any]:
        markdown = self._markdown(args) or ""
        channel_id = args.get("channel_id") or None
        if channel_id:
            self._postable_channel(channel_id)
        canvas_id = self.ws.next_id("F0CANVAS")
        self.canvases[canvas_id] = Canvas(
            canvas_id, str(args.get("title") or ""), markdown, channel_id=channel_id
        )
        return {"canvas_id": canvas_id}

    def m_conversations_canvases_create(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._postable_channel(args.get("channel_id"))
        if any(c.channel_canvas and c.channel_id == channel.id for c in self.canvases.values()):
            raise _error("channel_canvas_already_exists")
        markdown = self._markdown(args) or ""
        canvas_id = self.ws.next_id("F0CANVAS")
        self.canvases[canvas_id] = Canvas(
            canvas_id,
            str(args.get("title") or ""),
            markdown,
            channel_id=channel.id,
            channel_canvas=True,
        )
        return {"canvas_id": canvas_id}

    def m_canvases_edit(self, args: dict[str, Any]) -> dict[str, Any]:
        canvas = self.canvases.get(str(args.get("canvas_id") or ""))
        if canvas is None:
            raise _error("canvas_not_found")
        changes = parse_json_arg(args.get("changes"))
        if not isinstance(changes, list) or len(changes) != 1:
            # "Only one operation per API call is currently supported."
            raise _error("invalid_arguments")
        change = changes[0] if isinstance(changes[0], dict) else {}
        operation = change.get("operation")
        if operation not in CANVAS_OPERATIONS:
            raise _error("invalid_arguments")
        if operation in NEEDS_SECTION and not change.get("section_id"):
            raise _error("invalid_arguments")
        if operation == "rename":
            title = (change.get("title_content") or {}).get("markdown")
            if not isinstance(title, str):
                raise _error("invalid_arguments")
            canvas.title = title
        elif operation != "delete":
            markdown = self._markdown(
                {"document_content": change.get("document_content")},
                required=True,
                too_long="canvas_editing_failed",
            )
            assert markdown is not None
            if change.get("section_id"):
                raise _error("canvas_editing_failed")  # the fake keeps no sections
            if operation == "replace":
                new = markdown
            elif operation == "insert_at_start":
                new = markdown + "\n" + canvas.markdown
            else:
                new = canvas.markdown + "\n" + markdown
            if len(new) > MAX_CANVAS_MARKDOWN:
                raise _error("canvas_editing_failed")
            canvas.markdown = new
        else:
            raise _error("canvas_editing_failed")  # the fake keeps no sections
        canvas.edits += 1
        return {}
