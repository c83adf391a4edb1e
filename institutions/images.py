"""Uploaded images: checking them, and the resized WebP renditions pages use."""

import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# A decompression bomb guard: a tiny file may still claim a huge canvas.
MAX_PIXELS = 40_000_000


def validate_image_upload(field_file):
    """Refuse a file that is too large, not an image, or not a web format."""
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    if field_file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s.")
            % {"size": filesizeformat(field_file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    try:
        field_file.seek(0)
        with Image.open(field_file) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _(
                "This file is not an image that can be read. "
                "Upload a JPEG, PNG or WebP file."
            ),
            code="not_an_image",
        ) from None
    finally:
        field_file.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _(
                "Images in %(format)s format are not accepted. "
                "Upload a JPEG, PNG or WebP file."
            )
            % {"format": image_format},
            code="bad_format",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("The image is %(width)s × %(height)s pixels, which is too large.")
            % {"width": width, "height": height},
            code="too_many_pixels",
        )


class Rendition:
    def __init__(self, url, width, height):
        self.url, self.width, self.height = url, width, height


def rendition(field_file, width, height=None):
    """Return a WebP copy of an uploaded image, at most ``width`` wide.

    With ``height`` the image is cropped to fill exactly width × height (for a
    cover photo); without it, the aspect ratio is kept (for a logo). Renditions
    are written once next to the uploads and reused; ``None`` when there is no
    image or it cannot be read, so the page shows its fallback instead of a
    broken image.
    """
    if not field_file:
        return None
    digest = hashlib.sha1(field_file.name.encode()).hexdigest()[:16]
    name = f"renditions/{digest}-{width}x{height or 0}.webp"
    try:
        if not default_storage.exists(name):
            with field_file.open("rb"), Image.open(field_file) as source:
                image = ImageOps.exif_transpose(source)
                if height:
                    image = ImageOps.fit(image, (width, height))
                else:
                    image = image.copy()
                    image.thumbnail((width, width * 4))
                if image.mode not in ("RGB", "RGBA"):
                    image = image.convert("RGBA")
                out = ContentFile(b"")
                image.save(out, "WEBP", quality=80, method=4)
                default_storage.save(name, out)
        with default_storage.open(name) as stored, Image.open(stored) as made:
            size = made.size
    except (OSError, ValueError):
        logger.warning(
            "Could not make a rendition of %s", field_file.name, exc_info=True
        )
        return None
    return Rendition(default_storage.url(name), *size)
