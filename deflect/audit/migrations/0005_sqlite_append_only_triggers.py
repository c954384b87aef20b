"""On SQLite, as on PostgreSQL (0002), the database itself refuses UPDATE and DELETE on the
audit table."""

from django.db import migrations

from deflect.audit.triggers import SQLITE_CREATE, SQLITE_DROP


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_action_without_choices")]
    operations = [migrations.RunPython(forward, backward)]
