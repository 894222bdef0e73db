"""The online submissions of the intake queue, on PostgreSQL with a few thousand applications
analysed: the page's statements find the queue by its index on (state, id), as the whole queue
does (tests/test_index_use.py), the channel a filter on the few rows waiting."""

from service.applications.models import Application
from tests.access.test_pages import sign_in
from tests.conftest import postgresql_only
from tests.db_counts import statements_sent
from tests.factories import create
from tests.test_index_use import _copy_applications, _plans

pytestmark = postgresql_only


def test_the_online_intake_queue_uses_the_state_index(app, client):
    number = create(client, "restaurant", channel="online")["number"]
    _copy_applications(app, number)  # online too: the channel alone would not narrow them
    clerk = app.test_client()
    sign_in(clerk, "clerk")
    with statements_sent(app) as sent:
        response = clerk.get("/window/applications?queue=intake&channel=online")
    assert response.status_code == 200 and number in response.get_data(as_text=True)
    queue = [(statement, parameters) for statement, parameters in sent
             if f"FROM {Application.__tablename__}" in statement and "channel" in statement]
    assert len(queue) == 3  # the counts, the total, the page
    plans = _plans(app, queue)
    assert plans.count("ix_applications_state_id") == 3, plans
