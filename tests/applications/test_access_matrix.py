"""The access matrix: every admin URL and action that touches applicant data
or a college's pages, for each kind of visitor, with what each must get
written out by hand.

Two colleges, A and B, each with one inquiry, one officer and one editor,
and each with a section, a key fact, a school, a programme, a former name
and a signatory; college B is not published. The table says, for each
endpoint and role, what the answer is:

    login    a redirect to the admin's sign-in page (and nothing changed)
    site     a redirect to the object's public page ("view on site")
    403      refused
    404      not found
    A B AB   a page (or CSV or JSON) showing exactly this applicant data,
             or, for a POST that changes something, exactly these inquiries
             changed; no other applicant's name, e-mail, reference or
             nationality anywhere in the answer. On a content page (the
             rows under "# the colleges' pages"): exactly these colleges'
             material (their names, their rows), or these colleges' rows
             changed
    -        a page showing no applicant's data (no college's material, on
             a content page) at all; a POST that changed nothing

The roles: nobody signed in; an officer of college A; an officer of college
B; a member of staff in the "Admissions officer" group who belongs to no
college (an officer whose membership was removed); an editor of college A;
an editor of college B; a superuser.

A new endpoint is a row of the table and an entry of ``ENDPOINTS`` (or of
``CONTENT_ENDPOINTS``, for a college's material).
"""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import correspondence
from applications.models import Inquiry, StaffMembership
from applications.scoping import EDITOR_GROUP, OFFICER_GROUP
from institutions.models import (
    Fact,
    FormerName,
    Institution,
    Programme,
    School,
    Section,
    Signatory,
)
from tests.factories import make_inquiry

ROLES = [
    "anonymous",
    "officer_a",
    "officer_b",
    "editor_a",
    "editor_b",
    "no_college",
    "superuser",
]

MATRIX = """
endpoint                           anonymous  officer_a  officer_b  editor_a   editor_b   no_college superuser
# pages
index                              login      A          B          -          -          -          -
app_index                          login      -          -          404        404        -          -
list                               login      A          B          403        403        -          AB
list_filtered_to_college_b         login      -          B          403        403        -          B
list_searched_for_b                login      -          B          403        403        -          B
list_nationality_of_b              login      -          B          403        403        -          B
list_email_of_b                    login      -          B          403        403        -          B
add                                login      403        403        403        403        403        403
change_a                           login      A          404        403        403        404        A
change_b                           login      404        B          403        403        404        B
history_a                          login      A          404        403        403        404        A
history_b                          login      404        B          403        403        404        B
anonymise_page_a                   login      A          404        403        403        404        A
anonymise_page_b                   login      404        B          403        403        404        B
delete_page_a                      login      403        404        403        403        404        A
delete_page_b                      login      404        403        403        403        404        B
view_on_site_b                     login      404        404        404        404        404        404
event_list                         login      404        404        404        404        404        404
dashboard                          login      A          B          403        403        -          AB
export                             login      A          B          403        403        -          AB
export_filtered_to_college_b       login      -          B          403        403        -          B
# autocomplete endpoints
ac_event_inquiry                   login      A          B          403        403        -          AB
ac_duplicate_of_searched_b         login      -          B          403        403        -          B
ac_assigned_to                     login      403        403        403        403        403        -
ac_programme                       login      403        403        -          -          403        -
ac_membership_user                 login      403        403        403        403        403        -
ac_membership_institution          login      403        403        -          -          403        -
# who belongs where: the superuser's alone
membership_list                    login      403        403        403        403        403        -
membership_change_a                login      403        403        403        403        403        -
audit_list                         login      403        403        403        403        403        -
user_list                          login      403        403        403        403        403        -
user_change_officer_b              login      403        403        403        403        403        -
password_change                    login      -          -          -          -          -          -
# bulk actions on both inquiries at once
action_move_to_in_review           login      A          B          403        403        -          AB
action_move_to_withdrawn           login      A          B          403        403        -          AB
action_move_to_spam                login      A          B          403        403        -          AB
action_assign_to_me                login      A          B          403        403        -          AB
action_export_csv                  login      A          B          403        403        -          AB
action_retry_mail                  login      A          B          403        403        -          AB
action_anonymise_selected          login      A          B          403        403        -          AB
action_delete_selected             login      -          -          403        403        -          AB
# one inquiry, by its address
post_change_a                      login      A          404        403        403        404        A
post_change_b                      login      404        B          403        403        404        B
post_move_a                        login      A          404        403        403        404        A
post_move_b                        login      404        B          403        403        404        B
post_retry_mail_a                  login      A          404        403        403        404        A
post_retry_mail_b                  login      404        B          403        403        404        B
post_anonymise_a                   login      A          404        403        403        404        A
post_anonymise_b                   login      404        B          403        403        404        B
post_delete_a                      login      403        404        403        403        404        A
post_delete_b                      login      404        403        403        403        404        B
# correspondence: the applicants' documents (a 404 for anyone who may not
# read them, signed in or not), replies, reply templates
attachment_a                       404        A          404        404        404        404        A
attachment_b                       404        404        B          404        404        404        B
attachment_missing                 404        404        404        404        404        404        404
post_reply_a                       login      A          404        403        403        404        A
post_reply_b                       login      404        B          403        403        404        B
reply_template_list                login      -          -          403        403        -          -
# the colleges' pages: every content admin, for each college's row
institution_list                   login      403        403        A          B          403        AB
institution_add                    login      403        403        403        403        403        -
institution_change_a               login      403        403        A          404        403        A
institution_change_b               login      403        403        404        B          403        B
institution_history_a              login      403        403        A          404        403        A
institution_history_b              login      403        403        404        B          403        B
institution_delete_page_a          login      403        403        403        404        403        A
institution_delete_page_b          login      403        403        404        403        403        B
institution_action_mark_reviewed   login      403        403        A          B          403        AB
institution_action_delete_selected login      403        403        -          -          403        -
institution_post_delete_b          login      403        403        404        403        403        -
section_list                       login      403        403        A          B          403        AB
section_add                        login      403        403        A          B          403        AB
section_change_a                   login      403        403        A          404        403        AB
section_change_b                   login      403        403        404        B          403        AB
section_history_a                  login      403        403        A          404        403        A
section_history_b                  login      403        403        404        B          403        B
section_delete_page_a              login      403        403        A          404        403        A
section_delete_page_b              login      403        403        404        B          403        B
section_action_mark_reviewed       login      403        403        A          B          403        AB
section_action_delete_selected     login      403        403        A          B          403        AB
section_post_delete_b              login      403        403        404        B          403        B
fact_list                          login      403        403        A          B          403        AB
fact_add                           login      403        403        A          B          403        AB
fact_change_a                      login      403        403        A          404        403        AB
fact_change_b                      login      403        403        404        B          403        AB
fact_history_a                     login      403        403        A          404        403        A
fact_history_b                     login      403        403        404        B          403        B
fact_delete_page_a                 login      403        403        A          404        403        A
fact_delete_page_b                 login      403        403        404        B          403        B
fact_action_mark_reviewed          login      403        403        A          B          403        AB
fact_action_delete_selected        login      403        403        A          B          403        AB
fact_post_delete_b                 login      403        403        404        B          403        B
school_list                        login      403        403        A          B          403        AB
school_add                         login      403        403        A          B          403        AB
school_change_a                    login      403        403        A          404        403        AB
school_change_b                    login      403        403        404        B          403        AB
school_history_a                   login      403        403        A          404        403        A
school_history_b                   login      403        403        404        B          403        B
school_delete_page_a               login      403        403        A          404        403        A
school_delete_page_b               login      403        403        404        B          403        B
school_action_mark_reviewed        login      403        403        A          B          403        AB
school_action_delete_selected      login      403        403        A          B          403        AB
school_post_delete_b               login      403        403        404        B          403        B
programme_list                     login      403        403        A          B          403        AB
programme_add                      login      403        403        A          B          403        AB
programme_change_a                 login      403        403        A          404        403        AB
programme_change_b                 login      403        403        404        B          403        AB
programme_history_a                login      403        403        A          404        403        A
programme_history_b                login      403        403        404        B          403        B
programme_delete_page_a            login      403        403        A          404        403        A
programme_delete_page_b            login      403        403        404        B          403        B
programme_action_mark_reviewed     login      403        403        A          B          403        AB
programme_action_delete_selected   login      403        403        A          B          403        AB
programme_post_delete_b            login      403        403        404        B          403        B
section_post_change_a              login      403        403        A          404        403        A
section_post_change_b              login      403        403        404        B          403        B
view_on_site_college_a             login      404        404        site       404        404        site
view_on_site_college_b             login      404        404        404        site       404        site
view_on_site_section_b             login      404        404        404        site       404        site
"""


def _parse(table):
    lines = [
        line.split()
        for line in table.strip().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    header, rows = lines[0], lines[1:]
    assert header == ["endpoint", *ROLES]
    cells = {}
    for row in rows:
        assert len(row) == len(header), row
        for role, expected in zip(ROLES, row[1:], strict=True):
            cells[(row[0], role)] = expected
    return cells


EXPECTED = _parse(MATRIX)


# -- the cast and their data --------------------------------------------------


@pytest.fixture
def world(db, django_user_model, monkeypatch):
    college_a = Institution.objects.create(
        slug="college-a", name="College Alpha", city="Aardvark City"
    )
    # Not published: only its own editors and the superuser meet it.
    college_b = Institution.objects.create(
        slug="college-b", name="College Beta", city="Bittern City", is_published=False
    )
    content = {college_a: "Aardvark", college_b: "Bittern"}
    rows = {"A": {}, "B": {}}
    for (key, college), word in zip(
        (("A", college_a), ("B", college_b)), content.values(), strict=True
    ):
        section = Section.objects.create(
            institution=college,
            kind="about",
            title=f"{word} welcome",
            body=f"{word} text.",
        )
        Signatory.objects.create(section=section, name=f"{word} Signer")
        rows[key] = {
            "institution": college,
            "section": section,
            "fact": Fact.objects.create(
                institution=college, kind="students", value=f"{word} 1,000"
            ),
            "school": School.objects.create(institution=college, name=f"{word} School"),
            "programme": Programme.objects.create(
                institution=college, name=f"{word} Programme"
            ),
        }
        FormerName.objects.create(
            institution=college, name=f"{word} Old Name", language="en"
        )
    a = make_inquiry(
        college_a,
        full_name="Amelia Ashdown",
        email="amelia.ashdown@example.org",
        nationality="VN",
        language="en",
    )
    b = make_inquiry(
        college_b,
        full_name="Boris Bexley",
        email="boris.bexley@example.net",
        nationality="KZ",
        language="en",
        kind="partnership",
        organization="Bexley Partners",
    )
    group = Group.objects.get(name=OFFICER_GROUP)
    editors = Group.objects.get(name=EDITOR_GROUP)

    def staff(username, college=None, editor=False, **extra):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.edu", is_staff=True, **extra
        )
        if college is not None:
            user.groups.add(editors if editor else group)
            StaffMembership.objects.create(
                user=user, institution=college, is_officer=not editor, is_editor=editor
            )
        return user

    users = {
        "anonymous": None,
        "officer_a": staff("officer-a", college_a),
        "officer_b": staff("officer-b", college_b),
        "editor_a": staff("editor-a", college_a, editor=True),
        "editor_b": staff("editor-b", college_b, editor=True),
        "no_college": staff("stray"),
        "superuser": staff("root", is_superuser=True),
    }
    users["no_college"].groups.add(group)

    # Each officer has touched their own inquiry: "Recent actions" on the
    # index and the history page show it.
    content_type = ContentType.objects.get_for_model(Inquiry)
    for user, inquiry in ((users["officer_a"], a), (users["officer_b"], b)):
        LogEntry.objects.create(
            user=user,
            content_type=content_type,
            object_id=str(inquiry.pk),
            object_repr=str(inquiry),
            action_flag=CHANGE,
            change_message="Looked at it.",
        )

    # Each applicant has sent a document that names them.
    documents = {}
    for key, inquiry in (("A", a), ("B", b)):
        files = correspondence.clean_uploads(
            [
                SimpleUploadedFile(
                    "passport.pdf",
                    f"%PDF-1.4 {inquiry.full_name} {inquiry.reference}".encode(),
                    "application/pdf",
                )
            ]
        )
        message = correspondence.record_answer(inquiry, "", files)
        documents[key] = message.attachments.get()

    mails = []
    monkeypatch.setattr(
        "applications.emails.send_inquiry_mails",
        lambda inquiry: mails.append(inquiry.pk) or True,
    )
    return {
        "A": a,
        "B": b,
        "college_a": college_a,
        "college_b": college_b,
        "users": users,
        "mails": mails,
        "content": rows,
        "documents": documents,
    }


# Whose data each role may ever meet, whatever the endpoint.
MAY_SEE = {
    "anonymous": "",
    "officer_a": "A",
    "officer_b": "B",
    "editor_a": "",
    "editor_b": "",
    "no_college": "",
    "superuser": "AB",
}

# Whose material (a college's name, its rows) each role may meet on a
# content page.
CONTENT_MAY_SEE = {**dict.fromkeys(MAY_SEE, ""), "editor_a": "A", "editor_b": "B"}
CONTENT_MAY_SEE["superuser"] = "AB"
CONTENT_MARKERS = {"A": ["College Alpha", "Aardvark"], "B": ["College Beta", "Bittern"]}


def markers(inquiry):
    """What identifies an applicant: name, e-mail, reference."""
    return [inquiry.full_name, inquiry.email, inquiry.reference]


def letters(found):
    return "".join(sorted(found)) or "-"


def shown(world, text):
    """Which of the two applicants ``text`` gives away."""
    return letters(k for k in "AB" if any(m in text for m in markers(world[k])))


def hinted(world, text):
    """Whose nationality ``text`` names (as a filter choice, a bar...)."""
    return letters(k for k in "AB" if str(world[k].nationality.name) in text)


# -- the endpoints --------------------------------------------------------------


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


def inquiry_url(view, inquiry):
    return admin_url(f"applications_inquiry_{view}", inquiry.pk)


LIST = "applications_inquiry_changelist"


def autocomplete(model_name, field_name, term=""):
    def params(w):
        return {
            "app_label": "applications",
            "model_name": model_name,
            "field_name": field_name,
            "term": term(w) if callable(term) else term,
        }

    return params


# name: (method, url(world), data(world) or None)
ENDPOINTS = {
    "index": ("GET", lambda w: admin_url("index"), None),
    "app_index": (
        "GET",
        lambda w: reverse("admin:app_list", args=["applications"]),
        None,
    ),
    "list": ("GET", lambda w: admin_url(LIST), None),
    "list_filtered_to_college_b": (
        "GET",
        lambda w: admin_url(LIST),
        lambda w: {"institution__id__exact": w["college_b"].pk},
    ),
    "list_searched_for_b": (
        "GET",
        lambda w: admin_url(LIST),
        # Not a marker itself: a search box shows what was typed in it.
        lambda w: {"q": "bexley"},
    ),
    "list_nationality_of_b": (
        "GET",
        lambda w: admin_url(LIST),
        lambda w: {"nationality": "KZ"},
    ),
    "list_email_of_b": (
        "GET",
        lambda w: admin_url(LIST),
        lambda w: {"email__startswith": "boris"},
    ),
    "add": ("GET", lambda w: admin_url("applications_inquiry_add"), None),
    "change_a": ("GET", lambda w: inquiry_url("change", w["A"]), None),
    "change_b": ("GET", lambda w: inquiry_url("change", w["B"]), None),
    "history_a": ("GET", lambda w: inquiry_url("history", w["A"]), None),
    "history_b": ("GET", lambda w: inquiry_url("history", w["B"]), None),
    "delete_page_a": ("GET", lambda w: inquiry_url("delete", w["A"]), None),
    "delete_page_b": ("GET", lambda w: inquiry_url("delete", w["B"]), None),
    "view_on_site_b": (
        "GET",
        lambda w: admin_url(
            "view_on_site", ContentType.objects.get_for_model(Inquiry).pk, w["B"].pk
        ),
        None,
    ),
    "event_list": (
        "GET",
        lambda w: admin_url("index") + "applications/inquiryevent/",
        None,
    ),
    "dashboard": ("GET", lambda w: admin_url("applications_inquiry_dashboard"), None),
    "export": ("GET", lambda w: admin_url("applications_inquiry_export"), None),
    "export_filtered_to_college_b": (
        "GET",
        lambda w: admin_url("applications_inquiry_export"),
        lambda w: {"institution__id__exact": w["college_b"].pk},
    ),
    "ac_event_inquiry": (
        "GET",
        lambda w: admin_url("autocomplete"),
        autocomplete("inquiryevent", "inquiry"),
    ),
    "ac_duplicate_of_searched_b": (
        "GET",
        lambda w: admin_url("autocomplete"),
        autocomplete("inquiry", "duplicate_of", term=lambda w: "Bexley"),
    ),
    "ac_assigned_to": (
        "GET",
        lambda w: admin_url("autocomplete"),
        autocomplete("inquiry", "assigned_to"),
    ),
    "ac_programme": (
        "GET",
        lambda w: admin_url("autocomplete"),
        autocomplete("inquiry", "programme"),
    ),
    "ac_membership_user": (
        "GET",
        lambda w: admin_url("autocomplete"),
        autocomplete("staffmembership", "user"),
    ),
    "ac_membership_institution": (
        "GET",
        lambda w: admin_url("autocomplete"),
        autocomplete("staffmembership", "institution"),
    ),
    "membership_list": (
        "GET",
        lambda w: admin_url("applications_staffmembership_changelist"),
        None,
    ),
    "membership_change_a": (
        "GET",
        lambda w: admin_url(
            "applications_staffmembership_change",
            StaffMembership.objects.get(user=w["users"]["officer_a"]).pk,
        ),
        None,
    ),
    "user_list": ("GET", lambda w: admin_url("auth_user_changelist"), None),
    "user_change_officer_b": (
        "GET",
        lambda w: admin_url("auth_user_change", w["users"]["officer_b"].pk),
        None,
    ),
    "password_change": ("GET", lambda w: admin_url("password_change"), None),
    "audit_list": (
        "GET",
        lambda w: admin_url("applications_auditentry_changelist"),
        None,
    ),
}


def bulk(action, **extra):
    return (
        "POST",
        lambda w: admin_url(LIST),
        lambda w: {
            "action": action,
            "_selected_action": [w["A"].pk, w["B"].pk],
            **extra,
        },
    )


ENDPOINTS.update(
    {
        "action_move_to_in_review": bulk("move_to_in_review"),
        "action_move_to_withdrawn": bulk("move_to_withdrawn"),
        "action_move_to_spam": bulk("move_to_spam"),
        "action_assign_to_me": bulk("assign_to_me"),
        "action_export_csv": bulk("export_csv"),
        "action_retry_mail": bulk("retry_mail"),
        "action_delete_selected": bulk("delete_selected", post="yes"),
        "action_anonymise_selected": bulk("anonymise_selected", post="yes"),
    }
)

CHANGE_POST = {
    "internal_notes": "Touched by the matrix.",
    "assigned_to": "",
    # The status history inline's management form.
    "events-TOTAL_FORMS": "0",
    "events-INITIAL_FORMS": "0",
    "events-MIN_NUM_FORMS": "0",
    "events-MAX_NUM_FORMS": "0",
}


def one(view, key, data):
    """A POST to one inquiry's own URL (``key`` is "A" or "B")."""
    return ("POST", lambda w: inquiry_url(view, w[key]), lambda w: data)


# The status moves in the change form's one save.
MOVE_POST = {**CHANGE_POST, "move_to": "in_review", "move_note": "Moved by the matrix."}
for key in "AB":
    ENDPOINTS.update(
        {
            f"post_change_{key.lower()}": one("change", key, CHANGE_POST),
            f"post_move_{key.lower()}": one("change", key, MOVE_POST),
            f"post_retry_mail_{key.lower()}": one("retry_mail", key, {}),
            f"post_delete_{key.lower()}": one("delete", key, {"post": "yes"}),
            f"post_anonymise_{key.lower()}": one("anonymise", key, {"post": "yes"}),
            f"anonymise_page_{key.lower()}": (
                "GET",
                lambda w, key=key: inquiry_url("anonymise", w[key]),
                None,
            ),
            f"post_reply_{key.lower()}": one(
                "change", key, {**CHANGE_POST, "reply": "Thank you for writing."}
            ),
            f"attachment_{key.lower()}": (
                "GET",
                lambda w, key=key: admin_url(
                    "applications_inquiry_attachment", w["documents"][key].pk
                ),
                None,
            ),
        }
    )
ENDPOINTS["attachment_missing"] = (
    "GET",
    lambda w: admin_url("applications_inquiry_attachment", 999999),
    None,
)
ENDPOINTS["reply_template_list"] = (
    "GET",
    lambda w: admin_url("applications_replytemplate_changelist"),
    None,
)


# -- the colleges' pages --------------------------------------------------------

CONTENT_MODELS = {
    "institution": Institution,
    "section": Section,
    "fact": Fact,
    "school": School,
    "programme": Programme,
}


def content_url(model, view, key=None):
    def url(w):
        name = f"institutions_{model}_{view}"
        if key is None:
            return admin_url(name)
        return admin_url(name, w["content"][key][model].pk)

    return url


def both_selected(model, action, **extra):
    return lambda w: {
        "action": action,
        "_selected_action": [w["content"][k][model].pk for k in "AB"],
        **extra,
    }


def section_post(key):
    """The section's form as a browser posts it: every field, CRLF."""

    def data(w):
        section = w["content"][key]["section"]
        return {
            "institution": section.institution_id,
            "kind": section.kind,
            "is_published": "on",
            "title_en": section.title_en,
            "title_zh_hans": "",
            "body_en": "Changed by the matrix.\r\n\r\nSecond paragraph.",
            "body_zh_hans": "",
            "en_origin": "original",
            "zh_origin": "translation",
            "zh_review": "awaiting",
            "signatories-TOTAL_FORMS": "0",
            "signatories-INITIAL_FORMS": "0",
            "signatories-MIN_NUM_FORMS": "0",
            "signatories-MAX_NUM_FORMS": "1000",
        }

    return data


def on_site(model, key):
    def url(w):
        obj = w["content"][key][model]
        content_type = ContentType.objects.get_for_model(obj)
        return admin_url("view_on_site", content_type.pk, obj.pk)

    return url


CONTENT_ENDPOINTS = {}
for model in CONTENT_MODELS:
    changelist = content_url(model, "changelist")
    CONTENT_ENDPOINTS.update(
        {
            f"{model}_list": ("GET", changelist, None),
            f"{model}_add": ("GET", content_url(model, "add"), None),
            **{
                f"{model}_{page}_{key.lower()}": (
                    "GET",
                    content_url(model, view, key),
                    None,
                )
                for page, view in (
                    ("change", "change"),
                    ("history", "history"),
                    ("delete_page", "delete"),
                )
                for key in "AB"
            },
            f"{model}_action_mark_reviewed": (
                "POST",
                changelist,
                both_selected(model, "mark_reviewed"),
            ),
            f"{model}_action_delete_selected": (
                "POST",
                changelist,
                both_selected(model, "delete_selected", post="yes"),
            ),
            f"{model}_post_delete_b": (
                "POST",
                content_url(model, "delete", "B"),
                lambda w: {"post": "yes"},
            ),
        }
    )
CONTENT_ENDPOINTS.update(
    {
        "section_post_change_a": (
            "POST",
            content_url("section", "change", "A"),
            section_post("A"),
        ),
        "section_post_change_b": (
            "POST",
            content_url("section", "change", "B"),
            section_post("B"),
        ),
        "view_on_site_college_a": ("GET", on_site("institution", "A"), None),
        "view_on_site_college_b": ("GET", on_site("institution", "B"), None),
        "view_on_site_section_b": ("GET", on_site("section", "B"), None),
    }
)
ENDPOINTS.update(CONTENT_ENDPOINTS)


def content_shown(text):
    """Which of the two colleges' material ``text`` gives away."""
    return letters(
        k for k in "AB" if any(marker in text for marker in CONTENT_MARKERS[k])
    )


def _content_changed(world, endpoint):
    name = endpoint.split("_")[0]
    model = CONTENT_MODELS[name]
    rows = {
        k: model.objects.filter(pk=world["content"][k][name].pk).first() for k in "AB"
    }
    if "delete" in endpoint:
        return letters(k for k, row in rows.items() if row is None)
    if any(row is None for row in rows.values()):
        return "deleted?!"
    if "mark_reviewed" in endpoint:
        return letters(k for k, row in rows.items() if row.zh_review == "reviewed")
    # A section's change: its English and its paragraphs as posted.
    return letters(
        k
        for k, row in rows.items()
        if row.paragraphs == ["Changed by the matrix.", "Second paragraph."]
    )


# What a POST changed, read back from the database: the letters of the
# inquiries it touched.
def _changed(world, endpoint):
    rows = {k: Inquiry.objects.filter(pk=world[k].pk).first() for k in "AB"}
    if "delete" in endpoint:
        return letters(k for k, row in rows.items() if row is None)
    if any(row is None for row in rows.values()):
        return "deleted?!"
    if "anonymise" in endpoint:
        return letters(k for k, row in rows.items() if row.anonymised_at)
    if "retry_mail" in endpoint:
        return letters(k for k in "AB" if world[k].pk in world["mails"])
    if "assign_to_me" in endpoint:
        return letters(k for k, row in rows.items() if row.assigned_to_id)
    if "post_reply" in endpoint:
        return letters(
            k for k, row in rows.items() if row.messages.filter(direction="out")
        )
    if "post_change" in endpoint:
        return letters(k for k, row in rows.items() if row.internal_notes)
    if "export_csv" in endpoint:
        return None  # read from the answer instead
    return letters(k for k, row in rows.items() if row.status != "new")


def observe(world, client, role, endpoint):
    """What the endpoint gave this role, in the words of the table."""
    method, url, data = ENDPOINTS[endpoint]
    data = data(world) if data else None
    if method == "GET":
        response = client.get(url(world), data)
    else:
        response = client.post(url(world), data)
    raw = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    body = raw.decode("utf-8-sig", errors="replace")
    content = endpoint in CONTENT_ENDPOINTS

    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            outcome = "login"
        elif location == reverse("admin:index"):
            outcome = "gone"
        elif content and method == "GET":
            outcome = "site"  # "view on site": to the public page
        else:
            outcome = None  # a redirect after a POST: judged by its effect
    elif response.status_code in (403, 404, 405):
        outcome = str(response.status_code)
    else:
        assert response.status_code == 200, (endpoint, response.status_code)
        outcome = None

    # Whatever the table says, nothing in any answer names an applicant, or
    # their nationality, that this role may never see.
    leaked = shown(world, body)
    for found in (leaked, hinted(world, body)):
        assert set(found) - {"-"} <= set(MAY_SEE[role]), (endpoint, found)

    if content:
        return observe_content(world, role, endpoint, method, outcome, body)

    if method == "POST":
        changed = _changed(world, endpoint)
        if changed is None:
            changed = leaked
        if outcome in ("login", "gone", "403", "404"):
            assert changed == "-", f"{endpoint}: refused, yet changed {changed}"
            assert leaked == "-"
            return outcome
        assert leaked in ("-", changed), f"{endpoint}: answer shows {leaked}"
        return changed

    if outcome is not None:
        assert leaked == "-", f"{endpoint}: a {outcome} that shows {leaked}"
        return outcome
    if endpoint == "dashboard":
        # Counts, not names: which colleges' inquiries were counted.
        summary = response.context["summary"]
        counted = {int(bar.key) for bar in summary["by_college"]}
        assert summary["total"] == len(counted)
        names = {"A": world["college_a"].pk, "B": world["college_b"].pk}
        result = letters(k for k, pk in names.items() if pk in counted)
        assert leaked in ("-", result)
        for k in "AB":
            if k not in result:
                assert world[f"college_{k.lower()}"].name not in body
        return result
    return leaked


def observe_content(world, role, endpoint, method, outcome, body):
    """``observe`` for a page of the colleges' material."""
    shown_here = content_shown(body)
    assert set(shown_here) - {"-"} <= set(CONTENT_MAY_SEE[role]), (endpoint, shown_here)
    if method == "POST":
        changed = _content_changed(world, endpoint)
        if outcome in ("login", "gone", "403", "404"):
            assert changed == "-", f"{endpoint}: refused, yet changed {changed}"
            return outcome
        return changed
    if outcome is not None:
        assert outcome == "site" or shown_here == "-", (endpoint, shown_here)
        return outcome
    return shown_here


@pytest.mark.parametrize(
    ("endpoint", "role"),
    list(EXPECTED),
    ids=[f"{endpoint}-{role}" for endpoint, role in EXPECTED],
)
def test_access_matrix(client, world, endpoint, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)

    assert observe(world, client, role, endpoint) == EXPECTED[(endpoint, role)]


def test_the_matrix_covers_every_role_for_every_endpoint():
    assert set(EXPECTED) == {(e, r) for e in ENDPOINTS for r in ROLES}
