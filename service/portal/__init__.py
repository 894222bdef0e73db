"""The applicant's pages: look-up, status, receipt, rating. Chinese first, on a phone, no
script needed."""


def init_app(app, api) -> None:
    from . import api as citizen_api
    from . import pages

    api.register_blueprint(citizen_api.blp)
    app.register_blueprint(pages.bp)
