"""GET /healthz (the process answers) and GET /readyz (it can serve: database, migrations,
calendar, broker), for orchestrators and load balancers."""


def init_app(app, api) -> None:
    from . import api as health_api

    app.register_blueprint(health_api.bp)
