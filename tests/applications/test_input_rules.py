"""Stricter input: no invisible formatting characters in one-line fields, and
e-mail addresses that the internet can deliver to."""

import pytest
from django.urls import reverse

from applications.forms import InquiryForm, StatusLookupForm
from applications.models import Inquiry
from tests.factories import form_data


def form_url(institution):
    return reverse("applications:inquire", kwargs={"slug": institution.slug})


@pytest.mark.parametrize(
    "text",
    [
        "Ana\u202eztiwoK",  # right-to-left override
        "Ana\u200bSouza",  # zero-width space
        "\ufeffAna Souza",  # byte-order mark
        "Ana\u2066Souza\u2069",  # bidi isolates
    ],
)
@pytest.mark.parametrize("field", ["full_name", "organization"])
def test_one_line_fields_refuse_format_characters(chongqing, field, text):
    data = form_data(**{"kind": "partnership", "organization": "Escola", field: text})

    form = InquiryForm(data, institution=chongqing)

    assert not form.is_valid()
    assert "invisible formatting characters" in form.errors[field][0]


def test_the_status_reference_refuses_format_characters():
    form = StatusLookupForm({"reference": "K7QM\u200b-4XTP", "email": "a@example.com"})

    assert not form.is_valid()
    assert "invisible formatting characters" in form.errors["reference"][0]


def test_a_message_may_hold_an_emoji_sequence(chongqing):
    form = InquiryForm(form_data(message="Hi 👩\u200d🎓!"), institution=chongqing)

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    "address",
    [
        "a@localhost",
        "a@[127.0.0.1]",
        "a@[IPv6:2001:db8::1]",
        '"a b"@example.com',
        '"ana"@example.com',
        "ana@printer.local",
        "ana@school.internal",
    ],
)
def test_e_mail_addresses_need_a_public_domain(client, chongqing, address):
    response = client.post(form_url(chongqing), form_data(email=address))

    assert response.status_code == 400
    # Ours, or Django's own for what is no address at all.
    html = response.content.decode()
    assert "receive mail from the internet" in html or "valid email" in html
    assert not Inquiry.objects.exists()
    lookup = StatusLookupForm({"reference": "K7QM-4XTP", "email": address})
    assert not lookup.is_valid()


def test_the_error_is_in_the_visitors_language(client, chongqing):
    url = reverse("applications:inquire", kwargs={"slug": chongqing.slug})
    url = url.replace("/en/", "/zh-hans/")

    response = client.post(url, form_data(email="a@localhost"))

    assert response.status_code == 400
    assert "互联网" in response.content.decode()


@pytest.mark.parametrize(
    "address", ["ana@example.com", "ana@例子.中国", "o'brien@school.edu.vn"]
)
def test_ordinary_addresses_still_pass(chongqing, address):
    assert InquiryForm(form_data(email=address), institution=chongqing).is_valid()
