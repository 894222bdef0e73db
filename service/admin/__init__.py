"""The administrators' console: staff accounts (roles, departments, deactivation, passwords,
tokens), the catalog (bundles drafted, previewed and published; items and departments edited),
the holiday calendar and the outbox."""


def init_app(app, api) -> None:
    from ..core.security import allow_inline_styles
    from . import calendar, drafting, entries, migrate, outbox  # noqa: F401  (their routes)
    from .pages import bp

    app.register_blueprint(bp)
    for endpoint in ("admin.bundle", "admin.draft_preview"):
        allow_inline_styles(endpoint)  # mermaid puts a <style> in the diagram it draws
