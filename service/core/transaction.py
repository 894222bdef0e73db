"""One commit point per request: the work of a successful write is committed whole, anything
else is rolled back. Operations only flush."""

import logging

from flask import Response, current_app, make_response, request
from sqlalchemy.exc import DBAPIError, IntegrityError

from . import idempotency
from .database import db

log = logging.getLogger(__name__)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app, caller) -> None:
    """``caller()`` names who sends the request (``str()`` of it is used): an idempotency key is
    theirs alone."""
    app.extensions["idempotency_caller"] = caller
    app.before_request(idempotency.check_request)

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        if request.method in _SAFE_METHODS or response.status_code >= 400:
            db.session.rollback()
            return response
        key = idempotency.pending_key()
        try:
            idempotency.remember(response)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            record = idempotency.find(key) if key else None
            if record is None:
                raise
            log.info("idempotency key raced; answering with the first response")
            return idempotency.replay(record)
        except DBAPIError as error:
            # The connection dropped at COMMIT (a restart, a failover, a terminated backend):
            # PostgreSQL rolls the transaction back. The DBAPIError handler answers 503 with
            # Retry-After (or re-raises what is not an outage); a retry with its Idempotency-Key
            # does the work once.
            db.session.rollback()
            return make_response(current_app.handle_user_exception(error))
        return response
