"""The catalog: departments, service items and bundles, read from ``workflows/`` and published
as immutable bundle versions."""


def init_app(app, api) -> None:
    from . import api as bundles_api
    from . import cli

    api.register_blueprint(bundles_api.blp)
    app.cli.add_command(cli.catalog_cli)
