"""The counters each process keeps: requests, their latency, committed transitions.

prometheus_client chooses where a value lives when it is imported: in this process's memory, or,
with ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn.conf.py sets it before any worker starts), in a
file of that directory per process, which /metrics sums over every worker (exposition.py).
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from ..applications.models import Application, Event
from ..engine.states import AutomaticTrigger, Trigger

REQUESTS = Counter("onething_http_requests", "Requests answered, by Flask endpoint (never the "
                   "raw path), method and status", ["endpoint", "method", "status"])
LATENCY = Histogram("onething_http_request_duration_seconds", "Time from the first hook to the "
                    "response, commit included, by Flask endpoint", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
TRANSITIONS = Counter("onething_transitions", "Transitions committed, by bundle and trigger (a "
                      "person's and the automatic ones that followed)", ["bundle", "trigger"])
_TRANSITION_KINDS = frozenset(Trigger) | frozenset(AutomaticTrigger)
_PENDING = "observability_transitions"  # session.info: flushed, not yet committed


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(endpoint, method, status).inc()
    LATENCY.labels(endpoint).observe(seconds)


def count_transitions(session_factory) -> None:
    """Counts the transitions of ``session_factory``'s sessions (``db.session``) from the events
    they commit: ``applications.events.record`` writes one per step, and only a commit makes it
    true. Once per process, however many apps are made."""
    for name, listener in (("after_flush", _collect), ("after_commit", _count),
                           ("after_soft_rollback", _drop)):
        if not event.contains(session_factory, name, listener):
            event.listen(session_factory, name, listener)


def _collect(session: Session, flush_context) -> None:
    # After a flush, ``session.new`` still lists what it inserted.
    for instance in session.new:
        if isinstance(instance, Event) and instance.trigger in _TRANSITION_KINDS:
            application = session.identity_map.get(
                identity_key(Application, instance.application_id))
            bundle = application.bundle_code if application is not None else "unknown"
            session.info.setdefault(_PENDING, []).append((bundle, instance.trigger.value))


def _count(session: Session) -> None:
    for bundle, trigger in session.info.pop(_PENDING, ()):
        TRANSITIONS.labels(bundle, trigger).inc()


def _drop(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost: nothing it flushed was committed
        session.info.pop(_PENDING, None)
