from django.core.management.base import BaseCommand, CommandError

from institutions.seeding import SeedError, load_seeds


class Command(BaseCommand):
    help = (
        "Load the curated college content of seeds/*.toml. Running it again "
        "changes nothing; rows that staff have edited are kept unless --overwrite."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace rows that staff have edited with the seed's version.",
        )
        parser.add_argument("--dir", help="Read the seed files from this directory.")

    def handle(self, *args, overwrite, dir, **options):
        try:
            report = load_seeds(dir, overwrite=overwrite)
        except SeedError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Seeds loaded: {report}")
