"""The public side of inquiries: the form, its confirmation, the status page.

Nothing about an applicant is shown to anyone who does not present both the
reference and the e-mail address of the inquiry (the confirmation page reads
its reference from a signed cookie of the browser that sent it).
"""

import logging

from django.conf import settings
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from institutions.models import Institution, Programme

from . import ratelimit
from .forms import (
    GROUP_SIZE_KINDS,
    INTAKE_KINDS,
    ORGANIZATION_REQUIRED_KINDS,
    PROGRAM_KINDS,
    VISIT_KINDS,
    InquiryForm,
    StatusLookupForm,
    describe_intake,
)
from .models import Inquiry, Kind, Status
from .services import submit_inquiry

logger = logging.getLogger(__name__)

# The confirmation's reference travels in a signed cookie rather than in the
# session: a visitor gets no session row, an inquiry costs one write fewer,
# and a saved inquiry cannot turn into an error page because the session
# could not be written (a database failover at that moment gave a 400).
SENT_COOKIE = "inquiry_sent"
SENT_COOKIE_SALT = "applications.inquiry-sent"
# Short: the page shows the applicant's address and reference to whoever
# uses the same browser next (a library's, a school's).
SENT_COOKIE_MAX_AGE = 15 * 60

# What each status means to the applicant, in plain words. Spam is shown as
# merely closed: the status page must not teach a robot what we think of it.
PUBLIC_STATUS = {
    Status.NEW: (
        _("Received"),
        _(
            "The college has received your inquiry. Its admissions office "
            "has not started handling it yet."
        ),
    ),
    Status.IN_REVIEW: (
        _("Being reviewed"),
        _("The college's admissions office is reading your inquiry."),
    ),
    # Staff set these by hand; the portal sends nothing when they do, so
    # no wording may say that the college has written.
    Status.CONTACTED: (
        _("Being handled"),
        _("A member of the admissions staff is handling your inquiry."),
    ),
    Status.APPLICATION_INVITED: (
        _("Invited to apply"),
        _("The college's admissions office invites you to make a formal application."),
    ),
    Status.ENROLLED: (
        _("Enrolled"),
        _("You are enrolled. Welcome to the college!"),
    ),
    Status.DECLINED: (
        _("Closed"),
        _(
            "The college has decided not to take this inquiry further. You "
            "are welcome to send a new one."
        ),
    ),
    Status.WITHDRAWN: (
        _("Withdrawn"),
        _("This inquiry was withdrawn and is closed."),
    ),
    Status.SPAM: (
        _("Closed"),
        _("This inquiry is closed."),
    ),
}


def programme_initial(institution, query):
    """The form reached from a programme's page (``?programme=<slug or id>``)
    has that programme chosen; a value that names none of the college's
    programmes is ignored."""
    wanted = query.get("programme", "")
    for programme in institution.programmes.all():
        if wanted in (programme.slug, str(programme.pk)):
            kind = (
                Kind.LANGUAGE
                if programme.kind == Programme.Kind.CHINESE_LANGUAGE
                else Kind.STUDY
            )
            return {"program": programme.pk, "kind": kind}
    return {}


def rate_limited(request, rule):
    response = render(
        request,
        "applications/rate_limited.html",
        {"window_minutes": max(rule.window // 60, 1)},
        status=429,
    )
    response["Retry-After"] = str(rule.window)
    return response


# Not in the pages cache: each form carries the visitor's own CSRF token.
@method_decorator(csrf_protect, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class InquiryCreateView(View):
    """The inquiry form of one published college."""

    template_name = "applications/inquiry_form.html"
    http_method_names = ["get", "post", "head", "options"]

    def get_institution(self):
        return get_object_or_404(
            Institution.objects.published().prefetch_related("programmes"),
            slug=self.kwargs["slug"],
        )

    def render_form(self, form, status=200, **extra):
        context = {
            **extra,
            "institution": self.institution,
            "form": form,
            "conditional": {
                "program": " ".join(PROGRAM_KINDS),
                "organization": " ".join(ORGANIZATION_REQUIRED_KINDS),
                "group_size": " ".join(GROUP_SIZE_KINDS),
                "intake": " ".join(INTAKE_KINDS),
                "visit": " ".join(VISIT_KINDS),
            },
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, slug):
        self.institution = self.get_institution()
        return self.render_form(
            InquiryForm(
                institution=self.institution,
                initial=programme_initial(self.institution, request.GET),
            )
        )

    def post(self, request, slug):
        self.institution = self.get_institution()
        invalid = ratelimit.refused("inquiry")
        if ratelimit.exceeded(request, invalid):
            return rate_limited(request, invalid)
        form = InquiryForm(request.POST, institution=self.institution)
        if not form.is_valid():
            ratelimit.allow(request, invalid)
            if form.is_trap:
                logger.info("Inquiry form: trap field filled; nothing saved")
            return self.render_form(form, status=400)
        # Counted only now: what the limit holds back is inquiries saved.
        if not ratelimit.allow(request, ratelimit.saved("inquiry")):
            return rate_limited(request, ratelimit.saved("inquiry"))
        inquiry = submit_inquiry(form)
        response = redirect("applications:inquiry-sent")
        response.status_code = 303  # See Other: the reload of the page is a GET
        response.set_signed_cookie(
            SENT_COOKIE,
            inquiry.reference,
            salt=SENT_COOKIE_SALT,
            max_age=SENT_COOKIE_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response


@never_cache
@require_GET
def inquiry_sent(request):
    """The confirmation, for the browser that has just sent an inquiry."""
    reference = request.get_signed_cookie(
        SENT_COOKIE, default=None, salt=SENT_COOKIE_SALT, max_age=SENT_COOKIE_MAX_AGE
    )
    inquiry = (
        Inquiry.objects.select_related("institution")
        .filter(reference=reference)
        .first()
        if reference
        else None
    )
    if inquiry is None:
        return redirect("applications:status")
    return render(
        request,
        "applications/inquiry_sent.html",
        {
            "inquiry": inquiry,
            "institution": inquiry.institution,
            "intake": describe_intake(inquiry.intake),
        },
    )


# Not in the pages cache: each form carries the visitor's own CSRF token.
@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def inquiry_status(request):
    """Look an inquiry up by its reference and e-mail address.

    POST keeps the e-mail address out of server logs and browser history. A
    wrong reference and a wrong address get the very same answer, so that the
    page does not tell anyone which references exist.
    """
    context = {"searched": False, "inquiry": None}
    status = 200
    if request.method == "POST":
        invalid = ratelimit.refused("status")
        if ratelimit.exceeded(request, invalid):
            return rate_limited(request, invalid)
        form = StatusLookupForm(request.POST)
        if form.is_valid():
            # Each look-up counts, found or not: that is what stops guessing.
            if not ratelimit.allow(request, ratelimit.saved("status")):
                return rate_limited(request, ratelimit.saved("status"))
            inquiry = form.find()
            context["searched"] = True
            if inquiry is not None:
                label, explanation = PUBLIC_STATUS[Status(inquiry.status)]
                context.update(
                    inquiry=inquiry,
                    status_label=label,
                    status_explanation=explanation,
                )
        else:
            ratelimit.allow(request, invalid)
            status = 400
    else:
        # A link from the confirmation may carry the reference, never the
        # e-mail address.
        form = StatusLookupForm(
            initial={"reference": request.GET.get("reference", "")[:20]}
        )
    context["form"] = form
    return render(request, "applications/status.html", context, status=status)


@require_GET
def privacy(request):
    return render(
        request,
        "applications/privacy.html",
        {
            "closed_days": settings.PORTAL_RETENTION_CLOSED_DAYS,
            "untouched_days": settings.PORTAL_RETENTION_UNTOUCHED_DAYS,
            "backup_count": settings.PORTAL_BACKUP_KEEP,
            "version": settings.PRIVACY_NOTICE_VERSION,
        },
    )
