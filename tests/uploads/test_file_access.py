"""Uploaded files served to staff: only to those who see the application (a draft's files to
nobody), as downloads or sandboxed images, never sniffed, never cached."""

import logging
from urllib.parse import quote

import pytest
from sqlalchemy import select

from service.applications.models import Application
from service.core.database import db
from service.staff.files import FILE_POLICY
from service.uploads import operations as attachments
from tests.access.test_pages import sign_in
from tests.factories import create
from tests.uploads import files
from tests.uploads.test_attachments import new_draft, upload_store  # noqa: F401  (a fixture)


def attach_to_application(app, number: str, data: bytes, name: str) -> int:
    with app.app_context():
        application_id = db.session.scalar(select(Application.id).where(
            Application.number == number))
        attachment = attachments.attach(data, name, "form", application_id=application_id)
        db.session.commit()
        return attachment.id


@pytest.fixture
def closure_pdf(app, client, upload_store) -> int:  # noqa: F811
    """A PDF of a company closure, which has a tax office item (the reviewer's department)."""
    number = create(client, "company_closure")["number"]
    return attach_to_application(app, number, files.pdf(pages=2), "清税证明.pdf")


@pytest.fixture
def newborn_png(app, client, upload_store) -> int:  # noqa: F811
    """A PNG of a newborn's application: no item of the tax office."""
    number = create(client, "newborn")["number"]
    return attach_to_application(app, number, files.png(), "出生医学证明.png")


def get(client, attachment_id: int, role: str, query: str = ""):
    """Read whole (buffered), so that the stored file the response streamed is closed."""
    return client.get(f"/files/{attachment_id}{query}", headers=client.staff.headers(role),
                      buffered=True)


@pytest.mark.parametrize("role", ["clerk", "admin", "reviewer", "supervisor"])
def test_staff_who_see_the_application_get_its_file(client, closure_pdf, role):
    response = get(client, closure_pdf, role)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data == files.pdf(pages=2)


def test_a_reviewer_of_another_department_is_told_nothing_exists(client, newborn_png):
    assert get(client, newborn_png, "reviewer").status_code == 404
    assert get(client, newborn_png, "supervisor").status_code == 200  # every department
    assert get(client, newborn_png + 1000, "clerk").status_code == 404


def test_a_drafts_files_are_the_applicants_alone(app, client, upload_store):  # noqa: F811
    with app.app_context():
        attachment = attachments.attach(files.png(), "身份证.png", "id_card",
                                        draft_id=new_draft(app))
        db.session.commit()
        attachment_id = attachment.id
    for role in ("clerk", "admin", "supervisor"):
        assert get(client, attachment_id, role).status_code == 404


def test_strangers_are_sent_to_sign_in_and_other_roles_refused(app, client, closure_pdf):
    stranger = app.test_client()
    response = stranger.get(f"/files/{closure_pdf}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert get(client, closure_pdf, "leader").status_code == 403


def test_a_signed_in_clerks_browser_downloads_it(app, client, closure_pdf):
    browser = app.test_client()
    sign_in(browser, "clerk")
    assert browser.get(f"/files/{closure_pdf}", buffered=True).data == files.pdf(pages=2)


def test_a_file_is_a_sandboxed_uncached_download_named_as_uploaded(client, closure_pdf):
    response = get(client, closure_pdf, "clerk")
    assert response.headers["Content-Security-Policy"] == FILE_POLICY
    assert response.headers["Content-Security-Policy"].startswith("sandbox;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Length"] == str(len(files.pdf(pages=2)))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('清税证明.pdf')}" in disposition
    # A PDF is never shown in the page, even when asked: it can carry scripts.
    asked = get(client, closure_pdf, "clerk", "?view=1")
    assert asked.headers["Content-Disposition"].startswith("attachment;")


def test_an_image_asked_to_be_viewed_is_shown_inline_still_sandboxed(client, newborn_png):
    shown = get(client, newborn_png, "clerk", "?view=1")
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline;")
    assert shown.headers["Content-Security-Policy"] == FILE_POLICY
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert get(client, newborn_png, "clerk").headers["Content-Disposition"].startswith(
        "attachment;")


def test_the_download_is_named_for_what_the_file_is(app, client, upload_store):  # noqa: F811
    number = create(client, "newborn")["number"]
    misnamed = attach_to_application(app, number, files.jpeg(), "scan.pdf")
    dotted = attach_to_application(app, number, files.pdf(), "证明 v1.2")
    assert "filename=scan.jpg" in get(client, misnamed, "clerk").headers[
        "Content-Disposition"]
    assert quote("证明 v1.2.pdf") in get(client, dotted, "clerk").headers["Content-Disposition"]


def test_a_missing_stored_file_is_a_logged_404(app, client, closure_pdf, upload_store,  # noqa: F811
                                               caplog):
    with app.app_context():
        upload_store.delete(attachments.find(closure_pdf).digest)
    with caplog.at_level(logging.ERROR, logger="service.staff.files"):
        response = get(client, closure_pdf, "clerk")
    assert response.status_code == 404
    assert any(record.levelno == logging.ERROR and "is missing" in record.getMessage()
               for record in caplog.records)
