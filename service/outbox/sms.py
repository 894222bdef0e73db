"""The SMS gateway that reaches applicants: ``send(phone, text)``, nothing more. The outbox's
messages to applicants go through it, and so will the online counter's sign-in codes. Only the
logging gateway exists yet (development and tests); a provider's client is one more class here,
chosen by ``SMS_GATEWAY``."""

from __future__ import annotations

import logging
from typing import Protocol

from ..engine.identifiers import mask_phone

log = logging.getLogger(__name__)


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None:
        """Hand one text message to the gateway; raise if it was not accepted."""


class LoggingSmsGateway:
    """Logs each message, the number masked, and sends nothing: never configure it where
    applicants expect their messages."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


GATEWAYS = {"log": LoggingSmsGateway}


def sms_gateway(name: str) -> SmsGateway:
    if name not in GATEWAYS:
        raise RuntimeError(f"SMS_GATEWAY={name!r}: choose one of {', '.join(GATEWAYS)}")
    return GATEWAYS[name]()
