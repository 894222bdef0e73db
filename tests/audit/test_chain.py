"""The chain itself, without a database: one canonical text whichever database a record was
read from, and each kind of break told apart."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.audit.chain import Chain, Head, Link, Tampering, canonical, check_chain, seal
from service.engine.states import EventKind

KEY = b"k" * 32


def test_the_canonical_text_is_the_same_from_either_database():
    at = datetime(2026, 11, 29, 20, 15, 0, 120000, tzinfo=UTC)
    written = {"kind": EventKind("approve"), "at": at, "data": {"days": 2.0, "b": [1, "乙"]}}
    read_back = {"data": {"b": [1, "乙"], "days": 2}, "kind": "approve",
                 "at": at.astimezone(timezone(timedelta(hours=8)))}
    assert canonical(written) == canonical(read_back)
    assert canonical(written) == ('{"at":"2026-11-29T20:15:00.120000+00:00","data":{"b":[1,'
                                  '"乙"],"days":2},"kind":"approve"}').encode()
    with pytest.raises(ValueError, match="naive"):
        canonical({"at": at.replace(tzinfo=None)})


def chain_of(count: int, key: bytes = KEY) -> Chain:
    links, previous = [], None
    for seq in range(1, count + 1):
        fields = {"seq": seq, "what": f"step {seq}"}
        previous = seal(key, previous, fields)
        links.append(Link(seq, 100 + seq, fields, previous))
    return Chain("20261130000001", "event", links, Head(count, previous))


def kinds(chain: Chain) -> list[Tampering]:
    return [finding.kind for finding in check_chain(chain, KEY)]


def test_a_whole_chain_has_no_finding_and_each_break_its_own():
    assert kinds(chain_of(5)) == []
    repeated = chain_of(5)
    repeated.links.append(Link(3, 200, repeated.links[2].fields, repeated.links[2].hash))
    assert kinds(repeated) == [Tampering.REORDERED, Tampering.EDITED]
    behind = chain_of(5)
    behind.head = Head(4, behind.links[3].hash)  # the row's head set back, the chain not
    assert kinds(behind) == [Tampering.EDITED]
    empty = chain_of(3)
    empty.links = []
    assert kinds(empty) == [Tampering.TRUNCATED]


def test_a_hash_alone_changed_is_one_finding_not_two():
    chain = chain_of(5)
    chain.links[1] = Link(2, 102, chain.links[1].fields, "0" * 64)
    findings = check_chain(chain, KEY)
    assert [(finding.kind, finding.detail.split(" (")[0]) for finding in findings] == [
        (Tampering.EDITED, "event 2")]


def test_a_chain_made_with_another_key_fails_link_by_link_in_linear_time():
    findings = check_chain(chain_of(300, key=b"x" * 32), KEY)
    assert len(findings) == 300  # each link
