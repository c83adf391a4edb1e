"""CSV export: UTF-8 with a byte-order mark, so Excel shows Chinese names."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from applications.models import AuditEntry
from tests.factories import make_inquiry

LIST = reverse("admin:applications_inquiry_changelist")
EXPORT = reverse("admin:applications_inquiry_export")


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def inquiry(chongqing):
    return make_inquiry(
        chongqing,
        organization="河内贸易公司",
        group_size=12,
        intake="2027-09",
        message="我想学习汉语。\nSecond line, with a comma.",
    )


def test_it_exports_the_selection_with_a_bom_and_chinese_intact(
    client, chen, inquiry, chongqing
):
    other = make_inquiry(chongqing, full_name="Nguyen Van A", language="en")
    client.force_login(chen)

    response = client.post(
        LIST, {"action": "export_csv", "_selected_action": [inquiry.pk]}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="inquiries-'
    )
    rows = read_csv(response)
    assert len(rows) == 1
    row = rows[0]
    assert row["reference"] == inquiry.reference
    assert row["full name"] == "王小明"
    assert row["organisation"] == "河内贸易公司"
    assert row["message"] == "我想学习汉语。\nSecond line, with a comma."
    assert row["nationality"] == "Vietnam"
    assert row["language"] == "Simplified Chinese"
    assert row["college"] == chongqing.name
    assert row["kind"] == "Degree or major study"
    assert row["status"] == "New"
    assert row["group size"] == "12"
    assert row["intake"] == "2027-09"
    assert row["possible duplicate of"] == ""
    assert other.reference not in response.content.decode("utf-8")


def test_it_has_the_columns_staff_asked_for(client, chen, inquiry):
    client.force_login(chen)

    header = read_csv(client.get(EXPORT))[0].keys()

    assert list(header) == [
        "reference",
        "received",
        "college",
        "kind",
        "status",
        "status changed",
        "language",
        "full name",
        "e-mail",
        "nationality",
        "phone",
        "messaging apps",
        "programme",
        "intake",
        "organisation",
        "group size",
        "visit from",
        "visit until",
        "message",
        "assigned to",
        "possible duplicate of",
        "privacy consent given",
        "privacy notice version",
    ]


def test_it_exports_a_delegations_phone_apps_and_visit_dates(client, chen, chongqing):
    delegation = make_inquiry(
        chongqing,
        kind="chinese_bridge",
        organization="Almaty School No. 12",
        group_size=20,
        phone="+77012345678",
        phone_apps="whatsapp,telegram",
        start_date=datetime.date(2027, 4, 12),
        end_date=datetime.date(2027, 4, 20),
    )
    client.force_login(chen)

    row = read_csv(client.get(EXPORT))[0]

    assert row["reference"] == delegation.reference
    # Written as people write it; the apostrophe keeps Excel from reading
    # the + as the start of a formula.
    assert row["phone"] == "'+7 701 234 5678"
    assert row["messaging apps"] == "WhatsApp, Telegram"
    assert row["visit from"] == "2027-04-12"
    assert row["visit until"] == "2027-04-20"


def test_it_exports_the_filtered_list(client, chen, chongqing, inquiry):
    spam = make_inquiry(chongqing, full_name="Spam Bot")
    spam.transition_to("spam", by=chen)
    client.force_login(chen)

    assert len(read_csv(client.get(EXPORT))) == 2
    rows = read_csv(client.get(EXPORT, {"status__exact": "spam"}))
    assert [r["reference"] for r in rows] == [spam.reference]
    rows = read_csv(client.get(EXPORT, {"q": "王小明"}))
    assert [r["reference"] for r in rows] == [inquiry.reference]


def test_it_links_the_export_of_the_current_filters(client, chen, inquiry):
    client.force_login(chen)

    html = client.get(LIST, {"status__exact": "new"}).content.decode()

    assert f'href="{EXPORT}?status__exact=new"' in html


def test_it_exports_assignment_and_duplicates(client, chen, chongqing, inquiry):
    repeat = make_inquiry(chongqing, duplicate_of=inquiry, assigned_to=chen)
    client.force_login(chen)

    rows = {r["reference"]: r for r in read_csv(client.get(EXPORT))}

    assert rows[repeat.reference]["possible duplicate of"] == inquiry.reference
    assert rows[repeat.reference]["assigned to"] == "chen"


def test_it_defuses_a_name_that_excel_would_run_as_a_formula(client, chen, chongqing):
    make_inquiry(chongqing, full_name='=HYPERLINK("http://evil.example","x")')
    client.force_login(chen)

    rows = read_csv(client.get(EXPORT))

    assert rows[0]["full name"] == '\'=HYPERLINK("http://evil.example","x")'


def test_it_defuses_a_formula_after_a_separator_and_quotes_every_cell(
    client, chen, chongqing
):
    # Excel set to ";" splits "Acme; =1+1" into "Acme" and a formula.
    make_inquiry(chongqing, full_name="Acme; =1+1", organization="Big, -2+3")
    client.force_login(chen)

    response = client.get(EXPORT)
    rows = read_csv(response)

    assert rows[0]["full name"] == "'Acme; =1+1"
    assert rows[0]["organisation"] == "'Big, -2+3"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)


def test_it_shows_the_notice_version_the_applicant_agreed_to(client, chen, chongqing):
    make_inquiry(chongqing, consent_version="2026-01-31")
    client.force_login(chen)

    assert read_csv(client.get(EXPORT))[0]["privacy notice version"] == "2026-01-31"


def test_it_records_who_exported_what_without_personal_data(client, chen, inquiry):
    client.force_login(chen)

    client.get(EXPORT, {"status__exact": "new", "q": "王小明"})
    client.post(LIST, {"action": "export_csv", "_selected_action": [inquiry.pk]})

    listed, selected = AuditEntry.objects.order_by("pk")
    assert (listed.by, listed.action, listed.count) == (chen, "export", 1)
    assert "status__exact=new" in listed.filters
    assert "王小明" not in listed.filters
    assert (selected.action, selected.count) == ("export", 1)
    assert "selected" in selected.filters
