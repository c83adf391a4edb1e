"""Template tags of the inquiry admin."""

from datetime import date

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.db.models import Max, Min
from django.utils import timezone

register = template.Library()


def _steps(first, last, kind):
    """Each year, month or day from the date ``first`` to the date ``last``."""
    if kind == "year":
        return [date(year, 1, 1) for year in range(first.year, last.year + 1)]
    if kind == "month":
        months = range(first.year * 12 + first.month - 1, last.year * 12 + last.month)
        return [date(m // 12, m % 12 + 1, 1) for m in months]
    days = range(first.toordinal(), last.toordinal() + 1)
    return [date.fromordinal(d) for d in days]


class _RangeDates:
    """Stands in for the list's queryset in Django's ``date_hierarchy``.

    Django lists the years (months, days) that have inquiries with a
    DISTINCT over a date function of every row: at a million rows, seconds
    on SQLite. Here they are the years (months, days) from the first to the
    last inquiry in the list, from two look-ups in the index on the date; a
    day without inquiries, which a steady stream hardly has, is listed too.
    """

    def __init__(self, queryset, field_name):
        self.queryset = queryset
        self.field_name = field_name
        self._bounds = None

    def bounds(self):
        """The first and last date, each in a query of its own: SQLite reads
        a lone MIN or MAX from the index, but MIN and MAX together from
        every row."""
        if self._bounds is None:
            queryset = self.queryset.order_by()
            self._bounds = {
                "first": queryset.aggregate(v=Min(self.field_name))["v"],
                "last": queryset.aggregate(v=Max(self.field_name))["v"],
            }
        return self._bounds

    def aggregate(self, **kwargs):
        # Django asks for exactly these two: first=Min(field), last=Max(field).
        return dict(self.bounds())

    def datetimes(self, field_name, kind):
        bounds = self.bounds()
        if bounds["first"] is None:
            return []
        first = timezone.localtime(bounds["first"]).date()
        last = timezone.localtime(bounds["last"]).date()
        return _steps(first, last, kind)


class _ChangeListDates:
    def __init__(self, cl):
        self._cl = cl
        self.queryset = _RangeDates(cl.queryset, cl.date_hierarchy)

    def __getattr__(self, name):
        return getattr(self._cl, name)


def range_date_hierarchy(cl):
    return date_hierarchy(_ChangeListDates(cl))


@register.tag(name="range_date_hierarchy")
def range_date_hierarchy_tag(parser, token):
    return InclusionAdminNode(
        parser,
        token,
        func=range_date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
