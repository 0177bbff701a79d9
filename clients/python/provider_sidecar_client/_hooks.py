"""Host hooks (docs/hooks.md), shared by the sync and asyncio clients: the sidecar asks the host
`hook/config` when `initialize` loads the config (secrets redacted), `hook/chat.params` and
`hook/chat.headers` before each chat call it sends, and tells it `hook/event`. A handler returns a
patch (`{"provider": {...}}`, `{"temperature": 0.3}`, `{"headers": {"x-team": "a"}}`) or None for
no change; one that raises is a failed hook."""

from __future__ import annotations

from typing import Any, Callable, Optional

# The JSON-RPC method of each hook point.
HOOK_METHODS = {
    "config": "hook/config",
    "chat.params": "hook/chat.params",
    "chat.headers": "hook/chat.headers",
    "event": "hook/event",
}

# The JSON-RPC error a handler that raises answers with.
HOOK_HANDLER_ERROR = -32000
METHOD_NOT_FOUND = -32601


def hook_method(name: str) -> str:
    try:
        return HOOK_METHODS[name]
    except KeyError:
        raise ValueError(f"no hook point {name!r}; expected one of {sorted(HOOK_METHODS)}") from None


def hook_capabilities(
    hooks: dict[str, Callable[..., Any]],
    timeout_ms: Optional[int] = None,
    fail_closed: Optional[bool] = None,
) -> dict:
    """`initialize`'s `capabilities.hooks` declaring the hook points `hooks` has handlers for."""
    for name in hooks:
        hook_method(name)
    declared: dict[str, Any] = {
        "config": "config" in hooks,
        "chatParams": "chat.params" in hooks,
        "chatHeaders": "chat.headers" in hooks,
        "event": "event" in hooks,
    }
    if timeout_ms is not None:
        declared["timeoutMs"] = timeout_ms
    if fail_closed is not None:
        declared["failClosed"] = fail_closed
    return declared


def answer(request_id: Any, result: Any) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "result": result}


def error_answer(request_id: Any, code: int, message: str) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}
