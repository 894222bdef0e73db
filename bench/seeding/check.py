"""A seeded database checked against the app's own rules (``seed.py --check N``): N
applications drawn at random read through the app's models, and the whole database for what a
query can tell.

- each application has a row for every item of its bundle version, and its chain's head is
  its last event;
- the sample's chains verify (``service.audit``: numbers, order, hashes, heads), and each
  application's tallies count its visits and its correction notices at intake;
- each opened item's deadlines are what the engine computes from its start, limits, ended
  paused spans and extensions, its paused days the sum of its spans'; each accepted
  application's deadlines, paused days, (under review) predicted completion and (concluded)
  day and turnaround are what the app's clock sets;
- each application's state allows what its machine says (the machine accepts its states);
- no running item has been past a warning level for an hour (as of the newest event) without
  the sweep having announced it: the sweep runs every minute, so only the last minutes' rises
  may be waiting for it.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta

from flask import Flask
from sqlalchemy import func, select, text

from service.applications import operations
from service.applications.chains import EventChains
from service.applications.clock import Clock
from service.applications.early_warnings import RANK, reached
from service.applications.models import Application, ApplicationItem, Event, PausedSpan
from service.audit.chain import check_chain
from service.catalog.operations import machine_for
from service.core.database import db
from service.engine.calendar import SHANGHAI, local_date
from service.engine.deadlines import deadlines, merged_days
from service.engine.states import ITEM_RUNNING, ApplicationState, Level
from service.workdays.operations import calendar_around

WRONG_ITEMS = """
SELECT count(*) FROM applications a JOIN bundle_versions v ON v.id = a.bundle_version_id
WHERE (SELECT count(*) FROM application_items i WHERE i.application_id = a.id)
      <> jsonb_array_length(v.definition -> 'items')
"""
WRONG_TALLIES = """
SELECT count(*) FROM applications a
WHERE a.id = ANY(:ids) AND (
      a.visit_count <> (SELECT count(*) FROM visits v WHERE v.application_id = a.id)
   OR a.correction_notices <> (SELECT count(*) FROM events e WHERE e.application_id = a.id
                               AND e.trigger = 'request_correction' AND e.item_code IS NULL))
"""
WRONG_HEADS = """
SELECT count(*) FROM applications a
WHERE a.chain_seq <> (SELECT coalesce(max(seq), 0) FROM events e WHERE e.application_id = a.id)
   OR a.chain_head IS DISTINCT FROM (SELECT chain_hash FROM events e
                                     WHERE e.application_id = a.id AND e.seq = a.chain_seq)
"""


def check(app: Flask, sample: int, random_seed: int = 1) -> Counter:
    """What is wrong, by kind (empty: nothing), printed as it is found."""
    wrong: Counter[str] = Counter()
    with app.app_context():
        for name, query in (("applications without a row per item", WRONG_ITEMS),
                            ("applications whose head is not their last event", WRONG_HEADS)):
            wrong[name] = db.session.execute(text(query)).scalar()
        ids = list(db.session.scalars(select(Application.id)))
        drawn = random.Random(random_seed).sample(ids, min(sample, len(ids)))
        key = app.config["AUDIT_KEY"].encode()
        numbers = list(db.session.scalars(select(Application.number)
                                          .where(Application.id.in_(drawn))))
        for chain in EventChains().chains(numbers=numbers):
            wrong["chains broken"] += bool(check_chain(chain, key))
        wrong["applications whose tallies are not their visits' and notices'"] = (
            db.session.execute(text(WRONG_TALLIES),
                               {"ids": drawn}).scalar())
        # As of the seeding: its newest event (a day later, predictions and levels move on).
        now = db.session.scalar(select(func.max(Event.created_at)))
        calendar = calendar_around(local_date(now))
        for application_id in drawn:
            _check_clock(app, application_id, calendar, now, wrong)
            db.session.rollback()
        wrong["warnings the sweep missed"] = _unannounced(now)
        db.engine.dispose()
    wrong = Counter({name: count for name, count in wrong.items() if count})
    print(f"checked {len(drawn):,} applications drawn at random, and the whole database: "
          + (", ".join(f"{name} {count:,}" for name, count in wrong.items()) or
             "nothing wrong"))
    return wrong


def _unannounced(now: datetime) -> int:
    """Running items past a level for an hour before ``now`` that the sweep has not
    announced."""
    today, hour_ago = local_date(now), now - timedelta(hours=1)
    rows = db.session.scalars(select(ApplicationItem).where(
        ApplicationItem.state.in_(ITEM_RUNNING), ApplicationItem.yellow_on <= today))
    missed = 0
    for row in rows:
        level = reached(row, today)
        if RANK[level] <= RANK[row.warned_level]:
            continue
        day = {Level.YELLOW: row.yellow_on, Level.RED: row.committed_due + timedelta(days=1),
               Level.STATUTORY: row.statutory_due and row.statutory_due + timedelta(days=1)}[
            level]
        since = max(datetime.combine(day, time(), SHANGHAI), row.opened_at)
        missed += since < hour_ago
    return missed


def _check_clock(app: Flask, application_id: int, calendar, now, wrong: Counter) -> None:
    application = db.session.get(Application, application_id)
    bundle = machine_for(application.bundle_version).bundle
    spans = list(db.session.scalars(select(PausedSpan).where(
        PausedSpan.application_id == application_id)))
    share = app.config["WARNING_YELLOW_SHARE"]
    for row in application.items:
        mine = [span for span in spans if span.item_id == row.id]
        if row.paused_days != sum(span.days or 0 for span in mine):
            wrong["items whose paused days are not their spans'"] += 1
        if row.clock_started_on is None:
            continue
        found = deadlines(calendar, row.clock_started_on, bundle.item(row.item_code).limits,
                          pauses=[(span.started_on, span.ended_on) for span in mine
                                  if span.ended_on], extension=row.extension_days,
                          yellow_share=share)
        if (found.committed_due, found.statutory_due, found.yellow_on, found.provisional) != (
                row.committed_due, row.statutory_due, row.yellow_on, row.due_provisional):
            wrong["items whose deadlines are not the engine's"] += 1
    try:
        operations.allowed_triggers(application)
    except Exception:  # any refusal of the machine is a finding
        wrong["applications the machine cannot read"] += 1
    if application.accepted_on is None:
        return
    pauses = [(span.started_on, span.ended_on) for span in spans if span.ended_on]
    found = deadlines(calendar, application.accepted_on, bundle.limits, pauses=pauses,
                      yellow_share=share)
    if (found.committed_due, found.statutory_due, found.yellow_on, found.provisional,
            merged_days(calendar, pauses, bundle.limits.unit)) != (
            application.committed_due, application.statutory_due, application.yellow_on,
            application.due_provisional, application.paused_days):
        wrong["applications whose deadlines are not the engine's"] += 1
    if application.concluded_at is not None and (
            application.concluded_on != local_date(application.concluded_at)
            or application.turnaround_days != calendar.count_working_days(
                application.accepted_on, application.concluded_on)):
        wrong["applications whose turnaround is not the clock's"] += 1
    if application.state == ApplicationState.PROCESSING:  # its completion as predicted now
        predicted = application.predicted_on
        Clock(application, bundle, now, calendar_around, share).refresh()
        if application.predicted_on != predicted:
            wrong["applications under review whose prediction is not the app's"] += 1
