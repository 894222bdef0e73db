"""Running applications moved to a newer version of their bundle, rule by rule, on both
databases (the restaurant: its licence, signboard and fire check each wait on the business
licence)."""

import copy

import pytest
from sqlalchemy import select

from service.applications.migration import migrate_applications
from service.applications.models import Application, ApplicationItem, Event
from service.audit.models import AdminAct
from service.catalog.drafts import publish_draft, save_draft, start_draft
from service.catalog.editing import save_entry
from service.catalog.models import ServiceItem
from service.core.database import db, utcnow
from service.engine.actors import SYSTEM
from tests.factories import create, decide, fire

ESTABLISHMENT, PERMIT, SIGN, FIRE = ("business_establishment", "food_business_permit",
                                     "outdoor_signboard", "fire_safety_inspection")


def accepted(client) -> str:
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    return number


def new_version(app, edit=lambda text: text, items: dict | None = None) -> int:
    """Restaurant's next version: its YAML edited, after its items' definitions changed."""
    with app.app_context():
        for code, changes in (items or {}).items():
            data = copy.deepcopy(db.session.get(ServiceItem, code).definition)
            data.update(changes(data))
            save_entry("items", {**data, "basis": data["basis"] or "unknown"}, None, code=code)
        draft = start_draft("restaurant", None)
        save_draft(draft, edit(draft.text), draft.revision, None)
        version = publish_draft(draft, draft.revision)
        db.session.commit()
        return version.version


def migrate(app, to: int, dry_run: bool = False):
    with app.app_context():
        return migrate_applications("restaurant", to, SYSTEM, utcnow(), dry_run=dry_run,
                                    yellow_share=app.config["WARNING_YELLOW_SHARE"])


def rows(app, number) -> dict[str, ApplicationItem]:
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.number == number))
        return {row.item_code: row for row in application.items}


def version_of(app, number) -> int:
    with app.app_context():
        return db.session.scalar(select(Application).where(
            Application.number == number)).bundle_version.version


def committed(limit: int):
    return lambda data: {"limits": {**data["limits"], "committed": limit}}


def test_new_limits_keep_progress_and_recompute_the_clock(app, client):
    number = accepted(client)
    fire(client, number, "start_review", ESTABLISHMENT)
    before = rows(app, number)[ESTABLISHMENT]
    version = new_version(app, items={ESTABLISHMENT: committed(2)})
    report = migrate(app, version)
    assert [verdict.migrate for verdict in report.verdicts] == [True]
    assert report.verdicts[0].changes == [f"{ESTABLISHMENT}: limits changed"]
    after = rows(app, number)[ESTABLISHMENT]
    assert after.state == before.state == "reviewing"
    assert after.clock_started_on == before.clock_started_on
    assert after.committed_due > before.committed_due  # 2 working days, not 1
    assert version_of(app, number) == version
    with app.app_context():
        event = db.session.scalars(select(Event).where(
            Event.trigger == "migrate_version")).one()
        assert event.data["from"] == 1 and event.data["to"] == version
        act = db.session.scalars(select(AdminAct).where(
            AdminAct.action == "bundle.migrated")).one()
        assert (act.subject, act.details) == ("restaurant", {"number": number, "from": 1,
                                                             "to": version})
    assert migrate(app, version).verdicts == []  # twice: nothing left to move


def test_an_added_item_opens_or_waits_by_its_prerequisites(app, client):
    waiting = accepted(client)
    ready = accepted(client)
    decide(client, ready, ESTABLISHMENT)
    version = new_version(app, lambda text: text + (
        "      - item: water_connection\n        after: [business_establishment]\n"))
    assert all(verdict.migrate for verdict in migrate(app, version).verdicts)
    assert rows(app, waiting)["water_connection"].state == "pending"
    opened = rows(app, ready)["water_connection"]
    assert opened.state == "open" and opened.clock_started_on is not None
    assert opened.committed_due is not None


def test_a_removed_item_is_dropped_only_before_it_starts(app, client):
    pending = accepted(client)
    started = accepted(client)
    decide(client, started, ESTABLISHMENT)  # the fire check opens
    version = new_version(app, lambda text: text.replace(
        "      - item: fire_safety_inspection\n        after: [business_establishment]\n", ""))
    verdicts = {verdict.number: verdict for verdict in migrate(app, version).verdicts}
    assert verdicts[pending].migrate and FIRE not in rows(app, pending)
    assert not verdicts[started].migrate
    assert verdicts[started].reasons == [f"{FIRE}: removed by v{version}, but already open"]
    assert FIRE in rows(app, started) and version_of(app, started) == 1


def test_an_item_changed_otherwise_blocks_once_it_started(app, client):
    pending = accepted(client)
    started = accepted(client)
    decide(client, started, ESTABLISHMENT)
    version = new_version(app, items={PERMIT: lambda data: {
        "materials": [*data["materials"], "premises_proof"]}})
    verdicts = {verdict.number: verdict for verdict in migrate(app, version).verdicts}
    assert verdicts[pending].migrate
    assert verdicts[started].reasons == [
        f"{PERMIT}: materials changed, but the item is already open"]


def test_a_dry_run_changes_nothing(app, client):
    number = accepted(client)
    version = new_version(app, items={ESTABLISHMENT: committed(2)})
    before = rows(app, number)[ESTABLISHMENT].committed_due
    report = migrate(app, version, dry_run=True)
    assert [verdict.migrate for verdict in report.verdicts] == [True]
    assert version_of(app, number) == 1
    assert rows(app, number)[ESTABLISHMENT].committed_due == before


def test_moving_back_undoes_a_migration_while_nothing_happened_since(app, client):
    undone = accepted(client)
    moved_on = accepted(client)
    for number in (undone, moved_on):
        decide(client, number, ESTABLISHMENT)
    version = new_version(app, lambda text: text + (
        "      - item: water_connection\n        after: [business_establishment]\n"))
    migrate(app, version)
    fire(client, moved_on, "start_review", PERMIT)
    verdicts = {verdict.number: verdict for verdict in migrate(app, 1).verdicts}
    assert verdicts[undone].migrate and version_of(app, undone) == 1
    assert "water_connection" not in rows(app, undone)
    assert not verdicts[moved_on].migrate and "moved on since" in verdicts[moved_on].reasons[0]


def test_concluded_applications_stay_on_their_version(app, client):
    number = accepted(client)
    for item in (ESTABLISHMENT, PERMIT, SIGN, FIRE):
        decide(client, number, item)
    version = new_version(app, items={ESTABLISHMENT: committed(2)})
    assert migrate(app, version).verdicts == []
    assert version_of(app, number) == 1


def test_flask_catalog_migrate_reports_and_moves(app, client, runner):
    number = accepted(client)
    version = new_version(app, items={ESTABLISHMENT: committed(2)})
    dry = runner.invoke(args=["catalog", "migrate", "restaurant", "--to", str(version),
                              "--dry-run"])
    assert dry.exit_code == 0 and f"{number}  v1 → v{version}  would migrate" in dry.output
    assert version_of(app, number) == 1
    done = runner.invoke(args=["catalog", "migrate", "restaurant", "--to", str(version)])
    assert "1 migrated, 0 blocked" in done.output and version_of(app, number) == version
    missing = runner.invoke(args=["catalog", "migrate", "restaurant", "--to", "9"])
    assert missing.exit_code == 1 and "no version 9" in missing.output


@pytest.mark.parametrize("role", ["clerk"])
def test_the_applicant_and_staff_see_the_move_in_the_history(app, client, role):
    number = accepted(client)
    version = new_version(app, items={ESTABLISHMENT: committed(2)})
    migrate(app, version)
    history = client.get(f"/api/applications/{number}").get_json()["history"]
    assert history[-1]["trigger"] == "migrate_version"


def test_the_bundles_own_limits_re_time_the_application(app, client):
    number = accepted(client)
    with app.app_context():
        before = db.session.scalar(select(Application.committed_due).where(
            Application.number == number))
    version = new_version(app, lambda text: text.replace("committed: 7", "committed: 9"))
    [verdict] = migrate(app, version).verdicts
    assert verdict.changes == ["the bundle's limits changed"]
    with app.app_context():
        after = db.session.scalar(select(Application.committed_due).where(
            Application.number == number))
    assert after > before


def test_a_warning_made_stale_by_later_deadlines_is_announced_again_when_reached(app, client):
    number = accepted(client)
    with app.app_context():
        row = db.session.scalar(select(ApplicationItem).join(Application).where(
            Application.number == number, ApplicationItem.item_code == ESTABLISHMENT))
        row.warned_level = "red"  # announced while its deadline was earlier
        db.session.commit()
    version = new_version(app, items={ESTABLISHMENT: committed(2)})
    migrate(app, version)
    assert rows(app, number)[ESTABLISHMENT].warned_level is None  # not reached today
