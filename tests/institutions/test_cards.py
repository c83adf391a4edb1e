"""The home page's college cards: each kept under its college's ``updated_at``,
which every change to the college's content moves on."""

import io
import re

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from institutions.models import (
    Fact,
    FormerName,
    Institution,
    Programme,
    School,
    Section,
    Signatory,
)

CHONGQING = "chongqing-industry-polytechnic-college"


def card_renders(response):
    return [t.name for t in response.templates].count("institutions/_card.html")


def home(client, path="/en/"):
    # A new page-cache generation each time, as after a change elsewhere.
    caches["pages"].clear()
    return client.get(path)


def test_a_card_is_rendered_once_and_reused_while_its_college_is_unchanged(
    seeded, client
):
    first = home(client)
    assert card_renders(first) == len(seeded)
    again = home(client)
    assert card_renders(again) == 0
    assert again.content == first.content


def test_a_change_to_a_college_renders_its_card_again_and_only_its_own(seeded, client):
    home(client)
    fact = Fact.objects.filter(institution__slug=CHONGQING, kind="founded").get()
    fact.value_en = "Founded long ago"
    fact.save()
    after = client.get("/en/")
    assert card_renders(after) == 1
    assert "Founded long ago" in after.content.decode()


def test_only_the_cards_not_kept_have_their_rows_read(
    seeded, client, django_assert_num_queries
):
    home(client)
    # The stamp of the filters, the count and the page of colleges: every
    # card is kept, so no facts, sections or levels are read.
    with django_assert_num_queries(3):
        assert card_renders(home(client)) == 0
    Fact.objects.filter(institution__slug=CHONGQING).update(value_en="Renamed")
    # A college changed: what the filters offer is read again (two queries),
    # and the one card to render reads its facts, sections and levels.
    with django_assert_num_queries(8):
        response = home(client)
    assert card_renders(response) == 1
    assert "Renamed" in response.content.decode()


def test_a_section_taken_down_with_a_bulk_update_leaves_the_card_at_once(
    seeded, client
):
    section = Section.objects.filter(institution__slug=CHONGQING).first()
    assert section.get_absolute_url() in client.get("/en/").content.decode()
    Section.objects.filter(pk=section.pk).update(is_published=False)
    # Neither the pages cache nor the card's fragment hides it.
    assert section.get_absolute_url() not in client.get("/en/").content.decode()


def test_each_language_has_its_own_cards(seeded, client):
    home(client, "/en/")
    chinese = home(client, "/zh-hans/")
    assert card_renders(chinese) == len(seeded)
    assert "重庆工业职业技术学院" in chinese.content.decode()


def test_the_first_two_logos_load_at_once_and_the_others_when_scrolled_to(
    seeded, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), (20, 90, 120)).save(buffer, "PNG")
    for college in seeded.values():
        college.logo = SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
        college.save()
    html = home(client).content.decode()
    logos = re.findall(r'<img [^>]*class="logo"[^>]*loading="(\w+)"', html)
    assert logos == ["eager", "eager"] + ["lazy"] * (len(seeded) - 2)


def _first(model, **lookup):
    return model.objects.filter(**lookup).first()


CHANGES = {
    "fact saved": lambda c: _first(Fact, institution=c).save(),
    "fact deleted": lambda c: _first(Fact, institution=c).delete(),
    "facts updated": lambda c: Fact.objects.filter(institution=c).update(order=9),
    "section saved": lambda c: _first(Section, institution=c).save(),
    "sections updated": lambda c: c.sections.update(is_published=False),
    "programme deleted": lambda c: _first(Programme, institution=c).delete(),
    "programme added": lambda c: Programme.objects.create(institution=c, name="X"),
    "school added": lambda c: School.objects.create(institution=c, name="Y"),
    "former name added": lambda c: FormerName.objects.create(
        institution=c, name="Z", language="en"
    ),
    "signatory added": lambda c: Signatory.objects.create(
        section=_first(Section, institution=c), name="W"
    ),
    "college updated": lambda c: Institution.objects.filter(pk=c.pk).update(order=7),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_to_a_colleges_content_touches_it_alone(seeded, change):
    college = seeded[CHONGQING]
    before = {c.slug: c.updated_at for c in Institution.objects.all()}
    CHANGES[change](college)
    after = {c.slug: c.updated_at for c in Institution.objects.all()}
    assert after[CHONGQING] > before[CHONGQING]
    assert {s: t for s, t in after.items() if s != CHONGQING} == {
        s: t for s, t in before.items() if s != CHONGQING
    }
