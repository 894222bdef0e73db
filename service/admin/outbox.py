"""The outbox in the console: the messages the service has written for applicants and
departments (warnings, call-backs after a bad rating), and which are not sent yet. Nothing sends
them yet: that is the delivery worker's job when it exists."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from ..applications.models import Application
from ..core.database import db
from ..outbox.models import OutboxMessage
from ..staff.views import Paging
from .pages import bp


@bp.get("/outbox")
def outbox():
    paging = Paging.from_request()
    total, unsent = db.session.execute(select(
        func.count(), func.count().filter(OutboxMessage.sent_at.is_(None)))).one()
    messages = db.session.execute(
        select(OutboxMessage, Application.number)
        .join(Application, Application.id == OutboxMessage.application_id)
        .order_by(OutboxMessage.id.desc()).offset(paging.offset).limit(paging.size)).all()
    return render_template("admin/outbox.html", messages=messages, unsent=unsent,
                           paging=paging.of(total))
