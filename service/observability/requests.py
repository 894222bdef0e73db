"""Each request: its id set before anything else runs, and once answered, one access-log line, its
count and its latency, and its id returned in ``X-Request-ID``."""

from __future__ import annotations

import logging
import time

from flask import Response, g, request

from . import metrics
from .request_ids import HEADER, LogContext, accepted_or_new, current

log = logging.getLogger(__name__)
UNMATCHED = "unmatched"  # the endpoint of a URL no route has: one label for every stranger's path


def init_app(app) -> None:
    """Before every other hook, and after: the id is set before input_guard may refuse the
    request, and the access line has the status sent and a time that includes the commit."""
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request_funcs.setdefault(None, []).insert(0, finish)  # run in reverse: last
    app.teardown_request_funcs.setdefault(None, []).insert(0, forget)


def start() -> None:
    number = request.view_args.get("number") if request.view_args else None
    context = LogContext(accepted_or_new(request.headers.get(HEADER)), number)
    g.log_context_token = current.set(context)
    g.request_started = time.perf_counter()


def finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.request_started
    endpoint = request.endpoint or UNMATCHED
    metrics.observe_request(endpoint, request.method, response.status_code, seconds)
    log.info("%s %s %s %.1f ms", request.method, endpoint, response.status_code, seconds * 1000,
             extra={"method": request.method, "endpoint": endpoint,
                    "status": response.status_code, "duration_ms": round(seconds * 1000, 1)})
    response.headers[HEADER] = current.get().request_id
    return response


def forget(error: BaseException | None = None) -> None:
    token = g.pop("log_context_token", None)
    if token is not None:
        current.reset(token)
