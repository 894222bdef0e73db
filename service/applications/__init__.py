"""Applications: one per applicant and bundle, with its items, history and transitions."""


def init_app(app, api) -> None:
    from . import api as applications_api
    from . import chains, cli, drafts_api

    api.register_blueprint(applications_api.blp)
    api.register_blueprint(drafts_api.blp)
    app.cli.add_command(cli.drafts_cli)
    app.extensions["audit_event_chains"] = chains.EventChains()  # what flask audit reads
