"""The sync client: the sidecar as a child process, a reader thread, typed methods.

    from provider_sidecar_client import spawn_sidecar

    with spawn_sidecar(client_name="my-script") as sidecar:
        print(sidecar.model_search({"query": "claude sonnet", "limit": 3}))

Notification handlers (`on_progress`, `on_catalog_changed`, ...) run on the reader thread; host
hook handlers (`on_hook`, or `spawn_sidecar(hooks=...)`) each run on a thread of their own.
"""

from __future__ import annotations

import atexit
import itertools
import os
import queue
import subprocess
import threading
import weakref
from typing import Any, Callable, Iterator, Optional, Sequence

from . import _hooks, _wire
from .contract import ChatResult, ChatStreamParams
from .errors import SidecarError, exited_error
from .methods import SidecarMethods

__all__ = ["SidecarClient", "PendingRequest", "ChatStream", "spawn_sidecar"]


class PendingRequest:
    """A request in flight; `result()` waits for its answer."""

    def __init__(self, client: "SidecarClient", request_id: int):
        self.id = request_id
        self._client = client
        self._done = threading.Event()
        self._response: Optional[dict] = None
        self._on_response: Optional[Callable[[dict], None]] = None

    def _resolve(self, response: dict) -> None:
        self._response = response
        if self._on_response is not None:
            self._on_response(response)
        self._done.set()

    def cancel(self) -> None:
        """Sends `$/cancelRequest`; the request then fails with -32800 (unless it finished)."""
        if not self._done.is_set():
            self._client.notify("$/cancelRequest", {"id": self.id})

    def done(self) -> bool:
        return self._done.is_set()

    def result(self, timeout: Optional[float] = None) -> Any:
        if not self._done.wait(timeout):
            raise TimeoutError(f"request {self.id} got no answer within {timeout}s")
        response = self._response or {}
        if "error" in response:
            raise SidecarError.from_error(response["error"])
        return response.get("result")


_END = object()


class ChatStream:
    """One `chat/stream` call: iterate for its stream parts, then `{"type": "result", "result": ...}`.

    Leaving the loop early (`break`, an exception), `cancel()` (from any thread) or leaving a
    `with` block sends `$/cancelRequest`; a cancelled stream raises ChatCancelled, whose
    `partial` holds what the model had produced (usage and cost included). Parts queue up on
    the client's side, so a consumer that reads slowly loses nothing.
    """

    def __init__(self, pending: PendingRequest):
        self._pending = pending
        self._items: "queue.Queue[Any]" = queue.Queue()
        self._started = False
        self._answered = False
        pending._on_response = self._on_response

    @property
    def request_id(self) -> int:
        return self._pending.id

    def _push(self, part: dict) -> None:
        self._items.put(part)

    def _on_response(self, response: dict) -> None:
        self._answered = True
        if "error" in response:
            self._items.put(SidecarError.from_error(response["error"]))
        else:
            self._items.put({"type": "result", "result": response.get("result")})
        self._items.put(_END)

    def cancel(self) -> None:
        """Sends `$/cancelRequest` unless the sidecar already answered."""
        if not self._answered:
            self._pending.cancel()

    def result(self, timeout: Optional[float] = None) -> ChatResult:
        """The final result (waits for it); raises ChatCancelled or SidecarError."""
        return self._pending.result(timeout)

    def __iter__(self) -> Iterator[dict]:
        if self._started:
            raise RuntimeError("a chat stream is iterated once")
        self._started = True
        return self._iterate()

    def _iterate(self) -> Iterator[dict]:
        try:
            while True:
                item = self._items.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            # Left early (break, an error in the loop, garbage collection): stop the request.
            self.cancel()

    def __enter__(self) -> "ChatStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.cancel()


class SidecarClient(SidecarMethods):
    """Spawns the sidecar and talks to it; use as a context manager or call `close()`.

    `request(method, params)` sends any request; the generated methods (`model_search`,
    `auth_set`, ...) are the typed way. `spawn_sidecar()` also sends `initialize`.
    """

    def __init__(
        self,
        command: Optional[Sequence[str]] = None,
        *,
        args: Sequence[str] = (),
        env: Optional[dict] = None,
        on_notification: Optional[Callable[[str, Any], None]] = None,
        stderr: Any = None,
        timeout: Optional[float] = 120.0,
        shutdown_grace: float = 5.0,
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
        self.timeout = timeout
        self.shutdown_grace = shutdown_grace
        self.initialize_result: Optional[dict] = None
        self._ids = itertools.count(1)
        self._pending: dict[int, PendingRequest] = {}
        self._streams: dict[int, ChatStream] = {}
        self._handlers: dict[str, list[Callable[[Any], None]]] = {}
        self._hook_handlers: dict[str, Callable[[Any], Any]] = {}
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._catch_all = on_notification
        # The child never outlives this process: killed at interpreter exit, and it ends by
        # itself when its stdin closes (this process died).
        self._atexit = _kill_at_exit(self._process)
        self._reader = threading.Thread(target=self._read_loop, name="sidecar-reader", daemon=True)
        self._reader.start()

    @property
    def process(self) -> subprocess.Popen:
        return self._process

    # -- sending -----------------------------------------------------------------------------

    def _write(self, message: dict) -> None:
        stdin = self._process.stdin
        if stdin is None:
            raise BrokenPipeError("the sidecar's stdin is closed")
        with self._write_lock:
            stdin.write(_wire.frame(message))
            stdin.flush()

    def request_async(self, method: str, params: Any = None) -> PendingRequest:
        request_id = next(self._ids)
        pending = PendingRequest(self, request_id)
        with self._lock:
            self._pending[request_id] = pending
        self._write(_wire.request_message(request_id, method, params))
        return pending

    def request(self, method: str, params: Any = None, timeout: Optional[float] = 60.0) -> Any:
        """Sends a request and returns its result, or raises `SidecarError`."""
        return self.request_async(method, params).result(timeout)

    def notify(self, method: str, params: Any = None) -> None:
        self._write(_wire.notification_message(method, params))

    def _call(self, method: str, params: Any) -> Any:
        return self.request(method, params, timeout=self.timeout)

    def chat_stream(self, params: ChatStreamParams) -> ChatStream:
        """`chat/stream` as an iterator of stream parts ending with the result (see ChatStream)."""
        request_id = next(self._ids)
        pending = PendingRequest(self, request_id)
        stream = ChatStream(pending)
        with self._lock:
            self._pending[request_id] = pending
            self._streams[request_id] = stream
        self._write(_wire.request_message(request_id, "chat/stream", params))
        return stream

    # -- receiving ---------------------------------------------------------------------------

    def on_notification(self, name: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        with self._lock:
            self._handlers.setdefault(name, []).append(handler)

        def remove() -> None:
            with self._lock:
                handlers = self._handlers.get(name, [])
                if handler in handlers:
                    handlers.remove(handler)

        return remove

    def on_hook(self, name: str, handler: Callable[[Any], Any]) -> Callable[[], None]:
        """Answers the sidecar's `hook/<name>` requests (`config`, `chat.params`, `chat.headers`) with
        `handler(params)`, or receives `hook/event` notifications (`event`). The sidecar asks only
        for hooks `initialize` declared (`spawn_sidecar(hooks=...)` declares and registers).
        Replaces an earlier handler of the name; returns a function that removes it."""
        method = _hooks.hook_method(name)
        if name == "event":
            return self.on_notification(method, handler)
        with self._lock:
            self._hook_handlers[method] = handler

        def remove() -> None:
            with self._lock:
                if self._hook_handlers.get(method) is handler:
                    del self._hook_handlers[method]

        return remove

    def _serve_hook(self, message: dict) -> None:
        request_id, method = message.get("id"), message.get("method")
        with self._lock:
            handler = self._hook_handlers.get(method)  # type: ignore[arg-type]

        def run() -> None:
            if handler is None:
                reply = _hooks.error_answer(request_id, _hooks.METHOD_NOT_FOUND, f"no handler for {method}")
            else:
                try:
                    reply = _hooks.answer(request_id, handler(message.get("params")))
                except Exception as error:  # a failed hook, whatever the handler raised
                    reply = _hooks.error_answer(request_id, _hooks.HOOK_HANDLER_ERROR, str(error))
            try:
                self._write(reply)
            except (BrokenPipeError, OSError):
                pass

        threading.Thread(target=run, name=f"sidecar-{method}", daemon=True).start()

    def _read_loop(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        while True:
            message = _wire.read_message(stdout)
            if message is None:
                break
            for item in message if isinstance(message, list) else [message]:
                self._dispatch(item)
        with self._lock:
            pending, self._pending = list(self._pending.values()), {}
            self._streams = {}
        for request in pending:
            request._resolve({"error": exited_error()})

    def _dispatch(self, message: dict) -> None:
        method = message.get("method")
        if method is not None and "id" in message:
            self._serve_hook(message)
            return
        if method is not None and "id" not in message:
            params = message.get("params")
            if method == "chat/delta" and isinstance(params, dict):
                with self._lock:
                    stream = self._streams.get(params.get("requestId"))
                if stream is not None:
                    stream._push(params.get("part"))
            with self._lock:
                handlers = list(self._handlers.get(method, []))
            for handler in handlers:
                handler(params)
            if self._catch_all is not None:
                self._catch_all(method, params)
            return
        with self._lock:
            pending = self._pending.pop(message.get("id"), None)
            self._streams.pop(message.get("id"), None)
        if pending is not None:
            pending._resolve(message)

    # -- lifetime ----------------------------------------------------------------------------

    def close(self, timeout: Optional[float] = None) -> Optional[int]:
        """`shutdown`, `exit`, then waits `shutdown_grace` seconds and kills the sidecar after
        that. Returns its exit code (negative: the signal that ended it)."""
        grace = self.shutdown_grace if timeout is None else timeout
        if self._process.poll() is None:
            try:
                self.request("shutdown", timeout=grace)
                self.notify("exit")
            except (BrokenPipeError, SidecarError, TimeoutError, OSError):
                pass
            try:
                if self._process.stdin:
                    self._process.stdin.close()
            except OSError:
                pass
        try:
            code = self._process.wait(grace)
        except subprocess.TimeoutExpired:
            self._process.kill()
            code = self._process.wait()
        atexit.unregister(self._atexit)
        # The reader ends at the pipe's EOF; then the pipe can be closed.
        if threading.current_thread() is not self._reader:
            self._reader.join(grace)
        if self._process.stdout is not None and not self._reader.is_alive():
            self._process.stdout.close()
        return code

    def __enter__(self) -> "SidecarClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _kill_at_exit(process: subprocess.Popen) -> Callable[[], None]:
    ref = weakref.ref(process)

    def kill() -> None:
        alive = ref()
        if alive is not None and alive.poll() is None:
            alive.kill()

    atexit.register(kill)
    return kill


def spawn_options(
    *,
    binary: Optional[str],
    data_dir: Optional[str],
    config_path: Optional[str],
    log: Optional[str],
    args: Sequence[str],
) -> tuple[list[str], list[str]]:
    command = [binary or os.environ.get("PROVIDER_SIDECAR_BIN", "provider-sidecar")]
    extra = list(args)
    if data_dir is not None:
        extra += ["--data-dir", str(data_dir)]
    if config_path is not None:
        extra += ["--config", str(config_path)]
    if log is not None:
        extra += ["--log", log]
    return command, extra


def initialize_params(
    client_name: str,
    config: Optional[dict],
    initialization_options: Optional[dict],
    hooks: Optional[dict] = None,
) -> dict:
    options = dict(initialization_options or {})
    if config is not None:
        options["config"] = config
    params: dict = {
        "processId": os.getpid(),
        "clientInfo": {"name": client_name},
        "initializationOptions": options,
    }
    if hooks is not None:
        params["capabilities"] = {"hooks": hooks}
    return params


def spawn_sidecar(
    *,
    binary: Optional[str] = None,
    data_dir: Optional[str] = None,
    config_path: Optional[str] = None,
    config: Optional[dict] = None,
    env: Optional[dict] = None,
    args: Sequence[str] = (),
    log: Optional[str] = None,
    client_name: str = "provider-sidecar-client",
    initialization_options: Optional[dict] = None,
    stderr: Any = None,
    timeout: Optional[float] = 120.0,
    shutdown_grace: float = 5.0,
    hooks: Optional[dict[str, Callable[[Any], Any]]] = None,
    hook_timeout_ms: Optional[int] = None,
    hooks_fail_closed: Optional[bool] = None,
) -> SidecarClient:
    """Starts the sidecar (binary: `binary`, else `$PROVIDER_SIDECAR_BIN`, else on the PATH),
    sends `initialize` and `initialized`, and returns the client. `hooks` maps hook points
    (`config`, `chat.params`, `chat.headers`, `event`) to handlers, registered and declared in `initialize`
    with `hook_timeout_ms` and `hooks_fail_closed` (docs/hooks.md)."""
    command, extra = spawn_options(
        binary=binary, data_dir=data_dir, config_path=config_path, log=log, args=args
    )
    declared = None if hooks is None else _hooks.hook_capabilities(hooks, hook_timeout_ms, hooks_fail_closed)
    client = SidecarClient(
        command, args=extra, env=env, stderr=stderr, timeout=timeout, shutdown_grace=shutdown_grace
    )
    for name, handler in (hooks or {}).items():
        client.on_hook(name, handler)
    try:
        client.initialize_result = client.initialize(
            initialize_params(client_name, config, initialization_options, declared)  # type: ignore[arg-type]
        )
        client.notify("initialized", {})
    except BaseException:
        client.close()
        raise
    return client
