"""Bring a backup back: ``make restore FILE=var/backups/portal-....tar.gz``."""

from django.core.management.base import BaseCommand, CommandError

from portal import backups


class Command(BaseCommand):
    help = (
        "Replace the database's contents and the uploaded images with those of "
        "a backup archive made by the backup command."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="The archive, e.g. var/backups/portal-….tar.gz"
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, **options):
        try:
            self.restore(options["file"], options["interactive"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None

    def restore(self, path, interactive):
        created = backups.read_manifest(path).get("created")
        if interactive:
            answer = input(
                f"Replace ALL inquiries, colleges and uploaded images with the "
                f"backup of {created}? Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        backups.restore(path)
        self.stdout.write(f"Restored the backup of {created}.")
