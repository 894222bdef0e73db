"""The administrators' console: staff accounts (roles, departments, deactivation, passwords,
tokens) and the bundles as published, with the applications running on each version."""


def init_app(app, api) -> None:
    from .pages import bp

    app.register_blueprint(bp)
