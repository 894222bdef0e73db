"""The clerk's home (bundles, queues, recent work, drafts), the lists, and an application."""

from flask import current_app, render_template, request
from flask_login import current_user

from ..access.actors import current_actor
from ..applications import drafts, operations
from ..catalog.operations import find_bundles, list_bundles
from ..engine.states import Channel
from ..staff import wording as staff_wording
from ..staff.forms import ActionForm
from ..staff.views import Paging, calendar, today
from .apply import remembered_query_code
from .blueprint import bp
from .casefile import casefile
from .forms import action_forms
from .intake import DELIVERY_CHOICES
from .queues import Queue, counts, recent, search, waiting
from .wording import (
    ACTIONS,
    BUSINESS_STAGES,
    LIFE_EVENTS,
    MEDIA_TYPES,
    QUEUE_HELP,
    QUEUES,
    SCAN_STATES,
)

QUEUE_PREVIEW = 5  # rows of each queue on the home page


@bp.context_processor
def words() -> dict:
    return {**staff_wording.words(), "queues": QUEUES, "queue_help": QUEUE_HELP,
            "action_words": ACTIONS, "delivery_choices": DELIVERY_CHOICES,
            "media_types": MEDIA_TYPES, "scan_states": SCAN_STATES,
            "correction_days": current_app.config["CORRECTION_DAYS"]}


@bp.get("")
def home():
    query = request.args.get("bundle", "").strip()
    category = request.args.get("category", "")
    working, day = calendar(), today()
    previews = {queue: waiting(queue, working, day, limit=QUEUE_PREVIEW)[0] for queue in Queue}
    owned, _ = drafts.list_drafts(current_actor(), limit=10)
    published = list_bundles()
    return render_template(
        "window/home.html", bundles=find_bundles(published, query, category), query=query,
        category=category, life_events=LIFE_EVENTS, business_stages=BUSINESS_STAGES,
        counts=counts(), previews=previews, recent=recent(current_user.id, working, day),
        drafts=owned, bundle_names={bundle.code: bundle.name for bundle, _ in published})


@bp.get("/applications")
def applications():
    """One queue in full, or what a search finds."""
    text = request.args.get("q", "").strip()[:100]
    queue = request.args.get("queue", "")
    paging = Paging.from_request()
    working, day = calendar(), today()
    channel = None
    if text:
        rows, total = search(text, working, day, paging.offset, paging.size)
        queue = None
    else:
        queue = Queue(queue) if queue in set(Queue) else Queue.INTAKE
        channel = _channel(request.args.get("channel", ""))
        rows, total = waiting(queue, working, day, paging.offset, paging.size, channel)
    return render_template("window/list.html", rows=rows, paging=paging.of(total), q=text,
                           queue=queue, channel=channel, counts=counts())


def _channel(value: str) -> Channel | None:
    """The channel a list is narrowed to; anything else lists every channel."""
    return Channel(value) if value in set(Channel) else None


@bp.get("/applications/<number>")
def application(number):
    return application_page(operations.get_application(number))


def application_page(found, failed: ActionForm | None = None):
    """The application's page; with ``failed``, that decision's form as sent, with its errors."""
    return render_template("window/application.html",
                           view=casefile(found, calendar(), today()),
                           forms=action_forms(found, failed),
                           failed=failed.trigger if failed else None,
                           query_code=remembered_query_code(found.number))
