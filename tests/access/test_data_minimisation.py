"""A department sees what its items need: the form fields they ask for, and its own items in the
list of allowed triggers, not the rest of the application (个人信息保护法 art. 6)."""

from service.engine.identifiers import mask_id, mask_phone
from tests.factories import create, fire


def test_a_reviewer_reads_only_the_answers_the_departments_items_ask_for(client):
    number = create(client, "company_closure")["number"]
    fire(client, number, "accept")
    whole = client.get(f"/api/applications/{number}").get_json()["form"]
    mine = client.get(f"/api/applications/{number}",
                      headers=client.staff.headers("reviewer")).get_json()["form"]
    assert set(mine) == {"company_name", "deregistration_reason"}  # what 税务注销 asks for
    assert set(whole) > set(mine)
    assert all(mine[field] == whole[field] for field in mine)


def test_the_allowed_triggers_name_only_the_reviewers_items(client):
    number = create(client, "company_closure")["number"]
    fire(client, number, "accept")
    body = client.get(f"/api/applications/{number}/transitions",
                      headers=client.staff.headers("reviewer")).get_json()
    assert set(body["allowed"]["items"]) == {"tax_deregistration"}
    assert set(body["state"]["items"]) == {"tax_deregistration"}
    clerk = client.get(f"/api/applications/{number}/transitions").get_json()
    assert len(clerk["state"]["items"]) == 6


def test_id_and_mobile_numbers_in_the_form_are_masked_but_for_the_window(client):
    number = create(client, "utility_connection")["number"]
    whole = client.get(f"/api/applications/{number}").get_json()["form"]
    masked = client.get(f"/api/applications/{number}",
                        headers=client.staff.headers("supervisor")).get_json()["form"]
    assert "*" not in whole["legal_representative_id"] + whole["site_contact_mobile"]
    assert masked["legal_representative_id"] == mask_id(whole["legal_representative_id"])
    assert masked["site_contact_mobile"] == mask_phone(whole["site_contact_mobile"])
    assert masked["connection_address"] == whole["connection_address"]
