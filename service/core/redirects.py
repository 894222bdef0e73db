"""Where a ``next`` parameter may send a browser: a path on this site, nothing else."""

from urllib.parse import urlsplit


def local_path(target: str | None, default: str) -> str:
    """``target`` when it is a printable path on this site, else ``default``: never an open
    redirect (//host, \\\\host, a scheme) nor a header broken by a line feed."""
    if (target and target.startswith("/") and not urlsplit(target).netloc
            and "\\" not in target and target.isprintable()):
        return target
    return default
