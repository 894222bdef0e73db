def test_list_bundles(client):
    response = client.get("/api/bundles")
    assert response.status_code == 200
    bundles = {bundle["code"]: bundle for bundle in response.get_json()}
    assert set(bundles) == {"newborn", "restaurant", "company_closure"}
    assert bundles["newborn"] == {"code": "newborn", "name": "新生儿出生“一件事”",
                                  "audience": "person", "version": 1, "item_count": 5,
                                  "limits": {"statutory": 45, "committed": 5,
                                             "unit": "working_days"}}


def test_bundle_definition_has_items_departments_prerequisites_limits_materials(client):
    body = client.get("/api/bundles/company_closure").get_json()
    items = {item["code"]: item for item in body["items"]}
    assert items["tax_deregistration"]["department"] == {"code": "tax",
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
