"""The audit: administrative acts recorded as one chain (``record_act``), each application's
events chained as they are recorded (applications.events), daily anchors kept outside the
database, and `flask audit verify|anchor|acts`. It sits low (catalog, workdays, access and
applications record through it), so it reads the applications' chains through what that
feature registers."""


def init_app(app, api) -> None:
    from . import cli, models  # noqa: F401  (models: the admin_acts table)

    app.cli.add_command(cli.audit_cli)
