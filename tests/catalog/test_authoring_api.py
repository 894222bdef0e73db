"""The administrators' API for authoring the catalog: drafts of bundles, checked and published,
and the entries (departments, materials, fields, items) edited as the YAML files spell them."""

import pytest

from tests.catalog.test_drafts import NEW_BUNDLE as CYCLE  # two items waiting on each other

DRAFTS = "/api/bundle-drafts"
PROBLEM = "application/problem+json"
NO_CYCLE = CYCLE.replace("        after: [food_business_permit]\n", "")


@pytest.fixture
def admin(client):
    """The test client, as the administrator."""
    client.environ_base["HTTP_AUTHORIZATION"] = client.staff.headers("admin")["Authorization"]
    return client


def save(admin, code: str, text: str, revision: int, expect: int = 200) -> dict:
    response = admin.put(f"{DRAFTS}/{code}", json={"text": text, "revision": revision})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def publish(admin, code: str, revision: int, expect: int = 201) -> dict:
    response = admin.post(f"{DRAFTS}/{code}/publish", json={"revision": revision})
    assert response.status_code == expect, response.get_json()
    return response.get_json()


# --- Drafts ----------------------------------------------------------------------------------


def test_a_new_bundle_is_drafted_checked_fixed_and_published(admin):
    started = admin.post(DRAFTS, json={"code": "food_stall", "name": "开办小吃摊"})
    assert started.status_code == 201, started.get_json()
    assert started.headers["Location"].endswith(f"{DRAFTS}/food_stall")
    draft = started.get_json()
    assert "name: 开办小吃摊" in draft["text"] and draft["preview"] is None
    assert [problem["path"] for problem in draft["problems"]] == ["bundles[0].categories",
                                                                  "bundles[0].items"]
    [summary] = admin.get(DRAFTS).get_json()
    assert summary["code"] == "food_stall" and summary["url"] == f"{DRAFTS}/food_stall"

    draft = save(admin, "food_stall", CYCLE, draft["revision"])
    [cycle] = draft["problems"]
    assert cycle["path"] == "bundles[0].items[0].after" and cycle["line"] == 9
    assert "cycle" in cycle["message"] and not draft["publishable"]
    refused = publish(admin, "food_stall", draft["revision"], expect=422)
    assert refused["type"] == "urn:onething:problem:invalid-draft"
    assert refused["problems"] == [cycle]

    draft = save(admin, "food_stall", NO_CYCLE, draft["revision"])
    assert draft["problems"] == [] and draft["publishable"]
    assert draft["preview"]["limits"]["statutory"] == 35  # derived: 15 + 20
    assert [item["code"] for item in draft["preview"]["items"]] == [
        "business_establishment", "food_business_permit"]
    published = admin.post(f"{DRAFTS}/food_stall/publish", json={"revision": draft["revision"]})
    assert published.status_code == 201
    assert published.get_json()["version"] == 1
    assert published.get_json()["digest"] == draft["preview"]["digest"]
    bundle = admin.get(published.headers["Location"]).get_json()
    assert (bundle["code"], bundle["version"], bundle["name"]) == ("food_stall", 1,
                                                                   "开办小吃摊“一件事”")
    assert admin.get(f"{DRAFTS}/food_stall").status_code == 404  # published: gone
    assert admin.get(DRAFTS).get_json() == []


def test_a_published_bundle_is_drafted_from_its_latest_version(admin):
    started = admin.post(DRAFTS, json={"code": "restaurant"})
    assert started.status_code == 201
    draft = started.get_json()
    assert draft["unchanged"] and not draft["publishable"]
    assert draft["preview"]["limits"]["committed"] == 7
    again = admin.post(DRAFTS, json={"code": "restaurant", "name": "ignored"})
    assert again.status_code == 200 and again.get_json()["revision"] == draft["revision"]
    nothing = publish(admin, "restaurant", draft["revision"], expect=409)
    assert nothing["type"] == "urn:onething:problem:nothing-to-publish"

    draft = save(admin, "restaurant", draft["text"].replace("committed: 7", "committed: 9"),
                 draft["revision"])
    assert publish(admin, "restaurant", draft["revision"])["version"] == 2
    bundle = admin.get("/api/bundles/restaurant").get_json()
    assert (bundle["version"], bundle["limits"]["committed"]) == (2, 9)


def test_a_stale_revision_is_refused_and_changes_nothing(admin):
    read = admin.post(DRAFTS, json={"code": "restaurant"}).get_json()
    saved = save(admin, "restaurant", read["text"] + "\n", read["revision"])
    assert saved["revision"] == read["revision"] + 1
    stale = save(admin, "restaurant", "bundles: []\n", read["revision"], expect=409)
    assert stale["type"] == "urn:onething:problem:concurrent-change"
    assert publish(admin, "restaurant", read["revision"], expect=409)["type"] == stale["type"]
    deleted = admin.delete(f"{DRAFTS}/restaurant?revision={read['revision']}")
    assert deleted.status_code == 409 and deleted.mimetype == PROBLEM
    assert admin.get(f"{DRAFTS}/restaurant").get_json()["text"] == saved["text"]
    assert admin.delete(f"{DRAFTS}/restaurant?revision={saved['revision']}").status_code == 204
    assert admin.get(f"{DRAFTS}/restaurant").status_code == 404
    assert admin.get("/api/bundles/restaurant").get_json()["version"] == 1


def test_what_the_bundle_row_cannot_hold_is_a_problem_of_the_draft(admin):
    draft = admin.post(DRAFTS, json={"code": "food_stall"}).get_json()
    text = NO_CYCLE.replace("name: 开办小吃摊“一件事”", "name: " + "长" * 201).replace(
        "    audience:", '    description: "a\\0b"\n    audience:')
    draft = save(admin, "food_stall", text, draft["revision"])
    assert [(problem["path"], problem["line"]) for problem in draft["problems"]] == [
        ("bundles[0].name", 3), ("bundles[0].description", 4)]
    assert not draft["publishable"] and draft["preview"] is None
    refused = publish(admin, "food_stall", draft["revision"], expect=422)
    assert refused["problems"] == draft["problems"]
    assert admin.get("/api/bundles/food_stall").status_code == 404


def test_drafts_refuse_what_is_not_a_draft_or_not_asked_right(admin):
    bad_code = admin.post(DRAFTS, json={"code": "Food Stall"})
    assert bad_code.status_code == 422 and "snake_case" in bad_code.get_json()["errors"]["code"][0]
    unknown_field = admin.post(DRAFTS, json={"code": "food_stall", "title": "x"})
    assert unknown_field.status_code == 422 and "title" in unknown_field.get_json()["errors"]
    not_an_integer = admin.put(f"{DRAFTS}/restaurant", json={"text": "", "revision": "1"})
    assert not_an_integer.status_code == 422
    for response in (admin.get(f"{DRAFTS}/moon_landing"),
                     admin.put(f"{DRAFTS}/moon_landing", json={"text": "", "revision": 1}),
                     admin.delete(f"{DRAFTS}/moon_landing?revision=1"),
                     admin.post(f"{DRAFTS}/moon_landing/publish", json={"revision": 1})):
        assert response.status_code == 404 and response.mimetype == PROBLEM
    assert admin.get(DRAFTS).get_json() == []


def test_only_administrators_author_the_catalog(client):
    for role in ("clerk", "reviewer", "supervisor"):
        headers = client.staff.headers(role)
        assert client.get(DRAFTS, headers=headers).status_code == 403
        assert client.post(DRAFTS, json={"code": "food_stall"},
                           headers=headers).status_code == 403
        assert client.get("/api/catalog/items", headers=headers).status_code == 403
    assert client.application.test_client().get(DRAFTS).status_code == 401


# --- Catalog entries -------------------------------------------------------------------------


def entry(admin, section: str, code: str) -> dict:
    response = admin.get(f"/api/catalog/{section}/{code}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_item_reads_as_its_yaml_spells_it(admin):
    item = entry(admin, "items", "food_business_permit")
    assert item["source"] == "yaml"
    assert item["entry"]["department"] == "market_regulation"
    assert item["entry"]["basis"] == "unknown"  # as the YAML spells an unsourced basis
    assert item["entry"]["limits"] == {"statutory": 20, "committed": 5, "unit": "working_days"}
    listed = admin.get("/api/catalog/departments?page_size=2")
    assert listed.status_code == 200 and len(listed.get_json()) == 2
    assert '"total": ' in listed.headers["X-Pagination"]
    assert admin.get("/api/catalog/bundles").status_code == 404
    assert admin.get("/api/catalog/items/moon_landing").status_code == 404


def test_a_changed_committed_limit_drafts_the_bundles_with_the_item(admin):
    item = entry(admin, "items", "food_business_permit")["entry"]
    item["limits"]["committed"] = 4
    response = admin.put("/api/catalog/items/food_business_permit", json={"entry": item})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"code": "food_business_permit", "drafted": ["restaurant"]}
    changed = entry(admin, "items", "food_business_permit")
    assert changed["source"] == "browser" and changed["entry"]["limits"]["committed"] == 4
    [draft] = admin.get(DRAFTS).get_json()
    assert (draft["code"], draft["prompted_by"]) == ("restaurant", "item:food_business_permit")
    assert admin.get(f"{DRAFTS}/restaurant").get_json()["publishable"]
    assert admin.get("/api/bundles/restaurant").get_json()["version"] == 1  # not yet


def test_an_invalid_entry_is_refused_naming_the_path_and_nothing_is_stored(admin):
    item = entry(admin, "items", "food_business_permit")["entry"]
    item["limits"]["committed"] = 30
    response = admin.put("/api/catalog/items/food_business_permit", json={"entry": item})
    assert response.status_code == 422 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == "urn:onething:problem:invalid-entry"
    assert [(problem["file"], problem["path"]) for problem in body["problems"]] == [
        ("edited.yaml", "limits.committed")]
    assert "limits.committed" in body["detail"]

    item["limits"].update(statutory=20, committed=20)  # more than the restaurant promises
    breaking = admin.put("/api/catalog/items/food_business_permit", json={"entry": item})
    [problem] = breaking.get_json()["problems"]
    assert breaking.status_code == 422 and problem["file"] == "bundles/restaurant.yaml"
    unchanged = entry(admin, "items", "food_business_permit")
    assert unchanged["entry"]["limits"]["committed"] == 5 and unchanged["source"] == "yaml"
    assert admin.get(DRAFTS).get_json() == []


def test_a_new_department_is_added_once(admin):
    water = {"code": "water", "name": "县水利局", "level": "county"}
    created = admin.post("/api/catalog/departments", json={"entry": water})
    assert created.status_code == 201, created.get_json()
    assert created.get_json() == {"code": "water", "drafted": []}
    assert entry(admin, "departments", "water") == {"entry": water, "source": "browser"}
    assert created.headers["Location"].endswith("/api/catalog/departments/water")
    taken = admin.post("/api/catalog/departments", json={"entry": water})
    assert taken.status_code == 422 and taken.get_json()["problems"][0]["path"] == "code"


def test_entries_refuse_what_is_not_an_entry(admin):
    water = {"code": "water", "name": "县水利局", "level": "county"}
    for body, path in (({"entry": water, "extra": 1}, "extra"), ({}, "entry")):
        response = admin.post("/api/catalog/departments", json=body)
        assert response.status_code == 422 and path in response.get_json()["errors"], body
    for entry_, path in (({**water, "code": ["water"]}, "code"),
                         ({**water, "code": "w" * 65}, "code"),
                         ({**water, "name": "水" * 201}, "name")):
        response = admin.post("/api/catalog/departments", json={"entry": entry_})
        assert response.status_code == 422, entry_
        assert [each["path"] for each in response.get_json()["problems"]] == [path], entry_
    renamed = admin.put("/api/catalog/departments/tax", json={"entry": water})
    assert renamed.status_code == 422 and renamed.get_json()["problems"][0]["path"] == "code"
    missing = admin.put("/api/catalog/departments/water", json={"entry": water})
    assert missing.status_code == 404
    assert admin.post("/api/catalog/bundles", json={"entry": water}).status_code == 404
    assert admin.get("/api/catalog/departments/water").status_code == 404
