"""Reading a catalog directory: the real bundles of the tests' frozen catalog (tests/workflows/),
and broken definitions each refused with the file and the path inside it. No database, no app."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from service.catalog.definitions import Catalog, CatalogInvalid, Problem, load_catalog


def _limits(statutory: int | None, committed: int) -> dict:
    limits = {"committed": committed, "unit": "working_days"}
    return limits if statutory is None else {"statutory": statutory, **limits}


def _bundle_limits(committed: int) -> dict:
    return {"committed": committed, "unit": "working_days"}  # statutory: derived


# A small valid catalog: a produces birth_cert, which b consumes; b and c both come after a.
BASE = {
    "departments.yaml": {"departments": [{"code": "health", "name": "卫健", "level": "county"},
                                         {"code": "police", "name": "公安", "level": "county"}]},
    "materials.yaml": {"materials": [
        {"code": "id_card", "name": "身份证", "e_certificate": True},
        {"code": "photo", "name": "照片"},
        {"code": "birth_cert", "name": "出生医学证明", "e_certificate": True},
    ]},
    "fields.yaml": {"fields": [{"code": "child_name", "label": "姓名", "type": "text",
                                "group": "child"},
                               {"code": "child_sex", "label": "性别", "type": "choice",
                                "choices": ["男", "女"], "group": "child"}]},
    "items.yaml": {"items": [
        {"code": "a", "name": "A", "department": "health", "limits": _limits(10, 1),
         "basis": "unknown", "materials": ["id_card"], "fields": ["child_name"],
         "produces": ["birth_cert"]},
        {"code": "b", "name": "B", "department": "police", "limits": _limits(10, 2),
         "basis": "unknown", "materials": ["birth_cert", "photo", "id_card"],
         "fields": ["child_name", "child_sex"]},
        {"code": "c", "name": "C", "department": "police", "limits": _limits(5, 1),
         "basis": "unknown", "materials": ["photo"]},
        {"code": "spare", "name": "Spare", "department": "police", "limits": _limits(5, 1),
         "basis": "unknown"},
    ]},
    "bundles/x.yaml": {"bundles": [{
        "code": "x", "name": "X", "audience": "person", "categories": ["birth"],
        "limits": _bundle_limits(5),
        "items": [{"item": "a"}, {"item": "b", "after": ["a"]}, {"item": "c", "after": ["a"]}],
    }]},
}


def write(directory: Path, files: dict) -> Path:
    for name, content in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
    return directory


@pytest.fixture
def files() -> dict:
    """The valid catalog as data, for a test to break before calling ``problems``."""
    return copy.deepcopy(BASE)


def problems(tmp_path: Path, files: dict) -> list[Problem]:
    with pytest.raises(CatalogInvalid) as invalid:
        load_catalog(write(tmp_path, files))
    return invalid.value.problems


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, found
    return found[0]


def prerequisites(snapshot: dict) -> dict[str, list[str]]:
    return {item["code"]: item["prerequisites"] for item in snapshot["items"]}


# --- the tests' catalog: the county's core bundles, frozen ------------------------------------


def test_the_tests_catalog_has_the_domain_bundles(catalog):
    # ... and a bundle of service commitments with no statutory limit (added for issue 11).
    assert set(catalog.bundles) == {"newborn", "restaurant", "company_closure",
                                    "utility_connection"}


def test_newborn_prerequisites(catalog):
    assert prerequisites(catalog.bundles["newborn"]) == {
        "birth_medical_certificate": [],
        "birth_registration": ["birth_medical_certificate"],
        "newborn_medical_insurance": ["birth_registration"],
        "social_security_card": ["birth_registration"],
        "vaccination_certificate": ["birth_registration"],
    }


def test_restaurant_prerequisites(catalog):
    assert prerequisites(catalog.bundles["restaurant"]) == {
        "business_establishment": [],
        "food_business_permit": ["business_establishment"],
        "outdoor_signboard": ["business_establishment"],
        "fire_safety_inspection": ["business_establishment"],
    }


def test_company_closure_prerequisites_and_limits(catalog):
    snapshot = catalog.bundles["company_closure"]
    assert prerequisites(snapshot) == {
        "tax_deregistration": [],
        "company_deregistration": ["tax_deregistration"],
        "social_insurance_deregistration": ["company_deregistration"],
        "customs_record_cancellation": ["company_deregistration"],
        "seal_deregistration": ["company_deregistration"],
        "bank_account_closure": ["company_deregistration"],
    }
    committed = {item["code"]: item["limits"]["committed"] for item in snapshot["items"]}
    assert committed["tax_deregistration"] == 10 and committed["company_deregistration"] == 1
    assert snapshot["items"][0]["department"]["code"] == "tax"


def test_real_bundles_ask_for_upstream_certificates_by_sharing(catalog):
    newborn = {m["code"] for m in catalog.bundles["newborn"]["materials"]}
    assert "birth_medical_certificate" not in newborn  # issued by the bundle's first item
    assert "household_register" in newborn  # the parents' own 户口簿, needed by its producer
    closure = {m["code"] for m in catalog.bundles["company_closure"]["materials"]}
    assert "tax_clearance_certificate" not in closure
    assert "business_license" in closure


# --- a valid synthetic catalog ----------------------------------------------------------------


def test_valid_catalog_resolves_into_a_snapshot(tmp_path, files):
    snapshot = load_catalog(write(tmp_path, files)).bundles["x"]
    assert prerequisites(snapshot) == {"a": [], "b": ["a"], "c": ["a"]}
    assert snapshot["items"][1]["department"] == {"code": "police", "name": "公安",
                                                  "level": "county"}
    assert [field["code"] for field in snapshot["form"]] == ["child_name", "child_sex"]


def test_materials_produced_upstream_are_not_asked_of_the_applicant(tmp_path, files):
    snapshot = load_catalog(write(tmp_path, files)).bundles["x"]
    assert snapshot["materials"] == [
        {"code": "id_card", "name": "身份证", "exempt": True},  # asked once, though two need it
        {"code": "photo", "name": "照片", "exempt": False},
    ]


def test_digest_is_stable_and_follows_content(tmp_path, files):
    first = load_catalog(write(tmp_path / "one", files)).bundles["x"]
    again = load_catalog(write(tmp_path / "two", copy.deepcopy(files))).bundles["x"]
    assert Catalog.digest(first) == Catalog.digest(again)

    files["items.yaml"]["items"][2]["limits"]["committed"] = 2
    changed = load_catalog(write(tmp_path / "three", files)).bundles["x"]
    assert Catalog.digest(changed) != Catalog.digest(first)


def test_digest_ignores_yaml_layout(tmp_path, files):
    plain = load_catalog(write(tmp_path / "one", files)).bundles["x"]
    flow = {name: yaml.safe_dump(content, default_flow_style=True, allow_unicode=True)
            for name, content in files.items()}
    flow["bundles/x.yaml"] = "# a comment\n" + flow["bundles/x.yaml"]
    assert Catalog.digest(load_catalog(write(tmp_path / "two", flow)).bundles["x"]) == (
        Catalog.digest(plain))


# --- broken definitions -----------------------------------------------------------------------


def test_empty_directory_is_refused(tmp_path):
    assert "no *.yaml" in only(problems(tmp_path, {})).message


def test_prerequisite_cycle(tmp_path, files):
    files["bundles/x.yaml"]["bundles"][0]["items"][0]["after"] = ["b"]
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("bundles/x.yaml", "bundles[0].items[0].after")
    assert "cycle" in problem.message and "a → b → a" in problem.message


def test_unknown_department(tmp_path, files):
    files["items.yaml"]["items"][3]["department"] = "nowhere"
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("items.yaml", "items[3].department")
    assert "nowhere" in problem.message
    assert str(problem) == "items.yaml: items[3].department: " + problem.message


def test_unknown_department_of_a_bundled_item(tmp_path, files):
    files["items.yaml"]["items"][1]["department"] = "nowhere"
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("items.yaml", "items[1].department")


def test_unknown_material_of_a_bundled_item(tmp_path, files):
    files["items.yaml"]["items"][2]["materials"] = ["photo", "nonexistent"]
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("items.yaml", "items[2].materials[1]")


def test_duplicate_item_code_across_files(tmp_path, files):
    files["more_items.yaml"] = {"items": [copy.deepcopy(files["items.yaml"]["items"][2])]}
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("more_items.yaml", "items[0].code")
    assert "'c'" in problem.message and "items.yaml: items[2]" in problem.message


def test_a_bundles_statutory_limit_is_not_set_by_hand(tmp_path, files):
    files["bundles/x.yaml"]["bundles"][0]["limits"] = _limits(45, 5)
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("bundles/x.yaml", "bundles[0].limits.statutory")
    assert "derived from its items' statutory limits along the critical path" in problem.message


def test_committed_limit_above_statutory_on_an_item(tmp_path, files):
    files["items.yaml"]["items"][1]["limits"]["committed"] = 11
    found = problems(tmp_path, files)
    assert Problem("items.yaml", "items[1].limits.committed",
                   "the committed limit (11) is above the statutory limit (10)") in found


def test_missing_unit(tmp_path, files):
    del files["items.yaml"]["items"][3]["limits"]["unit"]
    found = problems(tmp_path, files)
    units = [p for p in found if p.path == "items[3].limits.unit"]
    assert [p.file for p in units] == ["items.yaml"]
    assert "working_days or natural_days" in units[0].message


def test_unknown_item_in_a_bundle(tmp_path, files):
    files["bundles/x.yaml"]["bundles"][0]["items"].append({"item": "ghost"})
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("bundles/x.yaml", "bundles[0].items[3].item")
    assert "ghost" in problem.message


def test_after_naming_an_item_outside_the_bundle(tmp_path, files):
    files["bundles/x.yaml"]["bundles"][0]["items"][2]["after"] = ["a", "spare"]
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("bundles/x.yaml", "bundles[0].items[2].after[1]")
    assert "spare" in problem.message


def test_consumer_not_downstream_of_the_producer(tmp_path, files):
    files["items.yaml"]["items"][2]["materials"] = ["birth_cert"]
    files["bundles/x.yaml"]["bundles"][0]["items"][2]["after"] = []
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("bundles/x.yaml", "bundles[0].items[2].after")
    assert all(name in problem.message for name in ("'c'", "'birth_cert'", "'a'"))


def test_invalid_yaml(tmp_path, files):
    files["notes.yaml"] = "departments: [\n  {code: x"
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("notes.yaml", "")
    assert "not valid YAML" in problem.message and "line 2" in problem.message


def test_invalid_yaml_in_a_file_a_bundle_needs(tmp_path, files):
    files["fields.yaml"] = "fields: [\n  {code: x"
    found = {(p.file, p.path) for p in problems(tmp_path, files)}
    assert found == {("fields.yaml", ""), ("items.yaml", "items[0].fields[0]"),
                     ("items.yaml", "items[1].fields[0]"), ("items.yaml", "items[1].fields[1]")}


@pytest.mark.parametrize(
    ("name", "break_it", "path", "message"),
    [
        ("items.yaml", lambda f: f["items.yaml"]["items"][1].update(colour="red"),
         "items[1].colour", "Unknown field."),
        ("bundles/x.yaml", lambda f: f["bundles/x.yaml"]["bundles"][0]["items"][1].update(
            before=["c"]), "bundles[0].items[1].before", "Unknown field."),
        ("materials.yaml", lambda f: f["materials.yaml"].update(widgets=[]), "widgets",
         "unknown section; expected one of departments, materials, fields, items, bundles"),
    ],
)
def test_unknown_key(tmp_path, files, name, break_it, path, message):
    break_it(files)
    found = [p for p in problems(tmp_path, files) if p.file == name]
    assert [(p.path, p.message) for p in found] == [(path, message)]


def test_one_bad_entry_leaves_its_neighbours_valid(tmp_path, files):
    files["items.yaml"]["items"][1]["limits"]["committed"] = 99
    found = [(p.file, p.path) for p in problems(tmp_path, files)]
    # Reported once, where it is wrong; not again in every bundle that lists the item.
    assert found == [("items.yaml", "items[1].limits.committed")]


def test_every_problem_is_reported_at_once(tmp_path, files):
    files["more_departments.yaml"] = {"departments": [{"code": "Bad Code", "name": "坏",
                                                       "level": "county"}]}
    files["bundles/y.yaml"] = {"bundles": [{
        "code": "y", "name": "Y", "audience": "person", "categories": ["birth"],
        "limits": _limits(10, 20), "items": [{"item": "a"}]}]}
    files["bundles/x.yaml"]["bundles"][0]["items"][2]["after"] = ["ghost"]
    files["items.yaml"]["items"][3]["department"] = "nowhere"
    files["notes.yaml"] = "a: b: c"
    found = {(p.file, p.path) for p in problems(tmp_path, files)}
    assert found == {
        ("more_departments.yaml", "departments[0].code"),
        ("bundles/y.yaml", "bundles[0].limits.statutory"),
        ("bundles/x.yaml", "bundles[0].items[2].after[0]"),
        ("items.yaml", "items[3].department"),
        ("notes.yaml", ""),
    }


# --- the catalog's terms (issue 11): levels, kinds, bases, fees, typed fields, categories -----


@pytest.mark.parametrize(
    ("name", "break_it", "path", "message"),
    [
        ("departments.yaml", lambda f: f["departments.yaml"]["departments"][1].pop("level"),
         "departments[1].level", "Missing data for required field."),
        ("departments.yaml", lambda f: f["departments.yaml"]["departments"][0].update(
            level="province"), "departments[0].level", "Must be one of: county, township, "
         "city, vertical, enterprise."),
        ("fields.yaml", lambda f: f["fields.yaml"]["fields"][0].update(type="phone"),
         "fields[0].type", "Must be one of: text, number, date, boolean, choice, resident_id, "
         "credit_code, mobile, money, address."),
        ("fields.yaml", lambda f: f["fields.yaml"]["fields"][1].pop("group"),
         "fields[1].group", "Missing data for required field."),
        ("items.yaml", lambda f: f["items.yaml"]["items"][3].pop("basis"),
         "items[3].basis", "Missing data for required field."),
        ("items.yaml", lambda f: f["items.yaml"]["items"][3].update(kind="permit"),
         "items[3].kind", "Must be one of: licence, registration, filing, confirmation, "
         "public_service."),
        ("items.yaml", lambda f: f["items.yaml"]["items"][3].update(
            kind="licence", limits=_limits(None, 1)), "items[3].limits.statutory",
         "a licence (行政许可) has a statutory limit: 20 working days unless a law says "
         "otherwise (行政许可法 art. 42)"),
        ("items.yaml", lambda f: f["items.yaml"]["items"][3].update(
            limits={**_limits(None, 1), "extension": 5}), "items[3].limits.extension",
         "an item without a statutory limit has no statutory extension"),
        ("items.yaml", lambda f: f["items.yaml"]["items"][3].update(
            fee={"amount": "12.345", "basis": "某收费标准"}), "items[3].fee.amount",
         'an amount of yuan as a decimal string, not negative, with at most 2 decimals, '
         'e.g. "1234.50"'),
        ("items.yaml", lambda f: f["items.yaml"]["items"][3].update(
            fee={"amount": "0", "basis": "无"}), "items[3].fee.amount",
         "a free item has no fee: leave `fee` out"),
        ("items.yaml", lambda f: f["items.yaml"]["items"][3].update(fee={"amount": "10"}),
         "items[3].fee.basis", "Missing data for required field."),
        ("bundles/x.yaml", lambda f: f["bundles/x.yaml"]["bundles"][0].pop("categories"),
         "bundles[0].categories", "Missing data for required field."),
        ("bundles/x.yaml", lambda f: f["bundles/x.yaml"]["bundles"][0].update(
            categories=["birth", "party"]), "bundles[0].categories[1]",
         "Must be one of: birth, schooling, work, marriage, housing, health, disability, "
         "social_security, military_service, retirement, old_age, death, travel, opening, "
         "operating, constructing, changing, closing."),
    ],
)
def test_new_terms_are_checked_each_problem_named_by_file_and_path(tmp_path, files, name,
                                                                   break_it, path, message):
    break_it(files)
    found = [p for p in problems(tmp_path, files) if p.file == name]
    assert [(p.path, p.message) for p in found] == [(path, message)]


def test_the_bundles_statutory_limit_is_derived_along_the_critical_path(tmp_path, files):
    # a (10) → b (10) and a → c (5): 20 working days.
    snapshot = load_catalog(write(tmp_path / "one", files)).bundles["x"]
    assert snapshot["limits"] == {"statutory": 20, "committed": 5, "unit": "working_days"}
    # c a service commitment (committed 12): it counts its commitment on the path, 10 + 12.
    files["items.yaml"]["items"][2]["limits"] = _limits(None, 12)
    files["bundles/x.yaml"]["bundles"][0]["limits"] = _bundle_limits(13)
    snapshot = load_catalog(write(tmp_path / "two", files)).bundles["x"]
    assert snapshot["limits"]["statutory"] == 22
    assert snapshot["items"][2]["limits"] == {"statutory": None, "committed": 12,
                                              "unit": "working_days", "extension": 0}


def test_a_bundle_of_service_commitments_alone_has_no_statutory_limit(tmp_path, files):
    files["items.yaml"]["items"].append({
        "code": "power", "name": "用电报装", "kind": "public_service", "department": "police",
        "limits": {"statutory": None, "committed": 5, "unit": "working_days"},
        "basis": "unknown"})
    files["bundles/utility.yaml"] = {"bundles": [{
        "code": "utility", "name": "报装", "audience": "company", "categories": ["opening"],
        "limits": _bundle_limits(5), "items": [{"item": "power"}]}]}
    snapshot = load_catalog(write(tmp_path, files)).bundles["utility"]
    assert snapshot["limits"] == {"statutory": None, "committed": 5, "unit": "working_days"}


def test_the_committed_limit_is_still_checked_against_the_committed_critical_path(tmp_path,
                                                                                  files):
    files["bundles/x.yaml"]["bundles"][0]["limits"] = _bundle_limits(2)  # path: 1 + 2
    problem = only(problems(tmp_path, files))
    assert (problem.file, problem.path) == ("bundles/x.yaml", "bundles[0].limits.committed")
    assert "shorter than the critical path of its items' committed limits (3 working days)" in (
        problem.message)


def test_an_item_carries_its_kind_basis_fee_and_its_bodys_level(tmp_path, files):
    files["items.yaml"]["items"][0].update(
        kind="confirmation", basis="《某条例》第十条", fee={"amount": "80", "basis": "某收费标准"})
    snapshot = load_catalog(write(tmp_path, files)).bundles["x"]
    first, second = snapshot["items"][:2]
    assert (first["kind"], first["basis"]) == ("confirmation", "《某条例》第十条")
    assert first["fee"] == {"amount": "80.00", "basis": "某收费标准"}  # normalised
    assert (second["kind"], second["basis"], second["fee"]) == (None, None, None)  # unknown; free
    assert first["department"]["level"] == "county"
    assert snapshot["categories"] == ["birth"]


def test_the_merged_form_reads_by_group(tmp_path, files):
    files["fields.yaml"]["fields"] += [
        {"code": "parent_mobile", "label": "手机", "type": "mobile", "group": "applicant",
         "help": "用于接收办理进度"},
        {"code": "parent_id", "label": "身份证号码", "type": "resident_id", "group": "family"}]
    files["items.yaml"]["items"][1]["fields"] += ["parent_id", "parent_mobile"]
    form = load_catalog(write(tmp_path, files)).bundles["x"]["form"]
    # applicant, then family, then child; within a group, in the order first asked.
    assert [(field["code"], field["group"]) for field in form] == [
        ("parent_mobile", "applicant"), ("parent_id", "family"), ("child_name", "child"),
        ("child_sex", "child")]
    assert form[0] == {"code": "parent_mobile", "label": "手机", "type": "mobile",
                       "required": True, "choices": [], "help": "用于接收办理进度",
                       "group": "applicant"}
