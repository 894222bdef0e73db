"""The one rule for usernames, checked wherever an account is created (API, pages, CLI)."""

import re

_PATTERN = re.compile(r"[a-z][a-z0-9_.-]{2,63}")
# The words the history uses for those who are not staff: no account may take them.
RESERVED = frozenset({"citizen", "applicant", "system", "staff"})


def username_problems(username: str) -> list[str]:
    """What is wrong with ``username`` as a new account's name (nothing: an empty list)."""
    if not _PATTERN.fullmatch(username):
        return ["3–64 characters: a lower-case letter first, then a–z, digits, . _ -"]
    if username in RESERVED:
        return [f"{username!r} is reserved: the history uses it for those who are not staff"]
    return []
