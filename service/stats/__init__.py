"""Turnaround statistics: what the reform achieves, per bundle and overall."""


def init_app(app, api) -> None:
    from . import api as stats_api
    from . import cli

    api.register_blueprint(stats_api.blp)
    app.cli.add_command(cli.stats_command)
