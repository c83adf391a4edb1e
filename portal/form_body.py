"""Refuse a public form post whose body cannot be read as the form it claims to be.

Django reads a form body leniently: bytes that are not UTF-8 become U+FFFD,
another content type reads as an empty form, and multipart may carry files no
public form asks for. Each would reach the database as something the
applicant never wrote, so the 400 page says what was wrong instead. The admin
is left alone: it takes uploads, and staff are not strangers.
"""

import codecs
import logging
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin

logger = logging.getLogger(__name__)

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

# Why a body was refused, as 400.html explains each.
NOT_A_FORM = "not_a_form"
NOT_UTF8 = "not_utf8"
HAS_FILES = "has_files"
TOO_LARGE = "too_large"

# A view marked ``accepts_files`` (the status page's answer) has its multipart
# body streamed to disk by Django, up to this many bytes in all.
MAX_FILES_BODY = 60 * 1024 * 1024


def accepts_files(view):
    """Mark a public view whose form takes files (its form checks them)."""
    view.accepts_files = True
    return view


def _parse_problem(request):
    """Parse a multipart body now, so that a broken one is a 400."""
    try:
        request.FILES  # noqa: B018
    except (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig):
        return TOO_LARGE
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        return NOT_A_FORM
    return None


def body_problem(request, *, files_allowed=False):
    """Why the form body of ``request`` cannot be accepted, or None."""
    charset = request.content_params.get("charset")
    try:
        if charset and codecs.lookup(charset).name != "utf-8":
            return NOT_UTF8
    except LookupError:
        return NOT_UTF8
    if request.content_type not in (URLENCODED, MULTIPART):
        return NOT_A_FORM
    multipart = request.content_type == MULTIPART
    if files_allowed and multipart:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return NOT_A_FORM
        return TOO_LARGE if length > MAX_FILES_BODY else _parse_problem(request)
    try:
        body = request.body
    except RequestDataTooBig:
        return TOO_LARGE
    if not multipart:
        return _urlencoded_problem(body)
    if problem := _parse_problem(request):
        return problem
    if request.FILES:
        return HAS_FILES
    # Browsers send a form without files as raw UTF-8 parts, with no transfer
    # encoding that could hide other bytes (Django would decode base64).
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    if b"content-transfer-encoding" in body.lower():
        return NOT_A_FORM
    return None


def _urlencoded_problem(body):
    # Counted as Django counts them (TooManyFieldsSent).
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is not None and body.count(b"&") + 1 > limit:
        return TOO_LARGE
    for pair in body.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
            except UnicodeDecodeError:
                return NOT_UTF8
    return None


class FormBodyMiddleware(MiddlewareMixin):
    """Check the body of every POST to a public (non-admin) view."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or (
            match is not None and "admin" in match.namespaces
        ):
            return None
        problem = body_problem(
            request, files_allowed=getattr(view_func, "accepts_files", False)
        )
        if problem is None:
            return None
        logger.info("Refused a form body (%s) to %s", problem, request.path)
        return render(request, "400.html", {"problem": problem}, status=400)
