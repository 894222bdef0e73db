"""Loading tables with COPY as fast as PostgreSQL takes rows, and leaving them as the migrations
made them.

Around the load, every foreign key on the loaded tables or pointing at them is dropped, and
so are their secondary indexes and unique constraints (but the few partial indexes, and those
of the tables the caller keeps indexed: a table whose keys arrive in order keeps its indexes
more cheaply than a rebuild, which reads the table back). They are made again from their own
definitions (``pg_get_indexdef``, ``pg_get_constraintdef``: same names, same columns; the
foreign keys checked against every row as they are added), and the whole set is compared with
the one before. Each table is emptied and filled by one COPY … FREEZE in its
own transaction and connection (rows written frozen: VACUUM has nothing left to do to them),
fed by a thread of its own (psycopg's ``QueuedLibpqWriter``) while the caller goes on making
rows.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import psycopg
from psycopg.copy import QueuedLibpqWriter

# Constraints and indexes of the loaded tables that are not their primary keys, and the foreign
# keys that point at them: (table, name, kind, definition). Partial indexes stay: they hold few
# rows, and PostgreSQL would write their condition back in other words (the same condition).
_DEFINITIONS = """
SELECT c.conrelid::regclass::text, c.conname, c.contype::text, pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE (c.contype = 'u' AND c.conrelid::regclass::text = ANY(%(tables)s))
   OR (c.contype = 'f' AND (c.conrelid::regclass::text = ANY(%(tables)s)
                            OR c.confrelid::regclass::text = ANY(%(tables)s)))
UNION ALL
SELECT i.indrelid::regclass::text, x.relname, 'i', pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
WHERE i.indrelid::regclass::text = ANY(%(tables)s) AND NOT i.indisprimary
  AND i.indpred IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1, 2
"""
RESTORING = 3  # connections making indexes and constraints at once


def definitions(connection: psycopg.Connection, tables: list[str]) -> list[tuple[str, ...]]:
    return [tuple(row) for row in connection.execute(_DEFINITIONS, {"tables": tables})]


class BulkLoad:
    """``with BulkLoad(url, {table: columns}, kept) as load: load.write(table, rows)``; on
    leaving, the indexes and constraints are back (``restored``: seconds they took)."""

    def __init__(self, url: str, columns: dict[str, tuple[str, ...]],
                 kept: frozenset[str] = frozenset()):
        self.url, self.columns, self.kept = url, columns, kept
        self.definitions: list[tuple[str, ...]] = []
        self.dropped: list[tuple[str, ...]] = []
        self.restored = self.analyzed = 0.0
        self.took: dict[str, float] = {}  # seconds each index or constraint took
        self._stack = ExitStack()
        self._copies: dict[str, psycopg.Copy] = {}

    def __enter__(self) -> BulkLoad:
        tables = list(self.columns)
        with psycopg.connect(self.url, autocommit=True) as admin:
            self._check_columns(admin)
            self.definitions = definitions(admin, tables)
            self.dropped = [each for each in self.definitions
                            if each[2] == "f" or each[0] not in self.kept]
            for table, name, kind, _ in sorted(self.dropped, key=lambda each: each[2] != "f"):
                admin.execute(f'DROP INDEX "{name}"' if kind == "i"
                              else f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        try:
            for table, columns in self.columns.items():
                # Commits once its copy has ended; rolls back on an error.
                connection = self._stack.enter_context(psycopg.connect(self.url))
                connection.execute("SET synchronous_commit = off")
                connection.execute(f"TRUNCATE {table}")  # so that COPY may freeze its rows
                cursor = connection.cursor()
                self._copies[table] = self._stack.enter_context(cursor.copy(
                    f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FREEZE)",
                    writer=QueuedLibpqWriter(cursor)))
        except BaseException:
            self._stack.close()
            raise
        return self

    def _check_columns(self, admin: psycopg.Connection) -> None:
        """Every column of a loaded table is written, but a serial id: a column a migration
        adds would otherwise get its default in every row, silently."""
        for table, columns in self.columns.items():
            unwritten = [name for name, default in admin.execute(
                "SELECT column_name, column_default FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = %s", (table,))
                if name not in columns and not (default or "").startswith("nextval(")]
            if unwritten:
                raise RuntimeError(f"{table} has columns the seed does not write: "
                                   f"{', '.join(unwritten)} (see bench/seeding/rows.py)")

    def write(self, table: str, rows: bytes) -> None:
        if rows:
            self._copies[table].write(rows)

    def end(self) -> None:
        """Every copy ended (once its queue is written) and its transaction committed."""
        self._stack.close()

    def __exit__(self, kind, error, traceback) -> None:
        if error is not None:
            self._stack.__exit__(kind, error, traceback)
            return
        self.end()
        started = time.perf_counter()
        self.analyze()
        self.analyzed = time.perf_counter() - started
        self.restore()
        self.restored = time.perf_counter() - started - self.analyzed

    def analyze(self) -> None:
        """VACUUM (ANALYZE) the loaded tables, before the foreign keys are checked: with their
        rows counted and their pages known all visible (frozen by COPY), a check reads the
        kept indexes (index-only scans) instead of the tables."""
        with psycopg.connect(self.url, autocommit=True) as admin:
            for table in self.columns:
                admin.execute(f"VACUUM (ANALYZE) {table}")

    def restore(self) -> None:
        """What was dropped, on a few connections at once: first the foreign keys of the tables
        kept indexed (the biggest: their checks read them from the disk while the others'
        indexes are sorted), then the indexes and unique constraints, then the other foreign
        keys, biggest tables first. A foreign key's check waits for index builds on its two
        tables, and for another check on either; builds on other tables go on meanwhile."""
        tables = list(self.columns)
        with psycopg.connect(self.url, autocommit=True) as admin:
            sizes = dict(admin.execute(
                "SELECT relname::text, pg_relation_size(oid) FROM pg_class"
                " WHERE relname = ANY(%s)", (tables,)).fetchall())
        ordered = sorted(self.dropped, key=lambda each: (
            0 if each[0] in self.kept else 2 if each[2] == "f" else 1, -sizes.get(each[0], 0)))
        with ThreadPoolExecutor(RESTORING) as pool:
            list(pool.map(self._make, ordered))
        with psycopg.connect(self.url, autocommit=True) as admin:
            after = definitions(admin, tables)
        if after != self.definitions:
            raise RuntimeError("the indexes and constraints restored differ from the "
                               f"migrations': {sorted(set(after) ^ set(self.definitions))}")

    def _make(self, dropped: tuple[str, ...]) -> None:
        table, name, kind, definition = dropped
        started = time.perf_counter()
        with psycopg.connect(self.url, autocommit=True) as connection:
            # One sort per connection, the connections side by side: no parallel workers; and
            # memory enough to sort an index, or hash the keys a foreign key's check looks up,
            # of a million applications at once.
            connection.execute("SET maintenance_work_mem = '768MB'")
            connection.execute("SET work_mem = '512MB'")
            connection.execute("SET max_parallel_maintenance_workers = 0")
            connection.execute("SET jit = off")  # a check's plan compiled is not worth it
            connection.execute(definition if kind == "i" else
                               f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self.took[name] = time.perf_counter() - started
