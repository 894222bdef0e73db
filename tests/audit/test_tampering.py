"""Each way of rewriting an application's history behind the application's back is found and
named by its number, on SQLite and PostgreSQL: a row edited, deleted or moved, the newest rows
cut off or replaced (found against the anchors taken before). The other applications stay
clean."""

import pytest

from tests.audit.helpers import anchor, events_of, execute, today, verify, worked


@pytest.fixture
def two(client) -> tuple[str, str]:
    """The application tampered with, and one left alone."""
    return worked(client), worked(client)


def test_an_untouched_history_verifies(two, runner):
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ok: 2 application(s) (")
    assert "every chain intact" in result.stdout


@pytest.mark.parametrize("column, value", [
    ("reason", "'材料齐全'"), ("to_state", "'refused'"), ("actor_kind", "'system'"),
    ("chain_hash", "'" + "0" * 64 + "'")])
def test_an_edited_event_is_found(two, runner, app, column, value):
    number, other = two
    row_id = events_of(app, number)[1].id
    if column == "actor_kind":  # the actor check: a staff member's id goes with it
        execute(app, f"UPDATE events SET actor_kind = {value}, actor_user_id = NULL "
                     "WHERE id = :id", id=row_id)
    else:
        execute(app, f"UPDATE events SET {column} = {value} WHERE id = :id", id=row_id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"{number}  edited: event 2 (row {row_id}) does not match its hash" in result.stdout
    assert other not in result.stdout
    assert "1 finding(s) in 1 chain(s)" in result.stderr


def test_a_deleted_event_is_found(two, runner, app):
    number, other = two
    execute(app, "DELETE FROM events WHERE id = :id", id=events_of(app, number)[2].id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"{number}  deleted: event 3 missing: the chain goes from 2 to 4" in result.stdout
    assert other not in result.stdout


def test_two_events_swapped_are_found(two, runner, app):
    number, other = two
    second, third = events_of(app, number)[1:3]
    # Each row keeps its number and hash; the history, read in stored order, shows them swapped.
    execute(app, "UPDATE events SET id = -1 WHERE id = :id", id=second.id)
    execute(app, "UPDATE events SET id = :second WHERE id = :third", second=second.id,
            third=third.id)
    execute(app, "UPDATE events SET id = :third WHERE id = -1", third=third.id)
    result = verify(runner)
    assert result.exit_code == 1
    assert (f"{number}  reordered: event 3 (row {second.id}) is stored before event 2 "
            f"(row {third.id})") in result.stdout
    assert other not in result.stdout


def test_two_events_renumbered_are_found(two, runner, app):
    number, _ = two
    second, third = events_of(app, number)[1:3]
    execute(app, "UPDATE events SET seq = -1 WHERE id = :id", id=second.id)
    execute(app, "UPDATE events SET seq = 2 WHERE id = :id", id=third.id)
    execute(app, "UPDATE events SET seq = 3 WHERE id = :id", id=second.id)
    result = verify(runner)
    assert result.exit_code == 1
    assert f"{number}  reordered: event 3 (row {second.id}) is stored before" in result.stdout
    assert f"{number}  edited: event 2 (row {third.id})" in result.stdout


def test_the_newest_events_cut_off_carelessly_are_found_without_anchors(two, runner, app):
    number, other = two
    events = events_of(app, number)
    execute(app, "DELETE FROM events WHERE id = :id", id=events[-1].id)
    result = verify(runner)
    assert result.exit_code == 1
    assert (f"{number}  truncated: its newest event is recorded as {len(events)}, but the "
            f"chain ends at event {len(events) - 1}") in result.stdout
    assert other not in result.stdout


def _cut(app, number: str, keep: int) -> None:
    """The newest events deleted, and the application's head set to the last one kept: the
    chain alone looks whole."""
    events = events_of(app, number)
    for event in events[keep:]:
        execute(app, "DELETE FROM events WHERE id = :id", id=event.id)
    kept = events[keep - 1]
    execute(app, "UPDATE applications SET chain_seq = :seq, chain_head = :hash "
                 "WHERE number = :number", seq=kept.seq, hash=kept.chain_hash, number=number)


def test_the_newest_events_cut_off_with_care_are_found_against_the_anchors(two, runner, app,
                                                                            tmp_path):
    number, other = two
    count = len(events_of(app, number))
    anchors = anchor(runner, tmp_path / "anchors.log")
    _cut(app, number, keep=count - 2)
    assert verify(runner).exit_code == 0  # what the database alone cannot tell
    result = verify(runner, "--anchors", anchors)
    assert result.exit_code == 1
    assert (f"{number}  truncated: anchored on {today()} at event {count}, but the chain ends "
            f"at {count - 2}") in result.stdout
    assert other not in result.stdout


def test_the_newest_events_replaced_are_found_against_the_anchors(two, runner, app, client,
                                                                   tmp_path):
    number, _ = two
    count = len(events_of(app, number))
    anchors = anchor(runner, tmp_path / "anchors.log")
    _cut(app, number, keep=count - 1)
    # The application goes on: its next event is valid, and takes the number cut off.
    client.post(f"/api/applications/{number}/transitions", json={
        "trigger": "start_review", "item": "birth_registration", "data": {}},
        headers=client.staff.headers("supervisor"))
    assert len(events_of(app, number)) == count
    assert verify(runner).exit_code == 0
    result = verify(runner, "--anchors", anchors)
    assert result.exit_code == 1
    assert (f"{number}  truncated: anchored on {today()} at event {count}, which has another "
            "hash now") in result.stdout


def test_an_application_deleted_whole_is_found_against_the_anchors(two, runner, app, tmp_path):
    number, other = two
    count = len(events_of(app, number))
    anchors = anchor(runner, tmp_path / "anchors.log")
    application = "(SELECT id FROM applications WHERE number = :number)"
    for table in ("events", "visits", "item_results", "paused_spans", "extension_requests",
                  "outbox_messages", "ratings", "application_items"):
        execute(app, f"DELETE FROM {table} WHERE application_id = {application}", number=number)
    execute(app, "DELETE FROM applications WHERE number = :number", number=number)
    result = verify(runner, "--anchors", anchors)
    assert result.exit_code == 1
    assert (f"{number}  truncated: anchored on {today()} at event {count}, but the "
            "application is gone") in result.stdout
    assert other not in result.stdout
