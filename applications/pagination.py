"""Paging through a list of any size without counting all of it.

``EstimatedCountPaginator`` counts exactly up to ``EXACT_UP_TO`` rows, which
an index answers at once. Beyond that it takes PostgreSQL's planner estimate,
which costs nothing whatever the size (the admin says "about 1,000,000"); on
SQLite, which has none, the admin says "more than 10,000".
"""

import json
import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_UP_TO = 10_000
MAX_OFFSET = 2**31


def round_estimate(n):
    """``n`` to two significant figures: 1,234,567 → 1,200,000."""
    if n < 100:
        return n
    step = 10 ** (int(math.log10(n)) - 1)
    return int(round(n / step) * step)


def can_estimate(queryset):
    """Whether the database can estimate the size of ``queryset``."""
    return connections[queryset.db].vendor == "postgresql"


def planner_estimate(queryset):
    """The number of rows PostgreSQL's planner expects ``queryset`` to have."""
    connection = connections[queryset.db]
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """A paginator whose ``count`` may be an estimate; ``estimated`` says so.
    A page beyond the estimate is empty rather than an error: the estimate
    may fall short of the truth."""

    exact_up_to = EXACT_UP_TO

    estimated = False
    lower_bound = False

    @cached_property
    def count(self):
        queryset = self.object_list
        # One query that reads at most exact_up_to + 1 index entries.
        capped = queryset.order_by().values("pk")[: self.exact_up_to + 1].count()
        if capped <= self.exact_up_to:
            return capped
        self.estimated = True
        if not can_estimate(queryset):
            # No estimate to be had: all that is known is "more than".
            self.lower_bound = True
            return capped
        return round_estimate(max(planner_estimate(queryset), capped))

    def validate_number(self, number):
        if not self.count or not self.estimated:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        # However far the estimate may fall short, no list holds a row past
        # this; and a database refuses an offset beyond its integers.
        if (number - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        """Past the first, a page is read in two steps: the ids of its rows,
        which an index answers even deep into the list, then the rows for
        those ids only (in one query every skipped row would be joined too)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.estimated and top + self.orphans >= self.count:
            top = self.count
        if bottom == 0:
            return Page(self.object_list[bottom:top], number, self)
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return Page(self.object_list.filter(pk__in=ids), number, self)
