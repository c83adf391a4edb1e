"""Queries of the inquiry POST built and compiled by the ORM once per process.

Building and compiling a queryset costs a millisecond or more each time;
running the SQL it gives, with an index behind it, a tenth of that. So the
SQL is compiled once per process and database from sample values, and each
call puts its own values in the samples' places (as
``institutions.child_rows.fetch_compiled`` does for a college, but for
values that are not strings: dates, numbers).
"""

import datetime

from django.db import DEFAULT_DB_ALIAS, connections

_compiled = {}


def _adapt(value, connection):
    # What a model field's get_db_prep_value gives for these values.
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def compiled_sql(name, build, samples, values, using=DEFAULT_DB_ALIAS):
    """The SQL and parameters of ``build(*values)``, compiled from
    ``build(*samples)`` once per process.

    Each sample must reach the SQL as one plain parameter, once, and be
    found nowhere else (pick unlikely ones): this is checked when it is
    compiled, so that a value can never land in another's place.
    """
    connection = connections[using]
    key = (name, connection.alias)
    compiled = _compiled.get(key)
    if compiled is None:
        sql, params = build(*samples).query.sql_with_params()
        params = list(params)
        places = []
        for sample in samples:
            adapted = _adapt(sample, connection)
            if params.count(adapted) != 1:
                raise ValueError(f"{name}: {sample!r} is not one plain parameter")
            places.append(params.index(adapted))
        compiled = _compiled[key] = (sql, params, places)
    sql, params, places = compiled
    params = list(params)
    for place, value in zip(places, values, strict=True):
        params[place] = _adapt(value, connection)
    return sql, params


def fetch_one(name, build, samples, values, using=DEFAULT_DB_ALIAS):
    """The first row of ``build(*values)`` (a ``values_list`` queryset), or None."""
    sql, params = compiled_sql(name, build, samples, values, using)
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
