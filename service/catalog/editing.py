"""Items and departments edited in the browser. An entry is checked with the whole stored catalog
(so a change that would break a bundle, a cycle of what items produce and consume or a committed
limit its items can no longer keep, is refused naming the bundle), then stored; it reaches
applications only through new versions of the bundles it changes, which are drafted here, each
listed for review and publishing. Only flushes; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass

from ..audit.acts import Action, record_act
from ..core.database import db
from .canonical import documents
from .definitions import Catalog, CatalogInvalid, Problem, read_catalog
from .drafts import start_draft
from .models import VersionSource
from .store import KIND, store_entry, stored_catalog

EDITED = "edited.yaml"  # the name the edited entry is checked under


class EntryInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class EntrySaved:
    code: str
    drafted: list[str]  # the bundles this change alters: each has a draft (new, or the open one)


def save_entry(section: str, data: dict, user_id: int | None, code: str | None = None
               ) -> EntrySaved:
    """Store a department or an item, new (``code`` None) or edited, as the YAML spells it.

    Raises:
        EntryInvalid: every problem, with the path inside the entry (``limits.committed``) or
            in the bundle it would break (``bundles/restaurant.yaml: …``).
    """
    kind = KIND[section]
    if not isinstance(data.get("code"), str):
        raise EntryInvalid([Problem(EDITED, "code", "a code is required")])
    stored = stored_catalog()
    before = read_catalog(documents(stored))
    entries = getattr(stored, section)
    if code is None and data.get("code") in entries:
        raise EntryInvalid([Problem(EDITED, "code", f"{data['code']!r} is taken")])
    if code is not None and data.get("code") != code:
        raise EntryInvalid([Problem(EDITED, "code", "an entry keeps its code")])
    entries.pop(data.get("code"), None)
    try:
        catalog = read_catalog({**documents(stored), EDITED: {section: [data]}})
    except CatalogInvalid as invalid:
        raise EntryInvalid([_within_entry(problem, section) for problem in invalid.problems]
                           ) from None
    loaded = getattr(catalog, section)[data["code"]]
    row = db.session.get(kind.model, data["code"])
    was = dict(row.definition) if row is not None else {}
    store_entry(kind, loaded, row, source=VersionSource.BROWSER)
    db.session.flush()
    changed = sorted(bundle for bundle, snapshot in catalog.bundles.items()
                     if Catalog.digest(snapshot) != Catalog.digest(before.bundles[bundle]))
    record_act(Action.ENTRY_SAVED, f"{section}/{data['code']}", {
        "created": row is None, "digest": kind.digest(loaded), "drafted": changed,
        "changed": sorted(key for key in was.keys() | loaded.keys()
                          if was.get(key) != loaded.get(key))}, user_id=user_id)
    for bundle in changed:
        start_draft(bundle, user_id, prompted_by=f"{section[:-1]}:{data['code']}")
    return EntrySaved(data["code"], changed)


def _within_entry(problem: Problem, section: str) -> Problem:
    """A problem of the edited entry by its path inside it (``limits.committed``)."""
    prefix = f"{section}[0]"
    if problem.file == EDITED and problem.path.startswith(prefix):
        return Problem(EDITED, problem.path.removeprefix(prefix).lstrip("."), problem.message)
    return problem
