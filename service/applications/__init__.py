"""Applications: one per applicant and bundle, with its items, history and transitions."""


def init_app(app, api) -> None:
    from . import api as applications_api

    api.register_blueprint(applications_api.blp)
