"""The inquiry's change page: one form, one save, and a history that says
what happened, in the reader's language."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from applications.models import Inquiry, InquiryEvent
from tests.conftest import make_officer
from tests.factories import make_inquiry

LIST = reverse("admin:applications_inquiry_changelist")
HAN = re.compile(r"[\u4e00-\u9fff]")


def change_url(inquiry, view="change"):
    return reverse(f"admin:applications_inquiry_{view}", args=[inquiry.pk])


class FormFields(HTMLParser):
    """What a browser would post from the page's form ``form_id``: every
    input, selected option and textarea, as they stand."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields = {}
        self.select = self.textarea = None
        self.options = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value", "")
        elif tag == "select":
            self.select = name
            self.options[name] = []
            self.fields[name] = None
        elif tag == "option" and self.select:
            self.options[self.select].append(attrs.get("value", ""))
            if "selected" in attrs or self.fields[self.select] is None:
                self.fields[self.select] = attrs.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            # As browsers do, a line break right after <textarea> is dropped.
            if not self.fields[self.textarea]:
                data = data.removeprefix("\n")
            self.fields[self.textarea] += data


def page_form(client, url, **cookies):
    html = client.get(url).content.decode()
    parser = FormFields("inquiry_form")
    parser.feed(html)
    # Browsers post textareas with CRLF line endings.
    fields = {
        k: v.replace("\n", "\r\n") if isinstance(v, str) else v
        for k, v in parser.fields.items()
    }
    return fields, parser.options, html


@pytest.fixture
def li(chongqing):
    return make_officer("li", chongqing)


def save_with_all_three(client, inquiry, assignee):
    fields, options, _html = page_form(client, change_url(inquiry))
    assert set(options["move_to"]) == {"", "in_review", "withdrawn", "spam"}
    assert str(assignee.pk) in options["assigned_to"]
    fields.update(
        assigned_to=str(assignee.pk),
        internal_notes="Strong candidate.\r\nCall on Monday.",
        move_to="in_review",
        move_note="Read the whole message.\r\nLooks serious.",
        _save="Save",
    )
    return client.post(change_url(inquiry), fields)


def test_one_save_keeps_the_assignee_the_notes_and_the_move(
    client, chen, li, chongqing
):
    inquiry = make_inquiry(chongqing)
    client.force_login(chen)

    response = save_with_all_three(client, inquiry, li)

    assert response.status_code == 302, response.content.decode()[:3000]
    inquiry.refresh_from_db()
    assert inquiry.assigned_to == li
    assert inquiry.internal_notes == "Strong candidate.\nCall on Monday."
    assert inquiry.status == "in_review"
    kinds = list(inquiry.events.values_list("kind", "by", "to_assignee", "to_status"))
    assert sorted(kinds) == sorted(
        [
            ("notes", chen.pk, None, ""),
            ("assignment", chen.pk, li.pk, ""),
            ("status", chen.pk, None, "in_review"),
        ]
    )
    assert inquiry.events.get(kind="status").note == (
        "Read the whole message.\nLooks serious."
    )


def test_the_history_reads_in_the_readers_language(client, chen, li, chongqing):
    inquiry = make_inquiry(chongqing)
    client.force_login(chen)
    save_with_all_three(client, inquiry, li)

    english = client.get(change_url(inquiry), headers={"accept-language": "en"})
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(change_url(inquiry))

    history = {
        lang: re.search(
            r'<div class="module" id="inquiry-history">(.*?)</div>',
            page.content.decode(),
            re.S,
        ).group(1)
        for lang, page in (("en", english), ("zh", chinese))
    }
    assert "Assigned to li (before: nobody)" in history["en"]
    assert "Status: “New” → “In review”" in history["en"]
    assert "Internal notes edited" in history["en"]
    # The applicant wrote nothing here: any Han character would be Chinese
    # of the admin's own.
    assert not HAN.search(history["en"].replace("王小明", ""))
    assert "分配给li（此前：未分配）" in history["zh"]
    assert "状态：“待处理”→“审核中”" in history["zh"]
    assert "编辑了内部备注" in history["zh"]
    for english_word in ("Assigned", "Status", "Internal notes", "nobody", "In review"):
        assert english_word not in history["zh"]


def test_djangos_history_page_reads_in_the_readers_language(
    client, chen, li, chongqing
):
    inquiry = make_inquiry(chongqing)
    client.force_login(chen)
    # Saved from the Chinese admin, read in the English one, and the reverse.
    client.cookies["django_language"] = "zh-hans"
    save_with_all_three(client, inquiry, li)
    entry = LogEntry.objects.get(object_id=str(inquiry.pk))

    client.cookies["django_language"] = "en"
    english = client.get(change_url(inquiry, "history")).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(change_url(inquiry, "history")).content.decode()

    assert entry.change_message.startswith("[")  # data, not a sentence
    assert "Changed Status, Assigned to and Internal notes." in english
    assert "内部备注" not in english and "分配给" not in english
    assert "内部备注" in chinese and "分配给" in chinese
    assert "Internal notes" not in chinese and "Assigned to" not in chinese


def test_an_illegal_move_is_an_error_beside_the_field_and_saves_nothing(
    client, chen, li, chongqing
):
    inquiry = make_inquiry(chongqing)
    client.force_login(chen)
    fields, _options, _html = page_form(client, change_url(inquiry))
    fields.update(
        assigned_to=str(li.pk),
        internal_notes="Should not be kept",
        move_to="enrolled",
        _save="Save",
    )

    response = client.post(change_url(inquiry), fields)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() == {"move_to"}
    html = response.content.decode()
    assert re.search(r'class="[^"]*errors[^"]*field-move_to', html)
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.assigned_to, inquiry.internal_notes) == (
        "new",
        None,
        "",
    )
    assert not inquiry.events.exists()


def test_a_move_made_meanwhile_by_someone_else_is_refused_beside_the_field(
    client, chen, li, chongqing
):
    inquiry = make_inquiry(chongqing)
    client.force_login(chen)
    fields, _options, _html = page_form(client, change_url(inquiry))
    inquiry.transition_to("spam", by=li)
    fields.update(internal_notes="Too late", move_to="in_review", _save="Save")

    response = client.post(change_url(inquiry), fields)

    assert response.status_code == 200
    assert "move_to" in response.context["adminform"].form.errors
    inquiry.refresh_from_db()
    assert (inquiry.status, inquiry.internal_notes) == ("spam", "")


def test_saving_the_page_unchanged_adds_no_history(client, chen, chongqing):
    inquiry = make_inquiry(chongqing)
    Inquiry.objects.filter(pk=inquiry.pk).update(internal_notes="One\nTwo")
    client.force_login(chen)
    fields, _options, _html = page_form(client, change_url(inquiry))
    assert fields["internal_notes"] == "One\r\nTwo"

    response = client.post(change_url(inquiry), {**fields, "_save": "Save"})

    assert response.status_code == 302
    assert not inquiry.events.exists()


def test_the_assignee_is_one_of_the_colleges_staff(client, chen, li, jin, chongqing):
    inquiry = make_inquiry(chongqing)
    client.force_login(chen)

    _fields, options, _html = page_form(client, change_url(inquiry))

    assert str(li.pk) in options["assigned_to"]
    assert str(chen.pk) in options["assigned_to"]
    assert str(jin.pk) not in options["assigned_to"]


def test_there_is_no_separate_move_address_any_more(client, chen, chongqing):
    inquiry = make_inquiry(chongqing)
    client.force_login(chen)

    response = client.post(
        change_url(inquiry) + "move/", {"move-status": "in_review", "move_to": "x"}
    )

    assert response.status_code in (302, 404)
    inquiry.refresh_from_db()
    assert inquiry.status == "new"


def test_assign_to_me_in_bulk_is_recorded(client, chen, li, chongqing):
    mine = make_inquiry(chongqing, assigned_to=chen)
    theirs = make_inquiry(chongqing, assigned_to=li)
    nobodys = make_inquiry(chongqing)
    client.force_login(chen)

    response = client.post(
        LIST,
        {
            "action": "assign_to_me",
            "_selected_action": [mine.pk, theirs.pk, nobodys.pk],
        },
    )

    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["2 inquiries assigned to you."]
    events = InquiryEvent.objects.filter(kind="assignment").order_by("inquiry_id")
    assert [(e.inquiry_id, e.from_assignee, e.to_assignee, e.by) for e in events] == [
        (theirs.pk, li, chen, chen),
        (nobodys.pk, None, chen, chen),
    ]
    assert not mine.events.exists()
    page = client.get(change_url(theirs)).content.decode()
    assert "Assigned to chen (before: li)" in page


def test_the_name_links_to_the_user_only_for_who_may_open_it(
    client, chen, root, chongqing
):
    inquiry = make_inquiry(chongqing)
    inquiry.transition_to("in_review", by=chen)
    user_url = reverse("admin:auth_user_change", args=[chen.pk])

    client.force_login(chen)
    as_officer = client.get(change_url(inquiry)).content.decode()
    client.force_login(root)
    as_superuser = client.get(change_url(inquiry)).content.decode()

    assert user_url not in as_officer
    assert "<td>chen</td>" in as_officer
    assert f'<a href="{user_url}">chen</a>' in as_superuser
    assert client.get(user_url).status_code == 200


def test_the_mail_times_read_as_the_pages_other_times(client, chen, chongqing):
    sent = datetime.datetime(2026, 12, 8, 1, 45, tzinfo=datetime.UTC)
    inquiry = make_inquiry(chongqing)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        created_at=sent, confirmation_sent_at=sent, notification_sent_at=sent
    )
    client.force_login(chen)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(change_url(inquiry)).content.decode()
    # 01:45 UTC is 09:45 in Beijing, written as the received time is.
    assert html.count("2026年12月8日 09:45") == 3
    assert "2026-12-08" not in html
