"""The statutory clock of applications and items: deadlines, pauses, extensions, warnings."""


def init_app(app, api) -> None:
    from . import api as overdue_api
    from . import cli

    api.register_blueprint(overdue_api.blp)
    app.cli.add_command(cli.sla_cli)
