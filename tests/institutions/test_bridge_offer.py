"""A college's Chinese Bridge offer: data on its Chinese Bridge section, shown
as a short list of what the college stated, kept in the admin and the seeds."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from institutions.bridge import BridgeOffer
from institutions.models import Section
from institutions.seeding import SeedError, load_seeds

CIPC = "chongqing-industry-polytechnic-college"
PAGE = "/{lang}/institutions/" + CIPC + "/chinese-bridge/"


def offer_rows(client, lang):
    html = client.get(PAGE.format(lang=lang)).content.decode()
    block = re.search(r'<section class="bridge-offer".*?</section>', html, re.S)
    if block is None:
        return None
    return re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(0), re.S)


@pytest.fixture
def offer(seeded):
    return BridgeOffer.objects.get(section__institution__slug=CIPC)


def test_the_seed_gives_cipc_only_what_its_source_states(client, offer):
    assert offer.mode == BridgeOffer.Mode.ONLINE
    assert offer.source == "003_53ceae0b47568f73.txt"
    # Nothing else is stated, so no empty rows.
    assert offer_rows(client, "en") == [("How", "Online")]
    assert offer_rows(client, "zh-hans") == [("形式", "线上")]


def test_it_lists_every_stated_fact_in_both_languages(client, offer):
    offer.mode = BridgeOffer.Mode.BOTH
    offer.usual_days = 14
    offer.months = [7, 3]
    offer.min_age, offer.max_age = 14, 18
    offer.min_group, offer.max_group = 10, 30
    offer.price_per_person = 3500
    offer.includes_en = "Chinese lessons, calligraphy\nand a visit to a car factory."
    offer.includes_zh_hans = "汉语课、书法课，参观汽车工厂。"
    offer.full_clean()
    offer.save()

    assert offer_rows(client, "en") == [
        ("How", "Online or in person"),
        ("Usual length", "14 days"),
        ("Months", "March, July"),
        ("Participants’ ages", "14 to 18 years old"),
        ("Group size", "10 to 30 people"),
        ("Price per person", "3,500 yuan"),
        ("Includes", "Chinese lessons, calligraphy<br>and a visit to a car factory."),
    ]
    assert offer_rows(client, "zh-hans") == [
        ("形式", "线上或线下均可"),
        ("通常时长", "14天"),
        ("开放月份", "三月、七月"),
        ("参加者年龄", "14至18岁"),
        ("团组人数", "10至30人"),
        ("每人费用", "3500元"),
        ("包含内容", "汉语课、书法课，参观汽车工厂。"),
    ]


def test_a_range_with_one_end_stated_says_so(client, offer):
    offer.min_age, offer.max_group = 16, 25
    offer.save()
    rows = dict(offer_rows(client, "en"))
    assert rows["Participants’ ages"] == "16 years old and over"
    assert rows["Group size"] == "up to 25 people"
    rows = dict(offer_rows(client, "zh-hans"))
    assert rows["参加者年龄"] == "16岁及以上"
    assert rows["团组人数"] == "不超过25人"


def test_a_section_without_an_offer_shows_no_list(client, offer):
    offer.delete()
    assert offer_rows(client, "en") is None


def test_a_change_to_the_offer_shows_at_once(client, offer):
    assert offer_rows(client, "en") == [("How", "Online")]  # now cached
    offer.usual_days = 7
    offer.save()
    assert ("Usual length", "7 days") in offer_rows(client, "en")


def test_it_refuses_an_offer_on_another_kind_of_section(seeded):
    about = Section.objects.exclude(kind=Section.Kind.CHINESE_BRIDGE).first()
    with pytest.raises(ValidationError) as caught:
        BridgeOffer(section=about).full_clean()
    assert "section" in caught.value.message_dict


def test_it_refuses_ranges_upside_down_and_months_that_do_not_exist(offer):
    offer.min_age, offer.max_age = 18, 12
    offer.min_group, offer.max_group = 40, 20
    offer.months = [13]
    with pytest.raises(ValidationError) as caught:
        offer.full_clean()
    assert set(caught.value.message_dict) >= {"max_age", "max_group", "months"}


# -- admin --------------------------------------------------------------------


def change_url(section):
    return f"/admin/institutions/section/{section.pk}/change/"


def test_the_admin_edits_the_offer_inside_its_section(client, root, offer):
    client.force_login(root)
    html = client.get(change_url(offer.section)).content.decode()
    assert 'name="bridge_offer-0-includes_zh_hans"' in html
    assert 'name="bridge_offer-0-months"' in html


def test_the_admin_shows_no_offer_on_other_sections(client, root, seeded):
    client.force_login(root)
    about = Section.objects.exclude(kind=Section.Kind.CHINESE_BRIDGE).first()
    html = client.get(change_url(about)).content.decode()
    assert "bridge_offer-" not in html


def test_the_admin_saves_the_months_ticked(client, root, offer):
    client.force_login(root)
    section = offer.section
    data = {
        "institution": section.institution_id,
        "kind": section.kind,
        "title_en": section.title_en,
        "title_zh_hans": section.title_zh_hans,
        "body_en": section.body_en,
        "body_zh_hans": section.body_zh_hans,
        "is_published": "on",
        "en_origin": section.en_origin,
        "zh_origin": section.zh_origin,
        "zh_review": section.zh_review,
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
        "bridge_offer-TOTAL_FORMS": "1",
        "bridge_offer-INITIAL_FORMS": "1",
        "bridge_offer-0-id": offer.pk,
        "bridge_offer-0-section": section.pk,
        "bridge_offer-0-mode": "in_person",
        "bridge_offer-0-months": ["9", "4"],
        "bridge_offer-0-max_group": "30",
        "bridge_offer-0-includes_en": "Lessons",
        "bridge_offer-0-en_origin": "original",
        "bridge_offer-0-zh_origin": "translation",
        "bridge_offer-0-zh_review": "awaiting",
    }
    response = client.post(change_url(section), data)
    assert response.status_code == 302, response.context["errors"]
    offer.refresh_from_db()
    assert (offer.mode, offer.months, offer.max_group) == ("in_person", [4, 9], 30)


# -- seeds --------------------------------------------------------------------


def test_loading_the_seeds_again_changes_nothing(offer):
    report = load_seeds()
    assert report.created == report.updated == 0


def test_the_loader_keeps_an_offer_staff_edited(offer):
    offer.usual_days = 10
    offer.save()
    call_command("load_seeds", verbosity=0)
    offer.refresh_from_db()
    assert offer.usual_days == 10
    call_command("load_seeds", "--overwrite", verbosity=0)
    offer.refresh_from_db()
    assert offer.usual_days is None


COLLEGE = 'slug = "ok"\n[name]\nen = "OK College"\n'


@pytest.mark.parametrize(
    ("section", "offer", "error"),
    [
        ("about", 'mode = "online"', "belongs to a chinese_bridge section"),
        ("chinese_bridge", 'mode = "hybrid"', "unknown Chinese Bridge mode"),
        ("chinese_bridge", "months = [0, 13]", "months are numbers from 1 to 12"),
    ],
)
def test_the_loader_refuses_a_bad_offer(db, tmp_path, section, offer, error):
    (tmp_path / "a.toml").write_text(
        COLLEGE + f'[[sections]]\nkind = "{section}"\n'
        'title = { en = "T" }\nbody = { en = "B" }\n'
        f"[sections.bridge_offer]\n{offer}\n"
    )
    with pytest.raises(SeedError, match=error):
        load_seeds(tmp_path)


def test_the_loader_reads_every_fact_of_an_offer(db, tmp_path):
    (tmp_path / "a.toml").write_text(
        COLLEGE + '[[sections]]\nkind = "chinese_bridge"\n'
        'title = { en = "T" }\nbody = { en = "B" }\n'
        "[sections.bridge_offer]\n"
        'mode = "both"\nusual_days = 10\nmonths = [7, 3, 7]\n'
        "min_age = 12\nmax_age = 17\nmin_group = 5\nmax_group = 40\n"
        "price_per_person = 4200\n"
        'includes = { en = "Lessons", zh-hans = "课程" }\n'
    )
    load_seeds(tmp_path)
    offer = BridgeOffer.objects.get()
    assert offer.months == [3, 7]
    assert (offer.min_age, offer.max_age, offer.min_group, offer.max_group) == (
        12,
        17,
        5,
        40,
    )
    assert (offer.price_per_person, offer.includes_zh_hans) == (4200, "课程")
