import json

from tests.factories import create, decide, fire


def _numbers(response) -> list[str]:
    return [row["number"] for row in response.get_json()]


def test_list_is_newest_first_and_paginated(client):
    numbers = [create(client)["number"] for _ in range(5)]
    first = client.get("/api/applications?page=1&page_size=2")
    assert first.status_code == 200
    assert _numbers(first) == numbers[::-1][:2]
    pagination = json.loads(first.headers["X-Pagination"])
    assert pagination["total"] == 5 and pagination["total_pages"] == 3
    last = client.get("/api/applications?page=3&page_size=2")
    assert _numbers(last) == numbers[:1]


def test_filters_by_bundle_state_channel_and_department(client):
    newborn = create(client)["number"]
    online = create(client, channel="online")["number"]
    closure = create(client, "company_closure")["number"]
    fire(client, closure, "accept")

    def listed(query: str) -> set[str]:
        response = client.get(f"/api/applications?{query}")
        assert response.status_code == 200, response.get_json()
        return set(_numbers(response))

    assert listed("bundle=company_closure") == {closure}
    assert listed("state=processing") == {closure}
    assert listed("state=submitted") == {newborn, online}
    assert listed("channel=online") == {online}
    assert listed("department=tax") == {closure}
    assert listed("department=health") == {newborn, online}
    assert listed("bundle=newborn&channel=window") == {newborn}


def test_bad_filter_is_a_problem(client):
    response = client.get("/api/applications?state=flying")
    assert response.status_code == 422
    assert "state" in response.get_json()["detail"]
    assert client.get("/api/applications?page_size=1000").status_code == 422


def test_summary_rows_carry_state_and_bundle(client):
    number = create(client, "restaurant")["number"]
    fire(client, number, "accept")
    decide(client, number, "business_establishment")
    row = client.get("/api/applications").get_json()[0]
    assert row["number"] == number
    assert row["bundle"] == {"code": "restaurant", "name": "开办餐饮店“一件事”", "version": 1}
    assert row["state"] == "processing"
    assert "history" not in row


def test_unknown_application_is_404(client):
    response = client.get("/api/applications/20990101000001")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
