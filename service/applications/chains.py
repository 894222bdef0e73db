"""The applications' chains as the audit reads them (service/audit; registered in this
feature's init_app, as the audit sits below applications): each application's events in their
stored order with the head its row records, and the heads of the chains that grew in a span."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import suppress
from datetime import datetime
from itertools import groupby

from sqlalchemy import String, Text, func, select, type_coerce

from ..audit.chain import Chain, Head, Link
from ..core.database import db, in_batches
from .events import event_fields
from .models import Application, Event

_BATCH = 500  # applications looked up by number per query
# Read as stored: a value no enum knows, or JSON that does not parse, is a finding, not a crash.
_COLUMNS = (Event.id.label("row_id"), Event.application_id, Event.seq, Event.item_code,
            type_coerce(Event.trigger, String).label("trigger"), Event.from_state,
            Event.to_state, type_coerce(Event.actor_kind, String).label("actor_kind"),
            Event.actor_user_id, Event.reason, type_coerce(Event.data, Text).label("data"),
            Event.created_at, Event.chain_hash)


class EventChains:
    def count(self, since: datetime | None) -> int:
        return db.session.scalar(_selected(select(func.count()).select_from(Application),
                                           since))

    def chains(self, since: datetime | None = None,
               numbers: list[str] | None = None) -> Iterator[Chain]:
        """Every application with an event recorded since ``since`` (all of them if None), or
        those of ``numbers``; each with all its events."""
        if numbers is not None:
            numbers = sorted(numbers)
            for batch in in_batches(numbers, _BATCH):
                yield from self._read(Application.number.in_(batch))
        else:
            yield from self._read(None, since)

    def _read(self, condition, since: datetime | None = None) -> Iterator[Chain]:
        query = (select(Application.id.label("key"), Application.number,
                        Application.chain_seq, Application.chain_head, *_COLUMNS)
                 .outerjoin(Event, Event.application_id == Application.id)
                 .order_by(Application.id, Event.id))
        query = _selected(query, since) if condition is None else query.where(condition)
        rows = db.session.execute(query.execution_options(yield_per=2000))
        for _, group in groupby(rows, key=lambda row: row.key):
            group = list(group)
            first = group[0]
            yield Chain(first.number, "event",
                        [Link(row.seq, row.row_id, _fields(row), row.chain_hash)
                         for row in group if row.row_id is not None],
                        Head(first.chain_seq, first.chain_head))

    def heads(self, start: datetime, end: datetime) -> dict[str, Head]:
        """By number, the newest event of each application with events in [start, end)."""
        newest = (select(Event.application_id, func.max(Event.seq).label("seq"))
                  .where(Event.created_at >= start, Event.created_at < end)
                  .group_by(Event.application_id).subquery())
        rows = db.session.execute(
            select(Application.number, Event.seq, Event.chain_hash)
            .join(newest, (newest.c.application_id == Event.application_id)
                  & (newest.c.seq == Event.seq))
            .join(Application, Application.id == Event.application_id))
        return {row.number: Head(row.seq, row.chain_hash) for row in rows}


def _selected(query, since: datetime | None):
    if since is None:
        return query
    return query.where(Application.id.in_(
        select(Event.application_id).where(Event.created_at >= since)))


def _fields(row) -> dict:
    fields = event_fields(row)
    if isinstance(fields["data"], str):  # SQLite's text (PostgreSQL's driver decodes JSONB)
        with suppress(ValueError):  # not JSON: left as it is, it cannot match the hash
            fields["data"] = json.loads(fields["data"])
    return fields
