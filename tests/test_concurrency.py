"""Concurrent writers of one application, on PostgreSQL with real connections and threads."""

import threading

from tests.conftest import postgresql_only
from tests.db_counts import counts
from tests.factories import BASIS, application_payload, approval, create, decide, fire

pytestmark = postgresql_only

ROUNDS = 5


def _race(client, requests: list[tuple[str, dict]]) -> list:
    """Send the requests from separate threads, released at the same instant."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def send(index: int, url: str, body: dict) -> None:
        # Its own client, its own connection; as the clerk, or a supervisor for an item.
        role = "supervisor" if body.get("item") else "clerk"
        with client.application.test_client() as own_client:
            barrier.wait()
            responses[index] = own_client.post(url, json=body,
                                               headers=client.staff.headers(role))

    threads = [threading.Thread(target=send, args=(index, url, body))
               for index, (url, body) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_two_conflicting_transitions_exactly_one_wins(client, app):
    for _ in range(ROUNDS):
        number = create(client)["number"]
        url = f"/api/applications/{number}/transitions"
        responses = _race(client, [(url, {"trigger": "accept"}),
                                (url, {"trigger": "refuse", "reason": "材料不实",
                                       "data": {"basis": BASIS}})])
        codes = sorted(response.status_code for response in responses)
        assert codes == [200, 409], [response.get_json() for response in responses]
        winner = next(response for response in responses if response.status_code == 200)
        final = client.get(f"/api/applications/{number}").get_json()
        assert final["state"] == winner.get_json()["state"]
        intake_events = [event for event in final["history"]
                         if event["trigger"] in ("accept", "refuse")]
        assert len(intake_events) == 1


def test_the_same_trigger_twice_at_once_happens_once(client, app):
    number = create(client)["number"]
    fire(client, number, "accept")
    url = f"/api/applications/{number}/transitions"
    body = {"trigger": "start_review", "item": "birth_medical_certificate"}
    responses = _race(client, [(url, body)] * 3)
    assert sorted(response.status_code for response in responses) == [200, 409, 409]
    history = client.get(f"/api/applications/{number}").get_json()["history"]
    assert [event["trigger"] for event in history].count("start_review") == 1


def test_parallel_items_finishing_together_conclude_exactly_once(client, app):
    parallel = ["social_insurance_deregistration", "customs_record_cancellation",
                "seal_deregistration", "bank_account_closure"]
    for _ in range(ROUNDS):
        number = create(client, "company_closure")["number"]
        fire(client, number, "accept")
        decide(client, number, "tax_deregistration")
        decide(client, number, "company_deregistration")
        for item in parallel:
            fire(client, number, "start_review", item)
        url = f"/api/applications/{number}/transitions"
        approvals = [(url, {"trigger": "approve", "item": item,
                            "data": approval(app, item)}) for item in parallel]
        responses = _race(client, approvals)
        assert [response.status_code for response in responses] == [200] * len(parallel)
        final = client.get(f"/api/applications/{number}").get_json()
        assert final["state"] == "concluded" and final["outcome"] == "approved"
        assert [event["trigger"] for event in final["history"]].count("conclude") == 1


def test_concurrent_creations_get_distinct_numbers(client, app):
    payload = application_payload(app)
    responses = _race(client, [("/api/applications", payload)] * 6)
    assert [response.status_code for response in responses] == [201] * 6
    numbers = {response.get_json()["number"] for response in responses}
    assert len(numbers) == 6
    assert counts(app)["applications"] == 6
