"""Fill a database with synthetic colleges and inquiries, in both languages.

    python manage.py generate_scale_data --colleges 3000 --inquiries 1000000
    python manage.py generate_scale_data --colleges 50 --inquiries 5000 --seed 7

For the benchmark and for trying the admin at size. It refuses a database
that already holds inquiries (they may be real applicants') unless told
``--append``; the seed colleges stay as they are and get inquiries too.

A command of the bench app, which only bench/settings.py installs: run it
with ``DJANGO_SETTINGS_MODULE=bench.settings``.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from applications.models import Inquiry
from bench.scale_data import ScaleData
from institutions.models import Institution


class Command(BaseCommand):
    help = "Generate synthetic colleges, officers and inquiries in bulk."

    def add_arguments(self, parser):
        parser.add_argument(
            "--colleges",
            type=int,
            default=50,
            help="New colleges to create (default: %(default)s).",
        )
        parser.add_argument(
            "--inquiries",
            type=int,
            default=5000,
            help="Inquiries to create, over all colleges (default: %(default)s).",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=3,
            help="Spread the inquiries over this many years (default: %(default)s).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Rows per transaction."
        )
        parser.add_argument(
            "--append",
            "--force",
            action="store_true",
            dest="append",
            help="Add to a database that already holds inquiries.",
        )

    def handle(self, *args, **options):
        colleges, inquiries = options["colleges"], options["inquiries"]
        if colleges < 0 or inquiries < 0 or options["years"] < 1:
            raise CommandError("Counts must be positive and --years at least 1.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        existing = Inquiry.objects.count()
        if existing and not options["append"]:
            raise CommandError(
                f"This database already holds {existing:,} inquiries, which may "
                "be real applicants'. Use another database (DATABASE_URL), or "
                "--append to add synthetic ones to them."
            )
        verbose = options["verbosity"] >= 1
        builder = ScaleData(
            seed=options["seed"],
            years=options["years"],
            batch_size=options["batch_size"],
            progress=self.stderr._out if verbose else None,
        )
        if connection.vendor == "sqlite":
            # The indexes on random keys (reference, e-mail) outgrow SQLite's
            # small default page cache early on; with room for them, the
            # inserts stop waiting on the disk.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -524288")  # 512 MiB
        started = time.perf_counter()
        new = builder.make_colleges(colleges)
        # Every college gets inquiries; the order decides which are sought
        # after most, so shuffle the seed colleges in among the new ones.
        order = list(Institution.objects.order_by("pk"))
        builder.rng.shuffle(order)
        members = builder.make_officers(order)
        after_colleges = time.perf_counter()
        builder.make_inquiries(inquiries, order, members)
        finished = time.perf_counter()
        if (
            connection.vendor in ("postgresql", "sqlite")
            and not connection.in_atomic_block
        ):
            # Fresh statistics, so that the query planner (and the estimated
            # counts of the admin list) know the tables' new size at once;
            # on PostgreSQL, VACUUM also lets the list read ids from its
            # indexes alone.
            command = (
                "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
            )
            with connection.cursor() as cursor:
                cursor.execute(command)
        if verbose:
            self.stdout.write(
                f"Created {builder.report} "
                f"({len(new)} new colleges in {after_colleges - started:.1f} s, "
                f"inquiries in {finished - after_colleges:.1f} s, "
                f"{connection.vendor})."
            )
