"""The structured editor of a bundle draft: the draft's YAML read into the form's fields, and the
fields posted back written as the same YAML (canonically), so both editors hold one text."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from sqlalchemy import or_, select
from werkzeug.datastructures import MultiDict

from ..catalog.canonical import bundle_entry, dump
from ..catalog.drafts import DraftProblem
from ..catalog.models import Department, ServiceItem
from ..core.database import db

SEARCH_RESULTS = 20
# A problem's path in the draft → the field of the form it belongs to.
FIELDS = {"name": "name", "description": "description", "audience": "audience",
          "categories": "categories", "limits": "committed", "items": "items"}


@dataclass
class Member:
    code: str
    name: str
    department: str
    after: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class DraftForm:
    name: str
    description: str
    audience: str
    categories: list[str]
    committed: str
    unit: str
    members: list[Member]
    errors: dict[str, str] = field(default_factory=dict)  # field -> message


def read_form(code: str, text: str, problems: list[DraftProblem]) -> DraftForm | None:
    """The draft's text as the form shows it; None where it is not a bundle the form can show
    (YAML that does not parse, or not one bundle): the YAML editor then has to mend it."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    listed = document.get("bundles") if isinstance(document, dict) else None
    if not isinstance(listed, list) or len(listed) != 1 or not isinstance(listed[0], dict):
        return None
    entry, limits = listed[0], listed[0].get("limits") or {}
    raw_items = entry.get("items") if isinstance(entry.get("items"), list) else []
    members = [_member(each) for each in raw_items if isinstance(each, dict)]
    _name_items(members)
    form = DraftForm(
        name=str(entry.get("name") or ""), description=str(entry.get("description") or ""),
        audience=str(entry.get("audience") or ""),
        categories=[str(each) for each in entry.get("categories") or []],
        committed=str(limits.get("committed", "")) if isinstance(limits, dict) else "",
        unit=str(limits.get("unit", "")) if isinstance(limits, dict) else "",
        members=members)
    _place(form, problems)
    return form


def _member(raw: dict) -> Member:
    after = raw.get("after") if isinstance(raw.get("after"), list) else []
    return Member(str(raw.get("item", "")), "", "", [str(each) for each in after])


def _name_items(members: list[Member]) -> None:
    codes = [member.code for member in members]
    found = {code: (name, department) for code, name, department in db.session.execute(
        select(ServiceItem.code, ServiceItem.name, Department.name)
        .join(Department, Department.code == ServiceItem.department_code)
        .where(ServiceItem.code.in_(codes)))}
    for member in members:
        member.name, member.department = found.get(member.code, (member.code, ""))


def _place(form: DraftForm, problems: list[DraftProblem]) -> None:
    """Each problem at its field, or at its item's row."""
    for problem in problems:
        parts = problem.path.removeprefix("bundles[0].").split(".")
        if parts[0].startswith("items[") and parts[0].endswith("]"):
            index = int(parts[0][len("items["):-1])
            if index < len(form.members):
                form.members[index].error = problem.message
                continue
        name = FIELDS.get(parts[0].split("[")[0])
        if name and problem.path.startswith("bundles[0]"):
            form.errors.setdefault(name, problem.message)


def text_from_form(code: str, posted: MultiDict) -> str:
    """The posted fields as the draft's YAML; an item added or removed on the way."""
    members = [each for each in posted.getlist("items") if each]
    if posted.get("add") and posted["add"] not in members:
        members.append(posted["add"])
    removed = posted.get("remove")
    members = [each for each in members if each != removed]
    committed = posted.get("committed", "").strip()
    entry = {
        "code": code, "name": posted.get("name", "").strip(),
        "description": posted.get("description", "").strip(),
        "audience": posted.get("audience", ""), "categories": posted.getlist("categories"),
        "limits": {"committed": int(committed) if committed.isdigit() else committed,
                   "unit": posted.get("unit", "")},
        "items": [{"item": member, "after": [each for each in posted.getlist(f"after-{member}")
                                              if each in members and each != member]}
                  for member in members],
    }
    return dump({"bundles": [bundle_entry(entry)]})


def search_items(query: str, chosen: list[str]) -> list[tuple[str, str, str]]:
    """Catalog items by name, code or department, not yet in the bundle: (code, name,
    department)."""
    query = query.strip()
    if not query:
        return []
    return [tuple(row) for row in db.session.execute(
        select(ServiceItem.code, ServiceItem.name, Department.name)
        .join(Department, Department.code == ServiceItem.department_code)
        .where(or_(*(column.icontains(query, autoescape=True) for column in (
            ServiceItem.name, ServiceItem.code, Department.name))),
            ServiceItem.code.not_in(chosen))
        .order_by(Department.name, ServiceItem.name).limit(SEARCH_RESULTS))]
