from pathlib import Path

import click
import yaml
from flask import current_app
from flask.cli import AppGroup
from marshmallow import ValidationError

from ..core.database import db, utcnow
from ..engine.calendar import local_date
from ..engine.errors import flatten_messages
from ..workdays import operations
from ..workdays.schedules import schedule_from_document
from .calendar_changes import publish_year, seed_years

calendar_cli = AppGroup("calendar", help="The holiday calendar: holidays and make-up workdays.")


@calendar_cli.command("seed")
def seed():
    """Store every year the chinese-calendar library knows and the database lacks."""
    added, moved = seed_years(utcnow(), current_app.config["WARNING_YELLOW_SHARE"])
    db.session.commit()
    click.echo(f"added {len(added)} year(s)" + (f": {added[0]}–{added[-1]}" if added else "")
               + (f"; deadlines moved in {moved} application(s)" if moved else ""))
    _warn_missing()


@calendar_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_year(file: Path):
    """Store a year's schedule from a YAML or JSON FILE, replacing that year's.

    The file: {year: 2027, holidays: [{date: 2027-01-01, name: 元旦}, …],
    workdays: [{date: …, name: …}]} (workdays: weekend days worked, 调休).
    """
    try:
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
        schedule = schedule_from_document(document, source=f"import {file.name}")
    except yaml.YAMLError as error:
        raise click.ClickException(f"{file}: not valid YAML or JSON: {error}") from None
    except ValueError as error:  # not UTF-8, or a date YAML itself finds impossible (2027-02-30)
        raise click.ClickException(f"{file}: {error}") from None
    except ValidationError as error:
        for path, message in flatten_messages(error.messages):
            click.echo(f"error: {file}: {path}: {message}", err=True)
        raise click.ClickException(f"{file}: not a valid year schedule") from None
    moved = publish_year(schedule, utcnow(), current_app.config["WARNING_YELLOW_SHARE"],
                         user_id=None)  # on the server's shell
    db.session.commit()
    click.echo(f"{schedule.year}: {len(schedule.holidays)} holidays, "
               f"{len(schedule.workdays)} make-up workdays stored; deadlines moved in "
               f"{moved} application(s)")


@calendar_cli.command("show")
@click.argument("year", type=int)
def show(year: int):
    """Print a year's holidays and make-up workdays."""
    schedule = operations.year_schedule(year)
    if schedule is None:
        raise click.ClickException(f"no schedule stored for {year}: deadlines into it count "
                                   "weekends only and are marked provisional")
    click.echo(f"{year} (source: {schedule.source})")
    for day, name in sorted({**schedule.holidays, **schedule.workdays}.items()):
        kind = "休" if day in schedule.holidays else "班"
        click.echo(f"  {day.isoformat()} {'一二三四五六日'[day.weekday()]}  {kind}  {name}")


def _warn_missing() -> None:
    for year in operations.missing_years(local_date(utcnow())):
        click.echo(f"warning: no holiday schedule for {year}; import it when the State Council "
                   "publishes it (flask calendar import FILE)", err=True)
