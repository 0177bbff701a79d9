"""The asyncio client: the same typed methods as awaitables, chat streams as async iterators.

    from provider_sidecar_client import spawn_sidecar_async

    async with await spawn_sidecar_async() as sidecar:
        print(await sidecar.model_search({"query": "claude sonnet", "limit": 3}))
"""

from __future__ import annotations

import asyncio
import atexit
import inspect
import itertools
import weakref
from typing import Any, AsyncIterator, Callable, Optional, Sequence

from . import _hooks, _wire
from .client import initialize_params, spawn_options
from .contract import ChatResult, ChatStreamParams
from .errors import SidecarError, exited_error
from .methods import AsyncSidecarMethods

__all__ = ["AsyncSidecarClient", "AsyncChatStream", "spawn_sidecar_async"]

_END = object()


class AsyncChatStream:
    """One `chat/stream` call: `async for` its stream parts, then `{"type": "result", ...}`.

    Leaving an `async with` block, `cancel()`, or cancelling the task that iterates sends
    `$/cancelRequest`; a cancelled stream raises ChatCancelled with the `partial` result.
    (A plain `break` out of `async for` cancels too, once the iterator is collected; `async
    with` does it at once.)
    """

    def __init__(self, client: "AsyncSidecarClient", request_id: int, answer: "asyncio.Future[dict]"):
        self.request_id = request_id
        self._client = client
        self._answer = answer
        self._items: "asyncio.Queue[Any]" = asyncio.Queue()
        self._started = False

    def _push(self, part: dict) -> None:
        self._items.put_nowait(part)

    def _on_response(self, response: dict) -> None:
        if "error" in response:
            self._items.put_nowait(SidecarError.from_error(response["error"]))
        else:
            self._items.put_nowait({"type": "result", "result": response.get("result")})
        self._items.put_nowait(_END)

    def cancel(self) -> None:
        """Sends `$/cancelRequest` unless the sidecar already answered."""
        if not self._answer.done():
            self._client._send_nowait(_wire.notification_message("$/cancelRequest", {"id": self.request_id}))

    async def result(self) -> ChatResult:
        """The final result; raises ChatCancelled or SidecarError."""
        response = await asyncio.shield(self._answer)
        if "error" in response:
            raise SidecarError.from_error(response["error"])
        return response.get("result")  # type: ignore[return-value]

    def __aiter__(self) -> AsyncIterator[dict]:
        if self._started:
            raise RuntimeError("a chat stream is iterated once")
        self._started = True
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[dict]:
        try:
            while True:
                item = await self._items.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.cancel()

    async def __aenter__(self) -> "AsyncChatStream":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.cancel()


class AsyncSidecarClient(AsyncSidecarMethods):
    """A sidecar child process driven from asyncio; get one from `spawn_sidecar_async`."""

    def __init__(self, process: asyncio.subprocess.Process, *, timeout: Optional[float], shutdown_grace: float):
        self._process = process
        self.timeout = timeout
        self.shutdown_grace = shutdown_grace
        self.initialize_result: Optional[dict] = None
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict]] = {}
        self._streams: dict[int, AsyncChatStream] = {}
        self._handlers: dict[str, list[Callable[[Any], None]]] = {}
        self._hook_handlers: dict[str, Callable[[Any], Any]] = {}
        self._hook_tasks: set[asyncio.Task] = set()
        self._atexit = _kill_at_exit(process)
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())

    @property
    def process(self) -> asyncio.subprocess.Process:
        return self._process

    def _send_nowait(self, message: dict) -> None:
        stdin = self._process.stdin
        if stdin is None or stdin.is_closing():
            return
        stdin.write(_wire.frame(message))

    async def _send(self, message: dict) -> None:
        self._send_nowait(message)
        if self._process.stdin is not None:
            await self._process.stdin.drain()

    def _start(self, method: str, params: Any) -> tuple[int, "asyncio.Future[dict]"]:
        request_id = next(self._ids)
        answer: asyncio.Future[dict] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = answer
        self._send_nowait(_wire.request_message(request_id, method, params))
        return request_id, answer

    async def request(self, method: str, params: Any = None, timeout: Optional[float] = 60.0) -> Any:
        """Sends a request and returns its result, or raises `SidecarError`. Cancelling the
        awaiting task sends `$/cancelRequest`."""
        request_id, answer = self._start(method, params)
        try:
            response = await asyncio.wait_for(asyncio.shield(answer), timeout)
        except (asyncio.CancelledError, asyncio.TimeoutError):
            if not answer.done():
                self._send_nowait(_wire.notification_message("$/cancelRequest", {"id": request_id}))
            raise
        if "error" in response:
            raise SidecarError.from_error(response["error"])
        return response.get("result")

    async def notify(self, method: str, params: Any = None) -> None:
        await self._send(_wire.notification_message(method, params))

    async def _call(self, method: str, params: Any) -> Any:
        return await self.request(method, params, timeout=self.timeout)

    def chat_stream(self, params: ChatStreamParams) -> AsyncChatStream:
        """`chat/stream` as an async iterator (see AsyncChatStream)."""
        request_id, answer = self._start("chat/stream", params)
        stream = AsyncChatStream(self, request_id, answer)
        self._streams[request_id] = stream
        return stream

    def on_notification(self, name: str, handler: Callable[[Any], None]) -> Callable[[], None]:
        self._handlers.setdefault(name, []).append(handler)

        def remove() -> None:
            handlers = self._handlers.get(name, [])
            if handler in handlers:
                handlers.remove(handler)

        return remove

    def on_hook(self, name: str, handler: Callable[[Any], Any]) -> Callable[[], None]:
        """Answers the sidecar's `hook/<name>` requests with `handler(params)` (a plain function
        or a coroutine function), or receives `hook/event` notifications (`event`); see the sync
        client's `on_hook`."""
        method = _hooks.hook_method(name)
        if name == "event":
            return self.on_notification(method, handler)
        self._hook_handlers[method] = handler

        def remove() -> None:
            if self._hook_handlers.get(method) is handler:
                del self._hook_handlers[method]

        return remove

    async def _serve_hook(self, message: dict) -> None:
        request_id, method = message.get("id"), message.get("method")
        handler = self._hook_handlers.get(method)  # type: ignore[arg-type]
        if handler is None:
            reply = _hooks.error_answer(request_id, _hooks.METHOD_NOT_FOUND, f"no handler for {method}")
        else:
            try:
                result = handler(message.get("params"))
                if inspect.isawaitable(result):
                    result = await result
                reply = _hooks.answer(request_id, result)
            except Exception as error:  # a failed hook, whatever the handler raised
                reply = _hooks.error_answer(request_id, _hooks.HOOK_HANDLER_ERROR, str(error))
        try:
            await self._send(reply)
        except (ConnectionError, OSError):
            pass

    async def _read_loop(self) -> None:
        assert self._process.stdout is not None
        try:
            while True:
                message = await _wire.read_message_async(self._process.stdout)
                if message is None:
                    break
                for item in message if isinstance(message, list) else [message]:
                    self._dispatch(item)
        finally:
            pending, self._pending = self._pending, {}
            streams, self._streams = self._streams, {}
            for request_id, answer in pending.items():
                response = {"error": exited_error()}
                if request_id in streams:
                    streams[request_id]._on_response(response)
                if not answer.done():
                    answer.set_result(response)

    def _dispatch(self, message: dict) -> None:
        method = message.get("method")
        if method is not None and "id" in message:
            task = asyncio.get_running_loop().create_task(self._serve_hook(message))
            self._hook_tasks.add(task)
            task.add_done_callback(self._hook_tasks.discard)
            return
        if method is not None and "id" not in message:
            params = message.get("params")
            if method == "chat/delta" and isinstance(params, dict):
                stream = self._streams.get(params.get("requestId"))  # type: ignore[arg-type]
                if stream is not None:
                    stream._push(params.get("part"))  # type: ignore[arg-type]
            for handler in list(self._handlers.get(method, [])):
                handler(params)
            return
        request_id = message.get("id")
        answer = self._pending.pop(request_id, None)  # type: ignore[arg-type]
        stream = self._streams.pop(request_id, None)  # type: ignore[arg-type]
        if stream is not None:
            stream._on_response(message)
        if answer is not None and not answer.done():
            answer.set_result(message)

    async def close(self) -> Optional[int]:
        """`shutdown`, `exit`, then waits `shutdown_grace` seconds and kills the sidecar after
        that. Returns its exit code (negative: the signal that ended it)."""
        grace = self.shutdown_grace
        if self._process.returncode is None:
            try:
                await self.request("shutdown", timeout=grace)
                await self.notify("exit")
            except (SidecarError, asyncio.TimeoutError, ConnectionError, OSError):
                pass
            if self._process.stdin is not None:
                self._process.stdin.close()
        try:
            code = await asyncio.wait_for(self._process.wait(), grace)
        except asyncio.TimeoutError:
            self._process.kill()
            code = await self._process.wait()
        await self._reader
        atexit.unregister(self._atexit)
        return code

    async def __aenter__(self) -> "AsyncSidecarClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


def _kill_at_exit(process: asyncio.subprocess.Process) -> Callable[[], None]:
    ref = weakref.ref(process)

    def kill() -> None:
        alive = ref()
        if alive is not None and alive.returncode is None:
            try:
                alive.kill()
            except ProcessLookupError:
                pass

    atexit.register(kill)
    return kill


async def spawn_sidecar_async(
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
) -> AsyncSidecarClient:
    """Starts the sidecar, sends `initialize` and `initialized`, and returns the client (`hooks`
    as for `spawn_sidecar`; handlers may be coroutine functions)."""
    command, extra = spawn_options(
        binary=binary, data_dir=data_dir, config_path=config_path, log=log, args=args
    )
    process = await asyncio.create_subprocess_exec(
        *command,
        *extra,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=stderr,
        env=env,
        # Messages can be large (a model list): no line-length limit on the reader.
        limit=1 << 30,
    )
    declared = None if hooks is None else _hooks.hook_capabilities(hooks, hook_timeout_ms, hooks_fail_closed)
    client = AsyncSidecarClient(process, timeout=timeout, shutdown_grace=shutdown_grace)
    for name, handler in (hooks or {}).items():
        client.on_hook(name, handler)
    try:
        client.initialize_result = await client.initialize(
            initialize_params(client_name, config, initialization_options, declared)  # type: ignore[arg-type]
        )
        await client.notify("initialized", {})
    except BaseException:
        await client.close()
        raise
    return client
