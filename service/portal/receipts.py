"""受理回执: the receipt's QR code opens the status page through a signed link."""

from __future__ import annotations

import io

import segno
from flask import abort, url_for

from ..access.citizens import read_receipt_token, signed_link
from ..applications import operations as applications
from ..applications.models import Application


def receipt_of(token: str) -> tuple[Application, str]:
    """The application a receipt's link names, with its query code; 404 for a link that is
    forged or more than a week old."""
    found = read_receipt_token(token)
    if found is None:
        abort(404)
    number, query_code = found
    return applications.get_application(number), query_code


def status_link(number: str) -> str:
    return url_for("portal.signed_link", token=signed_link(number), _external=True)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image request, nothing from outside the server)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False,
                                    svgns=True, svgclass="qr", title="扫码查看办理进度")
    return buffer.getvalue().decode()
