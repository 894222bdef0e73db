"""What the applicant is told: a correction notice, an extension, the conclusion, a refusal,
each an outbox message to the citizen written with its step; other steps tell them nothing."""

from service.outbox.models import OutboxStatus
from tests.factories import BASIS, bundle_definition, create, decide, fire
from tests.jobs.conftest import message_rows


def citizen_messages(app) -> list[tuple[str, str | None, dict]]:
    return [(row.kind, row.item_code, row.payload) for row in message_rows(app)
            if row.recipient_kind == "citizen"]


def test_a_correction_notice_tells_the_applicant_what_and_by_when(app, client):
    number = create(client, materials=["parent_id_cards", "birth_medical_record"])["number"]
    body = fire(client, number, "request_correction", reason="材料不全")
    (kind, item, payload), = citizen_messages(app)
    assert (kind, item) == ("correction_notice", None)
    assert payload["application"] == number and payload["due_on"]
    year, month, day = (int(part) for part in payload["due_on"].split("-"))
    assert payload["text"] == (f"【县政务服务中心】您的办件{number}需补正材料，"
                               f"请于{year}年{month}月{day}日前补齐，所需材料请凭查询码查看。")
    assert "13800138000" not in str(payload) and body["state"] == "correction"
    message, = message_rows(app)
    assert (message.recipient, message.status) == (number, OutboxStatus.PENDING)


def test_an_extension_and_the_conclusion_are_told_but_not_the_steps_between(app, client):
    number = create(client)["number"]
    fire(client, number, "accept")
    first, *others = bundle_definition(app, "newborn").execution_order()
    fire(client, number, "extend", first, reason="需要现场核查", data={"days": 1})
    assert citizen_messages(app) == [("extension", first, {
        "application": number, "bundle": "newborn", "item": first, "days": 1,
        "text": f"【县政务服务中心】您的办件{number}有事项经批准延长办理期限1个工作日。"})]

    for item in (first, *others):
        decide(client, number, item)
    kinds = [(kind, payload.get("outcome")) for kind, _, payload in citizen_messages(app)]
    assert kinds == [("extension", None), ("result_ready", "approved")]


def test_a_refusal_is_told(app, client):
    number = create(client)["number"]
    fire(client, number, "refuse", reason="不属于本机关职权范围", data={"basis": BASIS})
    assert [kind for kind, _, _ in citizen_messages(app)] == ["refused"]
