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

from django.db import connections
from django.db.models import Aggregate, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils.translation import get_language


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
        if isinstance(rows, str):  # a raw query's column (see fetch_compiled)
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


_compiled = {}


def _compiled_sql(name, build, values, using):
    key = (name, get_language(), connections[using].alias)
    compiled = _compiled.get(key)
    if compiled is None:
        markers = [f"\x00marker-{n}\x00" for n in range(len(values))]
        queryset = build(*markers)
        sql, params = queryset.query.sql_with_params()
        params = list(params)
        if any(params.count(marker) != 1 for marker in markers):
            raise ValueError(f"{name}: each value must be one plain parameter")
        places = [params.index(marker) for marker in markers]
        compiled = _compiled[key] = (queryset.model, sql, params, places)
    model, sql, params, places = compiled
    params = list(params)
    for place, value in zip(places, values, strict=True):
        params[place] = value
    return model, sql, params


def fetch_compiled(name, build, values, using="default"):
    """What ``build(*values)`` would return, from SQL compiled only once.

    Building and compiling a college's query, with its JSON subqueries, took
    14 ms of the 17 ms a profile page spent on it; running the SQL takes half
    a millisecond. So the SQL is compiled once per process, language and
    database with marker values, and each call runs it with its own values
    in the markers' places. ``build`` must use each value once, as a plain
    parameter (an exact lookup, say). Returns a list of model instances.
    """
    model, sql, params = _compiled_sql(name, build, values, using)
    return list(model._base_manager.db_manager(using).raw(sql, params))


def compiled_rows(name, build, values=(), using="default"):
    """The column names and rows that ``build(*values)`` selects, as the
    database returns them: SQL compiled once, as ``fetch_compiled`` does,
    with neither model instances nor Django's conversions of values."""
    _model, sql, params = _compiled_sql(name, build, values, using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [column[0] for column in cursor.description], cursor.fetchall()


class CompiledList:
    """A one-column query's values for ``Paginator``: its count and its
    pages run SQL compiled once, as ``fetch_compiled`` does, with the page's
    limit and offset as parameters."""

    ordered = True

    def __init__(self, name, build, values=(), using="default"):
        self.name, self.build, self.values, self.using = name, build, values, using

    def _rows(self, sql, params):
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self):
        _model, sql, params = _compiled_sql(
            self.name + ":count",
            lambda *values: self.build(*values).order_by(),
            self.values,
            self.using,
        )
        return self._rows(f"SELECT COUNT(*) FROM ({sql}) counted", params)[0][0]

    def __getitem__(self, page):
        if not isinstance(page, slice) or page.step:
            raise TypeError("CompiledList takes a slice without a step")
        _model, sql, params = _compiled_sql(
            self.name, self.build, self.values, self.using
        )
        start = page.start or 0
        return [
            row[0]
            for row in self._rows(
                f"{sql} LIMIT %s OFFSET %s", [*params, page.stop - start, start]
            )
        ]
