"""Queries that the ORM builds and compiles once per process, then runs often.

Building and compiling a queryset costs a millisecond or more each time;
running the SQL it gives, with an index behind it, often a tenth of that. The
public pages and the inquiry POST ask the same few questions on every
request with different values (a college's slug, an e-mail address), so the
SQL is compiled once per process, language and database from sample values,
and each call puts its own values in the samples' places.

``build(*samples)`` must pass each sample to the SQL as one plain parameter,
once (an exact lookup, say); this is checked when it is compiled, so that a
value can never land in another's place. The default samples are unlikely
strings, which suit text values; other values need samples of their type.
"""

import datetime

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import get_language

_compiled = {}


def _adapt(value, connection):
    # What a model field's get_db_prep_value gives for these values.
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def compiled_sql(name, build, values, samples=None, using=DEFAULT_DB_ALIAS):
    """The model, SQL and parameters of ``build(*values)``, compiled from
    ``build(*samples)`` once per process, language and database."""
    connection = connections[using]
    # Translated fields (modeltranslation) compile to the language's columns.
    key = (name, get_language(), connection.alias)
    compiled = _compiled.get(key)
    if compiled is None:
        if samples is None:
            samples = [f"\x00sample-{n}\x00" for n in range(len(values))]
        queryset = build(*samples)
        sql, params = queryset.query.sql_with_params()
        params = list(params)
        places = []
        for sample in samples:
            adapted = _adapt(sample, connection)
            if params.count(adapted) != 1:
                raise ValueError(f"{name}: {sample!r} is not one plain parameter")
            places.append(params.index(adapted))
        compiled = _compiled[key] = (queryset.model, sql, params, places)
    model, sql, params, places = compiled
    params = list(params)
    for place, value in zip(places, values, strict=True):
        params[place] = _adapt(value, connection)
    return model, sql, params


def fetch_compiled(name, build, values, samples=None, using=DEFAULT_DB_ALIAS):
    """The model instances that ``build(*values)`` would return.

    A college page's query, with its JSON subqueries, took 14 ms to build and
    compile and half a millisecond to run.
    """
    model, sql, params = compiled_sql(name, build, values, samples, using)
    return list(model._base_manager.db_manager(using).raw(sql, params))


def _rows(sql, params, using):
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return [column[0] for column in cursor.description], cursor.fetchall()


def compiled_rows(name, build, values=(), samples=None, using=DEFAULT_DB_ALIAS):
    """The column names and rows that ``build(*values)`` selects, as the
    database returns them: neither model instances nor Django's conversions
    of values."""
    _model, sql, params = compiled_sql(name, build, values, samples, using)
    return _rows(sql, params, using)


def fetch_one(name, build, values, samples=None, using=DEFAULT_DB_ALIAS):
    """The first row of ``build(*values)`` (a ``values_list`` queryset), or None."""
    _columns, rows = compiled_rows(name, build, values, samples, using)
    return rows[0] if rows else None


class CompiledList:
    """A one-column query's values for ``Paginator``: its count and its pages
    run SQL compiled once, with the page's limit and offset as parameters."""

    ordered = True

    def __init__(self, name, build, values=(), using=DEFAULT_DB_ALIAS):
        self.name, self.build, self.values, self.using = name, build, values, using

    def count(self):
        _model, sql, params = compiled_sql(
            self.name + ":count",
            lambda *values: self.build(*values).order_by(),
            self.values,
            using=self.using,
        )
        counted = f"SELECT COUNT(*) FROM ({sql}) counted"
        _columns, rows = _rows(counted, params, self.using)
        return rows[0][0]

    def __getitem__(self, page):
        if not isinstance(page, slice) or page.step:
            raise TypeError("CompiledList takes a slice without a step")
        _model, sql, params = compiled_sql(
            self.name, self.build, self.values, using=self.using
        )
        start = page.start or 0
        limited = [*params, page.stop - start, start]
        _columns, rows = _rows(f"{sql} LIMIT %s OFFSET %s", limited, self.using)
        return [row[0] for row in rows]
