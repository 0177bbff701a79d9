"""Typed client for provider-sidecar (JSON-RPC 2.0 over stdio): sync (`spawn_sidecar`,
`SidecarClient`) and asyncio (`spawn_sidecar_async`, `AsyncSidecarClient`). The types in
`provider_sidecar_client.contract` and the methods are generated from schema/openrpc.json.
Needs nothing but the standard library (Python 3.11+)."""

from .aio import AsyncChatStream, AsyncSidecarClient, spawn_sidecar_async
from .client import ChatStream, PendingRequest, SidecarClient, spawn_sidecar
from .errors import REQUEST_CANCELLED, ChatCancelled, SidecarError
from .methods import METHOD_NAMES, NOTIFICATION_NAMES

__all__ = [
    "AsyncChatStream",
    "AsyncSidecarClient",
    "ChatCancelled",
    "ChatStream",
    "METHOD_NAMES",
    "NOTIFICATION_NAMES",
    "PendingRequest",
    "REQUEST_CANCELLED",
    "SidecarClient",
    "SidecarError",
    "spawn_sidecar",
    "spawn_sidecar_async",
]
