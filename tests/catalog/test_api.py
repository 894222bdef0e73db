def test_list_bundles(client):
    response = client.get("/api/bundles")
    assert response.status_code == 200
    bundles = {bundle["code"]: bundle for bundle in response.get_json()}
    assert set(bundles) == {"newborn", "restaurant", "company_closure", "utility_connection"}
    # The statutory limit is derived: 10 + 10 + 5 working days along the critical path.
    assert bundles["newborn"] == {"code": "newborn", "name": "新生儿出生“一件事”",
                                  "audience": "person", "categories": ["birth"], "version": 1,
                                  "item_count": 5,
                                  "limits": {"statutory": 25, "committed": 5,
                                             "unit": "working_days"}}


def test_bundle_definition_has_items_departments_prerequisites_limits_materials(client):
    body = client.get("/api/bundles/company_closure").get_json()
    items = {item["code"]: item for item in body["items"]}
    assert items["tax_deregistration"]["department"] == {"code": "tax", "level": "vertical",
                                                         "name": "国家税务总局县税务局"}
    assert items["tax_deregistration"]["prerequisites"] == []
    assert items["company_deregistration"]["prerequisites"] == ["tax_deregistration"]
    assert items["bank_account_closure"]["prerequisites"] == ["company_deregistration"]
    assert items["tax_deregistration"]["limits"] == {"statutory": 20, "committed": 10,
                                                     "unit": "working_days"}
    materials = {material["code"]: material for material in body["materials"]}
    # The tax clearance comes from the tax item by data sharing: never asked of the applicant.
    assert "tax_clearance_certificate" not in materials
    assert materials["legal_representative_id_card"]["exempt"] is True
    assert body["form"][0]["code"] == "company_name"
    assert len({field["code"] for field in body["form"]}) == len(body["form"])
    assert body["version"] == 1 and len(body["digest"]) == 64


def test_unknown_bundle_or_version_is_404(client):
    assert client.get("/api/bundles/moon_landing").status_code == 404
    response = client.get("/api/bundles/newborn?version=9")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_diagram_is_mermaid_with_every_item(client):
    response = client.get("/api/bundles/restaurant/diagram")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert "stateDiagram-v2" in text
    for code in ("business_establishment", "food_business_permit", "outdoor_signboard",
                 "fire_safety_inspection"):
        assert f"processing__{code}__open" in text
    assert "submitted --> processing: accept" in text


def test_bundles_are_found_by_category(client):
    def codes(query: str) -> list[str]:
        response = client.get(f"/api/bundles?{query}")
        assert response.status_code == 200, response.get_json()
        return [bundle["code"] for bundle in response.get_json()]

    assert codes("category=birth") == ["newborn"]
    assert codes("category=opening") == ["restaurant", "utility_connection"]
    assert codes("category=closing") == ["company_closure"]
    assert codes("category=death") == []
    response = client.get("/api/bundles?category=party")
    assert response.status_code == 422
    assert "category" in response.get_json()["errors"]


def test_items_show_their_kind_basis_fee_and_the_level_of_the_body_deciding(client):
    body = client.get("/api/bundles/company_closure").get_json()
    items = {item["code"]: item for item in body["items"]}
    assert items["customs_record_cancellation"]["kind"] == "filing"
    assert items["customs_record_cancellation"]["department"]["level"] == "vertical"
    assert items["social_insurance_deregistration"]["department"]["level"] == "county"
    # The frozen catalog sources no basis: said so (null), not guessed. Every item is free.
    assert {(item["basis"], item["fee"]) for item in body["items"]} == {(None, None)}
    assert body["categories"] == ["closing"]
    assert body["limits"]["statutory"] == 50  # 20 + 20 + 10 along the critical path


def test_a_bundle_of_service_commitments_has_no_statutory_limit(client):
    body = client.get("/api/bundles/utility_connection").get_json()
    assert body["limits"] == {"statutory": None, "committed": 5, "unit": "working_days"}
    power = body["items"][0]
    assert (power["kind"], power["limits"]["statutory"]) == ("public_service", None)
    assert power["department"] == {"code": "power_supply", "name": "国网县供电公司",
                                   "level": "enterprise"}


def test_the_merged_form_is_typed_and_reads_by_group(client):
    form = client.get("/api/bundles/utility_connection").get_json()["form"]
    assert [(field["code"], field["type"], field["group"]) for field in form] == [
        ("site_contact_mobile", "mobile", "applicant"),
        ("company_credit_code", "credit_code", "company"),
        ("legal_representative_id", "resident_id", "company"),
        ("connection_address", "address", "property"),
        ("construction_budget", "money", "project"),
        ("power_capacity", "number", "request"),
        ("water_diameter", "number", "request"),
    ]
    assert form[0]["help"] == "用于约定现场勘查时间"
    assert form[4]["required"] is False
