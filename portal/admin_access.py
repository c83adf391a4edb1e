"""How staff reach the admin: the lockout after too many failed sign-ins
(django-axes, configured in settings), its page, and idle sessions ending."""

import math

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin


class SignInHandler(AxesDatabaseHandler):
    """Axes' handler, which locks out one account from one address, and also
    the address itself after ``PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT`` failures
    on any accounts: otherwise one address may try four passwords on every
    account each cool-off. Axes takes one failure limit for all its lockout
    parameters, hence this rather than a second parameter."""

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
    """The lockout page, in the admin's look and language, saying when to try
    again. Nothing in it tells whether the account exists."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "admin/locked_out.html",
        {"minutes": max(math.ceil(seconds / 60), 1)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class StaffSessionRenewalMiddleware(MiddlewareMixin):
    """Each admin request of a signed-in user saves the session again, so
    SESSION_COOKIE_AGE is the time allowed idle. Not SESSION_SAVE_EVERY_REQUEST:
    it would write the session of every visitor who has one on every public
    page, which no cache could then keep."""

    def process_response(self, request, response):
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and request.path.startswith("/" + settings.ADMIN_PATH)
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            request.session.modified = True
        return response
