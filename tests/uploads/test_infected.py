"""A file a virus scanner flags is refused at upload and, if one was stored before the scanner
knew it, never handed out. The scanner here knows one signature, the EICAR test file's: the
industry's harmless stand-in for a virus (what clamd answers ``FOUND`` to)."""

import pytest
from sqlalchemy import func, select, update

from service.core.database import db
from service.uploads import operations as attachments
from service.uploads.inspection import RefusalReason, UploadRefused
from service.uploads.models import Attachment
from service.uploads.scanning import ScanState
from tests.factories import create
from tests.uploads import files
from tests.uploads.test_attachments import new_draft, stored, upload_store  # noqa: F401
from tests.uploads.test_file_access import attach_to_application, get

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class EicarScanner:
    def scan(self, data: bytes) -> ScanState:
        return ScanState.INFECTED if EICAR in data else ScanState.CLEAN


@pytest.fixture
def scanner(app, monkeypatch):
    monkeypatch.setitem(app.extensions, "virus_scanner", EicarScanner())


def test_an_infected_file_is_refused_and_nothing_is_kept(app, loaded, upload_store, scanner):  # noqa: F811
    draft_id = new_draft(app)
    infected = files.pdf() + b"\n%" + EICAR + b"\n"  # still a PDF by its content
    with app.app_context():
        with pytest.raises(UploadRefused) as refused:
            attachments.attach(infected, "扫描件.pdf", "birth_certificate", draft_id=draft_id)
        assert refused.value.reason == RefusalReason.INFECTED
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        clean = attachments.attach(files.pdf(), "扫描件.pdf", "birth_certificate",
                                   draft_id=draft_id)
        assert clean.scan_state == ScanState.CLEAN
        db.session.commit()
    assert stored(upload_store) == [clean.digest]


def test_a_file_found_infected_later_is_never_served(app, client, upload_store):  # noqa: F811
    number = create(client, "newborn")["number"]
    attachment_id = attach_to_application(app, number, files.png(), "出生医学证明.png")
    assert get(client, attachment_id, "clerk").status_code == 200
    with app.app_context():
        db.session.execute(update(Attachment).where(Attachment.id == attachment_id)
                           .values(scan_state=ScanState.INFECTED))
        db.session.commit()
    refused = get(client, attachment_id, "clerk")
    assert refused.status_code == 403 and refused.data != files.png()
