"""Demo applications for a new database (never in the production configuration)."""


def init_app(app, api) -> None:
    from . import cli

    app.cli.add_command(cli.demo_cli)
