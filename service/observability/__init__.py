"""Seeing the service: /metrics (Prometheus), logs as JSON lines carrying the request's id, and
that id carried into the Celery tasks a request starts (docs/OBSERVABILITY.md)."""


def init_app(app, api) -> None:
    from ..core.database import db
    from . import celery_signals, exposition, logs, metrics, requests

    logs.configure()
    requests.init_app(app)
    metrics.count_transitions(db.session)
    exposition.init_app(app)
    celery_signals.connect()
