"""Messages to citizens and departments, written in the transaction that caused them and
delivered after it commits (docs/JOBS.md): by a Celery worker where a broker is configured,
else by `flask outbox deliver`."""


def init_app(app, api) -> None:
    from . import api as outbox_api
    from . import cli, dispatch

    api.register_blueprint(outbox_api.blp)
    app.cli.add_command(cli.outbox_cli)
    dispatch.init_app(app)
