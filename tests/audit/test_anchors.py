"""Anchors: one line a day, written outside the database and read back, from the command's
output or from the log; the anchors themselves cannot be edited, forged or left out unseen."""

import json
import logging
from datetime import UTC, date, datetime, timedelta

import time_machine

from service.engine.calendar import local_date
from tests.audit.helpers import anchor, events_of, execute, today, verify, worked


def _day(offset: int) -> str:
    return (date.fromisoformat(today()) + timedelta(days=offset)).isoformat()


def test_an_anchor_names_each_chain_that_grew_that_day_and_follows_the_day_before(
        client, runner, app, tmp_path):
    number = worked(client)
    admin = client.staff.headers("admin")
    client.put("/api/bundles/restaurant/retired", json={"retired": True}, headers=admin)
    anchors = anchor(runner, tmp_path / "anchors.log", _day(-1))
    anchor(runner, anchors)
    yesterday, today_ = map(json.loads, anchors.read_text(encoding="utf-8").splitlines())
    *_, newest = events_of(app, number)
    assert today_["day"] == today() and today_["previous"] == yesterday["digest"]
    assert today_["applications"] == {number: [newest.seq, newest.chain_hash]}
    assert today_["acts"][0] == len(execute(app, "SELECT id FROM admin_acts"))
    assert yesterday["applications"] == {}
    result = verify(runner, "--anchors", anchors)
    assert result.exit_code == 0, result.output
    assert "against 2 anchor(s)" in result.stdout


def test_the_command_logs_its_line_and_the_log_reads_back(client, runner, caplog, tmp_path):
    worked(client)
    with caplog.at_level(logging.INFO, logger="service.audit.cli"):
        printed = runner.invoke(args=["audit", "anchor", "--day", today()]).stdout.strip()
    [logged] = [record.getMessage() for record in caplog.records
                if record.name == "service.audit.cli"]
    assert logged == f"audit anchor {printed}"
    log = tmp_path / "onething.log"
    log.write_text(f"2026-11-30 00:05:01 INFO service.audit.cli {logged}\n"
                   "2026-11-30 00:05:01 INFO werkzeug something else\n", encoding="utf-8")
    assert verify(runner, "--anchors", log).exit_code == 0


def test_an_anchor_edited_or_left_out_is_found(client, runner, tmp_path):
    worked(client)
    anchors = tmp_path / "anchors.log"
    for offset in (-2, -1, 0):
        anchor(runner, anchors, _day(offset))
    first, second, third = anchors.read_text(encoding="utf-8").splitlines()
    edited = json.loads(third)
    edited["applications"] = {}  # as if nothing happened today
    anchors.write_text("\n".join([first, third, json.dumps(edited)]), encoding="utf-8")
    result = verify(runner, "--anchors", anchors)
    assert result.exit_code == 1
    assert f"anchors  deleted: the anchor of {_day(-1)} is missing" in result.stdout
    assert (f"anchors  edited: the anchor of {today()} was not made with this key, or was "
            "changed") in result.stdout


def test_an_unreadable_anchor_is_refused_naming_its_line(client, runner, tmp_path):
    anchors = tmp_path / "anchors.log"
    anchors.write_text('a line\n{"day": "2026-13-01", "digest": "x"}\n', encoding="utf-8")
    result = verify(runner, "--anchors", anchors)
    assert result.exit_code == 1 and "line 2: not an anchor" in result.output


def test_a_day_not_begun_cannot_be_anchored(runner, app):
    result = runner.invoke(args=["audit", "anchor", "--day", _day(1)])
    assert result.exit_code == 1 and "has not begun" in result.output


def test_the_acts_chain_cut_off_is_found_against_the_anchors(client, runner, app, tmp_path):
    admin = client.staff.headers("admin")
    client.put("/api/bundles/restaurant/retired", json={"retired": True}, headers=admin)
    client.put("/api/bundles/restaurant/retired", json={"retired": False}, headers=admin)
    anchors = anchor(runner, tmp_path / "anchors.log")
    newest = execute(app, "SELECT max(seq) FROM admin_acts")[0][0]
    execute(app, "DELETE FROM admin_acts WHERE seq = :seq", seq=newest)
    assert verify(runner).exit_code == 0
    result = verify(runner, "--anchors", anchors)
    assert result.exit_code == 1
    assert (f"administrative acts  truncated: anchored on {today()} at act {newest}, but the "
            f"chain ends at {newest - 1}") in result.stdout


def test_an_act_edited_or_deleted_is_found(client, runner, app):
    admin = client.staff.headers("admin")
    for retired in (True, False, True):
        client.put("/api/bundles/restaurant/retired", json={"retired": retired}, headers=admin)
    newest = execute(app, "SELECT max(seq) FROM admin_acts")[0][0]
    execute(app, "UPDATE admin_acts SET subject = 'newborn' WHERE seq = :seq", seq=newest)
    execute(app, "DELETE FROM admin_acts WHERE seq = :seq", seq=newest - 1)
    result = verify(runner)
    assert result.exit_code == 1
    assert (f"administrative acts  deleted: act {newest - 1} missing: the chain goes from "
            f"{newest - 2} to {newest}") in result.stdout
    # The act after a gap cannot be checked against what is gone: edit the one before it.
    execute(app, "UPDATE admin_acts SET subject = 'newborn' WHERE seq = :seq", seq=newest - 2)
    assert f"administrative acts  edited: act {newest - 2}" in verify(runner).stdout


def test_since_walks_the_applications_with_events_from_that_day_each_whole(client, runner,
                                                                          app):
    month_ago = datetime.now(UTC) - timedelta(days=30)
    with time_machine.travel(month_ago, tick=False):
        old = worked(client)
    recent = worked(client)
    execute(app, "UPDATE events SET reason = 'x' WHERE id = :id", id=events_of(app, old)[0].id)
    since = verify(runner, "--since", today())
    assert since.exit_code == 0, since.output
    assert since.stdout.startswith(f"ok: 1 application(s) ({len(events_of(app, recent))} "
                                   "events)")
    everything = verify(runner, "--since", local_date(month_ago).isoformat())
    assert everything.exit_code == 1 and f"{old}  edited: event 1" in everything.stdout
