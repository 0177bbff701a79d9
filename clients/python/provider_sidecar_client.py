"""A small, stdlib-only client for provider-sidecar (JSON-RPC 2.0 over stdio, LSP framing).

    from provider_sidecar_client import SidecarClient

    with SidecarClient() as sidecar:
        sidecar.request("initialize", {"clientInfo": {"name": "my-script"}})
        print(sidecar.request("model/search", {"query": "claude sonnet", "limit": 3}))

Notifications from the sidecar (`chat/delta`, `$/progress`, `catalog/changed`) go to the
`on_notification(method, params)` callback, called on the reader thread.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import threading
from typing import Any, Callable, Optional, Sequence

__all__ = ["SidecarClient", "SidecarError", "PendingRequest"]


class SidecarError(Exception):
    """A JSON-RPC error answered by the sidecar."""

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data

    @property
    def kind(self) -> Optional[str]:
        return self.data.get("kind") if isinstance(self.data, dict) else None


class PendingRequest:
    """A request in flight; `result()` waits for its answer."""

    def __init__(self, client: "SidecarClient", request_id: int):
        self.id = request_id
        self._client = client
        self._done = threading.Event()
        self._response: Optional[dict] = None

    def _resolve(self, response: dict) -> None:
        self._response = response
        self._done.set()

    def cancel(self) -> None:
        self._client.notify("$/cancelRequest", {"id": self.id})

    def result(self, timeout: Optional[float] = None) -> Any:
        if not self._done.wait(timeout):
            raise TimeoutError(f"request {self.id} got no answer within {timeout}s")
        response = self._response or {}
        if "error" in response:
            error = response["error"]
            raise SidecarError(error.get("code", 0), error.get("message", ""), error.get("data"))
        return response.get("result")


class SidecarClient:
    """Spawns the sidecar and talks to it; use as a context manager or call `close()`."""

    def __init__(
        self,
        command: Optional[Sequence[str]] = None,
        *,
        args: Sequence[str] = (),
        env: Optional[dict] = None,
        on_notification: Optional[Callable[[str, Any], None]] = None,
        stderr: Any = None,
    ):
        if command is None:
            command = [os.environ.get("PROVIDER_SIDECAR_BIN", "provider-sidecar")]
        self._process = subprocess.Popen(
            [*command, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
        )
        self._ids = itertools.count(1)
        self._pending: dict[int, PendingRequest] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._on_notification = on_notification
        self._reader = threading.Thread(target=self._read_loop, name="sidecar-reader", daemon=True)
        self._reader.start()

    # -- sending -----------------------------------------------------------------------------

    def _write(self, message: dict) -> None:
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        frame = b"Content-Length: %d\r\n\r\n" % len(body) + body
        stdin = self._process.stdin
        if stdin is None:
            raise BrokenPipeError("the sidecar's stdin is closed")
        with self._write_lock:
            stdin.write(frame)
            stdin.flush()

    def request_async(self, method: str, params: Any = None) -> PendingRequest:
        request_id = next(self._ids)
        pending = PendingRequest(self, request_id)
        with self._lock:
            self._pending[request_id] = pending
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self._write(message)
        return pending

    def request(self, method: str, params: Any = None, timeout: Optional[float] = 60.0) -> Any:
        """Sends a request and returns its result, or raises `SidecarError`."""
        return self.request_async(method, params).result(timeout)

    def notify(self, method: str, params: Any = None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self._write(message)

    # -- receiving ---------------------------------------------------------------------------

    def _read_loop(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        while True:
            message = _read_message(stdout)
            if message is None:
                break
            if isinstance(message, list):
                for item in message:
                    self._dispatch(item)
            else:
                self._dispatch(message)
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
        for request in pending:
            request._resolve(
                {"error": {"code": -32099, "message": "the sidecar exited", "data": {"kind": "exited"}}}
            )

    def _dispatch(self, message: dict) -> None:
        if "method" in message and "id" not in message:
            if self._on_notification is not None:
                self._on_notification(message["method"], message.get("params"))
            return
        with self._lock:
            pending = self._pending.pop(message.get("id"), None)
        if pending is not None:
            pending._resolve(message)

    # -- lifetime ----------------------------------------------------------------------------

    def close(self, timeout: float = 5.0) -> int:
        """Shuts the sidecar down politely and returns its exit code."""
        if self._process.poll() is None:
            try:
                self.request("shutdown", timeout=timeout)
                self.notify("exit")
            except (BrokenPipeError, SidecarError, TimeoutError, OSError):
                pass
            try:
                if self._process.stdin:
                    self._process.stdin.close()
            except OSError:
                pass
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return self._process.wait()

    def __enter__(self) -> "SidecarClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _read_message(stream) -> Any:
    """Reads one message in either framing; None at EOF."""
    while True:
        line = stream.readline()
        if not line:
            return None
        if line.strip() == b"":
            continue
        if line.lstrip().startswith((b"{", b"[")):
            return json.loads(line)
        headers = {}
        while line.strip():
            name, _, value = line.decode("ascii", "replace").partition(":")
            headers[name.strip().lower()] = value.strip()
            line = stream.readline()
            if not line:
                return None
        length = int(headers.get("content-length", "0"))
        body = stream.read(length)
        if len(body) < length:
            return None
        return json.loads(body)
