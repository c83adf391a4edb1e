"""The logs hold no applicant's name or e-mail address, and one line a request.

Everything any logger writes at DEBUG during a whole inquiry journey (the
form with and without errors, the mail, a failed mail, status look-ups, the
admin searching for and opening the inquiry) goes through the portal's own
JSON formatter, as in production, and is searched for the applicant's
distinctive name and address.
"""

import io
import json
import logging
import re
from smtplib import SMTPRecipientsRefused
from unittest import mock

import pytest

from applications.models import Inquiry
from portal.logging_format import JsonFormatter, RequestIdFilter
from tests.factories import form_data

NAME = "Zhenya Quillfeather-Okonkwo"
CHINESE_NAME = "欧阳测名"
EMAIL = "zq.okonkwo.probe@example.org"
SECRETS = [NAME, "Quillfeather", CHINESE_NAME, EMAIL, "zq.okonkwo", EMAIL.upper()]
SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


@pytest.fixture
def written(caplog):
    """What the production handler writes, with every logger at DEBUG."""
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


class Recorder:
    """A test client that keeps every response, to match them to log lines."""

    def __init__(self, client):
        self.client = client
        self.responses = []

    def get(self, *args, **kwargs):
        return self._keep(self.client.get(*args, **kwargs))

    def post(self, *args, **kwargs):
        return self._keep(self.client.post(*args, **kwargs))

    def _keep(self, response):
        self.responses.append(response)
        return response


def journey(web, college, root, capture_on_commit):
    form = f"/en/institutions/{college.slug}/inquire/"
    web.get(form)
    # With errors: the name and address come back in the page, not the logs.
    bad = form_data(full_name=NAME, email=EMAIL, consent=None, nationality="XX")
    assert web.post(form, bad).status_code == 400
    # A robot fills the trap field.
    assert web.post(form, form_data(full_name=NAME, email=EMAIL, website="x"))
    # A mail server that refuses the address (its error names it).
    reply = f"5.1.1 <{EMAIL}>: Recipient address rejected: User unknown"
    refused = SMTPRecipientsRefused({EMAIL: (550, reply.encode())})
    with mock.patch(SEND, side_effect=refused), capture_on_commit(execute=True):
        sent = web.post(form, form_data(full_name=NAME, email=EMAIL))
    assert sent.status_code == 303
    with capture_on_commit(execute=True):
        web.post(
            f"/zh-hans/institutions/{college.slug}/inquire/",
            form_data(full_name=CHINESE_NAME, email=EMAIL, kind="language"),
        )
    web.get(sent["Location"])
    inquiry = Inquiry.objects.filter(full_name=NAME).get()

    status = "/en/inquiries/status/"
    web.get(f"{status}?reference={inquiry.reference}&email={EMAIL}")
    found = web.post(status, {"reference": inquiry.reference, "email": EMAIL})
    assert NAME in found.text or inquiry.reference in found.text
    web.post(status, {"reference": inquiry.reference, "email": "x" + EMAIL})
    web.post(status, {"reference": "NOPE", "email": f"{NAME} <{EMAIL}"})

    web.client.force_login(root)
    changelist = "/admin/applications/inquiry/"
    assert web.get(changelist, {"q": EMAIL}).status_code == 200
    assert web.get(changelist, {"q": NAME}).status_code == 200
    change = web.get(f"{changelist}{inquiry.pk}/change/")
    assert NAME in change.text
    web.post(
        f"{changelist}{inquiry.pk}/change/",
        {
            "move_to": "in_review",
            "move_note": f"Wrote to {NAME} at {EMAIL}",
            "internal_notes": f"{NAME}\r\n{EMAIL}",
        },
    )
    web.get(f"{changelist}export/", {"q": EMAIL})
    web.post(f"{changelist}{inquiry.pk}/retry-mail/")


@pytest.mark.django_db
def test_no_name_or_address_reaches_the_logs(
    client, chongqing, root, written, caplog, django_capture_on_commit_callbacks
):
    web = Recorder(client)
    journey(web, chongqing, root, django_capture_on_commit_callbacks)

    text = written.getvalue()
    assert len(caplog.records) > len(web.responses)  # the logs were captured
    # The refused mail was logged, the address masked.
    assert "SMTPRecipientsRefused" in text
    assert "[e-mail]" in text
    for secret in SECRETS:
        assert secret not in text
        assert secret.lower() not in text.lower()
    # Not even a message before formatting names anyone (an exception's own
    # text may: the formatter masks addresses in it, as checked above).
    for record in caplog.records:
        message = record.getMessage()
        assert EMAIL not in message and NAME not in message
        assert CHINESE_NAME not in message


@pytest.mark.django_db
def test_each_request_gets_one_access_line_with_its_id(
    client, chongqing, root, written, django_capture_on_commit_callbacks
):
    web = Recorder(client)
    journey(web, chongqing, root, django_capture_on_commit_callbacks)

    lines = [json.loads(line) for line in written.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "portal.access"]
    ids = [response["X-Request-ID"] for response in web.responses]
    assert [line["request_id"] for line in access] == ids
    assert len(set(ids)) == len(ids)
    for line, response in zip(access, web.responses, strict=True):
        assert re.fullmatch(r"[0-9a-f]{16}", line["request_id"])
        assert line["status"] == response.status_code
        assert line["method"] in {"GET", "POST"}
        assert "?" not in line["path"]
        assert line["duration_ms"] >= 0
        assert line["bytes"] is None or line["bytes"] >= 0
    # Whatever else was logged during a request carries that request's id.
    during = [line for line in lines if line["logger"] != "portal.access"]
    assert any(line["request_id"] in ids for line in during)
