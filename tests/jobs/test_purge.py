"""The nightly purge: an abandoned draft expires and its uploaded files are deleted; sign-in
codes do not outlive their day."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from sqlalchemy import func, select

from service.access.models import SignInCode
from service.applications import drafts
from service.applications.models import Draft
from service.core.database import db, utcnow
from service.engine.actors import applicant_with_phone
from service.engine.states import Channel
from service.jobs.tasks import PURGE
from service.uploads import operations as attachments
from service.uploads.models import Attachment
from tests.uploads import files
from tests.uploads.test_attachments import upload_store  # noqa: F401  (a fixture)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_beat_purges_every_night(app):
    entry = app.extensions["celery"].conf.beat_schedule["purge"]
    assert entry["task"] == PURGE and isinstance(entry["schedule"], crontab)
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {30}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_abandoned_draft_goes_with_its_files_and_old_codes_go(app, loaded, upload_store):  # noqa: F811
    long_ago = utcnow() - timedelta(days=drafts.DRAFT_DAYS + 1)
    owner = applicant_with_phone("13912345678")
    with app.app_context():
        abandoned = drafts.save(owner, "newborn", {}, Channel.ONLINE, now=long_ago)
        kept = drafts.save(owner, "newborn", {}, Channel.ONLINE)
        attachments.attach(files.pdf(), "旧的.pdf", "birth_certificate", draft_id=abandoned.id)
        fresh = attachments.attach(files.png(), "新的.png", "birth_certificate", draft_id=kept.id)
        db.session.add(SignInCode(phone="13912345678", code_hash="0" * 64, created_at=long_ago,
                                  expires_at=long_ago + timedelta(minutes=5), wrong_tries=0))
        db.session.commit()
        kept_id, fresh_digest = kept.id, fresh.digest
    # As beat runs it: through this app's own Celery app (a test process holds several), in the
    # app's context, committing itself.
    app.extensions["celery"].tasks[PURGE]()
    with app.app_context():
        assert [draft.id for draft in db.session.scalars(select(Draft))] == [kept_id]
        assert [row.digest for row in db.session.scalars(select(Attachment))] == [fresh_digest]
        assert count(SignInCode) == 0
    stored = [path.name for path in upload_store.root.rglob("*") if path.is_file()]
    assert stored == [fresh_digest]
