"""A history that cannot be rewritten unseen (issue 15): each application's events numbered 1…n
and chained (events.seq, events.chain_hash; the head on applications.chain_seq, chain_head), and
the administrative acts as one chain of their own (admin_acts).

The events already recorded are chained here, in the order they were stored, with the key the
application uses: the AUDIT_KEY setting of the app running `flask db upgrade`. Run it with the
production key (ONETHING_ENV=production refuses to start without one): chains made with another
key fail `flask audit verify` everywhere. The canonical form and the hash are copied from
service/audit/chain.py (migrations import no app code); tests/audit/test_migration.py verifies
what this migration chained with the app's own code.

Revision ID: fb2db7905e5a
Revises: b7e2d94c1a60
Create Date: 2026-11-29 23:00:00

"""
import hashlib
import hmac
import json
from datetime import UTC, date, datetime
from enum import Enum

from alembic import op
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = 'fb2db7905e5a'
down_revision = 'b7e2d94c1a60'
branch_labels = None
depends_on = None

JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
EVENTS = sa.table(
    'events', sa.column('id', sa.Integer), sa.column('application_id', sa.Integer),
    sa.column('seq', sa.Integer), sa.column('item_code', sa.String),
    sa.column('trigger', sa.String), sa.column('from_state', sa.String),
    sa.column('to_state', sa.String), sa.column('actor_kind', sa.String),
    sa.column('actor_user_id', sa.Integer), sa.column('reason', sa.Text),
    sa.column('data', JSON_DOCUMENT), sa.column('created_at', sa.DateTime(timezone=True)),
    sa.column('chain_hash', sa.String))
APPLICATIONS = sa.table('applications', sa.column('id', sa.Integer),
                        sa.column('chain_seq', sa.Integer), sa.column('chain_head', sa.String))
BATCH = 500  # applications chained per round of reads and writes


def upgrade():
    op.create_table('admin_acts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('details', JSON_DOCUMENT, nullable=False),
    sa.Column('chain_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'],
                            name=op.f('fk_admin_acts_actor_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_acts')),
    sa.UniqueConstraint('seq', name=op.f('uq_admin_acts_seq'))
    )
    # In place, not by batch: on SQLite a batch copies the table, and every other table refers
    # to applications.
    op.add_column('applications', sa.Column('chain_seq', sa.Integer(), nullable=False,
                                            server_default=sa.text('0')))
    op.add_column('applications', sa.Column('chain_head', sa.String(length=64), nullable=True))
    op.add_column('events', sa.Column('seq', sa.Integer(), nullable=True))
    op.add_column('events', sa.Column('chain_hash', sa.String(length=64), nullable=True))

    _chain_every_application(op.get_bind(), current_app.config['AUDIT_KEY'].encode())

    with op.batch_alter_table('events') as batch_op:  # nothing refers to events
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('chain_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_index('ix_events_application_id')
        batch_op.create_unique_constraint(batch_op.f('uq_events_application_id_seq'),
                                          ['application_id', 'seq'])


def _chain_every_application(connection, key: bytes) -> None:
    ids = connection.execute(sa.select(APPLICATIONS.c.id).order_by(APPLICATIONS.c.id)
                             ).scalars().all()
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        events = connection.execute(sa.select(EVENTS).where(EVENTS.c.application_id.in_(batch))
                                    .order_by(EVENTS.c.application_id, EVENTS.c.id)).all()
        heads, links = {}, []
        for event in events:
            seq, previous = heads.get(event.application_id, (0, None))
            fields = {'application_id': event.application_id, 'seq': seq + 1,
                      'kind': event.trigger, 'item_code': event.item_code,
                      'from_state': event.from_state, 'to_state': event.to_state,
                      'actor_kind': event.actor_kind, 'actor_user_id': event.actor_user_id,
                      'reason': event.reason, 'data': event.data,
                      'at': _aware(event.created_at)}
            chain_hash = _seal(key, previous, fields)
            heads[event.application_id] = (seq + 1, chain_hash)
            links.append({'row_id': event.id, 'new_seq': seq + 1, 'new_hash': chain_hash})
        if links:
            connection.execute(
                EVENTS.update().where(EVENTS.c.id == sa.bindparam('row_id'))
                .values(seq=sa.bindparam('new_seq'), chain_hash=sa.bindparam('new_hash')), links)
            connection.execute(
                APPLICATIONS.update().where(APPLICATIONS.c.id == sa.bindparam('row_id'))
                .values(chain_seq=sa.bindparam('new_seq'), chain_head=sa.bindparam('new_hash')),
                [{'row_id': application_id, 'new_seq': seq, 'new_hash': chain_hash}
                 for application_id, (seq, chain_hash) in heads.items()])


def _aware(value):
    """SQLite gives the stored UTC time back without its zone."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


# As service/audit/chain.py computes them, on 2026-11-29.
def _seal(key: bytes, previous, fields) -> str:
    message = (previous or '').encode() + b'\n' + json.dumps(
        _plain(fields), sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(each) for key, each in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(each) for each in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec='microseconds')
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def downgrade():
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_events_application_id_seq'), type_='unique')
        batch_op.create_index('ix_events_application_id', ['application_id'], unique=False)
        batch_op.drop_column('chain_hash')
        batch_op.drop_column('seq')
    if op.get_bind().dialect.name == 'sqlite':
        # Not by batch (see upgrade). SQLite drops a column since 3.35.
        op.execute('ALTER TABLE applications DROP COLUMN chain_head')
        op.execute('ALTER TABLE applications DROP COLUMN chain_seq')
    else:
        op.drop_column('applications', 'chain_head')
        op.drop_column('applications', 'chain_seq')
    op.drop_table('admin_acts')
