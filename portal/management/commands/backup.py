"""Back up the database and the uploaded images: ``make backup``."""

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database and of the uploaded images to "
        "one archive in var/backups/ (safe while the portal is serving)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=None,
            help="Where to write the archive (default: var/backups/).",
        )

    def handle(self, *args, **options):
        try:
            path = backups.create(options["dir"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(path))
