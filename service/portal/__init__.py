"""The applicant's pages: look-up, status, receipt, rating. Chinese first, on a phone, no
script needed."""


def init_app(app, api) -> None:
    from . import pages

    app.register_blueprint(pages.bp)
