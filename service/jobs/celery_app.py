"""The Celery app of a Flask app, as Flask's documentation builds it: every task runs inside the
app's context (its database session, its configuration). With no broker configured, tasks
called run at once in the caller (``task_always_eager``) and nothing is queued."""

from __future__ import annotations

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask

from ..engine.calendar import SHANGHAI
from .tasks import PURGE, REDISPATCH, ROLLUP, SWEEP


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config["CELERY_BROKER_URL"]
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.conf.update(
        broker_url=broker or "memory://",
        task_always_eager=not broker,
        task_ignore_result=True,
        # A task's message is acknowledged once it ran, one at a time per worker process; the
        # outbox's leases, not the broker's redelivery, bring back a killed worker's message.
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        # A request that commits an outbox message publishes it: with the broker down, it gives
        # up within a second or two (the re-dispatch publishes it later), never hangs.
        task_publish_retry=False,
        broker_connection_timeout=2,
        broker_transport_options=({"socket_connect_timeout": 1, "socket_timeout": 2}
                                  if broker.startswith(("redis://", "rediss://")) else {}),
        timezone=str(SHANGHAI),
        beat_schedule=beat_schedule(app.config),
        worker_hijack_root_logger=False,
    )
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def beat_schedule(config) -> dict:
    # Every day, not Monday to Friday: a make-up working day (调休) falls on a weekend, and the
    # sweep is idempotent: a run on a holiday costs one indexed query.
    return {
        "sla-sweep": {"task": SWEEP,
                      "schedule": crontab(minute="*/15", hour=config["SLA_SWEEP_HOURS"])},
        "outbox-redispatch": {"task": REDISPATCH,
                              "schedule": config["OUTBOX_REDISPATCH_SECONDS"]},
        "stats-rollup": {"task": ROLLUP, "schedule": config["STATS_ROLLUP_SECONDS"]},
        # At night (Asia/Shanghai), when nobody is filling in a draft that is about to expire.
        "purge": {"task": PURGE, "schedule": crontab(minute=30, hour=3)},
    }

