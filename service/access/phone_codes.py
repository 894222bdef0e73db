"""One-time codes sent by SMS to sign applicants in on the online counter by their mobile number.

A code is six random digits, good for five minutes, once; five wrong tries kill it, and only the
newest code of a number works. The table keeps a keyed hash of the number and the code
(HMAC-SHA256 under SECRET_KEY), never the code: a copy of the table signs nobody in.

A text costs money and can flood someone's phone, so sending is limited per number, counted from
the codes' rows (one a minute, five an hour, ten a day), and per client through attempts.py (ten
within an hour across numbers, then an hour's wait). Wrong codes count against the client with a
lockout that grows, as wrong query codes do: six digits are a million guesses, and five tries per
code, ten codes a day per number and the lockout keep them out of reach. A number is never locked
by wrong codes, or anyone could keep its owner out; its sending limits can be used up by others,
the price of protecting the phone itself.

Two requests at once: on PostgreSQL, sending takes a transaction-level advisory lock on the
number, so a second request waits until the first commits (its text sent) and then finds its
code: never two texts within a minute. SQLite (development) lets both count before either writes,
and both may be sent. A code is spent by one UPDATE that checks again that it is unused, unexpired
and alive, so it signs in once on any database, whatever the race. The per-client counts are
checked, then added to: requests arriving together may pass a client's limit by one each.

Both operations flush. A wrong try is counted on its code in the caller's transaction, so the page
must commit it: pages answer a form with errors with 200, which commits. A text the gateway
refused leaves no code behind, whatever the caller then does with its transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
import unicodedata
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from ..core.database import db, utcnow
from ..engine import identifiers
from ..engine.identifiers import mask_phone
from ..outbox.sms import sms_gateway
from .attempts import DAY, HOUR, MINUTE, Backoff, attempts, client
from .models import SignInCode

log = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_SECONDS = 300  # a code works for 5 minutes
WRONG_TRIES = 5  # then that code is dead (a new one must be asked for)
RESEND_SECONDS = 60  # one code per number per minute
# Codes per number within each rolling window: (window in seconds, most codes).
NUMBER_LIMITS = ((RESEND_SECONDS, 1), (HOUR, 5), (DAY, 10))
# Ten codes within an hour from one client, across numbers; then an hour's wait. A service
# hall's Wi-Fi or a carrier's NAT puts several applicants behind one address: no fiercer than
# this, nor growing, or the hall's applicants would keep each other out.
CLIENT_CODES = Backoff("sign-in-codes", free=10, first=HOUR, longest=HOUR, window=HOUR)
# Wrong codes from one client: the fifth locks it out for a minute, each after it doubles that.
CLIENT_WRONG_CODES = Backoff("sign-in-wrong-codes", free=5, first=MINUTE, longest=DAY)
PURGE_AFTER = timedelta(days=1)  # past their expiry; the day's count per number needs no older
_NO_CODE = "0" * 64  # compared against when a number has no code, as long as a real hash


class CodeRefused(Exception):
    """message: Chinese, for the form field; retry_after: seconds to wait (0 if not a wait)."""

    def __init__(self, message: str, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def send_code(phone: str, now: datetime | None = None) -> str:
    """Send a new code to the mobile number ``phone``, within the limits; the number, normalised.

    Raises:
        CodeRefused: not a mobile number; a limit is reached (``retry_after`` says how long it
            holds); the gateway did not take the text.
    """
    now = now or utcnow()
    phone = _mobile(phone)
    counts, who = attempts(), client()
    wait = counts.wait(CLIENT_CODES, who)
    if wait:
        raise CodeRefused(_sending_wait(wait), wait)
    gateway = sms_gateway(current_app.config["SMS_GATEWAY"])  # misconfigured: an error, not a 200
    _one_sender_at_a_time(phone)
    wait = _number_wait(phone, now)
    if wait:
        raise CodeRefused(_sending_wait(wait), wait)
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    sent = SignInCode(phone=phone, code_hash=_digest(phone, code), created_at=now,
                      expires_at=now + timedelta(seconds=CODE_SECONDS), wrong_tries=0)
    db.session.add(sent)
    db.session.flush()
    counts.fail(CLIENT_CODES, who)  # a text asked for counts, even one the gateway refuses
    try:
        gateway.send(phone, _text(code))
    except Exception as error:  # whatever a gateway raises, the applicant may try again later
        # Neither the error's text nor a traceback: either may quote the message, code and all.
        log.warning("sign-in code to %s not sent: %s", mask_phone(phone), type(error).__name__)
        db.session.delete(sent)
        db.session.flush()
        raise CodeRefused(_("短信发送失败，请稍后再试")) from None
    log.info("sign-in code sent to %s", mask_phone(phone))
    return phone


def check_code(phone: str, code: str, now: datetime | None = None) -> str:
    """The number, normalised, if ``code`` is its newest code, unexpired, unused and alive; the
    code is then spent.

    Raises:
        CodeRefused: with one message whatever was wrong (the code, its age, its use, no code
            sent), unless the client must wait after too many wrong codes (``retry_after``).
    """
    now = now or utcnow()
    phone = _mobile(phone)
    counts, who = attempts(), client()
    wait = counts.wait(CLIENT_WRONG_CODES, who)
    if wait:  # a locked-out client's codes are not even checked
        raise CodeRefused(_guessing_wait(wait), wait)
    newest = db.session.scalars(
        select(SignInCode).where(SignInCode.phone == phone)
        .order_by(SignInCode.created_at.desc(), SignInCode.id.desc()).limit(1)).first()
    given = _digest(phone, _compact(code))
    if hmac.compare_digest(newest.code_hash if newest else _NO_CODE, given):
        if _spend(newest, now):
            return phone
    elif newest is not None and _alive(newest, now):
        _count_wrong_try(newest)
    counts.fail(CLIENT_WRONG_CODES, who)
    raise CodeRefused(_("验证码不正确或已失效，请重新获取"))


def purge_expired(now: datetime | None = None) -> int:
    """Delete the codes expired for more than a day; how many."""
    cutoff = (now or utcnow()) - PURGE_AFTER
    return db.session.execute(delete(SignInCode).where(SignInCode.expires_at < cutoff)).rowcount


def _mobile(number: str) -> str:
    number = unicodedata.normalize("NFKC", number)  # full-width digits from a Chinese keyboard
    try:
        return identifiers.mobile(number)
    except identifiers.InvalidIdentifier:
        pass
    try:
        identifiers.phone(number)
    except identifiers.InvalidIdentifier:
        raise CodeRefused(_("手机号码不正确：应为11位数字")) from None
    raise CodeRefused(_("固定电话无法接收短信，请填写11位手机号码"))


def _compact(code: str) -> str:
    return "".join(unicodedata.normalize("NFKC", code).split())


def _digest(phone: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"]
    key = key if isinstance(key, bytes) else str(key).encode()
    return hmac.new(key, f"sign-in-code|{phone}|{code}".encode(), hashlib.sha256).hexdigest()


def _text(code: str) -> str:
    centre = current_app.config["SERVICE_CENTRE_NAME"]
    return (f"【{centre}】您的登录验证码为 {code}，{CODE_SECONDS // 60}分钟内有效。"
            "如非本人操作，请忽略。")


def _one_sender_at_a_time(phone: str) -> None:
    """On PostgreSQL, until this transaction ends, no other sends a code to ``phone``."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(
            func.hashtextextended(f"onething.sign_in_codes/{phone}", 0))))


def _number_wait(phone: str, now: datetime) -> int:
    """Seconds until ``phone`` may be sent another code (0: now): the ``most``-th newest code
    within a window must leave it first."""
    most_in_any = max(most for _window, most in NUMBER_LIMITS)
    recent = db.session.scalars(
        select(SignInCode.created_at)
        .where(SignInCode.phone == phone, SignInCode.created_at > now - timedelta(seconds=DAY))
        .order_by(SignInCode.created_at.desc()).limit(most_in_any)).all()
    waits = [0]
    for window, most in NUMBER_LIMITS:
        if len(recent) >= most:
            leaves = recent[most - 1] + timedelta(seconds=window)
            if leaves > now:
                waits.append(math.ceil((leaves - now).total_seconds()))
    return max(waits)


def _alive(code: SignInCode, now: datetime) -> bool:
    return code.used_at is None and code.expires_at > now and code.wrong_tries < WRONG_TRIES


def _spend(code: SignInCode, now: datetime) -> bool:
    """Mark ``code`` used if it is still alive, in one statement: two tries at once cannot both
    spend it."""
    spent = db.session.execute(
        update(SignInCode)
        .where(SignInCode.id == code.id, SignInCode.used_at.is_(None),
               SignInCode.expires_at > now, SignInCode.wrong_tries < WRONG_TRIES)
        .values(used_at=now))
    return spent.rowcount == 1


def _count_wrong_try(code: SignInCode) -> None:
    code.wrong_tries = SignInCode.wrong_tries + 1  # in SQL: tries at once all count
    db.session.flush()
    if code.wrong_tries == WRONG_TRIES:
        log.warning("sign-in code to %s dead after %d wrong tries", mask_phone(code.phone),
                    WRONG_TRIES)


def _sending_wait(seconds: int) -> str:
    if seconds <= MINUTE:
        return _("请 %(seconds)d 秒后再获取验证码", seconds=seconds)
    if seconds <= HOUR:
        return _("获取验证码过于频繁，请 %(minutes)d 分钟后再试",
                 minutes=math.ceil(seconds / MINUTE))
    return _("获取验证码过于频繁，请 %(hours)d 小时后再试", hours=math.ceil(seconds / HOUR))


def _guessing_wait(seconds: int) -> str:
    if seconds <= HOUR:
        return _("尝试次数过多，请 %(minutes)d 分钟后再试", minutes=math.ceil(seconds / MINUTE))
    return _("尝试次数过多，请 %(hours)d 小时后再试", hours=math.ceil(seconds / HOUR))
