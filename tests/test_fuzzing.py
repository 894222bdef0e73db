"""The OpenAPI document tells the truth: schemathesis fuzzes every operation it describes, on
PostgreSQL, with the tests' catalog loaded and applications in every state, as each staff role
(bearer tokens) and as nobody. Every answer must be one the document promises: no 5xx; status
codes, content types, headers (``X-Pagination``) and bodies as documented; 405 with ``Allow`` for
a method the document does not list; and every 4xx a problem document.

Reproducible and bounded: a fixed seed (``derandomize``, schemathesis' ``seed``), a fixed number
of examples per operation on top of schemathesis' deterministic coverage cases (boundaries,
missing and wrongly typed fields, undocumented methods), no deadline (time is not the contract
here): about 30 s on two workers.

Destructive operations do not saw off the fuzzer's own branch. Each operation is a test of its
own, with fresh accounts (``staff``; the tables are emptied after every test), so what one
operation does to an account never reaches another's run. Within an operation, an example whose
path names one of the accounts the fuzzer authenticates with, or one of their tokens (revoking
its own token, deactivating, re-roling or resetting the password of its own user), is rejected
before it is sent. Separate accounts, one of each role with a token (``victims``), are there for
those operations to act on. Deleting drafts deletes drafts, never an account.
"""

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, assume
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from service.access.models import ApiToken, User
from service.core.database import db
from tests.conftest import STAFF, Staff, make_app, make_staff, postgresql_only, staff_client
from tests.factories import BASIS, create, decide, fire

PROBLEM = "application/problem+json"
ROLES = (*STAFF, None)  # None: no credentials at all
EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, unsupported_method]
CONFIG = SchemathesisConfig.from_dict({
    "seed": 17,
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
               "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
})
# Path parameters that name an account or a token: never one the fuzzer authenticates with.
ACCOUNT_PARAMETERS = {"user_id": "users", "token_id": "tokens"}


@pytest.fixture
def victims(app, staff, password_hash) -> Staff:
    """Accounts for the destructive operations to act on: one of each role, with a token."""
    return make_staff(app, [], password_hash, prefix="victim-")


def applications_in_every_state(client) -> list[str]:
    """Applications at intake, in correction, processing with a paused item, delivered, denied,
    refused and withdrawn: the nulls a document must admit show up in some state only."""
    numbers = [create(client, "newborn")["number"] for _ in range(4)]
    intake, correction, delivered, withdrawn = numbers
    fire(client, correction, "request_correction", reason="材料不全",
         data={"missing": ["child_photo"]})
    fire(client, delivered, "accept")
    for item in ("birth_medical_certificate", "birth_registration", "newborn_medical_insurance",
                 "social_security_card", "vaccination_certificate"):
        decide(client, delivered, item)
    fire(client, delivered, "deliver", data={"method": "electronic"})
    fire(client, withdrawn, "withdraw")
    refused = create(client, "restaurant")["number"]
    fire(client, refused, "refuse", reason="不属于本县受理范围", data={"basis": BASIS})
    paused = create(client, "restaurant")["number"]
    fire(client, paused, "accept")
    decide(client, paused, "business_establishment")
    fire(client, paused, "start_review", "fire_safety_inspection")
    fire(client, paused, "pause", "fire_safety_inspection", reason="现场检测",
         data={"cause": "testing"})
    denied = create(client, "company_closure")["number"]
    fire(client, denied, "accept")
    decide(client, denied, "tax_deregistration")
    decide(client, denied, "company_deregistration", approve=False, reason="清算报告未确认")
    return [*numbers, refused, paused, denied]


@pytest.fixture
def applications(app, staff) -> list[str]:
    return applications_in_every_state(staff_client(app, staff))


@pytest.fixture
def own(app, staff) -> dict:
    """The ids of the fuzzer's own users and tokens."""
    with app.app_context():
        names = list(STAFF)
        users = db.session.scalars(db.select(User.id).where(User.username.in_(names))).all()
        tokens = db.session.scalars(db.select(ApiToken.id).where(ApiToken.user_id.in_(users)))
        return {"users": {str(id_) for id_ in users}, "tokens": {str(id_) for id_ in tokens}}


def _document():
    """The app's OpenAPI document, read at collection: schemathesis makes one test of each
    operation from it then. (Its fixture-loaded schema runs every operation in one test, on one
    database, and does not run under pytest 9.) Making the app touches no database."""
    return schemathesis.openapi.from_wsgi("/api/openapi.json", make_app("sqlite://"),
                                          config=CONFIG)


schema = _document()


@postgresql_only
@schema.parametrize()
@hypothesis.settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.filter_too_much, HealthCheck.too_slow])
def test_every_answer_is_one_the_document_promises(case, backend, app, staff, victims, own,
                                                     applications):
    for name, kind in ACCOUNT_PARAMETERS.items():
        assume(str((case.path_parameters or {}).get(name)) not in own[kind])
    for role in ROLES:
        headers = staff.headers(role) if role else {}
        response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
        if 400 <= response.status_code < 500:
            content_type = response.headers.get("content-type", [""])[0]
            assert content_type.startswith(PROBLEM), (
                f"{case.method} {case.formatted_path} as {role}: {response.status_code} "
                f"as {content_type}")


@pytest.mark.parametrize("role", list(STAFF))
def test_applications_in_every_state_are_as_documented(app, staff, role):
    client = staff_client(app, staff)
    numbers = applications_in_every_state(client)
    headers = staff.headers(role)
    failures = []
    for path in ("/api/applications", "/api/overdue", "/api/stats", "/api/outbox",
                 *(f"/api/applications/{number}" for number in numbers),
                 *(f"/api/applications/{number}/transitions" for number in numbers)):
        response = client.get(path, headers=headers)
        if response.status_code == 200:
            operation = schema.find_operation_by_path("GET", path)
            try:
                operation.validate_response(response)
            except FailureGroup as group:
                failures += [f"GET {path}: {failure.title}: {failure.message}"
                             for failure in group.exceptions]
    assert not failures, "\n\n".join(failures)
