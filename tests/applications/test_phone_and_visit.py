"""The inquiry form's phone number, its messaging apps, and a delegation's
visit dates (CONTRACT: "The inquiry form, new fields")."""

import datetime
from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from applications.emails import build_confirmation, build_notification
from applications.models import Inquiry
from tests.applications.test_inquiry_form import errors_beside, form_url
from tests.factories import form_data, make_inquiry


def beijing_today():
    return timezone.localdate(timezone=ZoneInfo("Asia/Shanghai"))


def days(n):
    return (beijing_today() + datetime.timedelta(days=n)).isoformat()


def delegation(**overrides):
    return form_data(
        kind="chinese_bridge",
        organization="Almaty School No. 12",
        group_size="20",
        **overrides,
    )


# -- phone --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+7 701 234 5678", "+77012345678"),
        ("+77012345678", "+77012345678"),
        ("  +86 138-0013-8000 ", "+8613800138000"),
        ("+55 (11) 91234-5678", "+5511912345678"),
        ("0049 30 901820", "+4930901820"),
    ],
)
def test_it_stores_a_phone_number_in_e164(client, chongqing, typed, stored):
    response = client.post(form_url(chongqing), form_data(phone=typed))
    assert response.status_code == 303
    assert Inquiry.objects.get().phone == stored


def test_it_saves_the_apps_a_number_reaches_on(client, chongqing):
    data = form_data(phone="+7 701 234 5678")
    data["phone_apps"] = ["telegram", "whatsapp"]
    assert client.post(form_url(chongqing), data).status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.phone_apps == "whatsapp,telegram"
    assert inquiry.phone_with_apps() == "+7 701 234 5678 (WhatsApp, Telegram)"


def test_a_phone_is_optional(client, chongqing):
    assert client.post(form_url(chongqing), form_data(phone="")).status_code == 303
    assert Inquiry.objects.get().phone == ""


INTERNATIONAL = (
    "Please give the number in international form: a + and the country code, "
    "then the number, such as +7 701 234 5678."
)
UNKNOWN = (
    "This is not a telephone number that exists. Please check the country code "
    "and the digits."
)


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        ("701 234 5678", INTERNATIONAL),
        ("call me", INTERNATIONAL),
        ("+", INTERNATIONAL),
        ("+1 800 FLOWERS", INTERNATIONAL),
        ("+7 701 234 5678 ext. 12", INTERNATIONAL),
        ("+７ ７０１ ２３４ ５６７８", INTERNATIONAL),
        ("+7 701", UNKNOWN),
        ("+999 123 4567", UNKNOWN),
        ("+86 138 0013 80000", UNKNOWN),
    ],
)
def test_it_refuses_a_number_that_is_not_one(client, chongqing, phone, message):
    response = client.post(form_url(chongqing), form_data(phone=phone))
    assert response.status_code == 400
    assert errors_beside(response, "phone") == [message]
    assert f'value="{phone}"' in response.content.decode()
    assert not Inquiry.objects.exists()


def test_apps_without_a_phone_get_a_message(client, chongqing):
    data = form_data(phone="")
    data["phone_apps"] = ["wechat"]
    response = client.post(form_url(chongqing), data)
    assert response.status_code == 400
    assert errors_beside(response, "phone_apps") == [
        "Please give the phone number that these apps reach you on, or untick them."
    ]
    assert 'href="#id_phone_apps_0"' in response.content.decode()


def test_an_unknown_app_is_refused(client, chongqing):
    data = form_data(phone="+7 701 234 5678")
    data["phone_apps"] = ["signal"]
    response = client.post(form_url(chongqing), data)
    assert response.status_code == 400
    assert errors_beside(response, "phone_apps")


def test_phone_messages_are_in_chinese_on_chinese_pages(client, chongqing):
    response = client.post(form_url(chongqing, "zh-hans"), form_data(phone="12345"))
    assert errors_beside(response, "phone") == [
        "请按国际格式填写：加号、国家代码，再接号码，例如 +7 701 234 5678。"
    ]
    data = form_data(phone="")
    data["phone_apps"] = ["wechat"]
    response = client.post(form_url(chongqing, "zh-hans"), data)
    assert errors_beside(response, "phone_apps") == [
        "请填写可通过这些应用联系您的电话号码，或取消勾选。"
    ]


def test_the_form_offers_the_apps_in_the_page_language(client, chongqing):
    html = client.get(form_url(chongqing, "zh-hans")).content.decode()
    assert 'type="tel"' in html
    assert "WhatsApp" in html and "微信" in html and "Telegram" in html


# -- visit dates ----------------------------------------------------------------


def test_a_delegation_sends_its_dates_instead_of_an_intake(client, chongqing):
    start, end = days(30), days(37)
    response = client.post(
        form_url(chongqing),
        delegation(start_date=start, end_date=end, intake="", phone="+77012345678"),
    )
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert inquiry.start_date.isoformat() == start
    assert inquiry.end_date.isoformat() == end
    assert inquiry.intake == ""


def test_a_delegation_may_leave_the_dates_out(client, chongqing):
    assert client.post(form_url(chongqing), delegation()).status_code == 303
    inquiry = Inquiry.objects.get()
    assert (inquiry.start_date, inquiry.end_date) == (None, None)


def test_an_intake_sent_by_a_delegation_is_ignored(client, chongqing):
    term = client.get(form_url(chongqing)).context["form"].fields["intake"].choices[1]
    response = client.post(form_url(chongqing), delegation(intake=term[0]))
    assert response.status_code == 303
    assert Inquiry.objects.get().intake == ""


def test_dates_sent_by_a_student_are_ignored(client, chongqing):
    response = client.post(
        form_url(chongqing), form_data(start_date=days(3), end_date=days(9))
    )
    assert response.status_code == 303
    inquiry = Inquiry.objects.get()
    assert (inquiry.start_date, inquiry.end_date) == (None, None)


def test_today_in_beijing_is_not_in_the_past(client, chongqing):
    response = client.post(form_url(chongqing), delegation(start_date=days(0)))
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"start_date": days(-1)},
            "start_date",
            f"This date has passed (today is {days(0)} in Beijing). "
            "Please choose a later one.",
        ),
        (
            {"start_date": days(10), "end_date": days(9)},
            "end_date",
            "The departure date cannot be before the arrival date.",
        ),
        (
            {"end_date": days(731)},
            "end_date",
            "Colleges plan visits up to two years ahead: please choose a date "
            f"until {days(730)}.",
        ),
        (
            {"start_date": "12/04/2027"},
            "start_date",
            "Please give a date such as 2027-04-12 (year, month, day).",
        ),
        (
            {"start_date": "2027-02-30"},
            "start_date",
            "Please give a date such as 2027-04-12 (year, month, day).",
        ),
        (
            {"end_date": "2027-4-1"},
            "end_date",
            "Please give a date such as 2027-04-12 (year, month, day).",
        ),
        (
            {"end_date": "٢٠٢٧-٠٤-١٢"},
            "end_date",
            "Please give a date such as 2027-04-12 (year, month, day).",
        ),
    ],
    ids=["past", "reversed", "too-far", "not-iso", "no-such-day", "short", "digits"],
)
def test_it_refuses_bad_dates_beside_the_field(
    client, chongqing, dates, field, message
):
    response = client.post(form_url(chongqing), delegation(**dates))
    assert response.status_code == 400
    assert errors_beside(response, field) == [message]
    assert not Inquiry.objects.exists()


def test_date_messages_are_in_chinese_on_chinese_pages(client, chongqing):
    response = client.post(
        form_url(chongqing, "zh-hans"),
        delegation(start_date=days(10), end_date=days(2)),
    )
    assert errors_beside(response, "end_date") == ["离开日期不能早于抵达日期。"]


def test_the_database_keeps_the_dates_in_order(chongqing):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_inquiry(
            chongqing,
            start_date=datetime.date(2027, 4, 12),
            end_date=datetime.date(2027, 4, 1),
        )


# -- where staff see them -------------------------------------------------------


@pytest.fixture
def sent_delegation(chongqing):
    chongqing.admissions_emails = "intl@cqipc.example"
    chongqing.save()
    return make_inquiry(
        chongqing,
        kind="chinese_bridge",
        organization="Almaty School No. 12",
        group_size=20,
        phone="+77012345678",
        phone_apps="whatsapp,wechat",
        start_date=datetime.date(2027, 4, 12),
        end_date=datetime.date(2027, 4, 20),
    )


def test_the_admin_shows_what_the_delegation_sent(client, chen, sent_delegation):
    client.force_login(chen)
    url = reverse("admin:applications_inquiry_change", args=[sent_delegation.pk])
    html = client.get(url).content.decode()
    assert "+7 701 234 5678 (WhatsApp, WeChat)" in html
    assert "April 12, 2027" in html or "2027-04-12" in html
    assert "April 20, 2027" in html or "2027-04-20" in html


def test_the_colleges_notification_has_the_phone_and_the_visit(sent_delegation):
    body = build_notification(sent_delegation).body
    english, chinese = body.split("----------------------------------------")
    assert "Phone: +7 701 234 5678 (WhatsApp, WeChat)" in english
    assert "Visit: 2027-04-12 to 2027-04-20" in english
    assert "电话：+7 701 234 5678（WhatsApp、微信）" in chinese
    assert "来访日期：2027-04-12至2027-04-20" in chinese


def test_the_applicants_confirmation_does_not_repeat_them(sent_delegation):
    # It goes to whatever address was typed: none of the sender's words.
    body = build_confirmation(sent_delegation).body  # in Chinese: zh-hans
    assert "+7 701 234 5678" not in body and "+77012345678" not in body
    assert "2027-04-12" not in body


def test_a_mail_without_them_has_no_empty_lines_for_them(chongqing):
    chongqing.admissions_emails = "intl@cqipc.example"
    chongqing.save()
    body = build_notification(make_inquiry(chongqing)).body
    assert "Phone:" not in body and "Visit:" not in body


def test_anonymising_blanks_the_phone(sent_delegation):
    Inquiry.objects.filter(pk=sent_delegation.pk).update(
        status="declined", status_changed_at=timezone.now() - timedelta(days=400)
    )
    call_command("purge_inquiries", "--older-than", "365", "--apply", stdout=StringIO())
    sent_delegation.refresh_from_db()
    assert sent_delegation.anonymised_at is not None
    assert (sent_delegation.phone, sent_delegation.phone_apps) == ("", "")
