"""The current request's metadata, so services can write audit rows without passing requests,
and a per-request memory that lookups may fill (empty at the start of each request)."""

from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestMeta:
    request_id: str = ""
    ip: str = ""
    user_agent: str = ""
    method: str = ""
    path: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "request_id": self.request_id,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "method": self.method,
            "path": self.path,
        }


_current: ContextVar[RequestMeta | None] = ContextVar("deflect_request_meta", default=None)


def current_request_meta() -> RequestMeta | None:
    return _current.get()


def set_request_meta(meta: RequestMeta | None):
    return _current.set(meta)


def reset_request_meta(token) -> None:
    _current.reset(token)


_memory: ContextVar[dict | None] = ContextVar("deflect_request_memory", default=None)


def request_memory() -> dict | None:
    """This request's memory (a dict lookups may cache in), or None outside a request."""
    return _memory.get()


def start_request_memory():
    """Give this request an empty memory; returns the reset token."""
    return _memory.set({})


def end_request_memory(token) -> None:
    _memory.reset(token)
