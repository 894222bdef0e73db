"""One application's deadlines before and after a pause and an extension.

Plays a 开办餐饮店 application through the engine at fixed dates around National Day 2026, in a
temporary SQLite database, and prints its clocks after each step:

    .venv/bin/python docs/examples/clock_walkthrough.py
"""

import tempfile
from datetime import datetime

from flask_migrate import upgrade

from service import create_app
from service.access.demo_accounts import ensure_demo_users
from service.applications import operations
from service.applications.presenters import present
from service.catalog.definitions import load_catalog
from service.catalog.operations import find_version, machine_for, publish
from service.core.config import PROJECT_ROOT
from service.core.database import db
from service.demo.samples import answers_for, applicant_for
from service.engine.actors import staff
from service.engine.calendar import SHANGHAI
from service.engine.states import Trigger
from service.workdays.operations import seed_from_library

ITEM = "fire_safety_inspection"


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=SHANGHAI)


def show(label: str, number: str, now: datetime) -> None:
    application = operations.get_application(number)
    spans = operations.paused_spans(application, operations.history(application))
    body = present(application, spans=spans, today=now.date())
    item = next(each for each in body["items"] if each["item_code"] == ITEM)["clock"]
    clock = body["clock"]
    print(f"{label:<34} {item['committed_due']!s:<11} {item['statutory_due']!s:<11} "
          f"{item['paused_days']:>6} {item['extension_days']:>4}   "
          f"{clock['committed_due']!s:<11} {clock['predicted_on']!s}")


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/walk.sqlite3"})
        with app.app_context():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
            seed_from_library()
            publish(load_catalog(PROJECT_ROOT / "workflows"))
            clerk = staff(ensure_demo_users()["window"].id)
            bundle = machine_for(find_version("restaurant")).bundle
            application, _ = operations.create_application(
                bundle_code="restaurant", channel="window", applicant=applicant_for(bundle, 1),
                contact_phone="13800138000", form=answers_for(bundle),
                materials=sorted(bundle.material_codes), delivery_method="window",
                actor=clerk, now=at(9, 24))
            number = application.number

            def fire(trigger, item=None, reason=None, data=None, when=None):
                operations.fire(number, trigger, item, reason, data or {}, clerk, now=when)

            print(f"{'':<34} {ITEM} (committed 5, statutory 10)   application (committed 7)")
            print(f"{'step':<34} {'committed':<11} {'statutory':<11} {'paused':>6} "
                  f"{'ext':>4}   {'committed':<11} predicted")
            fire(Trigger.ACCEPT, when=at(9, 24))
            fire(Trigger.START_REVIEW, "business_establishment", when=at(9, 24))
            fire(Trigger.APPROVE, "business_establishment", when=at(9, 28), data={
                "opinion": "符合法定条件", "result": {"document": "营业执照",
                                                  "number": "91430121MA4L0000X1"}})
            show("9/28 license approved, item opens", number, at(9, 28))
            fire(Trigger.START_REVIEW, ITEM, when=at(9, 29))
            fire(Trigger.PAUSE, ITEM, "现场消防检测", {"cause": "testing"}, at(9, 29))
            show("9/29 paused for testing", number, at(9, 29))
            fire(Trigger.RESUME, ITEM, when=at(10, 9))
            show("10/9 resumed (3 working days)", number, at(10, 9))
            fire(Trigger.EXTEND, ITEM, "整改后复查", {"days": 5}, at(10, 12))
            show("10/12 extended by 5 working days", number, at(10, 12))
            db.session.rollback()


if __name__ == "__main__":
    main()
