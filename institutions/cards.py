"""The directory's college cards, each rendered once for what it shows.

Twenty cards made most of the cost of a home page that is not in the pages
cache: every change to any college makes every cached page stale, and the
first visitor after it waited for all twenty to be rendered again. A card is
therefore kept in the ``cards`` cache under a digest of everything it is made
of: the college's row and the facts, sections and kinds of programme folded
into it (``child_rows``), the page's language and address prefix, and whether
its logo loads at once. A card whose college changed gets a new key and is
rendered again; the others are reused. Nothing is ever invalidated, so a
card can be neither stale nor shared between two versions of a college, and
the cache needs no care beyond its size limit.
"""

import hashlib

from django.core.cache import caches
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.compiled_sql import compiled_rows

from .child_rows import Children, attach_children, with_children
from .models import Institution, Programme, in_contract_order

FACTS = Children(
    "facts", ["kind", "label_en", "label_zh_hans", "value_en", "value_zh_hans"]
)
SECTION_LINKS = Children(
    "sections",
    ["kind", "title_en", "title_zh_hans"],
    filters={"is_published": True},
    to_attr="published_sections",
)
PROGRAMME_KINDS = Children("programmes", ["kind"], to_attr="programme_kinds")
CARD_CHILDREN = [FACTS, SECTION_LINKS, PROGRAMME_KINDS]
# The first cards are in view as the page opens: their logos load at once.
EAGER = 2


def college_cards(slugs):
    """The cards of the colleges ``slugs``, in that order, as safe HTML.

    One query, whatever the number of colleges or of cards to render. Its
    rows are hashed as the database returns them; only a card that is not
    in the cache becomes a model instance and is rendered.
    """
    if not slugs:
        return []
    columns, rows = compiled_rows(
        # Slugs rather than ids: compiled SQL takes its values as text.
        f"directory-cards-{len(slugs)}",
        lambda *slugs: with_children(
            Institution.objects.filter(slug__in=slugs), CARD_CHILDREN
        ),
        list(slugs),
    )
    slug_at = columns.index("slug")
    by_slug = {row[slug_at]: row for row in rows}
    found_rows = [by_slug[slug] for slug in slugs if slug in by_slug]
    prefix = f"card:{get_language()}:{get_script_prefix()}"
    keys = [
        f"{prefix}:{int(place < EAGER)}:{_digest(row)}"
        for place, row in enumerate(found_rows)
    ]
    cache = caches["cards"]
    found = cache.get_many(keys)
    rendered = {}
    for place, (row, key) in enumerate(zip(found_rows, keys, strict=True)):
        if key not in found:
            college = _college(columns, row)
            rendered[key] = _render(college, eager=place < EAGER)
    if rendered:
        cache.set_many(rendered, timeout=None)
    return [mark_safe(found.get(key) or rendered[key]) for key in keys]


def _digest(row):
    return hashlib.blake2b(repr(row).encode(), digest_size=16).hexdigest()


def _college(columns, row):
    """The college of a row of the cards' query, with its children's JSON."""
    values = dict(zip(columns, row, strict=True))
    fields = Institution._meta.concrete_fields
    college = Institution.from_db(
        None, [f.attname for f in fields], [values[f.column] for f in fields]
    )
    for child in CARD_CHILDREN:
        setattr(college, child.annotation, values[child.annotation])
    return college


def _render(college, *, eager):
    attach_children(college, CARD_CHILDREN)
    college.published_sections = in_contract_order(college.published_sections)
    kinds = {row.kind for row in college.programme_kinds}
    college.offers = [
        label for value, label in Programme.Kind.choices if value in kinds
    ]
    return render_to_string(
        "institutions/_card.html",
        {
            "institution": college,
            "loading": "eager" if eager else "lazy",
            "LANG": get_language(),
        },
    )
