"""The catalog's items and departments in the console: listed, added and edited. A saved change
reaches applications only through new versions of the bundles it changes: saving drafts them,
and the page lists them for review and publishing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..catalog.canonical import item_entry
from ..catalog.editing import EntryInvalid, save_entry
from ..catalog.models import Department, FormField, Material, ServiceItem
from ..catalog.operations import list_bundles
from ..core.database import db
from ..staff.views import Paging
from .pages import all_departments, bp

ITEM_FIELDS = {  # a problem's path inside the item → the form's field
    "code": "code", "name": "name", "kind": "kind", "department": "department",
    "limits.statutory": "statutory", "limits.committed": "committed", "limits.unit": "unit",
    "limits.extension": "extension", "limits": "statutory", "basis": "basis",
    "fee.amount": "fee_amount", "fee.basis": "fee_basis", "fee": "fee_amount",
    "materials": "materials", "fields": "fields", "produces": "produces"}


@bp.get("/items")
def items():
    paging = Paging.from_request()
    query, department = request.args.get("q", "").strip(), request.args.get("department", "")
    found = select(ServiceItem, Department.name).join(
        Department, Department.code == ServiceItem.department_code)
    if query:
        found = found.where(or_(*(column.icontains(query, autoescape=True) for column in (
            ServiceItem.name, ServiceItem.code))))
    if department:
        found = found.where(ServiceItem.department_code == department)
    total = db.session.scalar(select(func.count()).select_from(found.subquery()))
    rows = db.session.execute(found.order_by(Department.name, ServiceItem.name)
                              .offset(paging.offset).limit(paging.size)).all()
    return render_template("admin/items.html", rows=rows, paging=paging.of(total), query=query,
                           department=department, departments=all_departments())


@bp.route("/items/new", methods=["GET", "POST"])
def new_item():
    data, errors = _blank_item(), {}
    if request.method == "POST":
        data = _item_from_form(request.form)
        saved = _save("items", data, None, errors)
        if saved:
            return redirect(url_for(".item", code=saved))
    return _item_page(data, errors, new=True)


@bp.route("/items/<code>", methods=["GET", "POST"])
def item(code):
    row = db.session.get(ServiceItem, code)
    if row is None:
        abort(404)
    data, errors = item_entry(row.definition), {}
    if request.method == "POST":
        data = {**_item_from_form(request.form), "code": code}
        if _save("items", data, code, errors):
            return redirect(url_for(".item", code=code))
    return _item_page(data, errors, new=False, source=row.source)


@bp.route("/departments", methods=["GET", "POST"])
def departments():
    data, errors = {"code": "", "name": "", "level": "county"}, {}
    if request.method == "POST":
        data = _department_from_form(request.form)
        if _save("departments", data, None, errors):
            return redirect(url_for(".departments"))
    counts = dict(db.session.execute(select(ServiceItem.department_code, func.count())
                                     .group_by(ServiceItem.department_code)).all())
    return render_template("admin/departments.html", departments=all_departments(),
                           counts=counts, data=data, errors=errors,
                           row=None), 422 if errors else 200


@bp.route("/departments/<code>", methods=["GET", "POST"])
def department(code):
    row = db.session.get(Department, code)
    if row is None:
        abort(404)
    data, errors = {"code": code, "name": row.name, "level": row.level or ""}, {}
    if request.method == "POST":
        data = {**_department_from_form(request.form), "code": code}
        if _save("departments", data, code, errors):
            return redirect(url_for(".department", code=code))
    items_of = db.session.scalars(select(ServiceItem).where(ServiceItem.department_code == code)
                                  .order_by(ServiceItem.name)).all()
    return render_template("admin/department.html", row=row, data=data, errors=errors,
                           items=items_of), 422 if errors else 200


def _save(section: str, data: dict, code: str | None, errors: dict) -> str | None:
    """The saved entry's code, or None with ``errors`` filled (field → message; other
    problems, a bundle the change would break, under their file and path)."""
    try:
        saved = save_entry(section, data, current_user.id, code=code)
    except EntryInvalid as invalid:
        for problem in invalid.problems:
            if problem.file == "edited.yaml":
                name = ITEM_FIELDS.get(problem.path) or ITEM_FIELDS.get(
                    problem.path.split("[")[0], problem.path or "code")
            else:
                name = f"{problem.file}: {problem.path}"
            errors.setdefault(name, problem.message)
        return None
    if saved.drafted:
        flash(_("已保存。以下一件事已起草新版本，请核对后发布：%(bundles)s",
                bundles="、".join(saved.drafted)))
    else:
        flash(_("已保存"))
    return saved.code


def _item_page(data: dict, errors: dict, new: bool, source: str | None = None):
    latest = [] if new else list_bundles(retired=True)
    containing = [(bundle.code, bundle.name) for bundle, version in latest
                  if any(each["code"] == data["code"] for each in version.definition["items"])]
    return render_template(
        "admin/item.html", data=data, errors=errors, new=new, source=source,
        departments=all_departments(), bundles=containing,
        materials=db.session.execute(select(Material.code, Material.name)
                                     .order_by(Material.name)).all(),
        fields=db.session.execute(select(FormField.code, FormField.label)
                                  .order_by(FormField.label)).all()), 422 if errors else 200


def _blank_item() -> dict:
    return {"code": "", "name": "", "department": "", "basis": "unknown", "online": False,
            "limits": {"statutory": 20, "committed": 10, "unit": "working_days"}}


def _number(value: str):
    """A whole number as typed, or the text itself for the schema to reject."""
    value = value.strip()
    return int(value) if value.isdigit() else value


def _item_from_form(form) -> dict:
    limits = {"committed": _number(form.get("committed", "")), "unit": form.get("unit", "")}
    if form.get("statutory", "").strip():
        limits["statutory"] = _number(form["statutory"])
    if form.get("extension", "").strip():
        limits["extension"] = _number(form["extension"])
    data = {"code": form.get("code", "").strip(), "name": form.get("name", "").strip(),
            "department": form.get("department", ""), "limits": limits,
            "basis": form.get("basis", "").strip() or "unknown",
            "materials": _chosen(form, "materials"), "fields": _chosen(form, "fields"),
            "produces": _chosen(form, "produces"), "online": form.get("online") == "yes"}
    if form.get("kind"):
        data["kind"] = form["kind"]
    if form.get("fee_amount", "").strip():
        data["fee"] = {"amount": form["fee_amount"].strip(),
                       "basis": form.get("fee_basis", "").strip()}
    return data


def _chosen(form, name: str) -> list[str]:
    """The ticked codes and the one picked to add, each once."""
    return list(dict.fromkeys(code for code in form.getlist(name) if code))


def _department_from_form(form) -> dict:
    return {"code": form.get("code", "").strip(), "name": form.get("name", "").strip(),
            "level": form.get("level", "")}
