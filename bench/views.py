"""The benchmark's bare view, mounted by bench/urls.py: only the bench's own
settings (bench/settings.py) serve it, never the portal's.

A few bytes through the whole middleware stack: the yardstick that
`make bench` reports every page against.
"""

from django.http import HttpResponse


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")
