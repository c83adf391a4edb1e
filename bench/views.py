"""Views of the benchmark, mounted by bench/urls.py: only the bench's own
settings (bench/settings.py) serve them, never the portal's.

- The bare view: a few bytes through the whole middleware stack, the
  yardstick that `make bench` reports every page against.
- The inquiry floor: the least that an inquiry's POST and confirmation can
  do in Django (the CSRF check, the college looked up, one ORM INSERT, a 303
  with a signed cookie, and a confirmation of one line). `make bench` runs
  the inquiry cycle against it as well as against the portal's own views, so
  that the report shows how close to the bare view any inquiry can come on
  the machine it ran on.
"""

from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_POST

from applications.models import Inquiry, Kind
from applications.views import SENT_COOKIE, SENT_COOKIE_MAX_AGE, SENT_COOKIE_SALT
from institutions.models import Institution


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


@require_POST
def floor_inquiry(request, slug):
    """Saves the name and address posted, unchecked: for the benchmark only."""
    college = get_object_or_404(Institution.objects.published().only("pk"), slug=slug)
    now = timezone.now()
    inquiry = Inquiry.objects.create(
        institution=college,
        kind=Kind.STUDY,
        full_name=request.POST.get("full_name", "")[:200],
        email=request.POST.get("email", "")[:254],
        nationality="DE",
        language="en",
        consent_at=now,
        created_at=now,
        status_changed_at=now,
    )
    response = HttpResponseRedirect(reverse("bench-floor-sent"), status=303)
    response.set_signed_cookie(
        SENT_COOKIE,
        inquiry.reference,
        salt=SENT_COOKIE_SALT,
        max_age=SENT_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
    )
    return response


@require_GET
def floor_sent(request):
    reference = request.get_signed_cookie(
        SENT_COOKIE, default=None, salt=SENT_COOKIE_SALT, max_age=SENT_COOKIE_MAX_AGE
    )
    if reference is None:
        return HttpResponseBadRequest(b"no inquiry sent", content_type="text/plain")
    return HttpResponse(f'<p id="inquiry-reference">{escape(reference)}</p>')
