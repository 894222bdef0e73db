"""Walking the chains (`flask audit verify`) and anchoring a day (`flask audit anchor`).

The administrative acts are this package's own; the applications' events are read through the
``EventChains`` the applications feature registers as ``app.extensions["audit_event_chains"]``
(audit sits below applications, so it cannot import them)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Protocol

from flask import current_app

from ..engine.calendar import SHANGHAI
from .acts import acts_chain, acts_head
from .anchors import Anchor, check_anchors, make_anchor
from .chain import Chain, Finding, Head, Tampering, check_chain


class EventChains(Protocol):
    def count(self, since: datetime | None) -> int: ...

    def chains(self, since: datetime | None = None,
               numbers: list[str] | None = None) -> Iterator[Chain]: ...

    def heads(self, start: datetime, end: datetime) -> dict[str, Head]: ...


def event_chains() -> EventChains:
    return current_app.extensions["audit_event_chains"]


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Asia/Shanghai: the county's days."""
    return datetime.combine(day, time(), SHANGHAI)


@dataclass
class Verification:
    findings: list[Finding] = field(default_factory=list)
    applications: int = 0
    events: int = 0
    acts: int = 0
    anchors: int = 0


def verify(key: bytes, since: date | None = None, anchors: Sequence[Anchor] = (),
           progress: Callable[[], None] | None = None) -> Verification:
    """Check every chain of an application with an event since ``since`` (all if None), whole,
    the administrative acts' chain, and the anchors of the days from ``since``: each anchored
    head must still be in its chain."""
    chains = event_chains()
    anchors = [anchor for anchor in anchors if since is None or anchor.day >= since]
    result = Verification(check_anchors(anchors, key), anchors=len(anchors))
    anchored, acts_anchored = defaultdict(list), []
    for anchor in anchors:
        for number, head in anchor.applications.items():
            anchored[number].append((anchor.day, head))
        if anchor.acts is not None:
            acts_anchored.append((anchor.day, anchor.acts))

    def walk(chain: Chain) -> None:
        result.applications += 1
        result.events += len(chain.links)
        result.findings.extend(check_chain(chain, key, anchored.pop(chain.name, ())))
        if progress:
            progress()

    for chain in chains.chains(since and day_start(since)):
        walk(chain)
    # Anchored, yet with no event since: its events were deleted or moved back in time.
    for chain in chains.chains(numbers=list(anchored)):
        walk(chain)
    for number, heads in sorted(anchored.items()):  # not even the application is left
        day, head = min(heads, key=lambda each: each[0])
        result.findings.append(Finding(number, Tampering.TRUNCATED, f"anchored on {day} at "
                                       f"event {head.seq}, but the application is gone"))
    acts = acts_chain()
    result.acts = len(acts.links)
    result.findings.extend(check_chain(acts, key, acts_anchored))
    return result


def anchor_of(key: bytes, day: date) -> Anchor:
    """The anchor of ``day``: the heads of the chains that grew that day, and the digest of the
    day before's anchor (computed again: it commits to the same heads)."""
    return make_anchor(key, day, *_heads(day), _previous(key, day))


def _heads(day: date) -> tuple[dict[str, Head], Head | None]:
    start, end = day_start(day), day_start(day + timedelta(days=1))
    return event_chains().heads(start, end), acts_head(start, end)


def _previous(key: bytes, day: date) -> str:
    before = day - timedelta(days=1)
    return make_anchor(key, before, *_heads(before), None).digest
