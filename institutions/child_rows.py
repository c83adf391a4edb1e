"""A college's small child lists, loaded in the same query as the college.

A public page must cost a fixed, small number of queries. Instead of one
``prefetch_related`` query per list (facts, schools, sections...), each list
is folded into the college's own row as a JSON array built by the database
(``json_group_array`` in SQLite, ``jsonb_agg`` in PostgreSQL), then turned
back into model instances and put where ``prefetch_related`` would have put
them, so that ``institution.facts.all`` in a template, ``headline_facts`` and
the inquiry form keep working without another query.

    children = [Children("facts", FACT_FIELDS), ...]
    institution = with_children(Institution.objects.all(), children).get(...)
    attach_children(institution, children)
"""

import json
from dataclasses import dataclass, field

from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject


class JSONRows(Aggregate):
    """The aggregated values (JSON objects) as one JSON array."""

    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="JSON_GROUP_ARRAY", **extra_context
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


@dataclass
class Children:
    """One reverse foreign key of a model, folded into its parent's row.

    ``fields`` are the columns a page shows (translated fields by their
    column names: ``name_en``, ``name_zh_hans``); ``filters`` narrow the list;
    ``to_attr`` stores a plain list under that name, as ``Prefetch`` does,
    instead of standing in for ``relation.all()``.
    """

    relation: str
    fields: list
    filters: dict = field(default_factory=dict)
    to_attr: str = ""

    @property
    def annotation(self):
        return f"{self.relation}_rows"


def _relation(model, name):
    rel = model._meta.get_field(name)
    return rel.related_model, rel.field.name


def _needed_fields(model, fields):
    """The page's fields, and those that order the list and identify a row."""
    return list(dict.fromkeys([model._meta.pk.attname, *model._meta.ordering, *fields]))


def with_children(queryset, children):
    """The queryset with one JSON column per list of children."""
    annotations = {}
    for child in children:
        model, fk = _relation(queryset.model, child.relation)
        names = _needed_fields(model, child.fields)
        rows = (
            model._base_manager.filter(**{fk: OuterRef("pk")}, **child.filters)
            .order_by()
            .values(fk)
            .annotate(rows=JSONRows(JSONObject(**{f: f for f in names})))
            .values("rows")
        )
        annotations[child.annotation] = Subquery(rows, output_field=JSONField())
    return queryset.annotate(**annotations)


def attach_children(instance, children):
    """Turn the JSON columns of ``instance`` back into related objects."""
    for child in children:
        model, fk = _relation(type(instance), child.relation)
        rows = getattr(instance, child.annotation) or []
        if isinstance(rows, str):  # a raw query's column (portal.compiled_sql)
            rows = json.loads(rows)
        objects = [_from_row(model, row) for row in rows]
        ordering = model._meta.ordering
        if ordering:
            objects.sort(key=lambda obj: tuple(getattr(obj, f) for f in ordering))
        for obj in objects:
            setattr(obj, fk, instance)
        attach(instance, child.relation, objects, to_attr=child.to_attr)


def _from_row(model, row):
    """A model instance from a JSON row, as a queryset would build it.

    ``from_db`` rather than ``model(**row)``: keyword handling in
    ``__init__`` took most of the time of a directory page. It wants the
    values in the model's field order, which a JSON object (PostgreSQL's
    jsonb reorders keys) does not keep.
    """
    names = [f.attname for f in model._meta.concrete_fields if f.attname in row]
    return model.from_db(None, names, [row[name] for name in names])


def attach(instance, relation, objects, to_attr=""):
    """Give ``instance`` these related objects as if they had been prefetched."""
    if to_attr:
        setattr(instance, to_attr, objects)
        return
    # What prefetch_related itself does: a queryset of the relation whose
    # result is already known. Cloning it (.filter(), a form's .all()) still
    # queries the database, as a prefetched queryset does.
    queryset = getattr(instance, relation).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = queryset
