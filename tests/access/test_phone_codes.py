"""SMS sign-in codes: sent and logged with the number masked, stored as a keyed hash, good once
for five minutes, dead after five wrong tries, the newest only; limits per number and per client
with the wait they impose; landlines and malformed numbers refused; old codes purged."""

import hashlib
import logging
import re
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from service.access.models import SignInCode
from service.access.phone_codes import (
    CODE_DIGITS,
    CODE_SECONDS,
    RESEND_SECONDS,
    WRONG_TRIES,
    CodeRefused,
    check_code,
    purge_expired,
    send_code,
)
from service.core.database import db
from service.engine.identifiers import mask_phone
from service.observability.logs import mask_personal_data
from service.outbox import sms
from tests.conftest import postgresql_only

PHONE = "13800138000"
OTHER = "13900139000"
ADDRESS = "198.51.100.7"
STRANGER = "203.0.113.66"
T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CODE = re.compile(r"验证码为 ([0-9]+)，")
WRONG = "验证码不正确或已失效，请重新获取"


@contextmanager
def request_from(app, address: str = ADDRESS):
    with app.test_request_context("/", method="POST", environ_base={"REMOTE_ADDR": address}):
        yield


def run(app, operation, *args, address: str = ADDRESS, **kwargs):
    """``operation`` in a request from ``address``, committed as a page answering 200 does,
    even when it refuses."""
    with request_from(app, address):
        try:
            return operation(*args, **kwargs)
        finally:
            db.session.commit()


def refused(app, operation, *args, **kwargs) -> CodeRefused:
    with pytest.raises(CodeRefused) as raised:
        run(app, operation, *args, **kwargs)
    return raised.value


@pytest.fixture
def texts(caplog):
    caplog.set_level(logging.INFO, logger="service.outbox.sms")
    return caplog


def sms_lines(caplog, phone: str = PHONE) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == "service.outbox.sms" and mask_phone(phone) in record.getMessage()]


def last_code(caplog, phone: str = PHONE) -> str:
    return CODE.search(sms_lines(caplog, phone)[-1]).group(1)


def warnings(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records
            if record.name == "service.access.phone_codes" and record.levelno >= logging.WARNING]


def send(app, caplog, phone: str = PHONE, now: datetime = T0, address: str = ADDRESS) -> str:
    """Send a code; the code, read from the logging gateway's line."""
    assert run(app, send_code, phone, now=now, address=address) == phone
    return last_code(caplog, phone)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** CODE_DIGITS:0{CODE_DIGITS}d}"


def codes(app) -> list[SignInCode]:
    with app.app_context():
        rows = db.session.scalars(select(SignInCode).order_by(SignInCode.id)).all()
        db.session.expunge_all()
        return rows


def test_a_code_is_sent_in_chinese_and_logged_with_the_number_masked(app, texts):
    code = send(app, texts)
    assert re.fullmatch(r"[0-9]{6}", code)
    [line] = sms_lines(texts)
    assert line == (f"SMS to 138****8000: 【县政务服务中心】您的登录验证码为 {code}，5分钟内有效。"
                    "如非本人操作，请忽略。")
    assert code in mask_personal_data(line)  # the JSON log lines keep it for the flow tests
    assert not [record for record in texts.records if PHONE in record.getMessage()]
    assert not [record for record in texts.records
                if record.name != "service.outbox.sms" and code in record.getMessage()]


def test_the_text_names_the_configured_centre(app, texts, monkeypatch):
    monkeypatch.setitem(app.config, "SERVICE_CENTRE_NAME", "某某县政务服务中心")
    send(app, texts)
    assert "【某某县政务服务中心】" in sms_lines(texts)[-1]


def test_the_row_holds_a_keyed_hash_never_the_code(app, texts, monkeypatch):
    code = send(app, texts)
    [row] = codes(app)
    assert row.phone == PHONE and row.used_at is None and row.wrong_tries == 0
    assert re.fullmatch(r"[0-9a-f]{64}", row.code_hash) and code not in row.code_hash
    assert row.code_hash not in {hashlib.sha256(text.encode()).hexdigest()
                                 for text in (code, PHONE + code, code + PHONE)}
    assert row.created_at == T0 and row.expires_at == T0 + timedelta(seconds=CODE_SECONDS)
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key-of-at-least-32-bytes")
    assert refused(app, check_code, PHONE, code, now=T0).message == WRONG


def test_a_code_signs_in_once(app, texts):
    code = send(app, texts)
    assert run(app, check_code, PHONE, code, now=T0 + timedelta(seconds=10)) == PHONE
    assert codes(app)[0].used_at == T0 + timedelta(seconds=10)
    assert refused(app, check_code, PHONE, code, now=T0 + timedelta(seconds=20)).message == WRONG


def test_a_code_is_for_its_own_number_only(app, texts):
    code = send(app, texts)
    send(app, texts, OTHER)
    assert refused(app, check_code, OTHER, code, now=T0).message == WRONG


def test_a_code_expires_after_code_seconds(app, texts):
    late = send(app, texts, PHONE)
    in_time = send(app, texts, OTHER)
    assert run(app, check_code, OTHER, in_time, now=T0 + timedelta(seconds=CODE_SECONDS - 1))
    gone = refused(app, check_code, PHONE, late, now=T0 + timedelta(seconds=CODE_SECONDS))
    assert gone.message == WRONG and gone.retry_after == 0


def test_wrong_tries_count_on_the_code_and_kill_it(app, texts):
    code = send(app, texts)
    for _ in range(WRONG_TRIES - 1):
        assert refused(app, check_code, PHONE, wrong(code), now=T0).message == WRONG
    assert codes(app)[0].wrong_tries == WRONG_TRIES - 1
    assert run(app, check_code, PHONE, code, now=T0) == PHONE

    code = send(app, texts, now=T0 + timedelta(seconds=RESEND_SECONDS))
    for attempt in range(WRONG_TRIES):  # from many clients: the code counts them all
        refused(app, check_code, PHONE, wrong(code), now=T0, address=f"203.0.113.{attempt}")
    assert codes(app)[-1].wrong_tries == WRONG_TRIES
    assert refused(app, check_code, PHONE, code, now=T0).message == WRONG


def test_a_dead_code_is_logged_with_the_number_masked(app, texts):
    code = send(app, texts)
    for attempt in range(WRONG_TRIES):
        refused(app, check_code, PHONE, wrong(code), now=T0, address=f"203.0.113.{attempt}")
    [dead] = [record.getMessage() for record in warnings(texts)]
    assert "138****8000" in dead and PHONE not in dead and code not in dead


def test_only_the_newest_code_works(app, texts):
    older = send(app, texts)
    newer = send(app, texts, now=T0 + timedelta(seconds=RESEND_SECONDS))
    assert older != newer or pytest.skip("the two random codes happened to be equal")
    at = T0 + timedelta(seconds=RESEND_SECONDS + 5)
    assert refused(app, check_code, PHONE, older, now=at).message == WRONG
    assert run(app, check_code, PHONE, newer, now=at) == PHONE


def test_every_wrong_case_has_one_message(app, texts):
    used = send(app, texts, PHONE)
    run(app, check_code, PHONE, used, now=T0)
    expired = send(app, texts, OTHER)
    answers = [
        refused(app, check_code, PHONE, used, now=T0),  # used
        refused(app, check_code, OTHER, expired, now=T0 + timedelta(hours=1)),  # expired
        refused(app, check_code, "13700137000", "123456", now=T0),  # none sent
        refused(app, check_code, OTHER, "12345a", now=T0, address=STRANGER),  # wrong
    ]
    assert {(answer.message, answer.retry_after) for answer in answers} == {(WRONG, 0)}


def test_one_code_a_minute_per_number(app, texts):
    send(app, texts)
    early = refused(app, send_code, PHONE, now=T0 + timedelta(seconds=30), address=STRANGER)
    assert early.retry_after == 30 and early.message == "请 30 秒后再获取验证码"
    assert len(sms_lines(texts)) == 1 and len(codes(app)) == 1
    send(app, texts, now=T0 + timedelta(seconds=RESEND_SECONDS), address=STRANGER)


def test_five_codes_an_hour_per_number(app, texts):
    for minute in range(5):
        send(app, texts, now=T0 + timedelta(minutes=minute))
    sixth = refused(app, send_code, PHONE, now=T0 + timedelta(minutes=5))
    assert sixth.retry_after == 55 * 60 and sixth.message == "获取验证码过于频繁，请 55 分钟后再试"
    send(app, texts, now=T0 + timedelta(hours=1))


def test_ten_codes_a_day_per_number_from_any_clients(app, texts):
    sent_at = [T0 + timedelta(minutes=minute) for minute in range(5)]
    sent_at += [T0 + timedelta(hours=2, minutes=minute) for minute in range(5)]
    for index, at in enumerate(sent_at):
        send(app, texts, now=at, address=f"203.0.113.{index}")
    eleventh = refused(app, send_code, PHONE, now=T0 + timedelta(hours=4), address=STRANGER)
    assert eleventh.retry_after == 20 * 3600
    assert eleventh.message == "获取验证码过于频繁，请 20 小时后再试"
    send(app, texts, now=T0 + timedelta(days=1), address=STRANGER)


def test_ten_codes_an_hour_per_client_across_numbers(app, texts):
    numbers = [f"1380013{serial:04d}" for serial in range(11)]
    for number in numbers[:10]:
        send(app, texts, number)
    eleventh = refused(app, send_code, numbers[10])
    assert 3590 < eleventh.retry_after <= 3600
    assert eleventh.message == "获取验证码过于频繁，请 60 分钟后再试"
    assert not sms_lines(texts, numbers[10])
    send(app, texts, numbers[10], address=STRANGER)


def test_wrong_codes_lock_the_client_out_for_longer_each_time(app, texts):
    code = send(app, texts, now=datetime.now(UTC))
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        for serial in range(5):  # codes for numbers that were sent none
            assert refused(app, check_code, f"1370013{serial:04d}", "123456").message == WRONG
        locked = refused(app, check_code, PHONE, code)  # not even the right code is checked
        assert locked.retry_after == 60 and locked.message == "尝试次数过多，请 1 分钟后再试"
        assert run(app, check_code, PHONE, code, address=STRANGER) == PHONE
        traveller.shift(61)
        assert refused(app, check_code, PHONE, "123456").message == WRONG
        assert refused(app, check_code, PHONE, "123456").retry_after == 120


def test_a_client_locked_out_for_wrong_codes_leaves_the_number_to_its_owner(app, texts):
    for serial in range(10):
        refused(app, check_code, PHONE, f"{serial:06d}", address=STRANGER)
    code = send(app, texts, now=datetime.now(UTC))
    assert run(app, check_code, PHONE, code) == PHONE


@pytest.mark.parametrize("landline", ["0731-88888888", "010 8888 8888", "(0731)8888888"])
def test_a_landline_is_refused(app, texts, landline):
    answer = refused(app, send_code, landline)
    assert answer.message == "固定电话无法接收短信，请填写11位手机号码" and answer.retry_after == 0
    assert not codes(app) and not sms_lines(texts)


@pytest.mark.parametrize("number", ["", "12345", "1380013800", "138001380001", "12800138000",
                                    "23800138000", "1380013800x", "+1 13800138000"])
def test_a_malformed_number_is_refused(app, texts, number):
    for operation, args in ((send_code, ()), (check_code, ("123456",))):
        answer = refused(app, operation, number, *args)
        assert answer.message == "手机号码不正确：应为11位数字" and answer.retry_after == 0
    assert not codes(app)


def full_width(digits: str) -> str:
    """The digits as a Chinese keyboard may type them (０-９)."""
    return digits.translate({ord(digit): ord(digit) + 0xFEE0 for digit in "0123456789"})


def test_numbers_and_codes_are_normalised(app, texts):
    assert run(app, send_code, "+86 138-0013-8000", now=T0) == PHONE
    code = last_code(texts)
    assert run(app, check_code, full_width("138 0013 8000"), f" {code[:3]} {code[3:]} ",
               now=T0) == PHONE
    other = send(app, texts, OTHER)
    assert run(app, check_code, "0086" + OTHER, full_width(other), now=T0) == OTHER


class RefusingGateway:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError(f"gateway refused {phone}: {text}")


def test_a_gateway_failure_is_refused_and_leaves_no_code(app, texts, monkeypatch):
    monkeypatch.setitem(sms.GATEWAYS, "refusing", RefusingGateway)
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "refusing")
    answer = refused(app, send_code, PHONE)  # committed after it, as a page answering 200 does
    assert answer.message == "短信发送失败，请稍后再试" and answer.retry_after == 0
    assert not codes(app)
    [warning] = warnings(texts)
    assert warning.getMessage() == "sign-in code to 138****8000 not sent: ConnectionError"
    assert warning.exc_info is None
    monkeypatch.setitem(app.config, "SMS_GATEWAY", "log")
    send(app, texts, now=T0 + timedelta(seconds=1))  # no code was sent: no minute to wait


def test_purge_deletes_codes_expired_for_more_than_a_day(app):
    ages = [timedelta(days=2), timedelta(days=1, seconds=1), timedelta(hours=23),
            -timedelta(minutes=4)]  # expired so long ago; the last still alive
    with app.app_context():
        for age in ages:
            db.session.add(SignInCode(phone=PHONE, code_hash="0" * 64, wrong_tries=0,
                                      created_at=T0 - age - timedelta(seconds=CODE_SECONDS),
                                      expires_at=T0 - age))
        db.session.commit()
        assert purge_expired(now=T0) == 2
        db.session.commit()
    assert [row.expires_at for row in codes(app)] == [T0 - age for age in ages[2:]]


def test_purge_from_the_command_line(app, runner):
    now = datetime.now(UTC)
    with app.app_context():
        for expired in (now - timedelta(days=3), now):
            db.session.add(SignInCode(phone=PHONE, code_hash="0" * 64, wrong_tries=0,
                                      created_at=expired - timedelta(minutes=5),
                                      expires_at=expired))
        db.session.commit()
    result = runner.invoke(args=["users", "purge-codes"])
    assert result.exit_code == 0 and "1 expired sign-in code(s) deleted" in result.output
    assert len(codes(app)) == 1


def _hold_then_race(app, first, second) -> object:
    """``first`` in its own transaction, held open while ``second`` starts in another; the first
    commits after a pause. What ``second`` returned or raised."""
    started, outcome = threading.Event(), {}

    def hold() -> None:
        with request_from(app, "203.0.113.1"):
            first()
            started.set()
            time.sleep(0.5)
            db.session.commit()

    holder = threading.Thread(target=hold)
    holder.start()
    assert started.wait(10)
    with request_from(app, "203.0.113.2"):
        try:
            outcome["result"] = second()
        except CodeRefused as error:
            outcome["result"] = error
        db.session.commit()
    holder.join()
    return outcome["result"]


@postgresql_only
def test_two_requests_at_once_send_one_code(app, texts):
    second = _hold_then_race(app, lambda: send_code(PHONE, now=T0),
                             lambda: send_code(PHONE, now=T0 + timedelta(seconds=1)))
    assert isinstance(second, CodeRefused) and second.retry_after == RESEND_SECONDS - 1
    assert len(codes(app)) == 1 and len(sms_lines(texts)) == 1


@postgresql_only
def test_the_right_code_twice_at_once_signs_in_once(app, texts):
    code = send(app, texts)
    second = _hold_then_race(app, lambda: check_code(PHONE, code, now=T0),
                             lambda: check_code(PHONE, code, now=T0))
    assert isinstance(second, CodeRefused) and second.message == WRONG
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInCode)
                                 .where(SignInCode.used_at.is_not(None))) == 1
