"""The request's id in the Celery tasks it starts: published in the task's message headers, set
for the task's log lines while it runs on a worker, cleared after. Connected by init_app when
Celery is installed; signals are global, so every Celery app of the process is covered."""

from __future__ import annotations

from celery import signals

from .logs import configure
from .request_ids import LogContext, current, current_request_id

HEADER = "onething_request_id"
_TOKEN = "_onething_log_context"  # on the task's request: what to reset after the task


def connect() -> None:
    """Idempotent: each handler is connected once (by its ``dispatch_uid``)."""
    signals.before_task_publish.connect(add_request_id, dispatch_uid=f"{__name__}.publish")
    signals.task_prerun.connect(set_request_id, dispatch_uid=f"{__name__}.prerun")
    signals.task_postrun.connect(clear_request_id, dispatch_uid=f"{__name__}.postrun")
    # A worker logs as the app does (JSON lines with the id) rather than in Celery's own format.
    signals.setup_logging.connect(_configure_logging, dispatch_uid=f"{__name__}.logging")


def add_request_id(headers=None, **ignored) -> None:
    request_id = current_request_id()
    if request_id is not None and headers is not None:
        headers[HEADER] = request_id


def set_request_id(task=None, **ignored) -> None:
    request_id = getattr(task.request, HEADER, None) if task is not None else None
    if request_id is not None:
        setattr(task.request, _TOKEN, current.set(LogContext(request_id)))


def clear_request_id(task=None, **ignored) -> None:
    token = getattr(task.request, _TOKEN, None) if task is not None else None
    if token is not None:
        current.reset(token)
        setattr(task.request, _TOKEN, None)


def _configure_logging(**ignored) -> None:
    configure()
