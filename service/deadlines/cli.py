import click
from flask.cli import AppGroup

from ..core.database import db, utcnow
from .sweep import sweep

sla_cli = AppGroup("sla", help="Deadlines and warnings.")


@sla_cli.command("sweep")
def run_sweep():
    """Announce items newly yellow, red or past their statutory deadline (idempotent; safe to
    run every minute from cron while the app serves)."""
    report = sweep(utcnow())
    db.session.commit()
    click.echo(", ".join(f"{level}: {count}" for level, count in report.announced.items()))
