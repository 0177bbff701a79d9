"""What the tests share: the binary, temporary data dirs, and mock servers on 127.0.0.1 (a
provider replaying a recorded stream, GitHub's device-flow endpoints)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parents[3]
BIN = os.environ.get("PROVIDER_SIDECAR_BIN", "provider-sidecar")
TEST_ENV = {**os.environ, "PROVIDER_SIDECAR_DISABLE_MODELS_FETCH": "1"}


def data_dir() -> str:
    return tempfile.mkdtemp(prefix="sidecar-py-")


def openai_chat_chunks(name: str) -> list[bytes]:
    """A recorded stream wrapped as the provider sends it (fixtures/provider-streams/SOURCE.md)."""
    path = REPO / "fixtures" / "provider-streams" / "openai-chat" / f"{name}.chunks.txt"
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return [f"data: {line}\n\n".encode() for line in lines] + [b"data: [DONE]\n\n"]


def golden(folder: str, name: str) -> dict:
    return json.loads((REPO / "fixtures" / "golden" / folder / f"{name}.json").read_text())


class MockServer:
    """A threaded HTTP server on 127.0.0.1 that records requests and answers through `handle`."""

    def __init__(self, handle: Callable[["MockServer", BaseHTTPRequestHandler, bytes], None]):
        self.requests: list[tuple[str, str, dict, bytes]] = []
        self.client_closed = threading.Event()
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                mock.requests.append((self.command, self.path, dict(self.headers), body))
                handle(mock, self, body)

            do_GET = do_POST = _serve

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def posts(self) -> list[tuple[str, str, dict, bytes]]:
        return [r for r in self.requests if r[0] == "POST"]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def mock_provider(chunks: list[bytes], stall_after: Optional[int] = None) -> MockServer:
    """An OpenAI-compatible provider streaming `chunks` (one per write); with `stall_after` it
    sends that many and then holds the connection open until the client closes it."""

    def handle(mock: MockServer, request: BaseHTTPRequestHandler, _body: bytes) -> None:
        if request.command != "POST":
            request.send_response(404)
            request.send_header("content-length", "0")
            request.end_headers()
            return
        request.send_response(200)
        request.send_header("content-type", "text/event-stream")
        request.send_header("connection", "close")
        request.end_headers()
        count = len(chunks) if stall_after is None else stall_after
        try:
            for chunk in chunks[:count]:
                request.wfile.write(chunk)
                request.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            # The client went away before the stall began: a host may cancel at the first delta.
            mock.client_closed.set()
            request.close_connection = True
            return
        if stall_after is not None:
            # Wait until the client goes away: a read returns b"" at its FIN.
            request.connection.settimeout(10)
            try:
                if request.connection.recv(1) == b"":
                    mock.client_closed.set()
            except OSError:
                mock.client_closed.set()
        request.close_connection = True

    return MockServer(handle)


def mock_github(pending: int = 2) -> MockServer:
    """GitHub's device-flow endpoints: `pending` authorization_pending answers, then a token."""
    polls = [0]

    def handle(mock: MockServer, request: BaseHTTPRequestHandler, _body: bytes) -> None:
        if request.path == "/login/device/code":
            reply = {"device_code": "dev-py-1", "user_code": "WXYZ-9876",
                     "verification_uri": "https://github.com/login/device", "interval": 1, "expires_in": 900}
        elif request.path == "/login/oauth/access_token":
            polls[0] += 1
            reply = ({"error": "authorization_pending"} if polls[0] <= pending
                     else {"access_token": "gho_py_client_test_42", "token_type": "bearer", "scope": "read:user"})
        else:
            reply = {"error": "not_found"}
        body = json.dumps(reply).encode()
        request.send_response(200 if "error" not in reply or request.path.startswith("/login") else 404)
        request.send_header("content-type", "application/json")
        request.send_header("content-length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return MockServer(handle)


def chat_config(server: MockServer) -> dict:
    return {"provider": {"mock": {
        "npm": "@ai-sdk/openai-compatible",
        "options": {"baseURL": server.url, "apiKey": "sk-py-mock"},
        "models": {"m": {"cost": PRICES}},
    }}}


PRICES = {"input": 1.5, "output": 6.0}
HI = [{"role": "user", "content": "hi"}]


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def wait_until(what: str, check: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
