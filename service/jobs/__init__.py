"""Background work on Celery (docs/JOBS.md): delivering the outbox, re-dispatching what is due
or whose lease expired, and the SLA sweep on a schedule. The tasks run inside the Flask app's
context; the worker and beat load ``service.jobs.worker``."""


def init_app(app, api) -> None:
    from ..applications.notices import phone_of
    from ..outbox.senders import senders_from
    from . import tasks
    from .celery_app import celery_init_app

    celery_init_app(app)
    app.extensions["outbox_senders"] = senders_from(app.config, phone_of)
    if app.config["CELERY_BROKER_URL"]:
        app.extensions["outbox_dispatch"] = tasks.deliver_later
