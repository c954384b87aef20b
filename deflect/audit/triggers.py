"""The database-level guard that makes the audit table append-only, per database vendor.

PostgreSQL: a trigger function (migration 0002). SQLite: two triggers that abort any UPDATE or
DELETE (migration 0005). ``dangerously_lift_append_only`` removes the guard for the length of a
``with`` block; only the test suite's database flush uses it (SQLite flushes with DELETE).
"""

from contextlib import contextmanager

SQLITE_CREATE = (
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update
    BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete
    BEFORE DELETE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit_auditevent is append-only: DELETE refused'); END""",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
)
POSTGRES_DISABLE = (
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_delete",
)
POSTGRES_ENABLE = ("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_no_update_delete",)


def _run(connection, statements) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def append_only_install(connection) -> None:
    if connection.vendor == "sqlite":
        _run(connection, SQLITE_CREATE)


@contextmanager
def dangerously_lift_append_only(connection):
    """Let UPDATE and DELETE through on the audit table inside the block, then guard it again."""
    if connection.vendor == "sqlite":
        _run(connection, SQLITE_DROP)
    elif connection.vendor == "postgresql":
        _run(connection, POSTGRES_DISABLE)
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            _run(connection, SQLITE_CREATE)
        elif connection.vendor == "postgresql":
            _run(connection, POSTGRES_ENABLE)
