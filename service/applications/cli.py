import click
from flask.cli import AppGroup

from ..core.database import db
from . import drafts

drafts_cli = AppGroup("drafts", help="Applications saved before they are submitted.")


@drafts_cli.command("purge")
def purge():
    """Delete the drafts past their expiry (safe to run daily from cron)."""
    count = drafts.purge_expired()
    db.session.commit()
    click.echo(f"{count} expired draft(s) deleted")
