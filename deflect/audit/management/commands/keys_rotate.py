from django.core.management.base import BaseCommand, CommandError

from deflect.audit.actions import Action
from deflect.audit.services import audit_record
from deflect.core.crypto import DataKeyError, current_key, reseal_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the current (first) DEFLECT_DATA_KEYS key, in "
        "batches, while the application runs. Idempotent; the older keys may be removed after."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            key = current_key()
            counts = reseal_all(batch_size=batch_size)
        except DataKeyError as exc:
            raise CommandError(str(exc)) from exc
        for count in counts:
            self.stdout.write(
                f"{count.model}: {count.checked} rows checked, {count.resealed} re-encrypted"
            )
        resealed = sum(c.resealed for c in counts)
        audit_record(
            action=Action.KEYS_ROTATE,
            username="cli",
            extra={"key_id": key.key_id, "resealed": resealed},
        )
        self.stdout.write(
            self.style.SUCCESS(f"All values are sealed with key {key.key_id} ({resealed} changed).")
        )
