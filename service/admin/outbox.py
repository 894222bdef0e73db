"""The outbox in the console: the messages the service has written for applicants and
departments (warnings, notices, call-backs after a bad rating), how their delivery goes, and a
dead one (every try failed) sent to be tried again. Reads and writes are service/outbox's."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..applications.models import Application
from ..core.database import db, utcnow
from ..outbox import delivery, operations
from ..outbox.models import OutboxMessage, OutboxStatus
from ..staff.views import Paging
from .pages import bp


@bp.route("/outbox", methods=["GET", "POST"])
def outbox():
    status = request.args.get("status")
    status = OutboxStatus(status) if status in set(OutboxStatus) else None
    if request.method == "POST":
        return _retry(request.form.get("retry", ""), status)
    paging = Paging.from_request()
    counts = operations.status_counts()
    messages = db.session.execute(
        operations.newest(status).add_columns(Application.number)
        .join(Application, Application.id == OutboxMessage.application_id)
        .offset(paging.offset).limit(paging.size)).all()
    total = counts[status] if status else sum(counts.values())
    return render_template("admin/outbox.html", messages=messages, counts=counts,
                           status=status, unsent=sum(counts.values()) - counts["sent"],
                           paging=paging.of(total))


def _retry(message_id: str, status: OutboxStatus | None):
    if message_id.isdigit() and delivery.retry([int(message_id)], utcnow()):
        flash(_("消息%(id)s已重新排队发送", id=message_id))
    else:
        flash(_("消息%(id)s不在失败或等待重试状态，未重新发送", id=message_id), "error")
    return redirect(url_for(".outbox", status=status and status.value))
