"""The online counter (网上办事): applicants find a bundle and what it takes, sign in by mobile
number and a one-time SMS code, fill in the bundle's one form, upload its materials and submit;
the window pre-reviews what arrives (window/). Everything works without JavaScript."""


def init_app(app, api) -> None:
    from . import applying, following, pages, signing_in  # noqa: F401  (their routes)
    from .blueprint import bp

    app.register_blueprint(bp)
