"""Attachments: files judged by content, stored once per content, attached to a draft, moved to
its application on submission, and deleted (the file only once no row uses it, and only after
the commit) when removed, discarded or expired."""

import io
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.applications import drafts
from service.applications.models import Application
from service.core.database import db
from service.engine.actors import applicant_with_phone
from service.engine.states import Channel
from service.uploads import operations as attachments
from service.uploads.inspection import MediaType, RefusalReason, UploadRefused
from service.uploads.models import Attachment
from service.uploads.scanning import NoScanner, ScanState
from service.uploads.storage import FilesystemStore
from tests.conftest import make_app
from tests.factories import application_payload
from tests.uploads import files

PHONE = "13800138000"
NOW = datetime(2026, 11, 30, 2, tzinfo=UTC)


@pytest.fixture
def upload_store(app, tmp_path, monkeypatch) -> FilesystemStore:
    """This test's own store: the session's app keeps files in the instance folder, which every
    test (and the developer's server) would share."""
    store = FilesystemStore(tmp_path / "uploads")
    monkeypatch.setitem(app.extensions, "upload_store", store)
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(store.root))
    return store


def stored(store: FilesystemStore) -> list[str]:
    """The names of the stored files (their digests)."""
    return sorted(path.name for path in store.root.rglob("*") if path.is_file())


def new_draft(app, now: datetime | None = None) -> int:
    """An applicant's online draft."""
    with app.app_context():
        draft = drafts.save(applicant_with_phone(PHONE), "newborn", {}, Channel.ONLINE, now=now)
        db.session.commit()
        return draft.id


def attach(app, data: bytes, name: str = "材料.pdf", material: str = "birth_certificate",
           **owner) -> tuple[int, str]:
    """Attach and commit: the row's id and digest."""
    with app.app_context():
        attachment = attachments.attach(data, name, material, **owner)
        db.session.commit()
        return attachment.id, attachment.digest


def remove(app, attachment_id: int) -> None:
    with app.app_context():
        attachments.remove(attachments.find(attachment_id))
        db.session.commit()


def rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Attachment))


def test_the_store_is_the_configured_directory_or_the_instance_folder(tmp_path):
    configured = make_app("sqlite://", UPLOAD_DIR=str(tmp_path / "files"))
    assert configured.extensions["upload_store"].root == tmp_path / "files"
    default = make_app("sqlite://", UPLOAD_DIR="")
    assert default.extensions["upload_store"].root == Path(default.instance_path) / "uploads"
    assert isinstance(default.extensions["virus_scanner"], NoScanner)


@pytest.mark.parametrize(("data", "name", "media_type", "pages"), [
    (files.pdf(pages=2), "出生医学证明.pdf", MediaType.PDF, 2),
    (files.jpeg(), "户口簿.jpg", MediaType.JPEG, None),
    (files.png(), "身份证.png", MediaType.PNG, None),
])
def test_a_file_is_attached_by_its_content(app, loaded, upload_store, data, name, media_type,
                                           pages):
    draft_id = new_draft(app)
    attachment_id, digest = attach(app, data, name, draft_id=draft_id)
    with app.app_context():
        [attachment] = attachments.of_draft(draft_id)
        assert attachment.id == attachment_id and attachment.application_id is None
        assert (attachment.media_type, attachment.pages, attachment.size) == (
            media_type, pages, len(data))
        assert attachment.filename == name and attachment.material_code == "birth_certificate"
        assert attachment.scan_state is ScanState.NOT_SCANNED  # no scanner: never "clean"
        with attachments.open_file(attachment) as stream:
            assert stream.read() == data
    assert stored(upload_store) == [digest]


@pytest.mark.parametrize(("data", "reason"), [
    (b"", RefusalReason.EMPTY),
    (b"MZ\x90\x00 a program, named as a scan", RefusalReason.UNSUPPORTED_TYPE),
    (files.png()[:60], RefusalReason.DAMAGED),
    (files.pdf(pages=1, user_password="secret"), RefusalReason.ENCRYPTED_PDF),
])
def test_a_refused_file_leaves_no_row_and_no_file(app, loaded, upload_store, data, reason):
    draft_id = new_draft(app)
    with app.app_context(), pytest.raises(UploadRefused) as refused:
        attachments.attach(data, "扫描件.pdf", "birth_certificate", draft_id=draft_id)
    assert refused.value.reason is reason
    assert rows(app) == 0 and stored(upload_store) == []


def test_the_configured_size_limit_refuses_before_storing(app, loaded, upload_store,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_BYTES", 500)
    data = files.pdf(pages=3)
    assert len(data) > 500
    draft_id = new_draft(app)
    with app.app_context():
        stream = io.BytesIO(data)
        with pytest.raises(UploadRefused) as refused:
            attachments.read_upload(stream)
        assert refused.value.reason is RefusalReason.TOO_LARGE
        assert stream.tell() <= 501  # no more than one byte past the limit was read
        with pytest.raises(UploadRefused):
            attachments.attach(data, "申请书.pdf", "form", draft_id=draft_id)
        assert attachments.read_upload(io.BytesIO(b"%PDF-small")) == b"%PDF-small"
    assert rows(app) == 0 and stored(upload_store) == []


def test_an_attachment_has_exactly_one_owner(app, loaded, upload_store):
    draft_id = new_draft(app)
    with app.app_context():
        with pytest.raises(ValueError):
            attachments.attach(files.png(), "a.png", "photo")
        with pytest.raises(ValueError):
            attachments.attach(files.png(), "a.png", "photo", draft_id=draft_id,
                               application_id=draft_id)
    assert stored(upload_store) == []


def test_attachments_are_listed_by_material_then_upload_and_found_by_id(app, loaded,
                                                                       upload_store):
    draft_id, other_draft = new_draft(app), new_draft(app)
    second_photo = attach(app, files.png(), material="photo", draft_id=draft_id)[0]
    form = attach(app, files.pdf(), material="form", draft_id=draft_id)[0]
    third_photo = attach(app, files.jpeg(), material="photo", draft_id=draft_id)[0]
    attach(app, files.pdf(), material="form", draft_id=other_draft)
    with app.app_context():
        assert [row.id for row in attachments.of_draft(draft_id)] == [
            form, second_photo, third_photo]
        assert attachments.find(form).material_code == "form"
        with pytest.raises(attachments.AttachmentNotFound):
            attachments.find(form + 1000)


def test_the_same_content_is_stored_once_and_deleted_with_its_last_row(app, loaded,
                                                                      upload_store):
    data = files.pdf()
    first, digest = attach(app, data, "户口簿.pdf", draft_id=new_draft(app))
    second, same = attach(app, data, "户口簿（复印）.pdf", draft_id=new_draft(app))
    assert same == digest and stored(upload_store) == [digest]
    remove(app, first)
    assert stored(upload_store) == [digest] and rows(app) == 1
    remove(app, second)
    assert stored(upload_store) == [] and rows(app) == 0


def test_a_file_is_deleted_only_when_its_rows_removal_commits(app, loaded, upload_store):
    attachment_id, digest = attach(app, files.png(), draft_id=new_draft(app))
    with app.app_context():
        attachments.remove(attachments.find(attachment_id))
        assert stored(upload_store) == [digest]  # flushed, not committed
        db.session.rollback()
        db.session.commit()  # a later commit does not delete what the rollback kept
        assert attachments.files_deleted_at_last_commit() == 0
    assert stored(upload_store) == [digest] and rows(app) == 1
    with app.app_context():
        attachments.remove(attachments.find(attachment_id))
        assert stored(upload_store) == [digest]
        db.session.commit()
        assert attachments.files_deleted_at_last_commit() == 1
    assert stored(upload_store) == [] and rows(app) == 0


def test_content_removed_and_uploaded_again_in_one_transaction_is_kept(app, loaded,
                                                                        upload_store):
    draft_id = new_draft(app)
    attachment_id, digest = attach(app, files.jpeg(), draft_id=draft_id)
    with app.app_context():
        attachments.remove(attachments.find(attachment_id))
        attachments.attach(files.jpeg(), "重新上传.jpg", "photo", draft_id=draft_id)
        db.session.commit()
        assert attachments.files_deleted_at_last_commit() == 0
        with attachments.open_file(attachments.of_draft(draft_id)[0]) as stream:
            assert stream.read() == files.jpeg()
    assert stored(upload_store) == [digest]


def test_an_upload_of_the_same_content_during_a_removal_keeps_the_file(app, loaded,
                                                                        upload_store):
    """The last row goes while another transaction attaches the same content, not yet
    committed: the removal's check waits for it, sees its row and keeps the file."""
    data = files.pdf(pages=4)
    first, digest = attach(app, data, draft_id=new_draft(app))
    other_draft = new_draft(app)
    attached = threading.Event()

    def upload_then_commit_late() -> None:
        with app.app_context():
            attachments.attach(data, "同一文件.pdf", "form", draft_id=other_draft)
            attached.set()
            time.sleep(0.5)  # the removal commits and checks meanwhile
            db.session.commit()

    uploader = threading.Thread(target=upload_then_commit_late)
    uploader.start()
    try:
        assert attached.wait(10)
        remove(app, first)
    finally:
        uploader.join()
    assert stored(upload_store) == [digest] and rows(app) == 1


def test_submitting_a_draft_moves_its_attachments_to_the_application(app, loaded, client,
                                                                     upload_store):
    payload = application_payload(app, "newborn")
    content = {key: payload[key] for key in ("applicant", "contact_phone", "form", "materials")}
    draft = client.post("/api/drafts", json={"bundle": "newborn", "content": content})
    draft_id = draft.get_json()["id"]
    photo = attach(app, files.jpeg(), material="photo", draft_id=draft_id)[0]
    form, digest = attach(app, files.pdf(), material="form", draft_id=draft_id)
    submitted = client.post(f"/api/drafts/{draft_id}/submit")
    assert submitted.status_code == 201, submitted.get_json()
    with app.app_context():
        application_id = db.session.scalar(select(Application.id).where(
            Application.number == submitted.get_json()["number"]))
        moved = attachments.of_application(application_id)
        assert [row.id for row in moved] == [form, photo]
        assert {row.draft_id for row in moved} == {None}
        assert attachments.of_draft(draft_id) == []
    assert digest in stored(upload_store)


def test_discarding_a_draft_deletes_its_attachments_and_their_files(app, loaded, client,
                                                                    upload_store):
    draft_id = client.post("/api/drafts", json={"bundle": "newborn"}).get_json()["id"]
    attach(app, files.png(), draft_id=draft_id)
    assert client.delete(f"/api/drafts/{draft_id}").status_code == 204
    assert rows(app) == 0 and stored(upload_store) == []


def test_purge_deletes_the_expired_drafts_attachments_and_unshared_files(app, loaded, runner,
                                                                         upload_store):
    expired, kept = new_draft(app, NOW - timedelta(days=31)), new_draft(app, NOW)
    shared = files.pdf(pages=5)
    _, lone = attach(app, files.png(), draft_id=expired)
    attach(app, shared, draft_id=expired)
    attach(app, files.jpeg(), material="photo", draft_id=expired)
    _, shared_digest = attach(app, shared, draft_id=kept)
    assert len(stored(upload_store)) == 3
    result = runner.invoke(args=["drafts", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 expired draft(s) deleted, with 3 attachment(s); 2 stored file(s) deleted" in (
        result.output)
    assert stored(upload_store) == [shared_digest] and lone not in stored(upload_store)
    with app.app_context():
        assert [row.draft_id for row in db.session.scalars(select(Attachment))] == [kept]
        assert drafts.purge_expired() == (0, 0)
