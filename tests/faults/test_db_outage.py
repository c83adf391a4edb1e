"""A database that does not answer gets a 503 page in the visitor's language."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from applications.models import Inquiry
from applications.views import InquiryCreateView
from tests.factories import form_data

FORM = "/{lang}/institutions/chongqing-industry-polytechnic-college/inquire/"


@pytest.fixture
def lenient_client():
    # Like a browser: an error is an answer, not an exception in the test.
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_view_that_cannot_reach_the_database_answers_503(lenient_client, db, error):
    with mock.patch.object(
        InquiryCreateView, "get_institution", side_effect=error("server closed")
    ):
        response = lenient_client.get(FORM.format(lang="en"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "The portal is briefly unavailable" in html
    assert "Traceback" not in html and "server closed" not in html


def test_the_503_page_is_in_chinese_for_a_chinese_page(lenient_client, db):
    """Needs the compiled Chinese catalogue."""
    with mock.patch.object(
        InquiryCreateView, "get_institution", side_effect=OperationalError("down")
    ):
        response = lenient_client.get(FORM.format(lang="zh-hans"))
    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "平台暂时无法访问" in html
    assert "请在平台恢复后重新提交" in html


def test_an_error_after_the_view_is_a_503_too(lenient_client, root):
    # Staff sessions are saved after the view, outside the middleware's
    # reach, and Django reports a session it could not save as a 400: the
    # error handlers turn both into the same 503 page.
    lenient_client.force_login(root)
    with mock.patch(
        "django.contrib.sessions.models.Session.save",
        side_effect=OperationalError("the database system is shutting down"),
    ):
        response = lenient_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 503
    assert "平台暂时无法访问" in response.content.decode()


def test_a_bad_request_is_still_a_400(lenient_client, db):
    response = lenient_client.get("/en/", HTTP_HOST="not-allowed.example")
    assert response.status_code == 400


def test_other_errors_are_still_a_500(lenient_client, db):
    with mock.patch.object(
        InquiryCreateView, "get_institution", side_effect=ValueError("bug")
    ):
        response = lenient_client.get(FORM.format(lang="en"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_health_check_answers_503_while_the_database_is_down(client, db):
    with mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert client.get("/healthz").json() == {"status": "ok"}


def test_an_inquiry_that_could_not_be_saved_shows_no_reference(lenient_client, seeded):
    with mock.patch.object(
        Inquiry, "save", side_effect=OperationalError("server closed the connection")
    ):
        response = lenient_client.post(FORM.format(lang="en"), form_data())
    assert response.status_code == 503
    assert not Inquiry.objects.exists()
    # The confirmation page has nothing to show: no reference, only the way
    # to the status page.
    sent = lenient_client.get("/en/inquiries/sent/")
    assert sent.status_code == 302
    assert sent["Location"] == "/en/inquiries/status/"
