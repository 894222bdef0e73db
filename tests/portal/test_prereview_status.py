"""The status page of an application submitted online, before the window's pre-review (预审): by
which day the service centre must send its one-time correction notice, or the application counts
as accepted on the day it was received (行政许可法 art. 32), on both databases."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from service.access.citizens import signed_link
from service.applications.models import Application
from service.core.database import db, utcnow
from service.engine.calendar import local_date
from service.portal.status import status_of
from service.window.queues import standing
from service.workdays.operations import calendar_around
from tests.access.test_citizens import citizen
from tests.access.test_pages import text
from tests.factories import create, fire

ARTICLE_32 = "第三十二条"


@pytest.fixture
def applicant(app):
    """A browser that opens an application's status page as its QR link does."""
    browser = app.test_client()

    def status_page(number: str) -> str:
        with app.test_request_context():
            token = signed_link(number)
        assert browser.get(f"/s/{token}").status_code == 302
        return text(browser.get("/status"))

    return status_page


def chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def received_days_ago(app, number: str, days: int) -> None:
    with app.app_context():
        db.session.execute(update(Application).where(Application.number == number)
                           .values(created_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def test_online_submission_shows_the_day_the_pre_review_must_answer_by(app, client, applicant):
    number = create(client, channel="online")["number"]
    page = applicant(number)
    assert "已收件，等待窗口预审" in page and "等待窗口受理" not in page
    with app.app_context():
        today = local_date(utcnow())
        found = db.session.scalar(select(Application).where(Application.number == number))
        queue_due = standing([found], calendar_around(today), today)[0].due
    assert queue_due > today  # the window's queue counts five working days from receipt
    assert f"预审期限：<strong>{chinese(queue_due)}</strong>" in page
    assert ARTICLE_32 in page and f"最迟于{chinese(queue_due)}一次性告知" in page
    assert f"自收件之日（{chinese(today)}）起即为受理" in page


def test_a_window_submission_keeps_its_words(client, applicant):
    page = applicant(create(client)["number"])
    assert "已收到您的申请，等待窗口受理" in page
    assert "预审" not in page and ARTICLE_32 not in page


def test_past_the_five_days_without_a_notice_it_counts_as_accepted(app, client, applicant):
    number = create(client, channel="online")["number"]
    received_days_ago(app, number, 12)  # more than five working days, whatever the holidays
    page = applicant(number)
    received = local_date(utcnow() - timedelta(days=12))
    assert "已收件，等待窗口预审" in page and "预审期限" not in page
    assert f"您的申请自收件之日（{chinese(received)}）起即为受理" in page


def test_after_the_notice_and_the_supplement_no_pre_review_clock_is_shown(app, client,
                                                                         applicant):
    created = create(client, channel="online",
                     materials=["parent_id_cards", "household_register"])
    number = created["number"]
    fire(client, number, "request_correction")
    assert "材料需要补正" in applicant(number)
    response = citizen(app, created).post("/api/citizen/application/transitions", json={
        "trigger": "supplement",
        "data": {"materials": ["birth_medical_record", "child_photo"], "channel": "online"}})
    assert response.status_code == 200, response.get_json()
    page = applicant(number)
    assert "已收到您补交的材料，等待窗口受理" in page
    assert "预审期限" not in page and ARTICLE_32 not in page  # the one notice was sent


def test_once_accepted_the_pre_review_is_over(app, client):
    number = create(client, channel="online")["number"]
    fire(client, number, "accept")
    with app.app_context():
        view = status_of(db.session.scalar(select(Application)
                                           .where(Application.number == number)))
    assert view["prereview"] is None and str(view["words"]) == "已受理，各部门正在办理"
