"""A college page's query, compiled once and run with each address's slug,
gives exactly what the ORM gives, in both languages and on both databases."""

import pytest
from django.utils import translation

from institutions.child_rows import attach_children, with_children
from institutions.models import Institution
from institutions.views import PROFILE
from portal.compiled_sql import fetch_compiled


def published(slug):
    return with_children(Institution.objects.published(), PROFILE).filter(slug=slug)


def snapshot(institution):
    """Every column of the college and of each child list, as the page sees it."""
    attach_children(institution, PROFILE)
    columns = [f.attname for f in Institution._meta.concrete_fields]
    children = {}
    for child in PROFILE:
        if child.to_attr:
            rows = getattr(institution, child.to_attr)
        else:
            rows = list(getattr(institution, child.relation).all())
        children[child.relation] = [
            {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
            for row in rows
        ]
    return {name: getattr(institution, name) for name in columns}, children


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_each_college_is_read_as_the_orm_reads_it(seeded, language):
    with translation.override(language):
        for slug in seeded:
            (compiled,) = fetch_compiled("test-page", published, [slug])
            assert compiled.slug == slug
            assert snapshot(compiled) == snapshot(published(slug).get())


def test_an_unknown_or_hidden_college_is_not_found(seeded):
    college = seeded["jinhua-polytechnic"]
    assert fetch_compiled("test-page", published, ["no-such-college"]) == []
    Institution.objects.filter(pk=college.pk).update(is_published=False)
    assert fetch_compiled("test-page", published, [college.slug]) == []


def test_a_value_used_other_than_as_one_parameter_is_refused(seeded):
    def twice(slug):
        return Institution.objects.filter(slug=slug, name_en=slug)

    with pytest.raises(ValueError):
        fetch_compiled("test-twice", twice, ["x"])
