"""Who delivers an outbox message, by the kind of its recipient (``OUTBOX_CITIZEN_SENDER``,
``OUTBOX_DEPARTMENT_SENDER``): the log, a webhook, or (applicants) a text message. A sender
returns when the message was accepted and raises otherwise; the delivery retries it."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Protocol

from .models import OutboxMessage
from .sms import SmsGateway, sms_gateway

log = logging.getLogger(__name__)
MESSAGE_ID_HEADER = "X-Onething-Message-Id"  # the same on every try: receivers deduplicate by it
SIGNATURE_HEADER = "X-Onething-Signature"  # sha256=<hex HMAC-SHA256 of the body>
RECIPIENT_KINDS = ("citizen", "department")


class DeliveryFailed(Exception):
    pass


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


def document(message: OutboxMessage) -> dict:
    """The message as a receiver gets it. A citizen is named by their application's number:
    never a phone number."""
    return {"id": message.id, "kind": message.kind, "recipient_kind": message.recipient_kind,
            "recipient": message.recipient, "application_id": message.application_id,
            "item_code": message.item_code, "payload": message.payload,
            "created_at": message.created_at.isoformat()}


class LogSender:
    def send(self, message: OutboxMessage) -> None:
        log.info("outbox message %d (%s) to %s %s", message.id, message.kind,
                 message.recipient_kind, message.recipient)


class WebhookSender:
    """POSTs the message as JSON, signed with the shared secret; any answer but 2xx fails."""

    def __init__(self, url: str, secret: str, timeout: float):
        self.url, self.secret, self.timeout = url, secret.encode(), timeout

    def send(self, message: OutboxMessage) -> None:
        body = json.dumps(document(message), ensure_ascii=False, sort_keys=True).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            MESSAGE_ID_HEADER: str(message.id),
            SIGNATURE_HEADER: "sha256=" + signature(self.secret, body),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryFailed(f"webhook unreachable: {error}") from error
        if not 200 <= status < 300:
            raise DeliveryFailed(f"webhook answered HTTP {status}")


def signature(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


class SmsSender:
    """A text message to the applicant's contact phone, looked up when it is sent (``phone_of``:
    the message's application's), so the outbox holds no phone number."""

    def __init__(self, gateway: SmsGateway, phone_of: Callable[[OutboxMessage], str]):
        self.gateway, self.phone_of = gateway, phone_of

    def send(self, message: OutboxMessage) -> None:
        text = message.payload.get("text") or (
            f"您的办件{message.payload.get('application', '')}有新的进展，请凭查询码查询。")
        self.gateway.send(self.phone_of(message), text)


def senders_from(config: Mapping, phone_of: Callable[[OutboxMessage], str]) -> dict[str, Sender]:
    """One sender per recipient kind, as configured; a configuration that cannot deliver
    refuses to start."""
    def build(kind: str, name: str) -> Sender:
        if name == "log":
            return LogSender()
        if name == "webhook":
            if not (config["OUTBOX_WEBHOOK_URL"] and config["OUTBOX_WEBHOOK_SECRET"]):
                raise RuntimeError("the webhook sender needs OUTBOX_WEBHOOK_URL and "
                                   "OUTBOX_WEBHOOK_SECRET")
            if config["OUTBOX_WEBHOOK_TIMEOUT"] >= config["OUTBOX_LEASE_SECONDS"]:
                raise RuntimeError("OUTBOX_LEASE_SECONDS must exceed OUTBOX_WEBHOOK_TIMEOUT: a "
                                   "lease must outlast the request it covers")
            return WebhookSender(config["OUTBOX_WEBHOOK_URL"], config["OUTBOX_WEBHOOK_SECRET"],
                                 config["OUTBOX_WEBHOOK_TIMEOUT"])
        if name == "sms" and kind == "citizen":
            return SmsSender(sms_gateway(config["SMS_GATEWAY"]), phone_of)
        raise RuntimeError(f"OUTBOX_{kind.upper()}_SENDER={name!r}: choose log, webhook"
                           + (" or sms" if kind == "citizen" else ""))

    return {kind: build(kind, config[f"OUTBOX_{kind.upper()}_SENDER"])
            for kind in RECIPIENT_KINDS}
