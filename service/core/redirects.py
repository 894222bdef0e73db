"""Where a ``next`` parameter may send a browser: a path on this site, nothing else.

Browsers are lenient where a server is strict: they drop tabs and line feeds anywhere in a URL,
read ``\\`` as ``/``, and take ``//host``, ``///host`` or ``/\\host`` as another site. So a target
is accepted only when it is unmistakably a path: ``/`` alone, or ``/`` followed by something other
than ``/`` or ``\\``; printable, with no backslash; and the same holds once percent-escapes are
decoded, in case something between us and the browser decodes them once more.
"""

from urllib.parse import unquote, urlsplit

_MAX_LENGTH = 2000
_UNQUOTE_ROUNDS = 3  # layers of percent-escaping looked through (%252F → %2F → /)


def local_path(target: str | None, default: str) -> str:
    """``target`` when it is a path on this site, else ``default``: never an open redirect nor a
    header broken by a line feed."""
    if not target or len(target) > _MAX_LENGTH:
        return default
    form = target
    for _ in range(_UNQUOTE_ROUNDS + 1):
        if not _plain_path(form):
            return default
        decoded = unquote(form)
        if decoded == form:
            return target
        form = decoded
    return default  # escapes within escapes: not a link this site produces


def _plain_path(target: str) -> bool:
    if not target.startswith("/") or target[1:2] in ("/", "\\"):
        return False
    # isprintable() is False for control characters and for every Unicode space but " ".
    if "\\" in target or not target.isprintable():
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc

