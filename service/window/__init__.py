"""The comprehensive window (综合窗): a clerk's pages, from finding the bundle to handing out the
result. Server-rendered, Chinese first, usable with the keyboard alone and without script."""


def init_app(app, api) -> None:
    from . import apply, decisions, pages, printouts  # noqa: F401  (their routes)
    from .blueprint import bp

    app.register_blueprint(bp)
