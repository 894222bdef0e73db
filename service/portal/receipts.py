"""受理回执: the receipt's QR code opens the status page through a signed link."""

from __future__ import annotations

import io

import segno
from flask import url_for

from ..access.citizens import signed_link


def status_link(number: str) -> str:
    return url_for("portal.signed_link", token=signed_link(number), _external=True)


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image request, nothing from outside the server)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=2, xmldecl=False,
                                    svgns=True, svgclass="qr", title="扫码查看办理进度")
    return buffer.getvalue().decode()
