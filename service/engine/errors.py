"""Errors the engine raises; the web layer maps each to its HTTP problem."""

from __future__ import annotations

from dataclasses import dataclass, field


class EngineError(Exception):
    """Base of every refusal the engine makes."""


@dataclass
class TriggerNotAllowed(EngineError):
    """The trigger exists but the application's current state does not allow it."""

    trigger: str
    item: str | None
    state: dict
    allowed: dict
    detail: str = ""

    def __str__(self) -> str:
        target = f" on item {self.item!r}" if self.item else ""
        return self.detail or f"{self.trigger!r}{target} is not allowed in the current state"


@dataclass
class InvalidTriggerInput(EngineError):
    """The trigger's reason or data do not satisfy what the trigger needs."""

    errors: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{key}: {value}" for key, value in self.errors.items())


def flatten_messages(messages, prefix: str = "") -> list[tuple[str, str]]:
    """Marshmallow's nested error messages as ``(path, message)`` pairs, ``a.b[2].c`` paths."""
    if isinstance(messages, str):
        return [(prefix, messages)]
    if isinstance(messages, list):
        return [pair for message in messages for pair in flatten_messages(message, prefix)]
    pairs = []
    for key, value in messages.items():
        if key == "_schema":
            path = prefix
        elif isinstance(key, int):
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else str(key)
        pairs += flatten_messages(value, path)
    return pairs
