import click
from flask import current_app
from flask.cli import AppGroup

from ..catalog.cli import catalog_cli
from ..catalog.operations import find_version
from ..core.database import db, utcnow
from ..engine.actors import SYSTEM
from ..uploads import operations as attachments
from . import drafts
from .migration import count_running_elsewhere, migrate_applications

drafts_cli = AppGroup("drafts", help="Applications saved before they are submitted.")


@drafts_cli.command("purge")
def purge():
    """Delete the drafts past their expiry and their uploaded files (safe to run daily from
    cron)."""
    purged = drafts.purge_expired()
    db.session.commit()
    click.echo(f"{purged.drafts} expired draft(s) deleted, with {purged.attachments} "
               f"attachment(s); {attachments.files_deleted_at_last_commit()} stored file(s) "
               "deleted (a file another attachment shares is kept)")


@catalog_cli.command("migrate")
@click.argument("code")
@click.option("--to", "to_version", type=click.IntRange(min=1), required=True,
              help="The version to move the running applications to.")
@click.option("--dry-run", is_flag=True, help="Report what would move and what is blocked; "
                                              "change nothing.")
def migrate(code: str, to_version: int, dry_run: bool):
    """Move the running applications of bundle CODE to version N: each application on its own,
    recorded in its history; those the rules block are listed with the reason. Running it
    again changes nothing; moving back to the version they came from undoes it while nothing
    has happened since."""
    target = find_version(code, to_version)
    if target is None:
        raise click.ClickException(f"bundle {code!r} has no version {to_version}")
    with click.progressbar(length=count_running_elsewhere(code, target.id),
                           label="applications") as bar:
        report = migrate_applications(
            code, to_version, SYSTEM, utcnow(), dry_run=dry_run,
            yellow_share=current_app.config["WARNING_YELLOW_SHARE"],
            progress=lambda: bar.update(1))
    for verdict in report.verdicts:
        action = ("would migrate" if dry_run else "migrated") if verdict.migrate else "blocked"
        why = "; ".join(verdict.reasons or verdict.changes) or "no item changes"
        click.echo(f"{verdict.number}  v{verdict.from_version} → v{to_version}  {action}: {why}")
    click.echo(f"{len(report.migrating)} {'would migrate' if dry_run else 'migrated'}, "
               f"{len(report.blocked)} blocked, to {code} v{to_version}")
