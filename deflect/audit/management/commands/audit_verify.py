from django.core.management.base import BaseCommand, CommandError

from deflect.audit.actions import Action
from deflect.audit.selectors import audit_chain_verify
from deflect.audit.services import audit_record


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; name the first broken row."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.ok:
            raise CommandError(
                f"Audit chain BROKEN at event #{report.broken_id}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        audit_record(
            action=Action.AUDIT_VERIFY,
            username="cli",
            extra={"ok": True, "checked": report.checked},
        )
        self.stdout.write(self.style.SUCCESS(f"Audit chain OK: {report.checked} events verified."))
