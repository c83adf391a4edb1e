"""Staff edit the colleges' material in the admin, in English or Chinese."""

import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from institutions.models import Fact, Programme, School, Section
from tests.conftest import CHONGQING, JINHUA, OFFICER_PASSWORD
from tests.institutions.test_line_endings import BrowserForm, as_post

ADMIN_PAGES = [
    "/admin/institutions/institution/",
    "/admin/institutions/section/",
    "/admin/institutions/school/",
    "/admin/institutions/programme/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_it_lets_a_superuser_open_every_content_list_and_form(
    seeded, client, root, url
):
    client.force_login(root)
    listing = client.get(url)
    assert listing.status_code == 200
    first = listing.context["cl"].result_list[0]
    assert client.get(f"{url}{first.pk}/change/").status_code == 200


def test_it_edits_a_texts_english_and_chinese_side_by_side(seeded, client, root):
    client.force_login(root)
    section = Section.objects.get(kind=Section.Kind.CHINESE_BRIDGE)
    response = client.get(f"/admin/institutions/section/{section.pk}/change/")
    rows = [
        row
        for _name, options in response.context["adminform"].fieldsets
        for row in options["fields"]
    ]
    assert ("title_en", "title_zh_hans") in rows
    assert ("body_en", "body_zh_hans") in rows
    html = response.content.decode()
    assert "/static/institutions/side_by_side.css" in html
    assert "Text (English)" in html and "Text (Chinese)" in html
    assert "tabbed_translation_fields" not in html and "googleapis" not in html


def test_it_names_the_source_document_in_words(seeded, client, root):
    client.force_login(root)
    section = Section.objects.get(kind=Section.Kind.LEADERSHIP_MESSAGE)
    html = client.get(
        f"/admin/institutions/section/{section.pk}/change/"
    ).content.decode()
    assert (
        "Beijing University of Technology, its English website: Message from the "
        "Leadership"
    ) in html
    assert "001_f1a04d615e217fe0" not in html


def test_every_source_document_has_a_name(seeded):
    from institutions.sources import SOURCE_DOCUMENTS

    files = {
        path.name for path in (settings.BASE_DIR / "seeds" / "source").glob("*.txt")
    }
    assert set(SOURCE_DOCUMENTS) == files
    for model in (Section, Fact, School, Programme):
        for obj in model.objects.exclude(source=""):
            assert all(
                not str(name).endswith(".txt") for name in obj.source_documents
            ), obj.source


def test_it_lists_the_texts_in_each_review_state(seeded, client, root):
    client.force_login(root)
    about = Section.objects.get(institution__slug=JINHUA, kind="about")
    why = Section.objects.get(institution__slug=CHONGQING, kind="why_us")
    Section.objects.filter(pk=about.pk).update(zh_review="reviewed")
    Section.objects.filter(pk=why.pk).update(zh_review="english_changed")

    def listed(state):
        page = client.get("/admin/institutions/section/", {"zh_review": state})
        return {s.pk for s in page.context["cl"].result_list}

    translated = Section.objects.filter(zh_origin="translation")
    assert listed("reviewed") == {about.pk}
    assert listed("english_changed") == {why.pk}
    assert listed("awaiting") == set(
        translated.exclude(pk__in=[about.pk, why.pk]).values_list("pk", flat=True)
    )
    bridge = Section.objects.get(kind="chinese_bridge")  # 003 is original Chinese
    assert listed("original") == {bridge.pk}
    html = client.get("/admin/institutions/section/").content.decode()
    assert "English changed since the Chinese was reviewed" in html


def test_it_marks_translations_reviewed_in_bulk_and_in_the_history(
    seeded, client, root
):
    client.force_login(root)
    ids = list(Section.objects.values_list("pk", flat=True))
    client.post(
        "/admin/institutions/section/",
        {"action": "mark_reviewed", "_selected_action": ids},
    )
    assert not any(s.awaits_review for s in Section.objects.all())
    translated = Section.objects.filter(zh_origin="translation")
    logged = LogEntry.objects.filter(
        change_message="Marked the Chinese as reviewed.",
        content_type=ContentType.objects.get_for_model(Section),
    )
    assert sorted(int(e.object_id) for e in logged) == sorted(
        translated.values_list("pk", flat=True)
    )


def test_it_speaks_chinese_to_staff_who_choose_chinese(seeded, client, root):
    client.force_login(root)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/admin/"})
    html = client.get("/admin/institutions/section/").content.decode()
    assert "待审校" in html
    assert "中国院校留学门户" in html


def test_it_keeps_anonymous_visitors_out(seeded, client):
    response = client.get("/admin/institutions/institution/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


# -- editors of their own college -----------------------------------------------


@pytest.fixture
def editor(chongqing):
    call_command(
        "create_officer",
        "editor-cipc",
        chongqing.slug,
        "--password",
        OFFICER_PASSWORD,
        "--role",
        "editor",
        verbosity=0,
    )
    return get_user_model().objects.get(username="editor-cipc")


CONTENT = {
    "institution": lambda college: [college],
    "section": lambda college: college.sections.all(),
    "fact": lambda college: college.facts.all(),
    "school": lambda college: college.schools.all(),
    "programme": lambda college: college.programmes.all(),
    "formername": lambda college: college.former_names.all(),
}


def test_an_editor_meets_only_its_own_colleges_rows(seeded, client, editor):
    client.force_login(editor)
    own = seeded[CHONGQING]
    for model, rows_of in CONTENT.items():
        listing = client.get(f"/admin/institutions/{model}/")
        assert listing.status_code == 200, model
        listed = {obj.pk for obj in listing.context["cl"].result_list}
        assert listed == {obj.pk for obj in rows_of(own)}, model
        for college in seeded.values():
            for obj in rows_of(college):
                for view in ("change", "history", "delete"):
                    url = f"/admin/institutions/{model}/{obj.pk}/{view}/"
                    status = client.get(url).status_code
                    if college == own:
                        assert status == (
                            403
                            if (model, view)
                            == (
                                "institution",
                                "delete",
                            )
                            else 200
                        ), url
                    else:
                        assert status == 404, url


def test_an_officer_may_not_open_the_colleges_pages(seeded, client, chen):
    client.force_login(chen)
    for model in CONTENT:
        assert client.get(f"/admin/institutions/{model}/").status_code == 403
    own = seeded[CHONGQING].sections.first()
    assert (
        client.get(f"/admin/institutions/section/{own.pk}/change/").status_code == 403
    )


def college_form(client, college, **changes):
    """The college's change form as a browser posts it, with ``changes``."""
    url = f"/admin/institutions/institution/{college.pk}/change/"
    data = as_post(
        BrowserForm(client.get(url).content.decode(), "institution_form").data
    )
    data.update({name: [value] for name, value in changes.items()})
    return client.post(url, data)


def test_an_editor_changes_its_colleges_page_but_not_what_is_the_superusers(
    seeded, client, editor
):
    client.force_login(editor)
    college = seeded[CHONGQING]
    before = (
        college.slug,
        college.is_published,
        college.order,
        college.admissions_emails,
    )
    fact = college.facts.get(kind="students")
    response = college_form(
        client,
        college,
        summary_en="A college that its editor keeps.",
        slug="taken-over",
        is_published="",
        order="1",
        admissions_emails="someone@elsewhere.example",
        **{f"facts-{list(college.facts.all()).index(fact)}-value_en": "16,500"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    college.refresh_from_db()
    fact.refresh_from_db()
    assert college.summary_en == "A college that its editor keeps."
    assert fact.value_en == "16,500"
    after = (
        college.slug,
        college.is_published,
        college.order,
        college.admissions_emails,
    )
    assert after == before
    # In the history, with the change of the fact made in its row.
    entry = LogEntry.objects.get(user=editor, object_id=str(college.pk))
    assert "key fact" in entry.get_change_message()
