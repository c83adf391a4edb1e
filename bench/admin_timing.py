"""How fast the staff pages answer against the current database.

``time_admin`` (``manage.py time_admin``, bench/settings.py) signs in a superuser and an
admissions officer with Django's test client, asks for the inquiry list (the
first page, a middle page, each list filter, a search by reference and by
e-mail address) and the dashboard, each ``repeat`` times, and reports the
median. It runs in-process, without a web server, so that what it measures
is the view: the queries and the rendering.

The first, untimed request of each page is reported as ``first_ms``: it fills
what the pages keep in the cache (the nationalities in the filter, the
dashboard's figures), which the median then reuses as staff would.
"""

import logging
import os
import statistics
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Inquiry, StaffMembership
from applications.pagination import EstimatedCountPaginator

LIST_TARGET_MS = 300
DASHBOARD_TARGET_MS = 300
PER_PAGE = 100
BENCH_SUPERUSER = "scale-bench-admin"


def _superuser():
    User = get_user_model()
    user = User.objects.filter(is_superuser=True, is_active=True).first()
    if user is None:
        user, _created = User.objects.get_or_create(
            username=BENCH_SUPERUSER,
            defaults={"is_superuser": True, "is_staff": True},
        )
        user.set_unusable_password()
        user.save()
    return user


def busiest_officer():
    """The officer whose college received the most inquiries: the hardest
    list an officer has."""
    staffed = StaffMembership.objects.filter(
        user__is_active=True, user__is_staff=True, user__is_superuser=False
    ).values("institution")
    top = (
        Inquiry.objects.filter(institution__in=staffed)
        .order_by()
        .values("institution")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if top is None:
        return None
    membership = (
        StaffMembership.objects.filter(
            institution=top["institution"], user__is_active=True, user__is_staff=True
        )
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def cases(user):
    """``(name, url, target_ms)`` for every page timed for ``user``."""
    changelist = reverse("admin:applications_inquiry_changelist")
    visible = Inquiry.objects.for_staff(user)
    pages = EstimatedCountPaginator(visible.order_by("-created_at"), PER_PAGE)
    middle = max(1, pages.num_pages // 2)
    sample = visible.order_by("-created_at").first()
    today = timezone.localdate()
    month = today.replace(day=1)
    week_ago = today - timedelta(days=7)

    def since(first, last):
        # As the admin's own date filter writes it: local midnights.
        bounds = {
            "created_at__gte": timezone.make_aware(
                datetime.combine(first, clock_time.min)
            ),
            "created_at__lt": timezone.make_aware(
                datetime.combine(last, clock_time.min)
            ),
        }
        return urlencode({k: str(v) for k, v in bounds.items()})

    result = [
        ("list", changelist, LIST_TARGET_MS),
        (f"list page {middle}", f"{changelist}?p={middle}", LIST_TARGET_MS),
        ("filter open", f"{changelist}?state=open", LIST_TARGET_MS),
        ("filter closed", f"{changelist}?state=closed", LIST_TARGET_MS),
        ("filter status", f"{changelist}?status__exact=contacted", LIST_TARGET_MS),
        ("filter kind", f"{changelist}?kind__exact=partnership", LIST_TARGET_MS),
        ("filter language", f"{changelist}?language__exact=zh-hans", LIST_TARGET_MS),
        ("filter mine", f"{changelist}?assigned=mine", LIST_TARGET_MS),
        ("filter nobody", f"{changelist}?assigned=nobody", LIST_TARGET_MS),
        ("filter overdue", f"{changelist}?attention=overdue", LIST_TARGET_MS),
        ("filter duplicate", f"{changelist}?attention=duplicate", LIST_TARGET_MS),
        ("filter mail failed", f"{changelist}?attention=mail", LIST_TARGET_MS),
        (
            "filter past 7 days",
            f"{changelist}?{since(week_ago, today + timedelta(days=1))}",
            LIST_TARGET_MS,
        ),
        (
            "filter this month",
            f"{changelist}?{since(month, (month + timedelta(days=32)).replace(day=1))}",
            LIST_TARGET_MS,
        ),
        (
            "date hierarchy year",
            f"{changelist}?created_at__year={today.year}",
            LIST_TARGET_MS,
        ),
    ]
    if sample is not None:
        result += [
            (
                "filter college",
                f"{changelist}?institution__id__exact={sample.institution_id}",
                LIST_TARGET_MS,
            ),
            (
                "filter nationality",
                f"{changelist}?nationality={sample.nationality}",
                LIST_TARGET_MS,
            ),
            (
                "search reference",
                f"{changelist}?q={sample.reference.lower().replace('-', '')}",
                LIST_TARGET_MS,
            ),
            ("search e-mail", f"{changelist}?q={sample.email.upper()}", LIST_TARGET_MS),
            (
                "change page",
                reverse("admin:applications_inquiry_change", args=[sample.pk]),
                LIST_TARGET_MS,
            ),
        ]
    result.append(
        (
            "dashboard",
            reverse("admin:applications_inquiry_dashboard"),
            DASHBOARD_TARGET_MS,
        )
    )
    return result


def _time(client, url, repeat):
    first_start = time.perf_counter()
    response = client.get(url, secure=True)
    first = (time.perf_counter() - first_start) * 1000
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Counted around the request rather than from the connection's log,
    # which every request empties as it starts.
    with connection.execute_wrapper(count):
        client.get(url, secure=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "status": response.status_code,
        "first_ms": round(first, 1),
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        # Session, user and the list's own queries; the same at any size.
        "queries": len(queries),
    }


def _run(users, repeat):
    results = []
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        for role, user in users:
            client = Client()
            client.force_login(user)
            for name, url, target in cases(user):
                timing = _time(client, url, repeat)
                results.append(
                    {
                        "user": role,
                        "username": user.get_username(),
                        "case": name,
                        "url": url,
                        "target_ms": target,
                        "ok": timing["status"] == 200 and timing["median_ms"] <= target,
                        **timing,
                    }
                )
    return results


def time_admin(repeat=11, officer=None):
    """The timings as a JSON-ready dict (see the module's docstring)."""
    users = [("superuser", _superuser())]
    officer = officer or busiest_officer()
    if officer is not None:
        users.append(("officer", officer))
    # The access log would go to stdout, where the JSON goes.
    logging.disable(logging.INFO)
    try:
        results = _run(users, repeat)
    finally:
        logging.disable(logging.NOTSET)
    return {
        "database": connection.vendor,
        # What else the machine was doing: the times are only as good as it.
        "load_average": [round(n, 2) for n in os.getloadavg()],
        "cpus": os.cpu_count(),
        "inquiries": Inquiry.objects.count(),
        "repeat": repeat,
        "results": results,
        "all_ok": all(r["ok"] for r in results),
    }
