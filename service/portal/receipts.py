"""受理回执: the receipt's link carries the query code for a week, for printing or showing
after an online submission; its QR code opens the status page through a signed link."""

from __future__ import annotations

import io

import segno
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..access.citizens import signed_link

RECEIPT_SECONDS = 7 * 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="receipt")


def receipt_url(number: str, query_code: str) -> str:
    token = _serializer().dumps({"number": number, "code": query_code})
    return url_for("portal.receipt", token=token, _external=True)


def read_receipt_token(token: str) -> tuple[str, str] | None:
    try:
        data = _serializer().loads(token, max_age=RECEIPT_SECONDS)
    except BadSignature:
        return None
    return data["number"], data["code"]


def status_link(number: str) -> str:
    return url_for("portal.signed_link", token=signed_link(number), _external=True)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image request, nothing from outside the server)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False,
                                    svgns=True, svgclass="qr", title="扫码查看办理进度")
    return buffer.getvalue().decode()
