"""Messages to citizens and departments, written in the transaction that caused them and sent
after it commits (sending is a later issue)."""


def init_app(app, api) -> None:
    from . import api as outbox_api

    api.register_blueprint(outbox_api.blp)
