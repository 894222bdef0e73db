import click
from flask import current_app
from flask.cli import AppGroup

from ..core.database import db, utcnow
from ..core.tables import render_table
from . import delivery
from .models import OutboxStatus
from .operations import newest

outbox_cli = AppGroup("outbox", help="The messages to applicants and departments: what waits, "
                      "what died, sending by hand, and trying again.")


@outbox_cli.command("list")
@click.option("--status", type=click.Choice([status.value for status in OutboxStatus]),
              help="Only the messages in this state (dead: every try failed).")
@click.option("--limit", default=50, show_default=True, help="The newest this many.")
def list_messages(status, limit):
    """The newest messages: status, tries, the next try or the last error."""
    messages = list(db.session.scalars(
        newest(OutboxStatus(status) if status else None).limit(limit)))
    rows = [(str(message.id), message.status.value, message.kind,
             f"{message.recipient_kind}:{message.recipient}", str(message.attempts),
             _when(message.next_attempt_at or message.sent_at),
             (message.last_error or "")[:60]) for message in messages]
    click.echo(render_table(("id", "status", "kind", "recipient", "tries", "next/sent",
                             "last error"), rows, (f"{len(rows)} shown", *[""] * 6)))


def _when(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--dead", is_flag=True, help="Every dead message.")
def retry(ids, dead):
    """Try messages again from their first try: the IDS given (dead, or pending a retry), or
    --dead for every dead one. A worker delivers them; without one, `flask outbox deliver`."""
    if bool(ids) == dead:
        raise click.UsageError("give message ids, or --dead")
    retried = delivery.retry(None if dead else ids, utcnow())
    db.session.commit()
    skipped = sorted(set(ids) - set(retried))
    click.echo(f"{len(retried)} to be tried again" + (
        f"; not dead nor waiting, left alone: {', '.join(map(str, skipped))}" if skipped else ""))


@outbox_cli.command("deliver")
def deliver():
    """Send every message due now, in this process (with no worker running: a development
    machine on SQLite). A failed one waits for its retry: run the command again later."""
    policy = delivery.Policy.from_config(current_app.config)
    senders = current_app.extensions["outbox_senders"]
    results = [delivery.deliver(message_id, senders, policy).status
               for message_id in delivery.due(utcnow(), policy)]
    click.echo(", ".join(f"{status}: {results.count(status)}" for status in
                         (OutboxStatus.SENT, OutboxStatus.PENDING, OutboxStatus.DEAD)))
