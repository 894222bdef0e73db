"""The working-day calendar: holidays and make-up working days as data the county can edit."""


def init_app(app, api) -> None:
    from . import api as calendar_api
    from . import cli

    api.register_blueprint(calendar_api.blp)
    app.cli.add_command(cli.calendar_cli)
