"""The numbers behind the admin dashboard.

The queries take an already scoped queryset (the caller passes
``Inquiry.objects.for_staff(user)``), so the dashboard counts exactly what
the user may see; the bars are made from their counts. Anonymised inquiries
keep every field counted here.

At a million inquiries each grouped count reads a whole index, so
``summary`` keeps the figures for ``CACHE_SECONDS`` for each set of colleges
(the caller's ``cache_key``), and says how old they are.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from statistics import median

from django.core.cache import cache
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from institutions.models import Institution

from .models import Inquiry, Message

WEEKS = 12
CACHE_SECONDS = 60
# Beyond this many colleges, the smaller ones are summed up as one bar.
COLLEGES_SHOWN = 20


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


def by_choice(counts, choices):
    """A bar for each of ``choices`` (statuses, kinds), in their order."""
    return _scale(
        [Bar(str(c.label), counts.get(c.value, 0), key=c.value) for c in choices]
    )


def _top(counts, limit):
    """The ``limit`` largest ``(value, count)`` rows, and the rest."""
    rows = sorted(counts.items(), key=lambda row: (-row[1], row[0]))
    return rows[:limit], rows[limit:]


def by_college(counts, limit=COLLEGES_SHOWN):
    """The colleges with the most inquiries; the rest as one bar."""
    top, rest = _top(counts, limit)
    names = {c.pk: str(c) for c in Institution.objects.filter(pk__in=dict(top))}
    bars = [Bar(names.get(pk, "?"), n, key=str(pk)) for pk, n in top]
    if rest:
        label = gettext("%(count)d other colleges") % {"count": len(rest)}
        bars.append(Bar(label, sum(n for _pk, n in rest)))
    return _scale(bars)


def by_country(counts, limit=15):
    """The most frequent nationalities; the rest as one bar."""
    top, rest = _top(counts, limit)
    field = Inquiry._meta.get_field("nationality")
    names = dict(field.get_choices(include_blank=False))
    bars = [Bar(str(names.get(code, code)), n, key=code) for code, n in top]
    if rest:
        bars.append(Bar(gettext("Other countries"), sum(n for _code, n in rest)))
    return _scale(bars)


def week_counts(queryset, weeks=WEEKS, now=None):
    """``{Monday: inquiries received that week}`` for the last ``weeks``
    weeks (Monday to Sunday, local time), in one query.

    Each week is a range of ``created_at``, so that the index on it serves
    the count; no date function runs on every row.
    """
    now = timezone.localtime(now or timezone.now())
    this_monday = now.date() - timedelta(days=now.weekday())
    tz = timezone.get_current_timezone()
    mondays = [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    starts = [timezone.make_aware(datetime.combine(m, time.min), tz) for m in mondays]
    ends = [*starts[1:], starts[-1] + timedelta(weeks=1)]
    totals = (
        queryset.order_by()
        .filter(created_at__gte=starts[0])
        .aggregate(
            **{
                f"w{i}": Count(
                    "pk", filter=Q(created_at__gte=start, created_at__lt=end)
                )
                for i, (start, end) in enumerate(zip(starts, ends, strict=True))
            }
        )
    )
    return {monday: totals[f"w{i}"] or 0 for i, monday in enumerate(mondays)}


def figures(queryset):
    """The raw counts behind the dashboard: five grouped queries."""
    return {
        "status": count_by(queryset, "status"),
        "kind": count_by(queryset, "kind"),
        "college": count_by(queryset, "institution"),
        "country": count_by(queryset, "nationality"),
        "weeks": week_counts(queryset),
        "at": timezone.now(),
    }


def summary(queryset, cache_key=None):
    """Everything the dashboard shows. With ``cache_key`` (which must name
    the set of inquiries counted), the figures are kept ``CACHE_SECONDS``."""
    data = cache.get(f"inquiry-dashboard:{cache_key}") if cache_key else None
    if data is None:
        data = figures(queryset)
        if cache_key:
            cache.set(f"inquiry-dashboard:{cache_key}", data, CACHE_SECONDS)
    statuses = data["status"]
    weeks = data["weeks"]
    return {
        # Every inquiry has exactly one status: the total needs no count.
        "total": sum(statuses.values()),
        "open": sum(statuses.get(s, 0) for s in Inquiry.OPEN_STATUSES),
        "by_status": by_choice(statuses, Inquiry.Status),
        "by_college": by_college(data["college"]),
        "by_kind": by_choice(data["kind"], Inquiry.Kind),
        "by_country": by_country(data["country"]),
        # Oldest first, with the empty weeks too.
        "per_week": _scale([Bar(m.isoformat(), n, key=m) for m, n in weeks.items()]),
        "counted_at": data["at"],
        "cache_seconds": CACHE_SECONDS if cache_key else 0,
    }


# ---------------------------------------------------------------------------
# The officer's day: what waits for an answer from the college.

# An applicant waiting longer than this many working days (Monday to Friday)
# is counted as waiting too long.
WORKING_DAYS_LIMIT = 2
FIRST_REPLY_DAYS = 30


def last_message_direction():
    """The direction of an inquiry's latest message, as a subquery."""
    return Subquery(
        Message.objects.filter(inquiry=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("direction")[:1]
    )


def answered_by_applicant(queryset):
    """Open inquiries whose latest message is the applicant's: the college
    owes an answer."""
    return (
        queryset.open()
        .alias(last_direction=last_message_direction())
        .filter(last_direction=Message.Direction.IN)
    )


def working_days_before(moment, days):
    """The moment ``days`` working days (Monday to Friday) before ``moment``:
    a weekend does not count."""
    moment = timezone.localtime(moment)
    while days > 0:
        moment -= timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def waiting_for_the_college(queryset):
    """Open inquiries on which the college has the next step: all but those
    waiting for the applicant's information."""
    return queryset.open().exclude(status=Inquiry.Status.MORE_INFO)


def officer_day(queryset, user, now=None):
    """The counts of the admin's index for ``user``, over ``queryset`` (the
    inquiries of their colleges)."""
    now = now or timezone.now()
    waiting = waiting_for_the_college(queryset)
    oldest = waiting.order_by().aggregate(at=Min("status_changed_at"))["at"]
    return {
        "new": queryset.filter(status=Inquiry.Status.NEW).count(),
        "oldest_days": (now - oldest).days if oldest else None,
        "assigned_to_me": queryset.open().filter(assigned_to=user).count(),
        "answered": answered_by_applicant(queryset).count(),
        "too_long": waiting.filter(
            status_changed_at__lt=working_days_before(now, WORKING_DAYS_LIMIT)
        ).count(),
    }


def duration_label(delta):
    hours = delta.total_seconds() / 3600
    if hours < 48:
        count = max(round(hours), 0)
        return ngettext("%(count)d hour", "%(count)d hours", count) % {"count": count}
    count = round(hours / 24)
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def first_reply_medians(queryset, now=None, days=FIRST_REPLY_DAYS):
    """For each college, the median time from an inquiry's arrival to the
    college's first message, over the inquiries received in the last
    ``days`` days that have one: ``[(college, label, how many)]``."""
    now = now or timezone.now()
    # Grouped by the inquiry's id alone, and joined only to the college's
    # messages: grouping by every column sorted each whole row (80 ms).
    rows = (
        queryset.filter(
            created_at__gte=now - timedelta(days=days),
            messages__direction=Message.Direction.OUT,
        )
        .order_by()
        .values("pk")
        .annotate(first_reply=Min("messages__created_at"))
        .values_list("institution", "created_at", "first_reply")
    )
    waits = {}
    for college, created, first in rows:
        waits.setdefault(college, []).append(first - created)
    names = {c.pk: str(c) for c in Institution.objects.filter(pk__in=waits)}
    return sorted(
        (
            (names.get(pk, "?"), duration_label(median(values)), len(values))
            for pk, values in waits.items()
        ),
        key=lambda row: row[0],
    )
