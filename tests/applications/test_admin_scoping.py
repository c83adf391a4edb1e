"""The access matrix: nobody, chen (Chongqing), jin (Jinhua) and root on the
same admin URLs. An officer of one college can neither list, open, change,
export, bulk-change nor count another college's inquiries."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from applications.models import Inquiry, StaffMembership
from tests.factories import make_inquiry

LIST = reverse("admin:applications_inquiry_changelist")
EXPORT = reverse("admin:applications_inquiry_export")
DASHBOARD = reverse("admin:applications_inquiry_dashboard")


def change_url(inquiry, view="change"):
    return reverse(f"admin:applications_inquiry_{view}", args=[inquiry.pk])


@pytest.fixture
def cq_inquiry(chongqing):
    return make_inquiry(chongqing, full_name="Chen Applicant", nationality="VN")


@pytest.fixture
def jh_inquiry(jinhua):
    return make_inquiry(
        jinhua, full_name="Jin Applicant", nationality="KZ", kind="partnership"
    )


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


# -- nobody signed in --------------------------------------------------------


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_it_sends_an_anonymous_visitor_to_the_login_page(client, cq_inquiry, view):
    for url in [LIST, EXPORT, DASHBOARD, change_url(cq_inquiry, view)]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_it_refuses_an_anonymous_bulk_action(client, cq_inquiry):
    response = client.post(
        LIST, {"action": "move_to_spam", "_selected_action": [cq_inquiry.pk]}
    )

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    cq_inquiry.refresh_from_db()
    assert cq_inquiry.status == "new"


# -- the list ------------------------------------------------------------------


def test_it_lists_only_the_officers_own_college(
    client, chen, jin, cq_inquiry, jh_inquiry, jinhua
):
    response = login(client, chen).get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert cq_inquiry.reference in html
    assert jh_inquiry.reference not in html
    # Nor do the filters give the other college away: its name, its
    # applicants' nationality, its staff.
    assert jinhua.name not in html
    assert "Kazakhstan" not in html
    assert f"assigned={jin.pk}" not in html


def test_it_lists_the_other_college_for_its_own_officer(
    client, jin, cq_inquiry, jh_inquiry
):
    html = login(client, jin).get(LIST).content.decode()

    assert jh_inquiry.reference in html
    assert cq_inquiry.reference not in html


def test_it_ignores_a_typed_filter_on_another_college(
    client, chen, jinhua, cq_inquiry, jh_inquiry
):
    response = login(client, chen).get(LIST, {"institution__id__exact": jinhua.pk})

    assert jh_inquiry.reference not in response.content.decode()


def test_it_lists_everything_for_a_superuser(
    client, root, jin, jinhua, cq_inquiry, jh_inquiry
):
    html = login(client, root).get(LIST).content.decode()

    assert cq_inquiry.reference in html
    assert jh_inquiry.reference in html
    assert jinhua.name in html
    assert "Kazakhstan" in html
    assert f"assigned={jin.pk}" in html


# -- one inquiry, by typed URL -----------------------------------------------------


def test_it_opens_an_inquiry_of_the_officers_college(client, chen, cq_inquiry):
    response = login(client, chen).get(change_url(cq_inquiry))

    assert response.status_code == 200
    assert cq_inquiry.full_name in response.content.decode()


@pytest.mark.parametrize("view", ["change", "history"])
def test_it_answers_another_colleges_inquiry_as_not_found(
    client, chen, jh_inquiry, view
):
    response = login(client, chen).get(change_url(jh_inquiry, view))

    assert response.status_code == 404
    assert jh_inquiry.full_name not in response.content.decode()


def test_it_does_not_let_an_officer_delete_even_their_own(
    client, chen, cq_inquiry, jh_inquiry
):
    login(client, chen)
    # Their own: refused; another college's: not found, as on every view.
    for inquiry, status in ((cq_inquiry, 403), (jh_inquiry, 404)):
        assert client.get(change_url(inquiry, "delete")).status_code == status
        assert (
            client.post(change_url(inquiry, "delete"), {"post": "yes"}).status_code
            == status
        )
    assert Inquiry.objects.count() == 2


def test_it_does_not_let_an_officer_change_another_colleges_inquiry(
    client, chen, jh_inquiry
):
    response = login(client, chen).post(
        change_url(jh_inquiry), {"internal_notes": "Mine now", "assigned_to": chen.pk}
    )

    assert response.status_code == 404
    jh_inquiry.refresh_from_db()
    assert jh_inquiry.internal_notes == ""
    assert jh_inquiry.assigned_to is None


def test_it_does_not_let_an_officer_move_another_colleges_inquiry(
    client, chen, jh_inquiry
):
    response = login(client, chen).post(
        change_url(jh_inquiry), {"move_to": "spam", "internal_notes": ""}
    )

    assert response.status_code == 404
    jh_inquiry.refresh_from_db()
    assert jh_inquiry.status == "new"
    assert not jh_inquiry.events.exists()


def test_it_does_not_let_an_officer_retry_another_colleges_mail(
    client, chen, jh_inquiry, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        "applications.emails.send_inquiry_mails", lambda i: calls.append(i) or True
    )
    login(client, chen).post(change_url(jh_inquiry, "retry_mail"))

    assert calls == []


def test_it_links_no_repeat_from_another_college(client, chen, cq_inquiry, jh_inquiry):
    same_college = make_inquiry(cq_inquiry.institution, duplicate_of=cq_inquiry)
    Inquiry.objects.filter(pk=jh_inquiry.pk).update(duplicate_of=cq_inquiry)

    html = login(client, chen).get(change_url(cq_inquiry)).content.decode()

    assert f'href="{change_url(same_college)}"' in html
    assert change_url(jh_inquiry) not in html
    assert jh_inquiry.reference not in html


def test_it_opens_any_inquiry_for_a_superuser(client, root, cq_inquiry, jh_inquiry):
    login(client, root)
    for inquiry in (cq_inquiry, jh_inquiry):
        assert client.get(change_url(inquiry)).status_code == 200
        assert client.get(change_url(inquiry, "history")).status_code == 200
        assert client.get(change_url(inquiry, "delete")).status_code == 200


# -- export ------------------------------------------------------------------------


def test_it_exports_only_the_officers_own_college(
    client, chen, jinhua, cq_inquiry, jh_inquiry
):
    login(client, chen)
    for params in ({}, {"institution__id__exact": jinhua.pk}):
        body = client.get(EXPORT, params).content.decode("utf-8-sig")
        assert jh_inquiry.reference not in body
    assert cq_inquiry.reference in client.get(EXPORT).content.decode("utf-8-sig")


def test_it_exports_nothing_of_another_college_when_selected(
    client, chen, cq_inquiry, jh_inquiry
):
    response = login(client, chen).post(
        LIST,
        {"action": "export_csv", "_selected_action": [cq_inquiry.pk, jh_inquiry.pk]},
    )

    body = response.content.decode("utf-8-sig")
    assert cq_inquiry.reference in body
    assert jh_inquiry.reference not in body


def test_it_exports_everything_for_a_superuser(client, root, cq_inquiry, jh_inquiry):
    body = login(client, root).get(EXPORT).content.decode("utf-8-sig")

    assert cq_inquiry.reference in body
    assert jh_inquiry.reference in body


def test_it_refuses_export_to_staff_without_the_permission(
    client, django_user_model, chongqing, cq_inquiry
):
    from applications.models import StaffMembership

    viewer = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_inquiry"))
    StaffMembership.objects.create(user=viewer, institution=chongqing)

    login(client, viewer)
    assert client.get(LIST).status_code == 200
    assert client.get(EXPORT).status_code == 403


# -- bulk actions --------------------------------------------------------------------


def test_it_bulk_changes_only_the_officers_own_college(
    client, chen, cq_inquiry, jh_inquiry
):
    login(client, chen).post(
        LIST,
        {
            "action": "move_to_in_review",
            "_selected_action": [cq_inquiry.pk, jh_inquiry.pk],
        },
    )

    cq_inquiry.refresh_from_db()
    jh_inquiry.refresh_from_db()
    assert cq_inquiry.status == "in_review"
    assert jh_inquiry.status == "new"
    assert not jh_inquiry.events.exists()


def test_it_bulk_assigns_only_the_officers_own_college(
    client, chen, cq_inquiry, jh_inquiry
):
    login(client, chen).post(
        LIST,
        {"action": "assign_to_me", "_selected_action": [cq_inquiry.pk, jh_inquiry.pk]},
    )

    cq_inquiry.refresh_from_db()
    jh_inquiry.refresh_from_db()
    assert cq_inquiry.assigned_to == chen
    assert jh_inquiry.assigned_to is None


# -- dashboard -----------------------------------------------------------------------


def test_it_counts_only_the_officers_own_college_on_the_dashboard(
    client, chen, chongqing, cq_inquiry, jh_inquiry
):
    make_inquiry(chongqing, nationality="TH")

    response = login(client, chen).get(DASHBOARD)

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary["total"] == 2
    assert sum(bar.count for bar in summary["by_status"]) == 2
    assert [bar.label for bar in summary["by_college"]] == [chongqing.name]
    assert sum(bar.count for bar in summary["per_week"]) == 2
    assert {bar.key for bar in summary["by_country"]} == {"VN", "TH"}
    kinds = {bar.key: bar.count for bar in summary["by_kind"]}
    assert kinds["partnership"] == 0
    assert "Kazakhstan" not in response.content.decode()


def test_it_counts_everything_on_the_dashboard_for_a_superuser(
    client, root, cq_inquiry, jh_inquiry
):
    summary = login(client, root).get(DASHBOARD).context["summary"]

    assert summary["total"] == 2
    assert len(summary["by_college"]) == 2


def test_it_links_the_dashboard_from_the_index_and_the_list(client, chen):
    login(client, chen)
    assert DASHBOARD in client.get(reverse("admin:index")).content.decode()
    assert DASHBOARD in client.get(LIST).content.decode()


# -- memberships ---------------------------------------------------------------------


def test_it_keeps_memberships_and_colleges_from_officers(client, chen, root):
    login(client, chen)
    assert (
        client.get(reverse("admin:applications_staffmembership_changelist")).status_code
        == 403
    )
    assert (
        client.get(reverse("admin:institutions_institution_changelist")).status_code
        == 403
    )
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403

    login(client, root)
    assert (
        client.get(reverse("admin:applications_staffmembership_changelist")).status_code
        == 200
    )
    assert (
        client.get(reverse("admin:auth_user_change", args=[chen.pk])).status_code == 200
    )


def test_recent_actions_show_only_what_the_user_may_still_open(
    client, chen, chongqing, jinhua
):
    kept = make_inquiry(jinhua, full_name="Still Mine")
    left = make_inquiry(chongqing, full_name="Left Behind")
    StaffMembership.objects.create(user=chen, institution=jinhua)
    LogEntry.objects.log_actions(chen.pk, [left, kept], CHANGE, change_message="x")
    # Chen leaves Chongqing: its applicants are no longer his to read.
    StaffMembership.objects.filter(user=chen, institution=chongqing).delete()
    client.force_login(chen)

    html = client.get(reverse("admin:index")).content.decode()

    assert "Still Mine" in html
    assert "Left Behind" not in html
    assert left.reference not in html
