"""What the applicant is told as it happens: a correction notice (the window's or a
department's), an extension of an item's limit, the application concluded (its result ready) or
refused. Each is an outbox message to the citizen, written with the step that caused it and
sent as a text message to the contact phone (service/outbox/senders.py) after the commit."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from ..core.database import db
from ..engine.machine import Step
from ..engine.states import AutomaticTrigger, Outcome, Trigger
from ..outbox.models import OutboxMessage
from .models import Application

_OUTCOMES = {Outcome.APPROVED: "已办结", Outcome.PARTLY_APPROVED: "已办结（部分事项未获许可）",
             Outcome.DENIED: "已办结（未获许可）"}


def notify(application: Application, steps: list[Step], data: dict, now: datetime) -> None:
    """The applicant's messages for the ``steps`` one trigger caused (``data``: its input)."""
    for step in steps:
        notice = _notice(application, step, data)
        if notice is None:
            continue
        kind, details, words = notice
        text = f"【{current_app.config['SERVICE_CENTRE_NAME']}】您的办件{application.number}{words}"
        db.session.add(OutboxMessage(
            application_id=application.id, item_code=step.item, recipient_kind="citizen",
            recipient=application.number, kind=kind, created_at=now,
            payload={"application": application.number, "bundle": application.bundle_code,
                     "item": step.item, **details, "text": text}))


def _notice(application: Application, step: Step, data: dict) -> tuple[str, dict, str] | None:
    if step.automatic:
        if step.trigger == AutomaticTrigger.CONCLUDE:
            outcome = Outcome(application.outcome)
            return ("result_ready", {"outcome": outcome.value},
                    f"{_OUTCOMES[outcome]}，请凭查询码查看结果，按约定方式领取。")
        return None
    if step.trigger == Trigger.REQUEST_CORRECTION:
        due = data["due_on"]
        return ("correction_notice", {"due_on": due.isoformat()},
                f"需补正材料，请于{_day(due)}前补齐，所需材料请凭查询码查看。")
    if step.trigger == Trigger.EXTEND:
        return ("extension", {"days": data["days"]},
                f"有事项经批准延长办理期限{data['days']}个工作日。")
    if step.trigger == Trigger.REFUSE:
        return ("refused", {}, "不予受理，理由及救济途径请凭查询码查看决定书。")
    return None


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def phone_of(message: OutboxMessage) -> str:
    """The contact phone of the application a message to a citizen is about, as it is now."""
    return db.session.scalar(
        select(Application.contact_phone).where(Application.id == message.application_id))
