"""JSON-RPC framing shared by the sync and asyncio clients: LSP headers out, either framing in."""

from __future__ import annotations

import asyncio
import json
from typing import IO, Any


def frame(message: dict) -> bytes:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def request_message(request_id: int, method: str, params: Any) -> dict:
    message: dict = {"jsonrpc": "2.0", "id": request_id, "method": method}
    if params is not None:
        message["params"] = params
    return message


def notification_message(method: str, params: Any) -> dict:
    message: dict = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    return message


def _content_length(header_lines: list[bytes]) -> int:
    for line in header_lines:
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            return int(value.strip())
    return 0


def read_message(stream: IO[bytes]) -> Any:
    """Reads one message in either framing from a blocking stream; None at EOF."""
    while True:
        line = stream.readline()
        if not line:
            return None
        if line.strip() == b"":
            continue
        if line.lstrip().startswith((b"{", b"[")):
            return json.loads(line)
        headers = []
        while line.strip():
            headers.append(line)
            line = stream.readline()
            if not line:
                return None
        length = _content_length(headers)
        body = stream.read(length)
        if len(body) < length:
            return None
        return json.loads(body)


async def read_message_async(stream: asyncio.StreamReader) -> Any:
    """Reads one message in either framing from an asyncio stream; None at EOF."""
    while True:
        line = await stream.readline()
        if not line:
            return None
        if line.strip() == b"":
            continue
        if line.lstrip().startswith((b"{", b"[")):
            return json.loads(line)
        headers = []
        while line.strip():
            headers.append(line)
            line = await stream.readline()
            if not line:
                return None
        try:
            body = await stream.readexactly(_content_length(headers))
        except asyncio.IncompleteReadError:
            return None
        return json.loads(body)
