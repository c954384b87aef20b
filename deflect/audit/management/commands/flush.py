from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from deflect.audit.triggers import dangerously_lift_append_only


class Command(FlushCommand):
    """Django's ``flush``, which empties every table. On SQLite it deletes row by row, which
    the audit table's append-only triggers refuse; they are lifted for the flush and put back.
    (PostgreSQL truncates, which row triggers do not see.)"""

    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with dangerously_lift_append_only(connection):
            return super().handle(**options)
