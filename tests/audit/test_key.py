"""The key lives in the configuration, never in the database: production refuses to start
without one of its own, and chains made with one key fail with any other."""

import pytest

from service.core.config import DEVELOPMENT_AUDIT_KEY
from tests.audit.helpers import verify, worked
from tests.conftest import make_app

SECRET = "a-real-secret-for-tests-of-32-bytes"


@pytest.mark.parametrize("key", [DEVELOPMENT_AUDIT_KEY, "short", SECRET])
def test_production_refuses_to_start_without_an_audit_key_of_its_own(database_url, monkeypatch,
                                                                      key):
    monkeypatch.setenv("ONETHING_ENV", "production")
    with pytest.raises(RuntimeError, match="AUDIT_KEY"):
        make_app(database_url, SECRET_KEY=SECRET, AUDIT_KEY=key)


def test_chains_made_with_another_key_fail_from_their_first_event(client, runner, app,
                                                                  monkeypatch):
    number = worked(client)
    monkeypatch.setitem(app.config, "AUDIT_KEY", "another key, another chain: 32 bytes")
    result = verify(runner)
    assert result.exit_code == 1
    assert f"{number}  edited: event 1 (row" in result.stdout
    assert f"{number}  edited: event 2 (row" in result.stdout
