import click
from flask.cli import AppGroup

from ..core.database import db, utcnow
from ..stats import rollup
from .sweep import sweep

sla_cli = AppGroup("sla", help="Deadlines and warnings.")


@sla_cli.command("sweep")
def run_sweep():
    """Announce items newly yellow, red or past their statutory deadline, then bring the
    figures' daily rollup up to date (idempotent; safe to run every minute from cron while the
    app serves)."""
    now = utcnow()
    report = sweep(now)
    db.session.commit()
    click.echo(str(report))
    refreshed = rollup.refresh(now)
    db.session.commit()
    click.echo(f"rollup recomputed: {refreshed}")
