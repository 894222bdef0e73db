"""The catalog: departments, service items and bundles, read from ``workflows/`` and published
as immutable bundle versions."""


def init_app(app, api) -> None:
    from . import api as bundles_api
    from . import authoring_api, cli

    api.register_blueprint(bundles_api.blp)
    api.register_blueprint(authoring_api.drafts_blp)
    api.register_blueprint(authoring_api.entries_blp)
    app.cli.add_command(cli.catalog_cli)
