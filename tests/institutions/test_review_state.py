"""The Chinese of a reviewed text is no longer "reviewed" once its English
changes, whoever changes it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from institutions.models import Programme, ReviewState, Section
from institutions.seeding import load_seeds
from tests.conftest import CHONGQING


@pytest.fixture
def why_us(seeded):
    section = Section.objects.get(institution__slug=CHONGQING, kind="why_us")
    Section.objects.filter(pk=section.pk).update(zh_review=ReviewState.REVIEWED)
    section.refresh_from_db()
    return section


def test_a_change_of_the_english_asks_for_a_new_review(why_us):
    why_us.body_en += "\n\nOne more paragraph."
    why_us.save()
    why_us.refresh_from_db()
    assert why_us.zh_review == ReviewState.ENGLISH_CHANGED
    assert why_us.awaits_review


def test_a_change_of_the_chinese_or_a_crlf_of_the_same_english_keeps_it_reviewed(
    why_us,
):
    why_us.body_zh_hans += "\n\n再补充一段。"
    why_us.body_en = why_us.body_en.replace("\n", "\r\n")
    why_us.save()
    why_us.refresh_from_db()
    assert why_us.zh_review == ReviewState.REVIEWED


def test_saving_only_other_fields_keeps_it_reviewed(why_us):
    why_us.body_en = "Not saved."
    why_us.save(update_fields=["is_published"])
    why_us.refresh_from_db()
    assert why_us.zh_review == ReviewState.REVIEWED


def test_load_seeds_overwriting_the_english_asks_for_a_new_review(why_us):
    Section.objects.filter(pk=why_us.pk).update(body_en="An older English text.")
    Section.objects.filter(pk=why_us.pk).update(zh_review=ReviewState.REVIEWED)
    load_seeds(overwrite=True)
    why_us.refresh_from_db()
    assert why_us.zh_review == ReviewState.ENGLISH_CHANGED


def test_a_programmes_texts_have_a_review_state_too(seeded):
    programme = Programme.objects.filter(zh_origin="translation").first()
    Programme.objects.filter(pk=programme.pk).update(zh_review=ReviewState.REVIEWED)
    programme.refresh_from_db()
    programme.name_en += " (new name)"
    programme.save()
    programme.refresh_from_db()
    assert programme.zh_review == ReviewState.ENGLISH_CHANGED


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_what_was_reviewed():
    executor = MigrationExecutor(connection)
    target = executor.loader.graph.leaf_nodes("institutions")
    before = [("institutions", "0006_bridge_offer")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    College = apps.get_model("institutions", "Institution")
    OldSection = apps.get_model("institutions", "Section")
    college = College.objects.create(slug="old", name="Old", name_en="Old")
    done = OldSection.objects.create(
        institution=college, kind="about", title_en="A", body_en="A.", zh_reviewed=True
    )
    waiting = OldSection.objects.create(
        institution=college, kind="why_us", title_en="W", body_en="W."
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)

    assert Section.objects.get(pk=done.pk).zh_review == ReviewState.REVIEWED
    assert Section.objects.get(pk=waiting.pk).zh_review == ReviewState.AWAITING
