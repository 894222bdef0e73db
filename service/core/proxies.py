"""Who the client is behind reverse proxies: ``TRUSTED_PROXY_HOPS`` of them, each appending the
address it received the request from to ``X-Forwarded-For`` (and setting ``X-Forwarded-Proto``).

0 (the default) trusts no header: the client is the peer that connected, ``remote_addr``. With n,
werkzeug's ``ProxyFix`` takes the n-th address from the right, the one our own outermost proxy
saw; anything a client wrote further left is ignored. Set it to the number of proxies really in
front of the application, never more: one too many, and every client chooses its own address.
"""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app) -> None:
    hops = int(app.config.get("TRUSTED_PROXY_HOPS", 0))
    if hops < 0:
        raise RuntimeError("TRUSTED_PROXY_HOPS counts proxies: 0 or more")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
