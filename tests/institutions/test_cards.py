"""The directory's college cards: rendered once for what they show, never stale."""

import io
import re

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from institutions import cards
from institutions.child_rows import with_children
from institutions.forms import filter_colleges
from institutions.models import Fact, Institution, Section
from portal.compiled_sql import CompiledList

from .many_colleges import add_colleges

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
    after = home(client)
    assert card_renders(after) == 1
    assert "Founded long ago" in after.content.decode()


def test_a_section_taken_down_leaves_the_card_at_once(seeded, client):
    home(client)
    section = Section.objects.filter(institution__slug=CHONGQING).first()
    assert section.get_absolute_url() in home(client).content.decode()
    # A bulk update, which sends no signal, is seen all the same.
    Section.objects.filter(pk=section.pk).update(is_published=False)
    assert section.get_absolute_url() not in home(client).content.decode()


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


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_card_made_from_the_raw_row_is_the_card_of_the_orm_college(seeded, language):
    """The cards' query skips Django's conversion of values: what a card
    shows must not depend on it, on either database."""
    with translation.override(language):
        for slug in seeded:
            college = with_children(
                Institution.objects.filter(slug=slug), cards.CARD_CHILDREN
            ).get()
            caches["cards"].clear()
            (from_rows,) = cards.college_cards([slug])
            expected = cards._render(college, eager=True)
            assert from_rows == expected, slug


@pytest.mark.parametrize(
    "filters",
    [{}, {"province": "Beijing"}, {"kind": "bachelor"}, {"province": "Sichuan"}],
)
def test_a_compiled_page_of_the_directory_is_the_orms_page(seeded, filters):
    add_colleges(45)
    published = Institution.objects.published().values_list("slug", flat=True)
    orm = filter_colleges(published, **filters)
    compiled = CompiledList(
        "test-directory:" + ",".join(filters),
        lambda *values: filter_colleges(
            published, **dict(zip(filters, values, strict=True))
        ),
        list(filters.values()),
    )
    assert compiled.count() == orm.count()
    for start in (0, 20, 40):
        assert compiled[start : start + 20] == list(orm[start : start + 20])
