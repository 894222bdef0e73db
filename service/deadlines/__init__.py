"""What reads across applications' clocks: the overdue board, the warning sweep, and the
holiday calendar's API and CLI (publishing a year re-times the running applications)."""


def init_app(app, api) -> None:
    from . import api as overdue_api
    from . import calendar_api, calendar_cli, cli

    api.register_blueprint(overdue_api.blp)
    api.register_blueprint(calendar_api.blp)
    app.cli.add_command(cli.sla_cli)
    app.cli.add_command(calendar_cli.calendar_cli)
