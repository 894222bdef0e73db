"""A staff page's decision as a form: what was sent and what the engine refused, at the inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from ..engine.states import Trigger


@dataclass
class ActionForm:
    """One decision's inputs as last sent (empty on a fresh page) and its errors."""

    trigger: Trigger
    values: MultiDict = field(default_factory=MultiDict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def chosen(self, name: str) -> list[str]:
        return self.values.getlist(name)


def located(messages: dict, words: dict[str, str], default: str) -> dict[str, str]:
    """The engine's refusal (keyed ``reason``, ``data.<field>``, or ``data.result.<field>`` for
    an approval's result) at the form's inputs, in ``words`` (by input name; ``default`` for
    the others)."""
    found = {}
    if "reason" in messages:
        found["reason"] = words.get("reason", default)
    data = messages.get("data", {})
    for name, detail in (data.items() if isinstance(data, dict) else ()):
        if isinstance(detail, dict) and name == "result":  # an approval's result, inlined
            for part in detail:
                found[part] = words.get(part, default)
        else:
            found[name] = words.get(name, default)
    if not found:
        found["form"] = default
    return found
