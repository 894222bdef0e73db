"""The administrators' console: staff accounts (roles, departments, deactivation, passwords,
tokens) and the bundles as published, with the applications running on each version."""


def init_app(app, api) -> None:
    from ..core.security import allow_inline_styles
    from . import calendar, outbox  # noqa: F401  (their routes)
    from .pages import bp

    app.register_blueprint(bp)
    allow_inline_styles("admin.bundle")  # mermaid puts a <style> in the diagram it draws
