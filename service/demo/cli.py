import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..access.demo_accounts import ensure_demo_users
from ..applications import operations
from ..applications.models import Application
from ..catalog.operations import find_version, machine_for
from ..core.database import db, utcnow
from ..engine.actors import staff
from ..engine.calendar import local_date
from ..engine.states import Trigger
from ..workdays.operations import calendar_around
from .history import play_history
from .samples import answers_for, applicant_for, approval_for

demo_cli = AppGroup("demo", help="Demo data for trying onething out.")

# Who fires each scenario's steps: the demo accounts of `flask users demo`; the supervisor
# follows up the history's bad ratings.
CLERK, REVIEWER, SUPERVISOR = "window", "reviewer", "supervisor"

# (bundle, materials left out, then the triggers fired: (trigger, item, reason, data, actor));
# an approval without data gets the sample opinion and result (samples.approval_for).
# EVERY_ITEM_APPROVED: each item reviewed and approved, in the order the bundle runs them.
EVERY_ITEM_APPROVED = (Trigger.APPROVE, "*", None, {}, REVIEWER)
SCENARIOS = {
    "accepted, first item open, the rest waiting on it": ("newborn", [], [
        (Trigger.ACCEPT, None, None, {}, CLERK)]),
    "in correction: the child's photo is missing, the medical record lacks its seal": (
        "newborn", ["child_photo"], [
            (Trigger.REQUEST_CORRECTION, None, "请一次性补正以下材料", {"missing": [
                {"material": "child_photo", "note": "请补交新生儿近期免冠照片"},
                {"material": "birth_medical_record", "note": "缺少医院盖章"}]}, CLERK)]),
    "refused at intake, with its legal basis and the remedies": ("company_closure", [], [
        (Trigger.REFUSE, None, "企业尚有未结清的税款，不符合简易注销条件",
         {"basis": "《中华人民共和国市场主体登记管理条例》第三十三条"}, CLERK)]),
    "three departments working in parallel": ("restaurant", [], [
        (Trigger.ACCEPT, None, None, {}, CLERK),
        (Trigger.START_REVIEW, "business_establishment", None, {}, REVIEWER),
        (Trigger.APPROVE, "business_establishment", None, {}, REVIEWER),
        (Trigger.START_REVIEW, "fire_safety_inspection", None, {}, REVIEWER)]),
    "concluded, approved, waiting for delivery": ("company_closure", [], [
        (Trigger.ACCEPT, None, None, {}, CLERK), EVERY_ITEM_APPROVED]),
    "delivered": ("newborn", [], [
        (Trigger.ACCEPT, None, None, {}, CLERK), EVERY_ITEM_APPROVED,
        (Trigger.DELIVER, None, None, {"method": "post", "tracking_number": "SF1234567890123"},
         CLERK)]),
}


@demo_cli.command("seed")
@click.option("--history-days", default=22, show_default=True,
              help="working days of past applications to play first (0: none)")
@click.option("--seed", "random_seed", default=7, show_default=True,
              help="for the random choices of the history")
def seed(history_days, random_seed):
    """Demo data, once, on an empty database: a month of past applications played through the
    engine at their dates (for the statistics), then a handful in different states today."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("demo data is not allowed in the production configuration")
    if db.session.scalar(select(func.count()).select_from(Application)):
        click.echo("applications exist already: nothing seeded")
        return
    users = ensure_demo_users()
    accounts = {username: staff(user.id) for username, user in users.items()}
    if history_days:
        today = local_date(utcnow())
        report = play_history(today, history_days, 4, calendar_around(today),
                              clerk=accounts[CLERK], reviewer=accounts[REVIEWER],
                              supervisor=users[SUPERVISOR], seed=random_seed)
        click.echo(f"{report.created} past applications over {history_days} working days: "
                   + ", ".join(f"{state} {count}"
                               for state, count in sorted(report.states.items())))
        click.echo(f"{sum(report.grades.values())} rated ("
                   + ", ".join(f"{grade}: {count}"
                               for grade, count in sorted(report.grades.items(), reverse=True))
                   + f"); {report.followed_up} bad ratings followed up, {report.open_bad} open")
    for serial, (label, (bundle_code, left_out, steps)) in enumerate(SCENARIOS.items(), 1):
        version = find_version(bundle_code)
        if version is None:
            raise click.ClickException(f"bundle {bundle_code!r} is not loaded: "
                                       "run `flask catalog load` first")
        bundle = machine_for(version).bundle
        application, query_code = operations.create_application(
            bundle_code=bundle_code, channel="window", applicant=applicant_for(bundle, serial),
            contact_phone="13800138000", form=answers_for(bundle),
            materials=[code for code in bundle.material_codes if code not in left_out],
            delivery_method="window", actor=accounts[CLERK])
        for trigger, item, reason, data, actor in _expanded(steps, bundle):
            if trigger == Trigger.APPROVE and not data:
                data = approval_for(bundle, item, serial)
            operations.fire(application.number, trigger, item, reason, data, accounts[actor])
        click.echo(f"{application.number}  query code {query_code}  {bundle.name}: {label}")
    db.session.commit()


def _expanded(steps: list, bundle) -> list:
    expanded = []
    for step in steps:
        if step is EVERY_ITEM_APPROVED:
            expanded += [(trigger, item, None, {}, REVIEWER) for item in bundle.execution_order()
                         for trigger in (Trigger.START_REVIEW, Trigger.APPROVE)]
        else:
            expanded.append(step)
    return expanded
