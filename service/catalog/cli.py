from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..database import db
from . import operations
from .definitions import CatalogInvalid, load_catalog

catalog_cli = AppGroup("catalog", help="Check and load the bundle definitions in workflows/.")


def _load_or_exit(directory):
    try:
        return load_catalog(directory)
    except CatalogInvalid as invalid:
        for problem in invalid.problems:
            click.echo(f"error: {problem}", err=True)
        raise click.ClickException(f"{len(invalid.problems)} problem(s) in {directory}") from None


@catalog_cli.command("check")
@click.option("--directory", type=click.Path(exists=True, file_okay=False), default=None,
              help="Definitions to check (default: the configured WORKFLOWS_DIR).")
def check(directory):
    """Validate every definition; report each problem with its file and path."""
    catalog = _load_or_exit(Path(directory) if directory else current_app.config["WORKFLOWS_DIR"])
    click.echo(f"ok: {len(catalog.departments)} departments, {len(catalog.items)} items, "
               f"{len(catalog.bundles)} bundles")


@catalog_cli.command("load")
def load():
    """Store the catalog; a bundle gets a new version only where its definition changed."""
    catalog = _load_or_exit(current_app.config["WORKFLOWS_DIR"])
    with click.progressbar(length=len(catalog.bundles), label="bundles") as bar:
        report = operations.publish(catalog, progress=lambda code: bar.update(1))
    db.session.commit()
    click.echo(f"{report.departments} departments, {report.items} items")
    for label, codes in (("created", report.created), ("changed", report.changed),
                         ("unchanged", report.unchanged)):
        click.echo(f"{label}: {len(codes)}" + (f" ({', '.join(codes)})" if codes else ""))
