"""The benchmark's own views: the bare yardstick and the inquiry floor,
mounted by bench/urls.py (the root URLconf of bench/settings.py) only."""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from applications.models import Inquiry

pytestmark = pytest.mark.urls("bench.urls")

SENT = "/bench/floor/inquiries/sent/"


def floor_url(college):
    return f"/bench/floor/{college.slug}/inquire/"


def test_the_bare_view_answers_two_bytes(client):
    response = client.get("/bench/bare")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.urls("portal.urls")
def test_nothing_of_the_benchmark_is_mounted_by_the_portals_urls(client):
    assert client.get("/bench/bare").status_code == 404
    with pytest.raises(NoReverseMatch):
        reverse("bench-floor-sent")


def test_the_floor_saves_the_inquiry_and_confirms_its_reference(chongqing):
    client = Client(enforce_csrf_checks=True)
    client.get(f"/en/institutions/{chongqing.slug}/inquire/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        floor_url(chongqing),
        {
            "csrfmiddlewaretoken": token,
            "full_name": "Bench Applicant",
            "email": "bench-run-t1-1@example.com",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == SENT
    inquiry = Inquiry.objects.get()
    assert inquiry.institution == chongqing
    assert inquiry.email == "bench-run-t1-1@example.com"
    page = client.get(SENT)
    assert f'<p id="inquiry-reference">{inquiry.reference}</p>' in page.content.decode()


def test_the_floor_keeps_the_csrf_check(chongqing):
    response = Client(enforce_csrf_checks=True).post(
        floor_url(chongqing), {"full_name": "A", "email": "a@example.com"}
    )
    assert response.status_code == 403
    assert not Inquiry.objects.exists()


def test_the_floor_refuses_what_it_cannot_answer(client, chongqing):
    assert client.get(floor_url(chongqing)).status_code == 405
    assert client.post("/bench/floor/no-such-college/inquire/").status_code == 404
    assert client.get(SENT).status_code == 400
    assert not Inquiry.objects.exists()
