"""GET /healthz: the app, its database and the holiday calendar, for load balancers."""


def init_app(app, api) -> None:
    from . import api as health_api

    app.register_blueprint(health_api.bp)
