"""The public side of inquiries: the form, its confirmation, the status page.

Nothing about an applicant is shown to anyone who does not present both the
reference and the e-mail address of the inquiry, or a signed cookie of the
browser that sent it or looked it up lately.
"""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from institutions.models import Institution, Programme
from portal.form_body import accepts_files

from . import ratelimit
from .correspondence import record_answer
from .forms import (
    GROUP_SIZE_KINDS,
    INTAKE_KINDS,
    ORGANIZATION_REQUIRED_KINDS,
    PROGRAM_KINDS,
    VISIT_KINDS,
    AnswerForm,
    InquiryForm,
    StatusLookupForm,
    describe_intake,
)
from .models import Inquiry, InquiryEvent, Kind, Message, Status
from .services import submit_inquiry

logger = logging.getLogger(__name__)

# Signed cookies rather than the session: a visitor gets no session row, and
# a saved inquiry cannot turn into an error page because the session could
# not be written (a database failover at that moment gave a 400).
# The confirmation's reference, for a short while: the page shows the
# applicant's address to whoever uses the same browser next (a library's).
SENT_COOKIE = "inquiry_sent"
SENT_COOKIE_SALT = "applications.inquiry-sent"
SENT_COOKIE_MAX_AGE = 15 * 60
# The inquiry looked up last: the answer form knows which inquiry it answers,
# and the language switcher (a plain link) lands on the same answer.
STATUS_COOKIE = "inquiry_status"
STATUS_COOKIE_SALT = "applications.inquiry-status"
STATUS_COOKIE_MAX_AGE = 30 * 60
ANSWER_SENT_COOKIE = "inquiry_answer_sent"

CONDITIONAL = {
    "program": " ".join(PROGRAM_KINDS),
    "organization": " ".join(ORGANIZATION_REQUIRED_KINDS),
    "group_size": " ".join(GROUP_SIZE_KINDS),
    "intake": " ".join(INTAKE_KINDS),
    "visit": " ".join(VISIT_KINDS),
}

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
    # Reached only with the college's message, which the timeline shows.
    Status.MORE_INFO: (
        _("More information needed"),
        _(
            "The admissions office has asked you for more information: read "
            "its message below, and answer with the form under it."
        ),
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
    has that programme chosen; a value that names none is ignored."""
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


def _set_cookie(response, name, value, max_age, salt=None):
    options = {
        "max_age": max_age,
        "secure": settings.SESSION_COOKIE_SECURE,
        "httponly": True,
        "samesite": "Lax",
    }
    if salt:
        response.set_signed_cookie(name, value, salt=salt, **options)
    else:
        response.set_cookie(name, value, **options)


def _see_other(to, cookie, value, max_age, salt=None):
    """A 303 to ``to`` (a reload of it is a GET), setting ``cookie``."""
    response = redirect(to)
    response.status_code = 303
    _set_cookie(response, cookie, value, max_age, salt)
    return response


# Not in the pages cache: each form carries the visitor's own CSRF token.
@method_decorator(csrf_protect, name="dispatch")
@method_decorator(never_cache, name="dispatch")
class InquiryCreateView(View):
    """The inquiry form of one published college."""

    http_method_names = ["get", "post", "head", "options"]

    def get_institution(self):
        return get_object_or_404(
            Institution.objects.published().prefetch_related("programmes"),
            slug=self.kwargs["slug"],
        )

    def render_form(self, form, status=200):
        context = {
            "institution": self.institution,
            "form": form,
            "conditional": CONDITIONAL,
        }
        return render(
            self.request, "applications/inquiry_form.html", context, status=status
        )

    def get(self, request, slug):
        self.institution = self.get_institution()
        initial = programme_initial(self.institution, request.GET)
        return self.render_form(
            InquiryForm(institution=self.institution, initial=initial)
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
        return _see_other(
            "applications:inquiry-sent",
            SENT_COOKIE,
            inquiry.reference,
            SENT_COOKIE_MAX_AGE,
            SENT_COOKIE_SALT,
        )


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


def _looked_up(request):
    """The inquiry this browser has looked up lately, or None."""
    pk = request.get_signed_cookie(
        STATUS_COOKIE,
        default=None,
        salt=STATUS_COOKIE_SALT,
        max_age=STATUS_COOKIE_MAX_AGE,
    )
    if not pk or not str(pk).isdigit():
        return None
    return (
        Inquiry.objects.select_related("institution")
        .filter(pk=int(pk), anonymised_at=None)
        .first()
    )


def timeline(inquiry):
    """What the applicant may know of the inquiry's history, oldest first, in
    the active language: its arrival, each status move (in public words; no
    staff note, no staff name) and every message, with the applicant's
    document names."""
    entries = [
        {
            "at": inquiry.created_at,
            "kind": "received",
            "title": _("Inquiry received"),
        }
    ]
    moves = inquiry.events.filter(kind=InquiryEvent.Kind.STATUS).only("at", "to_status")
    for event in moves:
        label, _explanation = PUBLIC_STATUS[Status(event.to_status)]
        entries.append({"at": event.at, "kind": "status", "title": label})
    messages = inquiry.messages.prefetch_related("attachments")
    for message in messages:
        outgoing = message.direction == Message.Direction.OUT
        entries.append(
            {
                "at": message.created_at,
                "kind": "message-out" if outgoing else "message-in",
                "title": _("Message from the admissions office")
                if outgoing
                else _("Your answer"),
                "message": message,
                "documents": [a.original_name for a in message.attachments.all()],
            }
        )
    return sorted(entries, key=lambda entry: entry["at"])


def _status_page(request, form, inquiry=None, answer_form=None, status=200, **extra):
    """The status page: the look-up ``form`` and, when found, the inquiry with
    its timeline and the answer form."""
    context = {"form": form, "inquiry": inquiry, "searched": False, **extra}
    if inquiry is not None:
        label, explanation = PUBLIC_STATUS[Status(inquiry.status)]
        context.update(
            status_label=label,
            status_explanation=explanation,
            timeline=timeline(inquiry),
            may_answer=inquiry.is_open,
            answer_form=answer_form or AnswerForm(),
        )
    return render(request, "applications/status.html", context, status=status)


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
    inquiry, status, extra = None, 200, {}
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
            extra["searched"] = True
        else:
            ratelimit.allow(request, invalid)
            status = 400
    else:
        # A link from the confirmation may carry the reference, never the
        # e-mail address.
        form = StatusLookupForm(
            initial={"reference": request.GET.get("reference", "")[:20]}
        )
        inquiry = _looked_up(request)
        extra["answer_sent"] = ANSWER_SENT_COOKIE in request.COOKIES
    response = _status_page(request, form, inquiry, status=status, **extra)
    if extra.get("searched") and inquiry is None:
        response.delete_cookie(STATUS_COOKIE, samesite="Lax")
    elif extra.get("searched"):
        _set_cookie(
            response,
            STATUS_COOKIE,
            str(inquiry.pk),
            STATUS_COOKIE_MAX_AGE,
            STATUS_COOKIE_SALT,
        )
    response.delete_cookie(ANSWER_SENT_COOKIE, samesite="Lax")
    return response


@accepts_files
@never_cache
@csrf_protect
@require_http_methods(["POST"])
def inquiry_answer(request):
    """The applicant's answer, with documents, to the inquiry this browser
    has looked up. All or nothing: a bad field is a 400 with the message
    beside it, and nothing is saved."""
    invalid = ratelimit.refused("answer")
    if ratelimit.exceeded(request, invalid):
        return rate_limited(request, invalid)
    inquiry = _looked_up(request)
    if inquiry is None:
        # Looked up too long ago: the look-up form again, with a word why.
        return _status_page(request, StatusLookupForm(), expired=True, status=400)
    answer_form = AnswerForm(request.POST, request.FILES)

    def again(status):
        return _status_page(
            request, StatusLookupForm(), inquiry, answer_form, status, searched=True
        )

    if not inquiry.is_open:
        return again(400)
    if not answer_form.is_valid():
        ratelimit.allow(request, invalid)
        return again(400)
    # Counted only now, as inquiries are: what the limit holds back is
    # answers saved.
    if not ratelimit.allow(request, ratelimit.saved("answer")):
        return rate_limited(request, ratelimit.saved("answer"))
    try:
        record_answer(
            inquiry,
            answer_form.cleaned_data["message"],
            answer_form.cleaned_data["attachments"],
        )
    except (OSError, DatabaseError):
        # Nothing was kept (see record_answer): the applicant may send it again.
        logger.exception("Inquiry %s: the applicant's answer not saved", inquiry.pk)
        answer_form.add_error(
            None,
            _(
                "Your answer could not be saved just now. Nothing was sent: "
                "please try again in a few minutes."
            ),
        )
        return again(503)
    return _see_other("applications:status", ANSWER_SENT_COOKIE, "1", 60)


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
