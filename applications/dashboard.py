"""The numbers behind the admin dashboard.

Each function takes an already scoped queryset (the caller passes
``Inquiry.objects.for_staff(user)``), so the dashboard counts exactly what
the user may see. Anonymised inquiries keep every field counted here.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext

from institutions.models import Institution

from .models import Inquiry

WEEKS = 12


@dataclass
class Bar:
    label: str
    count: int
    percent: float = 0.0  # of the largest bar, for its width
    key: str = ""  # the value to filter the inquiry list on


def _scale(bars):
    top = max((b.count for b in bars), default=0)
    for bar in bars:
        bar.percent = round(100 * bar.count / top, 1) if top else 0
    return bars


def count_by(queryset, field):
    """``{value of field: number of inquiries}``, in one grouped query."""
    return dict(
        queryset.order_by().values_list(field).annotate(n=Count("pk")).order_by()
    )


def by_status(queryset):
    counts = count_by(queryset, "status")
    return _scale(
        [Bar(str(s.label), counts.get(s.value, 0), key=s.value) for s in Inquiry.Status]
    )


def by_kind(queryset):
    counts = count_by(queryset, "kind")
    return _scale(
        [Bar(str(k.label), counts.get(k.value, 0), key=k.value) for k in Inquiry.Kind]
    )


def by_college(queryset):
    counts = count_by(queryset, "institution")
    colleges = Institution.objects.filter(pk__in=counts)
    bars = [Bar(str(c), counts[c.pk], key=str(c.pk)) for c in colleges]
    return _scale(sorted(bars, key=lambda b: -b.count))


def by_country(queryset, limit=15):
    """The most frequent nationalities; the rest are summed up as one bar."""
    counts = count_by(queryset, "nationality")
    rows = sorted(counts.items(), key=lambda row: (-row[1], row[0]))
    field = Inquiry._meta.get_field("nationality")
    names = dict(field.get_choices(include_blank=False))
    bars = [Bar(str(names.get(code, code)), n, key=code) for code, n in rows[:limit]]
    rest = sum(n for _code, n in rows[limit:])
    if rest:
        bars.append(Bar(gettext("Other countries"), rest))
    return _scale(bars)


def per_week(queryset, weeks=WEEKS, now=None):
    """Inquiries received in each of the last ``weeks`` weeks (Monday to
    Sunday, local time), oldest first, with the empty weeks too."""
    now = timezone.localtime(now or timezone.now())
    this_monday = now.date() - timedelta(days=now.weekday())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    tz = timezone.get_current_timezone()
    rows = (
        queryset.order_by()
        .filter(created_at__date__gte=first_monday)
        .annotate(week=TruncWeek("created_at", tzinfo=tz))
        .values_list("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    counts = {}
    for week, n in rows:
        day = week.date() if hasattr(week, "date") else week
        counts[day] = counts.get(day, 0) + n
    bars = []
    for i in range(weeks):
        monday = first_monday + timedelta(weeks=i)
        bars.append(Bar(monday.isoformat(), counts.get(monday, 0), key=monday))
    return _scale(bars)


def summary(queryset):
    return {
        "total": queryset.count(),
        "open": queryset.open().count(),
        "by_status": by_status(queryset),
        "by_college": by_college(queryset),
        "by_kind": by_kind(queryset),
        "by_country": by_country(queryset),
        "per_week": per_week(queryset),
    }
