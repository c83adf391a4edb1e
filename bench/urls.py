"""The portal's addresses with the benchmark's bare view in front
(bench/views.py): the root URLconf of bench/settings.py only."""

from django.urls import path

# Django reads the error handlers from the root URLconf.
from portal.urls import handler400, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns

from . import views

urlpatterns = [
    path("bench/bare", views.bare),
    # Spread, not include(): LocaleMiddleware looks for the language prefix
    # in the root URLconf's own patterns.
    *portal_urlpatterns,
]
