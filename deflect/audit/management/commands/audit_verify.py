from django.core.management.base import BaseCommand, CommandError

from deflect.audit.actions import Action
from deflect.audit.checkpoint import checkpoint_compare, checkpoint_write
from deflect.audit.selectors import audit_chain_verify
from deflect.audit.services import audit_record


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain (name the first broken row) and compare its head "
        "with the out-of-database checkpoint; then append a new checkpoint."
    )

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at event #{report.broken_id}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        compared = checkpoint_compare()
        if not compared.ok:
            raise CommandError(f"Audit chain SHORTENED or altered: {compared.message}.")
        audit_record(
            action=Action.AUDIT_VERIFY,
            username="cli",
            extra={"ok": True, "checked": report.checked},
        )
        checkpoint_write()
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain OK: {report.checked} events verified; {compared.message}."
            )
        )
