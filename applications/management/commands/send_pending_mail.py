"""Send the mail about inquiries that could not be sent before.

    python manage.py send_pending_mail            # what is due
    python manage.py send_pending_mail --now      # also what is waiting out a delay

Safe to run from cron, every few minutes, on any number of servers at once:
each mail is claimed by one sender before it is sent (``applications.emails``).
After a failure the next try waits twice as long each time; after
``PORTAL_MAIL_MAX_ATTEMPTS`` failed rounds it is left to a retry from the admin.
"""

from collections import Counter

from django.core.management.base import BaseCommand

from applications import emails


class Command(BaseCommand):
    help = "Send the inquiry and message mail still unsent (safe to run from cron)."

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
        limit = max(options["limit"], 0)
        due = emails.pending_mail(ignore_delay=options["now"])
        outcomes = Counter(
            emails.deliver(inquiry)
            for inquiry in due.select_related("institution")[:limit]
        )
        messages = emails.pending_messages(ignore_delay=options["now"])
        outcomes.update(
            emails.deliver_message(message)
            for message in messages.select_related(
                "inquiry__institution", "inquiry__assigned_to"
            )[:limit]
        )
        # Quiet when there was nothing to do: cron mails whatever is printed.
        if outcomes or options["verbosity"] > 1:
            self.stdout.write(
                "Inquiries and messages whose mail is now sent: "
                f"{outcomes[emails.SENT]}; "
                f"still failing: {outcomes[emails.FAILED]}; "
                f"held by another sender: {outcomes[emails.BUSY]}"
            )
