"""A staff page's decision as a form: what was sent and what the engine refused, at the inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from ..engine.inputs import MAX_CORRECTION_DAYS
from ..engine.states import Trigger

CORRECTION_DAYS_WORDS = _l("补正期限为1至%(days)d个工作日", days=MAX_CORRECTION_DAYS)


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


def correction_data(posted: MultiDict) -> dict:
    """A correction notice's data from its inputs: each ticked material with its note
    (``note-<code>``), and the working days given, if any."""
    data: dict = {"missing": [
        {"material": code, "note": posted.get(f"note-{code}", "").strip() or None}
        for code in posted.getlist("missing")]}
    days = posted.get("days", "").strip()
    if days:
        data["days"] = whole_number(days)
    return data


def whole_number(text: str | None):
    """Days as the engine takes them: an integer, or what was typed (for it to refuse)."""
    return int(text) if text and text.isdigit() else (text or "")
