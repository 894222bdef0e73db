"""GET /metrics: this process's counters (or every worker's, summed, under gunicorn) and the
database's gauges, in Prometheus's text format; for the configured addresses, or a bearer token."""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Blueprint, Response, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from ..core.problems import problem
from .gauges import DatabaseGauges

bp = Blueprint("observability", __name__)
NETWORKS = "observability_metrics_networks"


def init_app(app) -> None:
    app.extensions[NETWORKS] = allowed_networks(app.config["METRICS_ALLOWED_IPS"])
    app.register_blueprint(bp)


def allowed_networks(setting: str) -> tuple:
    """``127.0.0.1, ::1, 10.0.0.0/8``: addresses and networks, separated by commas."""
    return tuple(ipaddress.ip_network(each.strip()) for each in setting.split(",") if each.strip())


@bp.get("/metrics")
def metrics():
    if not _allowed():
        return problem(403, "Forbidden", "metrics are for the configured addresses, or with "
                       "'Authorization: Bearer' and the metrics token")
    body = generate_latest(_process_metrics()) + generate_latest(DatabaseGauges())
    return Response(body, mimetype=None, content_type=CONTENT_TYPE_LATEST)


def _process_metrics():
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # every worker's files, the dead ones' counts included
    return registry


def _allowed() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:127.0.0.1 is 127.0.0.1
    return any(address in network for network in current_app.extensions[NETWORKS])
