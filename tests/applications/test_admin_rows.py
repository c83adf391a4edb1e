"""The inquiry list writes its rows itself (``InquiryChangeList``), once per
page rather than cell by cell: the rows must read exactly as Django's own."""

from datetime import timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.urls import reverse
from django.utils import timezone, translation

from applications.models import Inquiry
from tests.factories import make_inquiry

LIST = reverse("admin:applications_inquiry_changelist")


@pytest.fixture
def varied(chongqing, chen):
    """Inquiries showing each kind of cell: flags, empty cells, escaping."""
    old = timezone.now() - timedelta(days=30)
    first = make_inquiry(chongqing, full_name="Ana <b>Souza</b> & co")
    make_inquiry(
        chongqing,
        kind="partnership",
        nationality="KZ",
        language="en",
        assigned_to=chen,
        mail_error="refused",
        duplicate_of=first,
    )
    make_inquiry(chongqing, status=Inquiry.Status.DECLINED, full_name="  ")
    overdue = make_inquiry(chongqing, status=Inquiry.Status.CONTACTED)
    Inquiry.objects.filter(pk=overdue.pk).update(status_changed_at=old)
    gone = make_inquiry(chongqing)
    Inquiry.objects.filter(pk=gone.pk).update(anonymised_at=timezone.now())


def djangos_rows(cl):
    return ["".join(items) for items in results(cl)]


def our_rows(cl):
    return [row for (row,) in cl.fast_result_list()["results"]]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"state": "open", "o": "3.-11"},
        {"attention": "duplicate"},
        {"q": "Souza"},
    ],
)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_read_as_djangos_own(client, chen, varied, query, language):
    client.force_login(chen)

    response = client.get(LIST, query, headers={"accept-language": language})

    cl = response.context["cl"]
    with translation.override(language):
        ours = our_rows(cl)
        assert ours == djangos_rows(cl)
    assert len(ours) == len(cl.result_list) > 0
    assert ours[0] in response.content.decode()


def test_a_pop_up_list_is_left_to_django(client, root, varied):
    client.force_login(root)

    response = client.get(LIST, {"_popup": "1"})

    assert response.status_code == 200
    assert response.context["cl"].fast_result_list() is None
