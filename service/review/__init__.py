"""The departments' pages (reviewers and their supervisors): their items by deadline, one item
with what deciding it needs, extension requests, assignment, the supervisor's board."""


def init_app(app, api) -> None:
    from . import decisions, printouts  # noqa: F401  (their routes)
    from .pages import bp

    app.register_blueprint(bp)
