"""The bare view of the benchmark: a few bytes through the whole middleware
stack, the yardstick that `make bench` reports every page against. Mounted
only when ``PORTAL_BENCHMARK_VIEW`` is on (portal/urls.py)."""

from django.http import HttpResponse


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")
