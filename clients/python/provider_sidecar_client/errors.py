"""Errors answered by the sidecar."""

from __future__ import annotations

from typing import Any, Optional

from .contract import ChatResult

REQUEST_CANCELLED = -32800


class SidecarError(Exception):
    """A JSON-RPC error answered by the sidecar; `kind` is its stable `data.kind`."""

    def __init__(self, code: int, message: str, data: Any = None):
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message
        self.data = data

    @property
    def kind(self) -> Optional[str]:
        return self.data.get("kind") if isinstance(self.data, dict) else None

    @classmethod
    def from_error(cls, error: dict) -> "SidecarError":
        code = error.get("code", 0)
        kind = ChatCancelled if code == REQUEST_CANCELLED else SidecarError
        return kind(code, error.get("message", ""), error.get("data"))


class ChatCancelled(SidecarError):
    """A cancelled request (-32800); for a chat, `partial` is what the model had produced."""

    @property
    def partial(self) -> Optional[ChatResult]:
        return self.data.get("partial") if isinstance(self.data, dict) else None


def exited_error() -> dict:
    return {"code": -32099, "message": "the sidecar exited", "data": {"kind": "exited"}}
