"""Who is acting, for the event log."""

from flask import request

HEADER = "X-Actor"
ANONYMOUS = "anonymous"


def current_actor() -> str:
    """The name the client gives in ``X-Actor``.

    Until sign-in exists this is the client's word, recorded as given; the access-control issue
    replaces it with the authenticated user.
    """
    name = (request.headers.get(HEADER) or "").strip()
    return name[:100] or ANONYMOUS
