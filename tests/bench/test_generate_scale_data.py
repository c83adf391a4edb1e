"""generate_scale_data: believable synthetic data in both languages, on top of
the seed content, never mixed into a database of real inquiries by mistake."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Max

from applications.models import (
    Inquiry,
    InquiryEvent,
    StaffMembership,
    normalise_reference,
)
from institutions.bridge import BridgeOffer
from institutions.models import Institution, Programme
from tests.factories import make_inquiry

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def generate(*args):
    out, err = StringIO(), StringIO()
    call_command("generate_scale_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def generated(seeded):
    generate("--colleges", "12", "--inquiries", "600", "--seed", "3")
    return seeded


def test_it_adds_colleges_with_names_and_places_in_both_languages(generated):
    new = Institution.objects.exclude(slug__in=generated)

    assert new.count() == 12
    assert Institution.objects.filter(slug__in=generated).count() == len(generated)
    for college in new:
        assert college.name_en and not CHINESE.search(college.name_en)
        assert CHINESE.search(college.name_zh_hans)
        assert college.province_en and CHINESE.search(college.province_zh_hans)
        assert college.city_en and CHINESE.search(college.city_zh_hans)
        assert college.sections.get(kind="about").body_zh_hans
        assert college.facts.filter(kind="founded").exists()
        kinds = set(college.programmes.values_list("kind", flat=True))
        assert kinds and kinds <= set(Programme.Kind.values)
    assert len({c.name_en for c in new}) == 12
    assert len({c.name_zh_hans for c in new}) == 12


def test_some_colleges_offer_chinese_bridge_visits_each_stating_its_own_facts(
    generated,
):
    offers = BridgeOffer.objects.exclude(section__institution__slug__in=generated)
    assert 0 < offers.count() < 12
    for offer in offers.select_related("section"):
        assert offer.section.kind == "chinese_bridge"
        offer.full_clean()  # ranges in order, months that exist
        assert offer.facts and CHINESE.search(offer.includes_zh_hans)


def test_delegations_give_visit_dates_and_some_inquiries_a_phone(generated):
    delegations = Inquiry.objects.filter(kind="chinese_bridge")
    assert delegations.exists()
    for inquiry in delegations:
        assert inquiry.intake == ""
        assert inquiry.created_at.date() < inquiry.start_date <= inquiry.end_date
    assert not Inquiry.objects.exclude(kind="chinese_bridge").filter(
        start_date__isnull=False
    )
    phones = Inquiry.objects.exclude(phone="").values_list("phone", flat=True)
    assert phones and all(re.fullmatch(r"\+[1-9][0-9]{6,14}", p) for p in phones)


def test_its_programmes_have_fees_deadlines_languages_and_scholarships(generated):
    new = Programme.objects.exclude(institution__slug__in=generated)
    per_college = new.order_by().values("institution").annotate(n=Count("pk"))
    assert all(25 <= row["n"] <= 35 for row in per_college)
    assert not new.filter(tuition=None).exists()
    assert not new.filter(intakes=None).exists()
    assert new.filter(taught_in_english=True).exists()
    assert new.filter(taught_in_chinese=True).exists()
    assert new.filter(scholarships__provider="csc").exists()
    for programme in new.filter(scholarships__provider="college")[:20]:
        for scholarship in programme.scholarships.all():
            assert CHINESE.search(scholarship.name_zh_hans)
            assert not CHINESE.search(scholarship.name_en)
    # Each has its own address within its college.
    for row in per_college:
        slugs = new.filter(institution=row["institution"]).values_list("slug")
        assert len(set(slugs)) == row["n"]


def test_it_spreads_inquiries_over_every_college_the_way_real_ones_are(generated):
    inquiries = Inquiry.objects.all()

    assert inquiries.count() == 600
    references = list(inquiries.values_list("reference", flat=True))
    assert len(set(references)) == 600
    assert all(normalise_reference(r) == r for r in references)
    per_college = dict(
        inquiries.values_list("institution").annotate(n=Count("pk")).order_by()
    )
    # Some colleges are sought after far more than others.
    assert max(per_college.values()) > 3 * min(per_college.values())
    assert set(inquiries.values_list("status", flat=True)) >= {
        "new",
        "in_review",
        "declined",
        "withdrawn",
    }
    assert inquiries.values("nationality").distinct().count() >= 10
    assert set(inquiries.values_list("language", flat=True)) == {"en", "zh-hans"}
    assert inquiries.exclude(assigned_to=None).exists()
    assert inquiries.exclude(mail_error="").count() < 30
    # A programme, when named, is one of the college's own.
    assert not inquiries.exclude(programme=None).exclude(
        programme__institution=F("institution")
    )


def test_every_inquiry_past_new_has_the_status_change_that_led_there(generated):
    moved = Inquiry.objects.exclude(status="new")

    assert InquiryEvent.objects.count() == moved.count()
    for event in InquiryEvent.objects.select_related("inquiry")[:100]:
        assert event.to_status == event.inquiry.status
        assert event.from_status != event.to_status
        assert event.at >= event.inquiry.created_at


def test_a_possible_duplicate_repeats_an_earlier_inquiry_to_the_same_college(
    generated,
):
    duplicates = Inquiry.objects.exclude(duplicate_of=None).select_related(
        "duplicate_of"
    )

    assert duplicates.exists()
    for inquiry in duplicates:
        original = inquiry.duplicate_of
        assert original.institution_id == inquiry.institution_id
        assert original.email == inquiry.email
        assert original.created_at < inquiry.created_at


def test_its_officers_cannot_sign_in_until_given_a_password(generated):
    officers = get_user_model().objects.filter(username__startswith="scale-officer-")

    assert officers.exists()
    for officer in officers:
        assert officer.is_staff and not officer.is_superuser
        assert not officer.has_usable_password()
        assert StaffMembership.objects.filter(user=officer).count() == 1


def test_the_same_seed_gives_the_same_inquiries(seeded):
    generate("--colleges", "3", "--inquiries", "50", "--seed", "9")
    first = list(
        Inquiry.objects.order_by("pk").values_list("reference", "email", "status")
    )
    InquiryEvent.objects.all().delete()
    Inquiry.objects.all().delete()
    StaffMembership.objects.filter(user__username__startswith="scale-").delete()
    get_user_model().objects.filter(username__startswith="scale-").delete()
    Institution.objects.exclude(slug__in=seeded).delete()

    generate("--colleges", "3", "--inquiries", "50", "--seed", "9")

    again = list(
        Inquiry.objects.order_by("pk").values_list("reference", "email", "status")
    )
    assert again == first


def test_it_refuses_a_database_that_already_holds_inquiries(chongqing):
    make_inquiry(chongqing)

    with pytest.raises(CommandError, match="already holds 1 inquir"):
        generate("--colleges", "1", "--inquiries", "10")

    assert Inquiry.objects.count() == 1
    assert Institution.objects.count() == 4


def test_it_adds_to_them_when_told_to_append(chongqing):
    kept = make_inquiry(chongqing)

    generate("--colleges", "1", "--inquiries", "10", "--append")

    assert Inquiry.objects.count() == 11
    assert Inquiry.objects.get(pk=kept.pk).full_name == kept.full_name
    # The id sequence moved past the generated rows: the form still works.
    latest = make_inquiry(chongqing)
    assert latest.pk > Inquiry.objects.exclude(pk=latest.pk).aggregate(m=Max("pk"))["m"]


def test_it_reports_what_it_made_and_shows_progress(seeded):
    out, err = generate("--colleges", "2", "--inquiries", "20", "--batch-size", "5")

    assert "2 colleges" in out and "20 inquiries" in out
    assert "20/20" in err


@pytest.mark.parametrize(
    "args", [["--inquiries", "-1"], ["--years", "0"], ["--batch-size", "0"]]
)
def test_it_refuses_nonsense_numbers(db, args):
    with pytest.raises(CommandError):
        generate(*args)
