"""Back up the database and the uploaded images: ``make backup``."""

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database and of the uploaded images to "
        "one archive in var/backups/ (safe while the portal is serving), and "
        "keep only the newest PORTAL_BACKUP_KEEP archives there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=None,
            help="Where to write the archive (default: var/backups/).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Then keep only the newest this many archives there "
            "(default: PORTAL_BACKUP_KEEP; 0 keeps all).",
        )

    def handle(self, *args, **options):
        try:
            path = backups.create(options["dir"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        # Only after a new archive is whole: a failed backup removes nothing.
        for old in backups.prune(path.parent, options["keep"]):
            self.stderr.write(f"Removed the old backup {old}")
        self.stdout.write(str(path))
