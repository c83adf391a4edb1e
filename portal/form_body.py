"""Refuse a public form post whose body cannot be read as the form it claims to be.

Django reads a form body leniently: bytes that are not UTF-8 become U+FFFD
(or, when percent-encoding is skipped, Latin-1 mojibake), a body of another
content type reads as an empty form, and a multipart body may carry files
that no public form asks for. Any of these would reach the database as
something the applicant never wrote, or be answered as if fields were
missing. This middleware answers them with a 400 page in the visitor's
language that says what was wrong, before any view (or the CSRF check)
reads the body. The admin is left alone: it takes uploads, and staff are
not strangers.

The fields themselves (control characters, length, choices) are checked by
the forms: see ``applications.forms.validate_plain_text``.
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

logger = logging.getLogger(__name__)

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

# Why a body was refused; the 400 page explains each in the visitor's language.
NOT_A_FORM = "not_a_form"
NOT_UTF8 = "not_utf8"
HAS_FILES = "has_files"
TOO_LARGE = "too_large"


# A view that takes documents (the status page's answer) is marked with
# ``accepts_files``: its multipart body is parsed as Django streams it (files
# to disk, not into memory), up to this many bytes in all.
MAX_FILES_BODY = 60 * 1024 * 1024


def accepts_files(view):
    """Mark a public view whose form takes files (its form checks them)."""
    view.accepts_files = True
    return view


def body_problem(request, *, files_allowed=False):
    """Why the form body of ``request`` cannot be accepted, or None.

    Reads (and so caches) ``request.body``; the view parses it afterwards as
    usual. With ``files_allowed``, a multipart body is parsed instead, and
    may carry files.
    """
    charset = request.content_params.get("charset")
    if charset:
        try:
            if codecs.lookup(charset).name != "utf-8":
                return NOT_UTF8
        except LookupError:
            return NOT_UTF8
    if request.content_type not in (URLENCODED, MULTIPART):
        return NOT_A_FORM
    if files_allowed and request.content_type == MULTIPART:
        return _files_problem(request)
    try:
        body = request.body
    except RequestDataTooBig:
        return TOO_LARGE
    if request.content_type == URLENCODED:
        return _urlencoded_problem(body)
    return _multipart_problem(request, body)


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


def _multipart_problem(request, body):
    try:
        files = request.FILES
    except (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig):
        return TOO_LARGE
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        return NOT_A_FORM
    if files:
        return HAS_FILES
    # Browsers send every part of a form without files as raw UTF-8, with no
    # transfer encoding that could hide other bytes (Django would decode
    # base64 and replace whatever is not UTF-8).
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return NOT_UTF8
    if b"content-transfer-encoding" in body.lower():
        return NOT_A_FORM
    return None


def _files_problem(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return NOT_A_FORM
    if length > MAX_FILES_BODY:
        return TOO_LARGE
    try:
        request.FILES  # noqa: B018 -- parsed now, so that a broken body is a 400
    except (TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig):
        return TOO_LARGE
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        return NOT_A_FORM
    return None


class FormBodyMiddleware:
    """Check the body of every POST to a public (non-admin) view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        match = request.resolver_match
        if match is not None and "admin" in match.namespaces:
            return None
        problem = body_problem(
            request, files_allowed=getattr(view_func, "accepts_files", False)
        )
        if problem is None:
            return None
        logger.info("Refused a form body (%s) to %s", problem, request.path)
        return render(request, "400.html", {"problem": problem}, status=400)
