"""Uploaded materials served to the staff who may see their application.

A file an applicant sent is untrusted content on our own origin: it is sent as a download, or
(an image, when asked) shown in a sandbox that runs nothing and loads nothing but itself, never
sniffed into another type, never cached.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

from flask import Blueprint, request, send_file
from flask_login import current_user
from sqlalchemy import exists, select

from ..access.policy import viewer_of
from ..applications.models import ApplicationItem
from ..core.database import db
from ..core.problems import error_response
from ..uploads import operations as attachments
from ..uploads.inspection import MediaType
from ..uploads.models import Attachment
from ..uploads.scanning import ScanState
from ..uploads.storage import NotStored

log = logging.getLogger(__name__)

bp = Blueprint("files", __name__)

# An image shown in the browser is an image document: its own image and the browser's inline
# styles for it, nothing else; sandboxed, so it has no origin to act with.
FILE_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
SHOWN_INLINE = frozenset({MediaType.JPEG, MediaType.PNG})  # never a PDF: it can carry scripts
_SUFFIXES = {MediaType.PDF: {".pdf"}, MediaType.JPEG: {".jpg", ".jpeg"}, MediaType.PNG: {".png"}}


@bp.route("/files/<int:attachment_id>")
def download(attachment_id: int):
    """An attachment of an application the member of staff may see; `?view=1` shows an image
    in the browser. Anything else, a draft's attachment included, is not found."""
    attachment = _readable(attachment_id)
    if attachment.scan_state == ScanState.INFECTED:  # kept for the record, never handed out
        return error_response(403, "Infected file",
                              f"attachment {attachment.id} did not pass the virus scan",
                              type_="urn:onething:problem:infected-file")
    try:
        stream = attachments.open_file(attachment)
    except NotStored:
        log.error("attachment %s of application %s: its stored file %s is missing",
                  attachment.id, attachment.application_id, attachment.digest)
        return error_response(404, "Stored file missing",
                              f"the file of attachment {attachment.id} is no longer stored",
                              type_="urn:onething:problem:stored-file-missing")
    inline = request.args.get("view") == "1" and attachment.media_type in SHOWN_INLINE
    response = send_file(stream, mimetype=attachment.media_type.value, as_attachment=not inline,
                         download_name=_download_name(attachment), conditional=False, etag=False)
    response.content_length = attachment.size
    # Set here, they win: the app's own headers are only defaults (security.py).
    response.headers["Content-Security-Policy"] = FILE_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _readable(attachment_id: int) -> Attachment:
    """The attachment if it belongs to an application with an item the user sees. Drafts are
    their applicant's alone."""
    attachment = attachments.find(attachment_id)
    if attachment.application_id is None:
        raise attachments.AttachmentNotFound(attachment_id)
    departments = viewer_of(current_user).departments  # None: every department
    if departments is not None and not db.session.scalar(select(exists().where(
            ApplicationItem.application_id == attachment.application_id,
            ApplicationItem.department_code.in_(sorted(departments))))):
        raise attachments.AttachmentNotFound(attachment_id)
    return attachment


def _download_name(attachment: Attachment) -> str:
    """The name the applicant gave, with the suffix of what the file is (the content decided
    the type, not the name): a viewer picked by the suffix then opens it as what it is."""
    name = PurePath(attachment.filename or attachment.material_code)
    suffix = name.suffix.lower()
    if suffix in _SUFFIXES[attachment.media_type]:
        return name.name
    # "scan.pdf" that is a PNG becomes "scan.png"; "证明 v1.2" becomes "证明 v1.2.pdf".
    misnamed = any(suffix in suffixes for suffixes in _SUFFIXES.values())
    return (name.stem if misnamed else name.name) + attachment.media_type.extension
