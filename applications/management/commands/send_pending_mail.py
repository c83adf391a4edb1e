"""Send the mail about inquiries that could not be sent before.

    python manage.py send_pending_mail            # what is due
    python manage.py send_pending_mail --now      # also what is waiting out a delay

Safe to run from cron, every few minutes, on any number of servers at once:
each inquiry's mail is claimed by one sender before it is sent
(``applications.emails.deliver``), a mail counts as sent only once the mail
server has accepted it, and a run with nothing due does nothing. After a
failure the next try waits, twice as long each time, and the inquiry's
``mail_error`` says when; after ``PORTAL_MAIL_MAX_ATTEMPTS`` failed rounds
it is left to a retry from the admin.
"""

from collections import Counter

from django.core.management.base import BaseCommand

from applications import emails


class Command(BaseCommand):
    help = "Send the inquiry mail that is still unsent (safe to run from cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            action="store_true",
            help="Do not wait out the delay after a failure (the mail server is back).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=200,
            help="At most this many inquiries in one run (default 200).",
        )

    def handle(self, *args, **options):
        due = emails.pending_mail(ignore_delay=options["now"])
        outcomes = Counter(
            emails.deliver(inquiry)
            for inquiry in due.select_related("institution")[: max(options["limit"], 0)]
        )
        # Quiet when there was nothing to do: cron mails whatever is printed.
        if outcomes or options["verbosity"] > 1:
            self.stdout.write(
                f"Inquiries whose mail is now sent: {outcomes[emails.SENT]}; "
                f"still failing: {outcomes[emails.FAILED]}; "
                f"held by another sender: {outcomes[emails.BUSY]}"
            )
