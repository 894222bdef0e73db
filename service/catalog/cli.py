from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..core.database import db
from ..core.tables import render_table
from . import operations
from .canonical import documents, dump, header
from .definitions import CatalogInvalid, load_catalog
from .describe import describe, write_below_marker
from .figures import bundle_figures, certificates, orphan_items, overall_reduction
from .smells import smells
from .store import stored_catalog

catalog_cli = AppGroup("catalog", help="Check, load and export the definitions (workflows/).")


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
@click.option("--verbose", is_flag=True, help="Each warning, not only their counts.")
def check(directory, verbose):
    """Validate every definition; report each problem with its file and path (exit status 1).
    Then warn of what reads as unsourced or padded, with counts, and report the share of the
    merged materials that electronic certificates replace."""
    catalog = _load_or_exit(Path(directory) if directory else current_app.config["WORKFLOWS_DIR"])
    found = smells(catalog)
    for kind, label in SMELLS.items():
        of_kind = [smell for smell in found if smell.kind == kind]
        if of_kind:
            click.echo(f"warning: {len(of_kind)} {label}", err=True)
        for smell in of_kind if verbose or kind == "same_limits" else ():
            click.echo(f"warning:   {smell.message}", err=True)
    figures = bundle_figures(catalog)
    exempt, merged, share = certificates(figures)
    click.echo(f"ok: {len(catalog.departments)} departments, {len(catalog.items)} items, "
               f"{len(catalog.bundles)} bundles; electronic certificates replace {exempt} of "
               f"{merged} merged materials ({share:.0%}); "
               f"{len(found)} warning(s)")


SMELLS = {"orphan": "item(s) in no bundle",
          "same_limits": "group(s) of items of several departments with the same limits",
          "lone_department": "department(s) deciding one item only",
          "unknown_basis": "item(s) whose statutory limit has no known basis"}


@catalog_cli.command("load")
@click.option("--force", is_flag=True,
              help="Load changed YAML even over a version made in the browser since.")
def load(force):
    """Store the catalog; a bundle gets a new version only where its YAML changed since it was
    last loaded. Where the browser published a newer version meanwhile, its YAML is refused
    (named, exit status 1) unless --force; the other bundles are loaded."""
    catalog = _load_or_exit(current_app.config["WORKFLOWS_DIR"])
    with click.progressbar(length=len(catalog.bundles), label="bundles") as bar:
        try:
            report = operations.publish(catalog, progress=lambda code: bar.update(1), force=force)
        except CatalogInvalid as invalid:  # the YAML's bundles with the browser's edits
            for problem in invalid.problems:
                click.echo(f"error: {problem}", err=True)
            raise click.ClickException("the YAML does not fit what was edited in the browser "
                                       "since the last load: nothing loaded") from None
    db.session.commit()
    click.echo(f"{report.departments} departments, {report.items} items")
    for label, codes in (("created", report.created), ("changed", report.changed),
                         ("unchanged", report.unchanged)):
        click.echo(f"{label}: {len(codes)}" + (f" ({', '.join(codes)})" if codes else ""))
    if report.refused:
        raise click.ClickException(
            f"not loaded, changed in the browser since the last load: "
            f"{', '.join(report.refused)} (their YAML changed too: export the catalog and "
            "reconcile, or load the YAML over the browser's changes with --force)")


@catalog_cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Delete the *.yaml files already in DIRECTORY first.")
def export(directory: Path, replace: bool):
    """Write the catalog as the database holds it (the browser's changes included) to
    DIRECTORY in the canonical workflows/ format: loading it and exporting again gives the same
    bytes."""
    existing = sorted(directory.rglob("*.yaml")) if directory.exists() else []
    if existing and not replace:
        raise click.ClickException(f"{directory} already holds {len(existing)} *.yaml file(s): "
                                   "choose an empty directory, or pass --replace")
    catalog = stored_catalog()
    if not catalog.bundle_entries and not catalog.items:
        raise click.ClickException("the catalog is empty: load it first (flask catalog load)")
    for path in existing:
        path.unlink()
    files = documents(catalog)
    for name, document in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(document, header(name, catalog)), encoding="utf-8")
    click.echo(f"wrote {len(files)} files to {directory}: {len(catalog.departments)} "
               f"departments, {len(catalog.materials)} materials, {len(catalog.fields)} fields, "
               f"{len(catalog.items)} items, {len(catalog.bundle_entries)} bundles")


@catalog_cli.command("stats")
def stats():
    """Per bundle: items, departments, the items' statutory limits one after another ('alone',
    only where every item's limit has a known basis) against the critical path ('path') and the
    bundle's committed limit, the reduction from those sourced figures, and the materials before
    and after merging, with those exempted by electronic certificates."""
    catalog = _load_or_exit(current_app.config["WORKFLOWS_DIR"])
    figures = bundle_figures(catalog)
    header = ("bundle", "items", "depts", "alone", "path", "committed", "saved", "materials",
              "exempt")
    rows = [
        (each.code, str(each.items), str(each.departments), _days(each.standalone),
         _days(each.critical_path), str(each.committed),
         f"{each.reduction:.0%}" if each.sourced else "—",
         f"{each.materials_before} → {each.materials_after}", str(each.exempt))
        for each in figures]
    before = sum(each.materials_before for each in figures)
    exempt, after, share = certificates(figures)
    reduction = overall_reduction(figures)
    sourced = [each for each in figures if each.sourced]
    total = ("all", str(sum(each.items for each in figures)), "",
             _days(sum(each.standalone for each in sourced) if sourced else None),
             _days(sum(each.critical_path or 0 for each in figures)),
             str(sum(each.committed for each in figures)),
             "—" if reduction is None else f"{reduction:.0%}", f"{before} → {after}",
             str(exempt))
    click.echo(render_table(header, rows, total))
    saving = (f"committed limits {reduction:.1%} below the items' statutory limits one after "
              f"another, over the {len(sourced)} bundle(s) whose every item's limit is sourced"
              if reduction is not None else
              "no bundle has every item's statutory limit sourced: no reduction is stated")
    click.echo(f"\n{len(catalog.departments)} departments, {len(catalog.items)} items "
               f"({len(orphan_items(catalog))} in no bundle), {len(catalog.bundles)} bundles; "
               f"{saving}; {exempt} of {after} merged materials "
               f"({share:.0%}) replaced by electronic certificates")


def _days(days: float | None) -> str:
    """Whole days, or a dash where there is no statutory limit to count."""
    return "—" if days is None else f"{days:.0f}"


@catalog_cli.command("describe")
@click.option("--write", "document", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Replace the generated part of this document (e.g. "
                                 "docs/CATALOG.md) instead of printing it.")
def describe_catalog(document: Path | None):
    """Describe the catalog in workflows/ for a reader: its figures, what the check warns of,
    every bundle with its items, bodies and limits with their basis, and the bodies."""
    described = describe(_load_or_exit(current_app.config["WORKFLOWS_DIR"]))
    if document is None:
        click.echo(described, nl=False)
        return
    existing = document.read_text(encoding="utf-8") if document.exists() else ""
    document.write_text(write_below_marker(existing, described), encoding="utf-8")
    click.echo(f"wrote {document}")
