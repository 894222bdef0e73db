"""People and access: who may see and do what, and who did it."""


def init_app(app, api) -> None:
    from . import api as users_api
    from . import cli, login, pages, policy

    login.login_manager.init_app(app)
    app.before_request(policy.check_access)  # first: nothing runs for whom it is not allowed
    app.after_request(policy.no_store)
    api.register_blueprint(users_api.users_blp)
    api.register_blueprint(users_api.tokens_blp)
    app.register_blueprint(pages.bp)
    app.cli.add_command(cli.users_cli)
