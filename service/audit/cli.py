import json
import logging
import sys
from datetime import date, timedelta

import click
from flask.cli import AppGroup

from ..core.database import utcnow
from ..engine.calendar import SHANGHAI, local_date
from .acts import acts_since
from .anchors import AnchorsUnreadable, anchor_line, read_anchors
from .key import audit_key
from .verification import anchor_of, day_start, event_chains, verify

audit_cli = AppGroup("audit", help="Verify the chained history; anchor each day outside the "
                                   "database.")
logger = logging.getLogger(__name__)
DAY = click.DateTime(["%Y-%m-%d"])


@audit_cli.command("verify")
@click.option("--since", type=DAY, help="Only applications with an event from this day on "
                                        "(each whole), and the anchors from this day on.")
@click.option("--anchors", "anchors_file", type=click.File(encoding="utf-8"),
              help="The anchors kept outside the database: lines of flask audit anchor, or "
                   "the log that holds them.")
def verify_command(since, anchors_file):
    """Walk the chains: report every event or administrative act edited, deleted, reordered or
    truncated, by application number; exit status 1 on any finding."""
    since = since.date() if since else None
    try:
        anchors = read_anchors(anchors_file) if anchors_file else []
    except AnchorsUnreadable as unreadable:
        raise click.ClickException(f"{anchors_file.name}: {unreadable}") from None
    total = event_chains().count(since and day_start(since))
    with click.progressbar(length=total, label="applications", file=sys.stderr) as bar:
        result = verify(audit_key(), since, anchors, progress=lambda: bar.update(1))
    for finding in result.findings:
        click.echo(str(finding))
    checked = (f"{result.applications:,} application(s) ({result.events:,} events) and "
               f"{result.acts:,} administrative act(s)"
               + (f" against {result.anchors:,} anchor(s)" if anchors_file else "")
               + (f", from {since}" if since else ""))
    if result.findings:
        chains = len({finding.chain for finding in result.findings})
        click.echo(f"{len(result.findings)} finding(s) in {chains} chain(s): {checked}",
                   err=True)
        sys.exit(1)
    click.echo(f"ok: {checked}, every chain intact")


@audit_cli.command("anchor")
@click.option("--day", type=DAY, help="The day to anchor (Asia/Shanghai; default yesterday).")
def anchor_command(day):
    """Print, and log, the anchor of a day: the head of every chain that grew that day and the
    digest of the day before's anchor. Keep its output outside the database (cron, daily after
    midnight: flask audit anchor >> /somewhere/else/anchors.log)."""
    today = local_date(utcnow())
    day: date = day.date() if day else today - timedelta(days=1)
    if day > today:
        raise click.ClickException(f"{day} has not begun")
    line = anchor_line(anchor_of(audit_key(), day))
    logger.info("audit anchor %s", line)
    click.echo(line)


@audit_cli.command("acts")
@click.option("--since", type=DAY, help="From this day on (Asia/Shanghai).")
def acts_command(since):
    """List the administrative acts: when, who, what, to what, and what changed."""
    for act, username in acts_since(since and day_start(since.date())):
        click.echo(f"{act.seq:>6}  {act.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}  "
                   f"{username or 'system':<12}  {act.action:<22}  {act.subject}  "
                   f"{json.dumps(act.details, ensure_ascii=False, sort_keys=True)}")
