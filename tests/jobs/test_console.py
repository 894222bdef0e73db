"""The console's outbox page: each message's delivery (status, tries, last error) and a dead
message sent again, by a form with its CSRF token."""

from datetime import timedelta

import pytest

from service.outbox.models import OutboxStatus
from tests.access.test_pages import post_form, sign_in, text
from tests.conftest import PASSWORD
from tests.jobs.test_delivery import START, add_message, due, lose_the_lease, row


@pytest.fixture
def admin(app, staff):
    browser = app.test_client()
    sign_in(browser, "admin", PASSWORD)
    return browser


def test_a_dead_message_shows_its_error_and_is_sent_again_from_the_console(app, client, admin):
    message_id, waiting_id = add_message(app, client), add_message(app, client)
    lose_the_lease(app, message_id, attempts=3)
    due(app, START + timedelta(hours=1))  # its lease expired on the last try: dead

    page = text(admin.get("/admin/outbox"))
    assert "共2条，未发送2条" in page and "待发送 1" in page and "发送失败 1" in page
    assert "its delivery never came back" in page
    assert page.count('name="retry"') == 1 and f'value="{message_id}"' in page
    only_dead = text(admin.get("/admin/outbox?status=dead"))
    assert f'value="{message_id}"' in only_dead and "待发送</td>" not in only_dead

    refused = admin.post("/admin/outbox", data={"retry": str(message_id)})  # no CSRF token
    assert refused.status_code == 400 and row(app, message_id).status == OutboxStatus.DEAD

    sent_again = post_form(admin, "/admin/outbox?status=dead", {"retry": str(message_id)})
    assert sent_again.status_code == 302
    assert sent_again.headers["Location"].endswith("/admin/outbox?status=dead")
    assert (row(app, message_id).status, row(app, message_id).attempts) == (
        OutboxStatus.PENDING, 0)
    assert f"消息{message_id}已重新排队发送" in text(admin.get("/admin/outbox"))

    nonsense = post_form(admin, "/admin/outbox", {"retry": "all of them"})
    assert nonsense.status_code == 302
    assert "不在失败或等待重试状态" in text(admin.get("/admin/outbox"))
    assert row(app, waiting_id).status == OutboxStatus.PENDING  # untouched throughout
