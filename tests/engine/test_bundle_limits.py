"""A bundle's statutory limit, derived from its items' along the critical path; service
commitments with no statutory limit; snapshots published before these existed. No database."""

from __future__ import annotations

from datetime import date

from service.engine.bundle import Bundle, Limits
from service.engine.calendar import Unit
from service.engine.deadlines import deadlines
from service.engine.terms import DepartmentLevel, FieldGroup, FieldType, ItemKind
from service.workdays.schedules import calendar_of, library_schedules


def limits(statutory: int | None, committed: int, unit: str = "working_days") -> dict:
    return {"statutory": statutory, "committed": committed, "unit": unit}


def bundle(graph: dict[str, tuple[dict, tuple[str, ...]]], unit: str = "working_days") -> Bundle:
    """Items by code: (their limits, their prerequisites)."""
    return Bundle.from_snapshot({
        "code": "b", "name": "B", "audience": "person",
        "limits": {"statutory": None, "committed": 30, "unit": unit},
        "items": [{"code": code, "name": code, "department": {"code": "d", "name": "D"},
                   "limits": item_limits, "prerequisites": list(after), "materials": [],
                   "fields": [], "produces": [], "online": True}
                  for code, (item_limits, after) in graph.items()],
        "materials": [], "form": [],
    }, digest=repr(graph))


def test_the_statutory_limit_is_the_critical_path_of_the_items_statutory_limits():
    # a (10) → b (10) and a → c (5): 20, not 25 one after another.
    diamond = bundle({"a": (limits(10, 1), ()), "b": (limits(10, 2), ("a",)),
                      "c": (limits(5, 1), ("a",))})
    assert diamond.derived_statutory_limit() == 20
    assert diamond.standalone_limit() == 25


def test_an_item_without_a_statutory_limit_counts_its_committed_limit_on_the_path():
    # a (10) → b (no statutory, committed 2) = 12; a → c (5) = 15.
    mixed = bundle({"a": (limits(10, 1), ()), "b": (limits(None, 2), ("a",)),
                    "c": (limits(5, 1), ("a",))})
    assert mixed.derived_statutory_limit() == 15
    # a (10) → b (no statutory, committed 8) = 18 now leads.
    longer = bundle({"a": (limits(10, 1), ()), "b": (limits(None, 8), ("a",)),
                     "c": (limits(5, 1), ("a",))})
    assert longer.derived_statutory_limit() == 18
    # No sourced figure to compare the bundle's turnaround against.
    assert mixed.standalone_limit() is None


def test_a_bundle_of_service_commitments_alone_has_no_statutory_limit():
    utilities = bundle({"power": (limits(None, 5), ()), "water": (limits(None, 3), ())})
    assert utilities.derived_statutory_limit() is None
    assert utilities.critical_path("committed") == 5


def test_in_a_natural_day_bundle_the_derived_limit_is_in_natural_days():
    # 10 natural days are 10 × 5/7 working days on the path; back in natural days: 10, not 11.
    natural = bundle({"a": (limits(7, 3, "natural_days"), ()),
                      "b": (limits(3, 1, "natural_days"), ("a",))}, unit="natural_days")
    assert natural.derived_statutory_limit() == 10
    working = bundle({"a": (limits(7, 3, "natural_days"), ()),
                      "b": (limits(3, 1, "natural_days"), ("a",))})
    assert working.derived_statutory_limit() == 8  # 50/7 = 7.14… working days, whole days up


def test_a_limit_without_a_statutory_limit_has_no_statutory_deadline():
    calendar = calendar_of(library_schedules())
    found = deadlines(calendar, date(2026, 6, 1), Limits(None, 5, Unit.WORKING_DAYS))
    assert found.statutory_due is None
    assert found.committed_due == date(2026, 6, 8)
    assert found.provisional is False


def test_a_snapshot_published_before_the_new_fields_still_reads():
    old = Bundle.from_snapshot({
        "code": "old", "name": "Old", "audience": "person",
        "limits": limits(45, 5),
        "items": [{"code": "a", "name": "A", "department": {"code": "d", "name": "D"},
                   "limits": {**limits(10, 5), "extension": 10}, "prerequisites": [],
                   "materials": [], "fields": ["x"], "produces": [], "online": True}],
        "materials": [],
        "form": [{"code": "x", "label": "X", "type": "text", "required": True, "choices": []}],
    }, digest="old")
    item = old.items[0]
    assert (item.kind, item.basis, item.fee, item.department.level) == (None, None, None, None)
    assert (old.form[0].type, old.form[0].group, old.form[0].help) == (FieldType.TEXT, None, "")
    assert old.categories == () and old.limits.statutory == 45  # as it was published


def test_the_new_fields_read_into_the_engines_objects():
    new = Bundle.from_snapshot({
        "code": "new", "name": "New", "audience": "company", "categories": ["opening"],
        "limits": limits(None, 5),
        "items": [{"code": "a", "name": "A", "kind": "public_service",
                   "department": {"code": "d", "name": "D", "level": "enterprise"},
                   "limits": {**limits(None, 5), "extension": 0}, "basis": None,
                   "fee": {"amount": "80.00", "basis": "某收费文件"}, "prerequisites": [],
                   "materials": [], "fields": ["m"], "produces": [], "online": True}],
        "materials": [],
        "form": [{"code": "m", "label": "M", "type": "mobile", "required": True, "choices": [],
                  "help": "手机", "group": "applicant"}],
    }, digest="new")
    item = new.items[0]
    assert item.kind == ItemKind.PUBLIC_SERVICE
    assert item.department.level == DepartmentLevel.ENTERPRISE
    assert str(item.fee.amount) == "80.00" and item.limits.statutory is None
    assert (new.form[0].type, new.form[0].group) == (FieldType.MOBILE, FieldGroup.APPLICANT)
