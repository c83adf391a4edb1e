"""The conversation of an inquiry: the college's replies, the applicant's
answers and their documents, and the reply templates.

Every message is recorded (``Message``) and its mail is sent after the
transaction commits, claimed and retried by ``applications.emails`` as the
inquiry's own mails are. The workflow stays in ``Inquiry.transition_to``:
the applicant's answer to "more information needed" moves the inquiry back
to review through it, by nobody (``by=None``).
"""

import io
import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image, UnidentifiedImageError

from . import emails
from .models import Attachment, Inquiry, Message, ReplyTemplate, display_name

logger = logging.getLogger(__name__)

MAX_FILES = 5
MAX_FILE_BYTES = 10 * 1024 * 1024
# What a file is, from its first bytes: never from its name or the type the
# browser claims.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def templates_for(inquiry):
    """The reply templates an officer of the inquiry's college may use: the
    college's own and the shared ones."""
    return ReplyTemplate.objects.filter(
        Q(institution=inquiry.institution_id) | Q(institution__isnull=True)
    ).order_by("institution", "purpose", "title")


def render_template(template, inquiry, officer):
    """The template's text in the applicant's language, placeholders filled
    in; an unknown placeholder (or a lone brace) is left as it is written.

    Raises ``ValidationError`` when the template has no text in the
    applicant's language: it is never sent in the other one.
    """
    text = template.body_in(inquiry.language)
    if not text.strip():
        raise ValidationError(
            gettext(
                "This template has no text in the applicant’s language "
                "(%(language)s): write the reply yourself, or add that "
                "language to the template first."
            )
            % {"language": inquiry.language_label},
            code="template_language_missing",
        )
    values = {
        "name": inquiry.full_name,
        "reference": inquiry.reference,
        "programme": inquiry.programme.name if inquiry.programme_id else "",
        "college": inquiry.institution.name,
        "officer": display_name(officer),
    }
    # Not str.format: "{0}", "{name.attr}" or a lone "{" in a template that
    # an officer typed must not fail or reach into objects.
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _new_message(inquiry, direction, body, author=None):
    # Its mail is held from the start, for the request that saves it.
    now = timezone.now()
    message = Message(
        inquiry=inquiry,
        direction=direction,
        author=author,
        body=body,
        language=inquiry.language,
        created_at=now,
    )
    emails.claim_new(message, now)
    message.save()
    return message


def send_reply(inquiry, body, *, by):
    """Record the college's message to the applicant and send it once the
    transaction commits (call inside the transaction that saves the rest)."""
    message = _new_message(inquiry, Message.Direction.OUT, body, author=by)
    emails.schedule_message_mail(message)
    return message


def sniff(upload):
    """The content type of an uploaded file, from its content; raises
    ``ValidationError`` for anything but a PDF, JPEG or PNG."""
    name = upload.name
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(
            gettext("“%(name)s” is larger than 10 MB.") % {"name": name},
            code="file_too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    sniffed = (t for sig, t in SIGNATURES.items() if head.startswith(sig))
    content_type = next(sniffed, None)
    if content_type is None:
        raise ValidationError(
            gettext(
                "“%(name)s” is not a PDF, JPEG or PNG file (whatever its name "
                "says). Please send your documents in one of these formats."
            )
            % {"name": name},
            code="file_type",
        )
    if content_type in PILLOW_FORMATS:
        try:
            data = upload.read()
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                if image.format != PILLOW_FORMATS[content_type]:
                    raise ValueError(image.format)
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise ValidationError(
                gettext("“%(name)s” is not a readable image.") % {"name": name},
                code="file_damaged",
            ) from None
        finally:
            upload.seek(0)
    return content_type


def clean_uploads(uploads):
    """The uploads checked: their number, size and kind. Returns
    ``[(upload, content type)]``; raises ``ValidationError`` with every problem."""
    if len(uploads) > MAX_FILES:
        raise ValidationError(
            gettext("Send at most %(count)d files at a time.") % {"count": MAX_FILES},
            code="too_many_files",
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append((upload, sniff(upload)))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return checked


def _safe_name(name):
    # The stored name is ours; the applicant's is kept only for display.
    base = re.sub(r"[^\w.-]+", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return base[-100:] or "document"


def record_answer(inquiry, body, files):
    """Record the applicant's answer with its documents (``files``: the
    pairs of ``clean_uploads``), move an inquiry waiting for information
    back to review, and notify staff after the commit.

    All or nothing: should anything fail, no message is kept and every file
    already written to the storage is deleted again.
    """
    stored = []
    try:
        with transaction.atomic():
            message = _new_message(inquiry, Message.Direction.IN, body)
            for upload, content_type in files:
                attachment = Attachment(
                    message=message,
                    original_name=upload.name[:255],
                    content_type=content_type,
                    size=upload.size,
                )
                attachment.file.save(_safe_name(upload.name), upload, save=False)
                stored.append(attachment.file.name)
                attachment.save()
            current = Inquiry.objects.get(pk=inquiry.pk)
            if current.status == Inquiry.Status.MORE_INFO:
                current.transition_to(Inquiry.Status.IN_REVIEW, by=None)
            emails.schedule_message_mail(message)
    except Exception:
        storage = Attachment._meta.get_field("file").storage
        for name in stored:
            try:
                storage.delete(name)
            except Exception:
                logger.exception("Cannot delete the orphaned document %s", name)
        raise
    return message


def delete_documents(inquiry):
    """Delete the files of an inquiry's documents from the storage, and
    their rows (anonymisation, retention)."""
    attachments = Attachment.objects.filter(message__inquiry=inquiry)
    for attachment in attachments:
        attachment.file.delete(save=False)
    attachments.delete()
