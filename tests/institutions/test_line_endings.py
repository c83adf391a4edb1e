"""Text keeps its paragraphs however its line breaks arrived.

Browsers post a textarea with CRLF line breaks; seeds and scripts may bring
CR or CRLF too. Paragraphs are separated by a blank line of any kind.
"""

import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from institutions.models import Institution, Programme, Section
from institutions.seeding import load_seeds


class BrowserForm(HTMLParser):
    """What a browser posts for the page's main form, fields as they stand.

    Every named input, textarea and select, with a textarea's text given
    CRLF line breaks (as browsers submit it), a checkbox only when ticked,
    a select's selected options (or its first), and the ``_save`` button.
    """

    def __init__(self, html, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.data, self._in_form = form_id, [], False
        self._textarea = self._select = None
        self._options = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        if tag == "option" and self._select is not None:
            self._options.append(a)
            return
        if not a.get("name"):
            return
        name = a.get("name")
        if tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "reset", "file", "image"):
                if name == "_save":
                    self.data.append((name, a.get("value", "")))
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.append((name, a.get("value", default) or default))
        elif tag == "textarea":
            self._textarea = [name, ""]
        elif tag == "select":
            self._select, self._options = (name, "multiple" in a), []

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # The HTML parser drops the one newline right after <textarea>.
            text = text[1:] if text.startswith("\n") else text
            self.data.append((name, re.sub(r"\r\n|\r|\n", "\r\n", text)))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [o for o in self._options if "selected" in o]
            if not chosen and not multiple and self._options:
                chosen = self._options[:1]
            self.data.extend((name, o.get("value", "")) for o in chosen)
            self._select = None


def as_post(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def public_paragraphs(client, section, language):
    html = client.get(f"/{language}{section.get_absolute_url()[3:]}").content.decode()
    article = html.split('<article class="profile-main prose"', 1)[1]
    article = article.split("</article>", 1)[0]
    article = article.split('<div class="signatories">', 1)[0]
    return len(re.findall(r"<p>", article))


@pytest.mark.django_db
def test_an_admin_save_keeps_the_paragraphs_of_both_public_pages(seeded, client, root):
    section = Section.objects.get(
        institution__slug="jinhua-polytechnic", kind=Section.Kind.ABOUT
    )
    assert section.get_absolute_url().startswith("/en/")
    before = {
        lang: public_paragraphs(client, section, lang) for lang in ("en", "zh-hans")
    }
    assert before["en"] > 1 and before["zh-hans"] > 1, before  # and now cached

    client.force_login(root)
    url = f"/admin/institutions/section/{section.pk}/change/"
    form = BrowserForm(client.get(url).content.decode(), "section_form")
    sent = as_post(form.data)
    assert "\r\n\r\n" in sent["body_en"][0] and "\r\n\r\n" in sent["body_zh_hans"][0]
    assert "signatories-TOTAL_FORMS" in sent
    sent["title_en"] = [sent["title_en"][0] + " (edited)"]
    response = client.post(url, sent)
    assert response.status_code == 302, response.context["adminform"].form.errors

    section.refresh_from_db()
    assert section.title_en.endswith("(edited)")
    assert "\r" not in section.body_en + section.body_zh_hans
    client.logout()
    after = {
        lang: public_paragraphs(client, section, lang) for lang in ("en", "zh-hans")
    }
    assert after == before


@pytest.mark.parametrize(
    "text",
    [
        "One.\n\nTwo.\n\nThree.",
        "One.\r\n\r\nTwo.\r\n\r\nThree.",
        "One.\r\rTwo.\r\rThree.",
        "One.\n \t\nTwo.\r\n\u3000\r\n\r\nThree.\n",
    ],
)
def test_paragraphs_are_parted_by_any_blank_line(text):
    section = Section(body=text)
    assert section.paragraphs == ["One.", "Two.", "Three."]


def test_a_line_break_inside_a_paragraph_does_not_part_it():
    assert Section(body="One line\r\nand the next.\r\n\r\nTwo.").paragraphs == [
        "One line\nand the next.",
        "Two.",
    ]


@pytest.mark.django_db
def test_the_orm_stores_plain_newlines_however_the_text_arrives(seeded):
    section = Section.objects.filter(body_zh_hans__gt="").first()
    section.body_en = "One.\r\n\r\nTwo.\rThree."
    section.save()
    Section.objects.filter(pk=section.pk).update(body_zh_hans="一。\r\n\r\n二。")
    Institution.objects.filter(pk=section.institution_id).update(
        name_note_en="Formerly\r\nX."
    )
    section.refresh_from_db()
    assert section.body_en == "One.\n\nTwo.\nThree."
    assert section.body_zh_hans == "一。\n\n二。"
    assert Institution.objects.get(pk=section.institution_id).name_note_en == (
        "Formerly\nX."
    )


SEED = """\
slug = "crlf-college"
[name]
en = "CRLF College"
[[sections]]
kind = "about"
[sections.title]
en = "About"
[sections.body]
en = "First paragraph,\\r\\nstill the first.\\r\\n\\r\\nSecond paragraph."
zh-hans = "第一段。\\r\\n \\r\\n第二段。"
"""


@pytest.mark.django_db
def test_load_seeds_keeps_the_paragraphs_of_a_text_with_crlf(tmp_path):
    (tmp_path / "crlf.toml").write_text(SEED)
    load_seeds(tmp_path)
    section = Section.objects.get(institution__slug="crlf-college")
    assert section.body_en == "First paragraph, still the first.\n\nSecond paragraph."
    assert section.body_zh_hans == "第一段。\n\n第二段。"


@pytest.mark.django_db(transaction=True)
def test_the_migration_repairs_rows_saved_with_crlf():
    executor = MigrationExecutor(connection)
    target = executor.loader.graph.leaf_nodes("institutions")
    before = [("institutions", "0004_directory_indexes")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldInstitution = apps.get_model("institutions", "Institution")
    OldSection = apps.get_model("institutions", "Section")
    OldProgramme = apps.get_model("institutions", "Programme")
    college = OldInstitution.objects.create(
        slug="crlf", name="CRLF", name_en="CRLF", name_note_zh_hans="曾用名\r\n旧名"
    )
    OldSection.objects.create(
        institution=college,
        kind="about",
        title_en="About",
        body="A.\r\n\r\nB.",
        body_en="A.\r\n\r\nB.",
        body_zh_hans="甲。\r\n\r\n乙。\r丙。",
    )
    OldProgramme.objects.create(
        institution=college, name_en="P", description_en="x\r\ny"
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)

    section = Section.objects.get(institution__slug="crlf")
    assert (section.body, section.body_en, section.body_zh_hans) == (
        "A.\n\nB.",
        "A.\n\nB.",
        "甲。\n\n乙。\n丙。",
    )
    assert Institution.objects.get(slug="crlf").name_note_zh_hans == "曾用名\n旧名"
    assert Programme.objects.get(name_en="P").description_en == "x\ny"
