import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.database import db, utcnow
from ..core.tables import render_table
from . import rollup
from .figures import APPLICATION_FIGURES
from .operations import turnaround_stats
from .sql import EARLIEST, LATEST

COLUMNS = [("bundle", "bundle", "{}"), ("applications", "apps", "{}"),
           ("concluded", "done", "{}"), ("median_turnaround", "median", "{:g}"),
           ("p90_turnaround", "p90", "{:g}"), ("on_time_committed", "on time", "{:.0%}"),
           ("on_time_statutory", "lawful", "{:.0%}"), ("paused_days", "paused", "{}"),
           ("standalone_limit", "alone", "{:g}"), ("time_reduction", "saved", "{:.0%}"),
           ("online_share", "online", "{:.0%}"), ("exemption_share", "exempt", "{:.0%}"),
           ("visits_per_application", "visits", "{:.2f}"),
           ("fully_online_share", "no visit", "{:.0%}")]


def _a_day(context, parameter, value):
    if value is not None and not EARLIEST <= value.date() <= LATEST:
        raise click.BadParameter(f"a day from {EARLIEST} to {LATEST}")
    return value


@click.command("stats")
@with_appcontext
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), callback=_a_day,
              help="received on or after")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), callback=_a_day,
              help="received on or before")
@click.option("--explain", is_flag=True, help="print what each figure means, then stop")
@click.option("--rebuild", is_flag=True,
              help="first rebuild the daily rollup from every application (after a bulk load; "
                   "`flask sla sweep` keeps it up to date otherwise)")
def stats_command(since, until, explain, rebuild):
    """Turnaround per bundle and overall (working days; 'alone' is the sum of the items'
    statutory limits one after another, 'saved' the reduction against it; 'visits' to the window
    per delivered application, 'no visit' the share of those delivered fully online)."""
    if explain:
        with current_app.test_request_context():  # the definitions' locale: the default, Chinese
            for figure in APPLICATION_FIGURES:
                click.echo(f"{figure.key} ({figure.label}): {figure.meaning}")
        return
    if rebuild:
        refreshed = rollup.refresh(utcnow(), everything=True)
        db.session.commit()
        click.echo(f"rollup rebuilt: {refreshed}", err=True)
    result = turnaround_stats(since.date() if since else None, until.date() if until else None)
    def cells(figures: dict) -> list[str]:
        return ["-" if figures[key] is None else form.format(figures[key])
                for key, _, form in COLUMNS]

    click.echo(render_table([label for _, label, _ in COLUMNS],
                            [cells(row) for row in result["bundles"]], cells(result["overall"])))
