"""How staff reach the admin: the lockout after too many failed sign-ins and
its page, and sessions that end after a period of inactivity.

The admin's address is ``settings.ADMIN_PATH`` (``PORTAL_ADMIN_PATH``); the
lockout itself is django-axes, configured in ``portal/settings.py``.
"""

import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def admin_prefix():
    """The path under which the admin answers, such as ``/admin/``."""
    return "/" + settings.ADMIN_PATH


class SignInHandler(AxesDatabaseHandler):
    """django-axes' own handler (``AXES_HANDLER``), which locks out one
    account from one address after ``AXES_FAILURE_LIMIT`` failures, and also
    the address itself after ``PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT``
    failures on any accounts: otherwise one address may try four passwords
    on every account each cool-off. Axes takes one failure limit for all its
    lockout parameters, hence this rather than a second parameter."""

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # Axes decides on the lockout page here, from its own count only.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out:
            if self.address_locked(request):
                request.axes_locked_out = True
                request.axes_credentials = credentials

    def address_locked(self, request):
        limit = settings.PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT
        address = getattr(request, "axes_ip_address", None)
        if limit <= 0 or not address:
            return False
        failures = AccessAttempt.objects.filter(
            ip_address=address, attempt_time__gt=get_cool_off_threshold(request)
        ).aggregate(total=Sum("failures_since_start"))["total"]
        return (failures or 0) >= limit


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in while the account and address are
    locked out: the admin's own look, in the admin's language, saying when
    to try again. Nothing in it tells whether the account exists."""
    cool_off = settings.AXES_COOLOFF_TIME
    seconds = int(cool_off.total_seconds())
    response = render(
        request,
        "admin/locked_out.html",
        {"minutes": max(math.ceil(seconds / 60), 1)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class StaffSessionRenewalMiddleware:
    """Keep a signed-in member of staff signed in while they use the admin.

    A session lasts ``SESSION_COOKIE_AGE`` seconds from its last save; each
    admin request of a signed-in user saves it again, so the age is the time
    allowed without using the admin. Other pages never touch the session:
    ``SESSION_SAVE_EVERY_REQUEST`` would write it (and send its cookie) on
    every public page of every visitor who has one, which is a database
    write per page and a page no cache may keep.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.path.startswith(admin_prefix())
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            request.session.modified = True
        return response
