"""Requests that tests build often: a valid application for a bundle, a trigger."""

from __future__ import annotations

from service.catalog.operations import find_version, list_bundles, machine_for
from service.demo.samples import answers_for, applicant_for, approval_for

BASIS = "《中华人民共和国行政许可法》第三十八条"


def bundle_definition(app, code: str):
    with app.app_context():
        return machine_for(find_version(code)).bundle


def application_payload(app, bundle_code: str = "newborn", serial: int = 1, **overrides) -> dict:
    bundle = bundle_definition(app, bundle_code)
    payload = {
        "bundle": bundle_code,
        "channel": "window",
        "applicant": applicant_for(bundle, serial),
        "contact_phone": "13800138000",
        "form": answers_for(bundle),
        "materials": sorted(bundle.material_codes),
        "delivery_method": "window",
    }
    payload.update(overrides)
    return payload


def create(client, bundle_code: str = "newborn", **overrides) -> dict:
    response = client.post("/api/applications",
                           json=application_payload(client.application, bundle_code, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def fire(client, number: str, trigger: str, item: str | None = None, reason: str | None = None,
         data: dict | None = None, expect: int = 200, as_role: str | None = None) -> dict:
    """Fire as the window clerk for the application, as a supervisor of every department for
    an item (or ``as_role``)."""
    role = as_role or ("supervisor" if item else "clerk")
    response = client.post(f"/api/applications/{number}/transitions",
                           json={"trigger": trigger, "item": item, "reason": reason,
                                 "data": data or {}},
                           headers=client.staff.headers(role))
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def approval(app, item: str) -> dict:
    """An approval's data for ``item``: the reviewer's opinion and the result."""
    with app.app_context():
        bundle = next(machine_for(version).bundle for _, version in list_bundles()
                      if item in machine_for(version).bundle.item_codes)
    return approval_for(bundle, item)


def decide(client, number: str, item: str, approve: bool = True, reason: str | None = None):
    """Review and decide an item: approve with a result (``approval``), or deny with a reason
    and its legal basis."""
    fire(client, number, "start_review", item)
    if approve:
        return fire(client, number, "approve", item, data=approval(client.application, item))
    return fire(client, number, "deny", item, reason=reason or "不符合法定条件",
                data={"basis": BASIS})
