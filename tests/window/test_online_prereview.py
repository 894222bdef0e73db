"""The window's pre-review (预审) of applications submitted online, on both databases: the intake
queue marks them and lists them alone, the application's page lists the files uploaded for each
material, and the decisions and printouts work for them as for the window's own."""

from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import update

from service.applications.models import Application
from service.core.database import db, utcnow
from service.core.i18n import size_words
from service.engine.calendar import local_date
from service.engine.deadlines import INTAKE_NOTICE_DAYS
from service.uploads.models import Attachment
from service.uploads.operations import attach
from service.uploads.scanning import ScanState
from service.uploads.storage import FilesystemStore
from service.workdays.operations import calendar_around
from tests.access.test_citizens import citizen
from tests.access.test_pages import post_form as post
from tests.access.test_pages import sign_in, text
from tests.factories import create, fire
from tests.uploads.files import jpeg, pdf, png

PREREVIEW = "网上申请 · 待预审"
PAPER = ("birth_medical_record", "child_photo")  # the newborn bundle's materials with no
# electronic certificate to stand in for them


@pytest.fixture
def clerk(app, staff):
    browser = app.test_client()
    sign_in(browser, "clerk")
    return browser


@pytest.fixture
def store(app, monkeypatch, tmp_path):
    """Uploads kept in this test's own folder."""
    monkeypatch.setitem(app.extensions, "upload_store", FilesystemStore(tmp_path))


def online(client, **overrides) -> dict:
    return create(client, "newborn", channel="online", **overrides)


def received_days_ago(app, number: str, days: int) -> None:
    with app.app_context():
        db.session.execute(update(Application).where(Application.number == number)
                           .values(created_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def upload(app, number: str, material: str, data: bytes, filename: str) -> int:
    with app.app_context():
        application_id = db.session.scalar(
            db.select(Application.id).where(Application.number == number))
        attachment_id = attach(data, filename, material, application_id=application_id).id
        db.session.commit()
    return attachment_id


def download_link(app, attachment_id: int, **view) -> str:
    with app.test_request_context():
        return url_for("files.download", attachment_id=attachment_id, **view)


def test_online_submissions_wait_in_the_intake_queue_marked_for_pre_review(app, clerk, client):
    older, at_window = online(client)["number"], create(client, "newborn", serial=2)["number"]
    newer = online(client, serial=3)["number"]
    listed = text(clerk.get("/window/applications?queue=intake"))
    assert listed.count(PREREVIEW) == 2 and at_window in listed
    assert listed.index(older) < listed.index(at_window) < listed.index(newer)  # oldest first
    with app.app_context():
        today = local_date(utcnow())
        due = calendar_around(today).add_working_days(today, INTAKE_NOTICE_DAYS)
    assert due.isoformat() in listed
    assert 'class="badge level-green">正常<' in listed  # a word with the colour

    alone = text(clerk.get("/window/applications?queue=intake&channel=online"))
    assert older in alone and newer in alone and at_window not in alone
    assert "共2件" in alone and 'aria-current=page>网上申请待预审 (2)' in alone
    assert at_window in text(clerk.get("/window/applications?queue=intake&channel=other"))

    home = text(clerk.get("/window"))
    assert ('href="/window/applications?queue=intake&amp;channel=online"><strong>2</strong> '
            '网上申请待预审') in home


def test_an_online_submission_near_its_five_days_turns_red_with_its_word(app, clerk, client):
    number = online(client)["number"]
    received_days_ago(app, number, 12)  # more than five working days, whatever the holidays
    listed = text(clerk.get("/window/applications?queue=intake&channel=online"))
    assert 'class="badge level-red">超期<' in listed
    page = text(clerk.get(f"/window/applications/{number}"))
    assert PREREVIEW in page and 'class="badge level-red">超期<' in page


def test_the_page_lists_each_material_with_its_files(app, clerk, client, store):
    number, sent = online(client)["number"], pdf(pages=3)
    record = upload(app, number, "birth_medical_record", sent, "出生记录.pdf")
    photo = upload(app, number, "child_photo", jpeg(), "照片.jpg")
    page = text(clerk.get(f"/window/applications/{number}"))
    assert "网上提交的材料" in page
    assert "出生记录.pdf" in page and "PDF文件" in page and "3页" in page
    assert "照片.jpg" in page and "JPEG图片" in page and "KB" in page
    assert page.count("未查毒") == 2 and "上传于" in page
    assert f'href="{download_link(app, record)}"' in page
    assert f'href="{download_link(app, photo)}"' in page
    # An image opens in a new tab, without access to this page; a PDF is only downloaded.
    assert (f'href="{download_link(app, photo, view=1)}" target="_blank" rel="noopener"'
            in page)
    assert download_link(app, record, view=1) not in page
    assert "免提交（电子证照）" in page  # the parents' ID cards, the household register…
    assert "未上传" not in page.split('id="materials-heading"')[1]
    with clerk.get(download_link(app, record)) as downloaded:  # closes the stored file
        assert downloaded.status_code == 200 and downloaded.data == sent


def test_a_material_without_a_file_is_not_uploaded(app, clerk, client, store):
    number = online(client, materials=["birth_medical_record"])["number"]
    upload(app, number, "birth_medical_record", png(), "记录.png")
    materials = text(clerk.get(f"/window/applications/{number}")).split(
        'id="materials-heading"')[1]
    photo = materials[materials.index("新生儿近期免冠照片"):]
    assert photo.index("未上传") < photo.index("</li>")


def test_an_infected_file_is_listed_but_offers_no_link(app, clerk, client, store):
    """A file a scanner flags later (uploads refuse what it flags at once)."""
    number = online(client)["number"]
    infected = upload(app, number, "child_photo", jpeg(), "照片.jpg")
    with app.app_context():
        db.session.execute(update(Attachment).where(Attachment.id == infected)
                           .values(scan_state=ScanState.INFECTED))
        db.session.commit()
    page = text(clerk.get(f"/window/applications/{number}"))
    assert "照片.jpg" in page and "发现病毒，不可下载" in page
    assert download_link(app, infected) not in page


def test_a_correction_notice_then_the_applicant_uploads_and_supplements_online(
        app, clerk, client, store):
    created = online(client, materials=["birth_medical_record"])
    number = created["number"]
    upload(app, number, "birth_medical_record", pdf(), "记录.pdf")
    noticed = post(clerk, f"/window/applications/{number}/request_correction",
                   {"missing": ["child_photo"], "note-child_photo": "请上传彩色照片",
                    "days": "5"})
    assert noticed.status_code == 302
    notice = text(clerk.get(f"/window/applications/{number}/print/notice"))
    assert "新生儿近期免冠照片" in notice and "请上传彩色照片" in notice
    assert "在网上补传以上材料" in notice
    assert number not in text(clerk.get("/window/applications?queue=intake"))
    assert number in text(clerk.get("/window/applications?queue=correction"))

    later = upload(app, number, "child_photo", jpeg(), "彩色照片.jpg")
    applicant = citizen(app, created)
    supplemented = applicant.post("/api/citizen/application/transitions", json={
        "trigger": "supplement", "data": {"materials": ["child_photo"], "channel": "online"}})
    assert supplemented.status_code == 200, supplemented.get_json()
    listed = text(clerk.get("/window/applications?queue=intake&channel=online"))
    assert number in listed and PREREVIEW in listed
    page = text(clerk.get(f"/window/applications/{number}"))
    files = page.split('id="materials-heading"')[1]
    assert "彩色照片.jpg" in files and "补正时上传" in files
    assert files.count("补正时上传") == 1  # the first file came with the submission
    assert f'href="{download_link(app, later)}"' in files

    accepted = post(clerk, f"/window/applications/{number}/accept", {})
    assert "已受理" in text(clerk.get(accepted.headers["Location"]))


def test_the_receipt_of_an_online_application_claims_no_visit(app, clerk, client):
    number = online(client)["number"]
    fire(client, number, "accept")
    receipt = text(clerk.get(f"/window/applications/{number}/print/receipt"))
    assert "受理回执" in receipt and "网上申请" in receipt and "Clerk" in receipt
    assert "见收件时交给您的告知书或回执" not in receipt  # nothing was handed over
    assert "网上提交申请后页面上显示" in receipt


def test_an_online_application_can_be_refused_with_reason_and_basis(app, clerk, client):
    number = online(client)["number"]
    refused = post(clerk, f"/window/applications/{number}/refuse",
                   {"reason": "不属于本机关职权范围", "basis": "行政许可法第三十二条第一款第二项"})
    assert refused.status_code == 302
    letter = text(clerk.get(f"/window/applications/{number}/print/refusal"))
    assert "不予受理决定书" in letter and "不属于本机关职权范围" in letter


@pytest.mark.parametrize(("size", "words"), [
    (1, "1 KB"), (350 * 1024, "350 KB"), (1024 * 1024 - 1, "1024 KB"),
    (1024 * 1024, "1.0 MB"), (int(2.4 * 1024 * 1024), "2.4 MB"),
])
def test_file_sizes_in_kb_and_mb(size, words):
    assert size_words(size) == words
