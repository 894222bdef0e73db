"""Bench mode: the onething app as ``wsgi.py`` builds it, with baseline endpoints beside it that
send the SQL of onething's hot requests through plain psycopg 3 (``gunicorn … baseline:app``;
``bench/run.py`` starts it and loads both).

- ``GET /bench/baseline/read/<number>``: the application's row by number, as JSON (one
  statement, autocommit).
- ``POST /bench/baseline/advance/<number>/<item>``: BEGIN; SELECT … FOR UPDATE of the
  application (with the item's state); UPDATE of the item's state; INSERT of an event; COMMIT.
  The item goes from reviewing to open or back, so that any item under review can be advanced
  again and again: like ``start_review``, each request changes an indexed column. Its events
  carry the reason ``BARE_ADVANCE`` and a hash that chains nothing; ``bench/run.py`` deletes
  them and sets its items back to reviewing after the run.

Nothing in ``service/`` changes: the blueprint is registered here, with a public access rule
(``service/access/policy.py`` refuses an endpoint without one) and exempt from CSRF as the API
is. There it answers through onething's request hooks (the access check, the input guard, the
limiter, CSRF, the commit point, the security headers…), as every endpoint of the app does.
The same blueprint also answers under ``/plain`` from a Flask app with nothing else, as the
bare Flask endpoints of docs/PERFORMANCE.md did: the difference is what the hooks cost.

Each gunicorn worker opens one connection (``DATABASE_URL``) at its first baseline request,
after the fork, and again if it is lost; sync workers serve one request at a time, so one is
enough.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import psycopg
from flask import Blueprint, Flask, abort, jsonify
from psycopg.rows import dict_row

import service
from service.access.policy import PUBLIC, RULES
from service.core.security import csrf
from wsgi import app as onething

BARE_ADVANCE = "bench: bare advance"
FLIPPED = {"reviewing": "open", "open": "reviewing"}

READ = "SELECT * FROM applications WHERE number = %s"
LOCK = ("SELECT a.id, i.state FROM applications AS a JOIN application_items AS i "
        "ON i.application_id = a.id AND i.item_code = %s "
        "WHERE a.number = %s FOR UPDATE OF a")
UPDATE = "UPDATE application_items SET state = %s WHERE application_id = %s AND item_code = %s"
# seq: the next of the application's, read under the lock (one statement, by its unique index).
INSERT = ("INSERT INTO events (application_id, item_code, trigger, from_state, to_state, "
          "actor_kind, reason, data, created_at, seq, chain_hash) "
          "SELECT %(id)s, %(item)s, 'start_review', %(from)s, %(to)s, 'system', %(reason)s, "
          "'{}', now(), coalesce(max(seq), 0) + 1, repeat('0', 64) "
          "FROM events WHERE application_id = %(id)s")

bp = Blueprint("bench_baseline", __name__, url_prefix="/bench/baseline")
_connection: psycopg.Connection | None = None


def connection() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True,
                                      row_factory=dict_row)
    return _connection


@bp.get("/read/<number>")
def read(number: str):
    row = connection().execute(READ, (number,)).fetchone()
    if row is None:
        abort(404)
    return jsonify(row)


@bp.post("/advance/<number>/<item>")
def advance(number: str, item: str):
    database = connection()
    with database.transaction():
        row = database.execute(LOCK, (item, number)).fetchone()
        if row is None or row["state"] not in FLIPPED:
            abort(404 if row is None else 409)
        state = FLIPPED[row["state"]]
        database.execute(UPDATE, (state, row["id"], item))
        database.execute(INSERT, {"id": row["id"], "item": item, "from": row["state"],
                                  "to": state, "reason": BARE_ADVANCE})
    return jsonify({"number": number, "item": item, "state": state})


@bp.errorhandler(psycopg.OperationalError)
def connection_lost(error):
    global _connection
    if _connection is not None:
        _connection.close()
    _connection = None
    return jsonify({"detail": f"database: {error}"}), 503


for endpoint in ("read", "advance"):
    RULES[f"{bp.name}.{endpoint}"] = PUBLIC
csrf.exempt(bp)
onething.register_blueprint(bp)

plain = Flask(__name__)
plain.json.ensure_ascii = False  # as onething's: the same bytes
plain.register_blueprint(bp, url_prefix="/plain" + bp.url_prefix)


def app(environ, start_response):
    """gunicorn's entry: /plain/… to the plain app, everything else to onething."""
    chosen = plain if environ.get("PATH_INFO", "").startswith("/plain/") else onething
    return chosen(environ, start_response)


# Which tree's app this is (a worktree's, say): bench/run.py prints it from the log.
logging.getLogger(__name__).info("onething from %s", Path(service.__file__).parent)
