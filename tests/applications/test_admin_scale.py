"""The inquiry list and the dashboard at any size: a fixed number of queries
per page, exact look-ups for a reference or an e-mail address, an honest
count when it is estimated, and figures kept per set of colleges."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import admin, pagination
from applications.models import Inquiry
from tests.factories import make_inquiry

LIST = reverse("admin:applications_inquiry_changelist")
DASHBOARD = reverse("admin:applications_inquiry_dashboard")
NATIONS = ["VN", "TH", "PK", "KZ", "NG", "RU"]


def fill(college, count, assigned_to=None):
    """``count`` inquiries of several nationalities, kinds and flags."""
    made = []
    for i in range(count):
        made.append(
            make_inquiry(
                college,
                full_name=f"Applicant {i}",
                email=f"applicant{i}@example.com",
                nationality=NATIONS[i % len(NATIONS)],
                kind=["study", "language", "partnership"][i % 3],
                assigned_to=assigned_to if i % 2 else None,
                mail_error="refused" if i % 7 == 0 else "",
            )
        )
    # Some possible duplicates, shown with a flag in the list.
    for later, earlier in zip(made[1::5], made[::5], strict=False):
        Inquiry.objects.filter(pk=later.pk).update(duplicate_of=earlier)
    return made


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


LIST_PAGES = [
    LIST,
    f"{LIST}?state=open",
    f"{LIST}?nationality=VN",
    f"{LIST}?assigned=mine",
    f"{LIST}?attention=duplicate",
    f"{LIST}?q=applicant3%40example.com",
    DASHBOARD,
]


@pytest.mark.parametrize("url", LIST_PAGES)
def test_the_list_asks_the_same_number_of_queries_at_5_and_at_150(
    client, chen, chongqing, jinhua, url
):
    client.force_login(chen)
    fill(chongqing, 5, assigned_to=chen)
    fill(jinhua, 3)
    client.get(url)  # the first visit fills the cached nationalities
    small = queries_for(client, url)

    fill(chongqing, 145, assigned_to=chen)
    fill(jinhua, 30)

    assert queries_for(client, url) == small


@pytest.mark.parametrize("size", [5, 150])
def test_the_superusers_list_asks_a_fixed_number_of_queries(
    client, root, chongqing, jinhua, size, django_assert_num_queries
):
    client.force_login(root)
    fill(chongqing, size)
    fill(jinhua, 3)
    client.get(LIST)

    # The session (read, and renewed: 4), the user, the college and staff
    # filters (the nationalities come from the cache), the count, the page
    # and its colleges.
    with django_assert_num_queries(10):
        response = client.get(LIST)

    assert response.status_code == 200
    shown = response.context["cl"].result_list
    assert len(shown) == min(size + 3, 100)


def test_a_later_page_asks_one_query_more_whatever_the_size(
    client, root, chongqing, django_assert_num_queries
):
    fill(chongqing, 230)
    client.force_login(root)
    client.get(LIST)

    # The first page's queries, and the ids of the page before its rows.
    with django_assert_num_queries(11):
        response = client.get(LIST, {"p": 3})

    shown = list(response.context["cl"].result_list)
    assert len(shown) == 30
    assert shown == sorted(shown, key=lambda i: (i.created_at, i.pk), reverse=True)


def test_it_finds_a_reference_exactly_as_read_out_on_the_phone(client, chen, chongqing):
    wanted, other = fill(chongqing, 2)
    client.force_login(chen)
    spoken = wanted.reference.lower().replace("-", " ")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": spoken})

    shown = list(response.context["cl"].result_list)
    assert shown == [wanted]
    assert not any(" LIKE " in q["sql"].upper() for q in queries.captured_queries)


def test_it_finds_an_email_address_whatever_its_case_without_a_text_search(
    client, chen, chongqing
):
    wanted = make_inquiry(chongqing, email="Ana.Souza@Example.COM")
    make_inquiry(chongqing, email="souza@example.com")
    client.force_login(chen)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": "ana.souza@example.com"})

    assert list(response.context["cl"].result_list) == [wanted]
    assert not any(" LIKE " in q["sql"].upper() for q in queries.captured_queries)


def test_an_eight_letter_name_is_still_searched_as_a_name(client, chen, chongqing):
    # "Muhammad" reads as the reference MUHA-MMAD, which nobody has.
    wanted = make_inquiry(chongqing, full_name="Muhammad Khan")
    make_inquiry(chongqing, full_name="Ayesha Malik")
    client.force_login(chen)

    response = client.get(LIST, {"q": "Muhammad"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_a_search_never_reaches_another_colleges_inquiry(
    client, chen, chongqing, jinhua
):
    theirs = make_inquiry(jinhua, email="visitor@example.com")
    client.force_login(chen)

    for term in (theirs.reference, "VISITOR@example.com"):
        response = client.get(LIST, {"q": term})
        assert list(response.context["cl"].result_list) == []


@pytest.fixture
def estimating(monkeypatch):
    """A database that estimates: counts beyond 3 rows are 1,234,567."""
    monkeypatch.setattr(pagination, "can_estimate", lambda queryset: True)
    monkeypatch.setattr(pagination, "planner_estimate", lambda queryset: 1_234_567)
    monkeypatch.setattr(pagination.EstimatedCountPaginator, "exact_up_to", 3)


def test_an_estimated_count_says_about_and_is_rounded(
    client, root, chongqing, estimating
):
    fill(chongqing, 5)
    client.force_login(root)

    html = client.get(LIST).content.decode()

    assert "about 1,200,000 inquiries" in html
    assert "1,234,567" not in html
    assert "Select all inquiries in this list (about 1,200,000)" in html


def test_a_count_within_the_exact_range_is_exact(client, root, chongqing, estimating):
    fill(chongqing, 3)
    client.force_login(root)

    response = client.get(LIST)

    assert response.context["cl"].result_count == 3
    assert not response.context["cl"].count_estimated
    assert "about" not in response.content.decode()


def test_a_page_beyond_the_rows_of_an_estimate_is_empty_not_an_error(
    client, root, chongqing, estimating
):
    fill(chongqing, 5)
    client.force_login(root)

    response = client.get(LIST, {"p": 40})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_without_an_estimate_the_count_says_more_than_and_the_pages_go_on(
    client, root, chongqing, monkeypatch
):
    monkeypatch.setattr(pagination, "can_estimate", lambda queryset: False)
    monkeypatch.setattr(pagination.EstimatedCountPaginator, "exact_up_to", 3)
    monkeypatch.setattr(admin.InquiryAdmin, "list_per_page", 2)
    fill(chongqing, 9)
    client.force_login(root)

    first = client.get(LIST)
    last = client.get(LIST, {"p": 5})

    assert "more than 3 inquiries" in first.content.decode()
    assert len(last.context["cl"].result_list) == 1


def test_the_dashboard_keeps_its_figures_apart_for_each_set_of_colleges(
    client, root, chen, chongqing, jinhua
):
    make_inquiry(chongqing, nationality="VN")
    make_inquiry(jinhua, nationality="KZ")
    client.force_login(root)
    assert client.get(DASHBOARD).context["summary"]["total"] == 2

    client.force_login(chen)
    response = client.get(DASHBOARD)

    assert response.context["summary"]["total"] == 1
    assert "Kazakhstan" not in response.content.decode()


def test_the_dashboard_counts_again_only_after_a_minute(
    client, chen, chongqing, django_assert_max_num_queries
):
    make_inquiry(chongqing)
    client.force_login(chen)
    first = queries_for(client, DASHBOARD)
    make_inquiry(chongqing)

    again = queries_for(client, DASHBOARD)

    # The five grouped counts are not asked again; the figures are a minute old.
    assert again == first - 5
    assert client.get(DASHBOARD).context["summary"]["total"] == 1


def test_the_nationality_filter_never_shows_another_colleges_applicants(
    client, root, chen, chongqing, jinhua
):
    make_inquiry(chongqing, nationality="VN")
    make_inquiry(jinhua, nationality="KZ")
    client.force_login(root)
    assert "Kazakhstan" in client.get(LIST).content.decode()

    client.force_login(chen)

    html = client.get(LIST).content.decode()
    assert "Viet Nam" in html or "Vietnam" in html
    assert "Kazakhstan" not in html


def test_past_thirty_colleges_the_college_filter_is_one_drop_down_in_your_language(
    client, root, chongqing
):
    from tests.institutions.many_colleges import add_colleges

    add_colleges(40)
    make_inquiry(chongqing, full_name="Applicant at Chongqing")
    client.force_login(root)

    english = client.get(f"{LIST}?institution__id__exact={chongqing.pk}")
    page = english.content.decode()
    assert '<select name="institution__id__exact"' in page
    chosen = f'<option value="{chongqing.pk}" selected>{chongqing.name_en}</option>'
    assert chosen in page
    assert "<option value=" in page and "Generated College 0039" in page

    chinese = client.get(
        f"{LIST}?institution__id__exact={chongqing.pk}",
        headers={"accept-language": "zh-hans"},
    )
    assert f">{chongqing.name_zh_hans}</option>" in chinese.content.decode()
    assert "生成学院0039" in chinese.content.decode()


def test_past_thirty_choices_the_staff_and_nationality_filters_are_drop_downs(
    client, chen, jin, chongqing, jinhua, django_user_model
):
    from applications.models import StaffMembership

    for i in range(30):
        colleague = django_user_model.objects.create_user(
            f"colleague{i:02d}", is_staff=True, first_name="Colleague", last_name=str(i)
        )
        StaffMembership.objects.create(user=colleague, institution=chongqing)
    codes = ["AF", "AL", "DZ", "AD", "AO", "AR", "AM", "AU", "AT", "AZ", "BS", "BH"]
    codes += ["BD", "BB", "BY", "BE", "BZ", "BJ", "BT", "BO", "BA", "BW", "BR", "BN"]
    codes += ["BG", "BF", "BI", "KH", "CM", "CA", "VN"]
    for code in codes:
        make_inquiry(chongqing, nationality=code)
    make_inquiry(jinhua, nationality="KZ")
    client.force_login(chen)

    page = client.get(LIST, {"nationality": "BR", "state": "open"}).content.decode()

    assert '<select name="assigned"' in page
    assert '<option value="mine">Me</option>' in page
    assert ">Colleague 7</option>" in page
    assert "?assigned=" not in page
    assert '<select name="nationality"' in page
    assert '<option value="BR" selected>Brazil</option>' in page
    # The list's other parameters go along with the choice.
    assert '<input type="hidden" name="state" value="open">' in page
    # Still only what the officer's colleges hold.
    assert "Kazakhstan" not in page
    assert f">{jin.username}</option>" not in page
