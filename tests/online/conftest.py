"""An applicant on the online counter: signed in with the code the logging SMS gateway wrote,
and a store of uploads of the test's own."""

from __future__ import annotations

import logging
import re

import pytest

from service.uploads.storage import FilesystemStore
from tests.access.test_pages import csrf_token

PHONE = "13912345678"
SMS_LOGGER = "service.outbox.sms"


@pytest.fixture
def upload_store(app, tmp_path, monkeypatch) -> FilesystemStore:
    store = FilesystemStore(tmp_path / "uploads")
    monkeypatch.setitem(app.extensions, "upload_store", store)
    return store


class SmsTexts(logging.Handler):
    """What the logging SMS gateway wrote, heard at its own logger: caplog's records are those
    of the test's current phase, and a fixture's setup may not see them."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def sms():
    texts, logger = SmsTexts(), logging.getLogger(SMS_LOGGER)
    level = logger.level
    logger.addHandler(texts)
    logger.setLevel(logging.INFO)
    yield texts
    logger.removeHandler(texts)
    logger.setLevel(level)


def last_code(log) -> str:
    """The code in the newest text the logging SMS gateway wrote (``log``: ``sms`` or caplog)."""
    texts = [record.getMessage() for record in log.records if record.name == SMS_LOGGER]
    assert texts, "no text message was logged"
    return re.search(r"验证码为 (\d{6})", texts[-1]).group(1)


def post(browser, url: str, data: dict, page: str = "/apply/sign-in"):
    """A form as a page sends it, with the session's CSRF token (read from ``page``)."""
    token = csrf_token(browser.get(page).get_data(as_text=True))
    return browser.post(url, data={**data, "csrf_token": token})


def sign_in(browser, sms, phone: str = PHONE):
    sent = post(browser, "/apply/sign-in", {"action": "send", "phone": phone})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:3000]
    return post(browser, "/apply/sign-in", {"action": "check", "code": last_code(sms)})


@pytest.fixture
def applicant(app, loaded, upload_store, sms):
    """A browser signed in by PHONE."""
    browser = app.test_client()
    signed = sign_in(browser, sms)
    assert signed.status_code == 302, signed.get_data(as_text=True)[:3000]
    return browser
