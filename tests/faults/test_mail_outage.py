"""The mail server unreachable while inquiries arrive, then back."""

import email
import email.policy
import subprocess
import threading
from collections import Counter

import pytest
from aiosmtpd.controller import Controller

from .loadclient import Load
from .servers import (
    CHONGQING,
    PYTHON,
    ROOT,
    free_port,
    manage,
    query,
    saved_references,
    wait_until,
)

pytestmark = pytest.mark.faults

ADMISSIONS = "admissions@example.org"  # PORTAL_ADMINS of the test servers
MAIL_STATE = (
    "from applications.models import Inquiry\n"
    "result = list(Inquiry.objects.values('reference', 'email', 'mail_error',"
    " 'mail_attempts', 'confirmation_sent_at', 'notification_sent_at'))"
)
DUE = "from applications.emails import pending_mail\nresult = pending_mail().count()"


class Sink:
    """An SMTP server that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        with self.lock:
            self.messages.append((tuple(envelope.rcpt_tos), str(message["Subject"])))
        return "250 Message accepted for delivery"


def send_pending_mail(env, *args):
    return manage(env, "send_pending_mail", *args)


def test_inquiries_are_kept_while_mail_is_down_and_each_mail_goes_out_once(
    fresh_portal, gunicorn, figures
):
    smtp_port = free_port()  # nothing listens there yet
    env = fresh_portal(
        "sqlite",
        PORTAL_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        PORTAL_EMAIL_HOST="127.0.0.1",
        PORTAL_EMAIL_PORT=smtp_port,
        PORTAL_EMAIL_TIMEOUT=5,
        PORTAL_MAIL_RETRY_SECONDS=1,
    )
    server = gunicorn(env, workers=3)
    load = Load([server.url], slug=CHONGQING, clients=16, per_client=3, tries=1)
    tally = load.start().join()
    saved = saved_references(env)

    # Every inquiry is saved and shown although no mail could be sent.
    assert tally.errors == {} and set(tally.statuses) == {200, 303}
    assert len(tally.shown) == load.total and set(tally.shown) == saved
    state = query(env, MAIL_STATE)
    assert all(
        i["confirmation_sent_at"] is None
        and i["notification_sent_at"] is None
        and i["mail_attempts"] == 1
        and "not sent" in i["mail_error"]
        for i in state
    )

    # Cron while the mail server is still down: the failure is recorded again.
    wait_until(lambda: query(env, DUE) == load.total, 60, "the retries to be due")
    assert f"still failing: {load.total}" in send_pending_mail(env)
    assert {i["mail_attempts"] for i in query(env, MAIL_STATE)} == {2}

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        wait_until(lambda: query(env, DUE) == load.total, 60, "the retries to be due")
        # Two runs at once, as overlapping cron jobs on two servers would be.
        runs = [
            subprocess.Popen(
                [PYTHON, "manage.py", "send_pending_mail"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        # A third run finds nothing left to send.
        assert send_pending_mail(env, "--now") == ""
    finally:
        controller.stop()

    state = query(env, MAIL_STATE)
    figures(
        f"inquiries {load.total}, saved {len(saved)}; mails delivered "
        f"{len(sink.messages)} after 2 failed rounds; cron outputs "
        f"{[out.strip() for out, _err in outputs]}"
    )
    assert all(
        i["confirmation_sent_at"] and i["notification_sent_at"] and not i["mail_error"]
        for i in state
    )
    # Each inquiry's two mails went out exactly once.
    delivered = Counter()
    for recipients, subject in sink.messages:
        for i in state:
            if i["reference"] in subject:
                delivered[(i["reference"], recipients)] += 1
    expected = {(i["reference"], (i["email"],)) for i in state} | {
        (i["reference"], (ADMISSIONS,)) for i in state
    }
    assert set(delivered) == expected
    assert set(delivered.values()) == {1}
    assert len(sink.messages) == 2 * load.total
