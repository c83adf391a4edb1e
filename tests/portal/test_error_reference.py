"""A visitor who meets an error gets a reference that finds it in the logs."""

import json
import logging

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.test import override_settings
from django.urls import path

from portal.logging_format import JsonFormatter, RequestIdFilter


def broken(request):
    raise RuntimeError("a bug in a view")


def database_down(request):
    raise OperationalError("could not connect to server")


# This module is the URLconf of the tests below: the portal's own 500 handler
# in front of a view that always fails.
handler500 = "portal.views.server_error"
urlpatterns = i18n_patterns(
    path("broken/", broken), path("database-down/", database_down)
)

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def lines():
    found = []

    class Keep(logging.Handler):
        def emit(self, record):
            found.append(json.loads(self.format(record)))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logging.getLogger().addHandler(handler)
    yield found
    logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Reference for support:"), ("zh-hans", "如需联系我们，请提供此编号：")],
)
def test_the_error_page_shows_the_request_id_in_the_visitors_language(
    client, lines, lang, words
):
    client.raise_request_exception = False
    response = client.get(f"/{lang}/broken/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    page = response.content.decode()
    assert f"{words} <code>{request_id}</code>" in page

    # The same id is on the traceback and on the access line.
    failure = next(line for line in lines if line["logger"] == "django.request")
    assert failure["request_id"] == request_id
    assert "RuntimeError: a bug in a view" in failure["exception"]
    access = [line for line in lines if line["logger"] == "portal.access"]
    assert [(a["request_id"], a["status"], a["level"]) for a in access] == [
        (request_id, 500, "ERROR")
    ]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Reference for support:"), ("zh-hans", "如需联系我们，请提供此编号：")],
)
def test_the_unavailable_page_shows_the_request_id_too(client, lang, words):
    client.raise_request_exception = False
    response = client.get(f"/{lang}/database-down/")
    assert response.status_code == 503
    assert f"{words} <code>{response['X-Request-ID']}</code>" in response.text


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize(
    ("peer", "offered", "taken"),
    [
        ("10.1.2.3", "proxy-4f9c2a1e-77", True),
        ("203.0.113.9", "proxy-4f9c2a1e-77", False),  # not our proxy
        ("10.1.2.3", "short", False),
        ("10.1.2.3", "bad id\nwith a newline", False),
        ("10.1.2.3", "x" * 200, False),
    ],
)
def test_it_takes_the_request_id_only_from_a_trusted_proxy(
    client, peer, offered, taken
):
    client.raise_request_exception = False
    response = client.get(
        "/en/broken/", REMOTE_ADDR=peer, headers={"X-Request-ID": offered}
    )
    assert (response["X-Request-ID"] == offered) is taken
    assert response["X-Request-ID"] in response.content.decode()
