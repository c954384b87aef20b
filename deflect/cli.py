"""The ``deflect`` command: one entry point for operators."""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line

# (words after "deflect", Django management command, one-line help)
COMMANDS: list[tuple[tuple[str, ...], str, str]] = [
    (("serve",), "serve", "Run the web server on 127.0.0.1:8000 (gunicorn; --dev reloads)."),
    (("demo",), "demo", "Migrate and load the synthetic demo county; print the demo logins."),
    (("migrate",), "migrate", "Create or upgrade the database tables."),
    (("createuser",), "createuser", "Create a user with a role at an agency."),
    (("token", "create"), "token_create", "Create an API token (--read-only, --program ID)."),
    (("token", "revoke"), "token_revoke", "Revoke an API token by id, or all of --user U."),
    (("audit", "verify"), "audit_verify", "Verify the audit log hash chain."),
    (("keys", "generate"), "keys_generate", "Print a new data encryption key."),
    (("keys", "rotate"), "keys_rotate", "Re-encrypt stored data with the current data key."),
    (("backup",), "backup", "Write an encrypted backup of the database (owner-only file)."),
    (("restore",), "restore", "Restore a backup into an empty database and verify it."),
    (("check",), "check", "Check the configuration (add --deploy for production checks)."),
    (("collectstatic",), "collectstatic", "Gather static files for a production server."),
    (
        ("operations", "check"),
        "operations_check",
        "List naloxone expiry and reorder warnings, refreshers due and overdue planning.",
    ),
    (("jobs", "run"), "jobs_run", "Send due reminders (cron-safe: nothing is sent twice)."),
    (("ems", "import"), "ems_import", "Import NEMSIS 3.5 EMS reports (--program ID, --dry-run)."),
    (
        ("cad", "import"),
        "cad_import",
        "Import a dispatch/RMS CSV (--mapping MAP.json --program ID).",
    ),
    (("manage",), "", "Run any Django management command: deflect manage <command> …"),
    (("resources", "import"), "resources_import", "Import an HSDS 3.0 directory (--dry-run)."),
    (("resources", "export"), "resources_export", "Export the directory as HSDS 3.0."),
    (("resources", "template"), "resources_template", "Print the one-sheet CSV template."),
    (
        ("export", "deidentified"),
        "export_deidentified",
        "De-identified person-level export for evaluators (--from, --to, --user).",
    ),
    (("resources", "expire-mous"), "resources_mou_expire", "Mark MOUs past expiry (daily job)."),
    (
        ("records", "import"),
        "records_import",
        "Import outside records from CSV (--source, --kind, --mapping, --dry-run).",
    ),
    (("link", "run"), "link_run", "Link outside records and people (--backend, --program)."),
    (("link", "evaluate"), "link_evaluate", "Pairwise precision/recall/F1 (--truth FILE.csv)."),
]


def usage() -> str:
    lines = ["usage: deflect <command> [options]", "", "commands:"]
    for words, _, text in COMMANDS:
        lines.append(f"  {' '.join(words):<23}{text}")
    lines += [
        "",
        "Run 'deflect <command> --help' for a command's options.",
        "Settings come from the environment: DATABASE_URL, SECRET_KEY, DEBUG, "
        "ALLOWED_HOSTS, AUDIT_HMAC_KEY, DEFLECT_DATA_KEYS, DEFLECT_ENV.",
    ]
    return "\n".join(lines)


def resolve(argv: list[str]) -> list[str] | None:
    """Map ``deflect`` words to a Django management argv, or None if unknown."""
    for words, command, _ in COMMANDS:
        if tuple(argv[: len(words)]) == words:
            rest = argv[len(words) :]
            return rest if not command else [command, *rest]
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(usage())
        return 0
    management_argv = resolve(argv)
    if management_argv is None:
        print(f"deflect: unknown command {' '.join(argv[:2])!r}\n", file=sys.stderr)
        print(usage(), file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

    execute_from_command_line(["deflect", *management_argv])
    return 0


if __name__ == "__main__":
    sys.exit(main())
