"""The chain a history is made of. Every record carries a keyed hash (HMAC-SHA256, with a key
that is not in the database) of its content and of its predecessor's hash, and a number, 1 to n,
in its chain; so a record edited, removed or moved breaks the chain where it happened, and only
whoever holds the key can write a record that fits. Pure: no Flask, no database."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import Enum, StrEnum

GENESIS = ""  # what the first record of a chain follows


def canonical(fields: Mapping) -> bytes:
    """``fields`` as one text, whichever database they were read from: keys sorted, no spaces,
    timestamps in UTC (ISO 8601, microseconds), whole floats as integers (PostgreSQL's JSONB
    gives ``1e16`` back as an integer)."""
    return json.dumps(_plain(fields), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def _plain(value):
    if isinstance(value, Mapping):
        return {str(key): _plain(each) for key, each in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(each) for each in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: a chained timestamp must be aware")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def seal(key: bytes, previous: str | None, fields: Mapping) -> str:
    """The hash of a record of ``fields`` following the record whose hash is ``previous``."""
    message = (previous or GENESIS).encode() + b"\n" + canonical(fields)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Head:
    """A chain's newest record: its number and its hash."""

    seq: int
    hash: str


@dataclass(frozen=True)
class Link:
    seq: int
    row_id: int  # the row's primary key: the order it was stored in
    fields: dict  # what its hash covers, as ``seal`` takes them
    hash: str


@dataclass
class Chain:
    name: str  # how a finding names it: an application's number, "administrative acts"
    noun: str  # what one record is called: "event", "act"
    links: list[Link] = field(default_factory=list)
    # What the chain's owner stores as its newest record (an application's chain_seq and
    # chain_head); None where nothing stores it.
    head: Head | None = None


class Tampering(StrEnum):
    EDITED = "edited"  # a record's content, or its hash, changed
    DELETED = "deleted"  # a gap in the numbers
    REORDERED = "reordered"  # stored in another order than its numbers say
    TRUNCATED = "truncated"  # the newest records gone or replaced: an anchor's head is not there


@dataclass(frozen=True)
class Finding:
    chain: str  # an application's number, "administrative acts", or "anchors" (the file)
    kind: Tampering
    detail: str

    def __str__(self) -> str:
        return f"{self.chain}  {self.kind}: {self.detail}"


def check_chain(chain: Chain, key: bytes,
                anchored: Iterable[tuple[date, Head]] = ()) -> list[Finding]:
    """Everything wrong with one chain: records stored out of order, numbers missing, hashes
    that do not follow, an owner's head or an anchored head that is not the chain's."""
    def finding(kind: Tampering, detail: str) -> Finding:
        return Finding(chain.name, kind, detail)

    def name(link: Link) -> str:
        return f"{chain.noun} {link.seq} (row {link.row_id})"

    findings = []
    stored = sorted(chain.links, key=lambda link: link.row_id)
    for earlier, later in zip(stored, stored[1:], strict=False):
        if later.seq < earlier.seq:
            findings.append(finding(Tampering.REORDERED,
                                    f"{name(earlier)} is stored before {name(later)}"))
    by_seq = sorted(chain.links, key=lambda link: (link.seq, link.row_id))
    # A link's hashes: the stored one, and for a link that fails, also the one its content makes
    # after the stored hash before it (had its hash alone been changed). The next link may
    # follow either: one change, one finding.
    hashes: dict[int, list[str]] = {}
    previous, expected = [GENESIS], 1
    for link in by_seq:
        if link.seq < expected:
            findings.append(finding(Tampering.EDITED, f"{name(link)} repeats number {link.seq}"))
            continue
        if link.seq > expected:
            gone = (f"{chain.noun} {expected}" if link.seq == expected + 1
                    else f"{chain.noun}s {expected}–{link.seq - 1}")
            findings.append(finding(Tampering.DELETED, f"{gone} missing: the chain goes from "
                                    f"{expected - 1 or 'its start'} to {link.seq}"))
            previous = [link.hash]
        else:
            made = [seal(key, each, link.fields) for each in previous]
            if any(hmac.compare_digest(each, link.hash) for each in made):
                previous = [link.hash]
            else:
                findings.append(finding(Tampering.EDITED,
                                        f"{name(link)} does not match its hash: its content, "
                                        "its number or its hash was changed"))
                previous = [link.hash, made[0]]
        hashes[link.seq], expected = previous, link.seq + 1
    last = by_seq[-1] if by_seq else None
    findings += _against_head(chain, last, hashes, finding)
    findings += _against_anchors(chain, last, hashes, anchored, finding)
    return findings


def _against_head(chain: Chain, last: Link | None, hashes: dict[int, list[str]], finding
                  ) -> list[Finding]:
    head = chain.head
    if head is None or (head.seq == 0 and last is None):
        return []
    ends = f"{chain.noun} {last.seq}" if last else "nothing"
    if last is None or head.seq > last.seq:
        return [finding(Tampering.TRUNCATED, f"its newest {chain.noun} is recorded as "
                        f"{head.seq}, but the chain ends at {ends}")]
    if head.seq < last.seq:
        return [finding(Tampering.EDITED, f"its newest {chain.noun} is recorded as {head.seq}, "
                        f"but the chain goes on to {last.seq}")]
    if head.hash not in hashes[last.seq]:
        return [finding(Tampering.EDITED, f"{chain.noun} {last.seq} has another hash than the "
                        "one recorded as its newest")]
    return []


def _against_anchors(chain: Chain, last: Link | None, hashes: dict[int, list[str]], anchored,
                     finding) -> list[Finding]:
    """An anchored head must still be in the chain, with its hash. Reported once, at the first
    anchor it fails: the later ones fail with it. (A number missing below the newest is a gap,
    reported as deleted.)"""
    end = last.seq if last else 0
    failed = []
    for day, head in sorted(anchored, key=lambda each: each[0]):
        if head.seq > end:
            failed.append(f"anchored on {day} at {chain.noun} {head.seq}, but the chain ends at "
                          f"{end or 'nothing'}")
        elif head.seq in hashes and head.hash not in hashes[head.seq]:
            failed.append(f"anchored on {day} at {chain.noun} {head.seq}, which has another "
                          "hash now: the records since were replaced")
    if not failed:
        return []
    more = f" (and {len(failed) - 1} later anchor(s))" if len(failed) > 1 else ""
    return [finding(Tampering.TRUNCATED, failed[0] + more)]
