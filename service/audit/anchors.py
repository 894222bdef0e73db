"""Anchors: one line a day, kept outside the database, committing to the head of every chain
that grew that day (each application's by its number, and the administrative acts') and to the
previous day's anchor. Whoever rewrites or cuts a chain afterwards cannot make it end where its
anchor says without the key. Pure: no Flask, no database.

A line is JSON, read back from wherever it was kept: `flask audit anchor`'s output or the log
(whatever precedes the first ``{`` on a line is skipped)::

    {"day":"2026-11-28","applications":{"20261128000001":[7,"3f…"]},"acts":[12,"9c…"],
     "previous":"<the digest of 2026-11-27>","digest":"<HMAC of day, applications and acts>"}
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .chain import Finding, Head, Tampering, seal

ANCHORS = "anchors"  # how a finding about the anchors themselves names them


@dataclass(frozen=True)
class Anchor:
    day: date
    applications: dict[str, Head]  # by number: each application whose chain grew that day
    acts: Head | None  # the administrative acts' head, if acts were recorded that day
    previous: str | None  # the digest of the day before's anchor
    digest: str


def _digest(key: bytes, day: date, applications: dict[str, Head], acts: Head | None) -> str:
    return seal(key, None, {"day": day, "acts": acts and [acts.seq, acts.hash],
                            "applications": {number: [head.seq, head.hash]
                                             for number, head in applications.items()}})


def make_anchor(key: bytes, day: date, applications: dict[str, Head], acts: Head | None,
                previous: str | None) -> Anchor:
    return Anchor(day, dict(sorted(applications.items())), acts, previous,
                  _digest(key, day, applications, acts))


def anchor_line(anchor: Anchor) -> str:
    return json.dumps({
        "day": anchor.day.isoformat(),
        "applications": {number: [head.seq, head.hash]
                         for number, head in anchor.applications.items()},
        "acts": anchor.acts and [anchor.acts.seq, anchor.acts.hash],
        "previous": anchor.previous,
        "digest": anchor.digest,
    }, ensure_ascii=False, separators=(",", ":"))


class AnchorsUnreadable(ValueError):
    """A line that looks like an anchor but is not one."""


def read_anchors(lines: Iterable[str]) -> list[Anchor]:
    """The anchors among ``lines``; lines that hold none (other log lines) are skipped.

    Raises:
        AnchorsUnreadable: naming the line.
    """
    anchors = []
    for number, text in enumerate(lines, 1):
        start = text.find("{")
        if start < 0 or '"digest"' not in text:
            continue
        try:
            data = json.loads(text[start:])
            anchors.append(Anchor(
                date.fromisoformat(data["day"]),
                {str(key): Head(int(seq), str(hash_))
                 for key, (seq, hash_) in data["applications"].items()},
                Head(int(data["acts"][0]), str(data["acts"][1])) if data["acts"] else None,
                data["previous"], str(data["digest"])))
        except (ValueError, KeyError, TypeError, IndexError) as error:
            raise AnchorsUnreadable(f"line {number}: not an anchor ({error})") from None
    return anchors


def check_anchors(anchors: list[Anchor], key: bytes) -> list[Finding]:
    """What is wrong with the anchors themselves: a line not made with the key, a day missing
    between two others, a line that does not follow the day before's."""
    findings = []
    digests: dict[date, set[str]] = {}
    for anchor in anchors:
        expected = _digest(key, anchor.day, anchor.applications, anchor.acts)
        if not hmac.compare_digest(expected, anchor.digest):
            findings.append(Finding(ANCHORS, Tampering.EDITED, f"the anchor of {anchor.day} "
                                    "was not made with this key, or was changed"))
        else:
            digests.setdefault(anchor.day, set()).add(anchor.digest)
    first = min(digests, default=None)
    for anchor in anchors:
        before = anchor.day - timedelta(days=1)
        if anchor.day not in digests or first is None or anchor.day == first:
            continue
        if before not in digests:
            findings.append(Finding(ANCHORS, Tampering.DELETED,
                                    f"the anchor of {before} is missing"))
        elif anchor.previous not in digests[before]:
            findings.append(Finding(ANCHORS, Tampering.EDITED,
                                    f"the anchor of {anchor.day} does not follow the anchor of "
                                    f"{before}"))
    return _unique(findings)


def _unique(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))
