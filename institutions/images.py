"""Uploaded images: checking them, storing them clean (a fresh copy of the
first frame's pixels in sRGB, without metadata, under a random name), and the
resized WebP renditions pages use."""

import hashlib
import io
import logging
import uuid
import warnings
from collections import namedtuple

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

# The accepted formats, and the extension of a stored copy.
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
# A decompression bomb guard: a tiny file may still claim a huge canvas.
MAX_PIXELS = 40_000_000
# Kept on a re-encoded copy: it is part of the picture, not about it.
KEPT_INFO = ("transparency",)
SRGB = ImageCms.createProfile("sRGB")


def _too_many_pixels(width=None, height=None):
    if width is None:
        # Pillow refused to open it: the size is past anything sensible.
        message = _(
            "The image has more pixels than can be accepted (at most "
            "%(limit)s million)."
        ) % {"limit": MAX_PIXELS // 1_000_000}
    else:
        message = _(
            "The image is %(width)s × %(height)s pixels, which is too large."
        ) % {"width": width, "height": height}
    return ValidationError(message, code="too_many_pixels")


def _not_an_image():
    return ValidationError(
        _(
            "This file is not an image that can be read. "
            "Upload a JPEG, PNG or WebP file."
        ),
        code="not_an_image",
    )


def _upload_of(file):
    # A model field's FieldFile wraps the uploaded file; a form field has it bare.
    return file.file if isinstance(file, FieldFile) else file


def validate_image_upload(field_file):
    """Refuse a file that is too large, not an image, not a web format, too
    many pixels (a decompression bomb), or that cannot be decoded in full.

    The clean copy made while checking is kept on the upload for
    ``CleanImageFieldFile.save``, so that it is made only once.
    """
    upload = _upload_of(field_file)
    if getattr(upload, "clean_copy", None) is not None:
        return
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    if field_file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s.")
            % {"size": filesizeformat(field_file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    try:
        field_file.seek(0)
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past its own limit; ours is lower.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(field_file) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _not_an_image() from None
    finally:
        field_file.seek(0)
    if image_format not in EXTENSIONS:
        raise ValidationError(
            _(
                "Images in %(format)s format are not accepted. "
                "Upload a JPEG, PNG or WebP file."
            )
            % {"format": image_format},
            code="bad_format",
        )
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(width, height)
    try:
        # Decoding it all finds what verify() cannot (a truncated JPEG).
        upload.clean_copy = clean_copy(field_file)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_an_image() from None
    finally:
        field_file.seek(0)


def clean_copy(file):
    """``(bytes, extension)``: the image in ``file`` re-encoded in its own
    format from its pixels alone, upright, in sRGB, without metadata."""
    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(file) as source:
            image_format = source.format
            if image_format not in EXTENSIONS:
                raise ValueError(f"{image_format} is not an accepted format")
            source.seek(0)  # the first frame of an animation
            image = ImageOps.exif_transpose(source)
            image.load()
            icc = source.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                SRGB,
                outputMode="RGBA" if image.mode == "RGBA" else "RGB",
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            logger.warning("An upload's colour profile could not be applied")
    image.info = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    options = {"quality": 90} if image_format in ("JPEG", "WEBP") else {}
    if image_format == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue(), EXTENSIONS[image_format]


class ImageUploadFormField(forms.ImageField):
    """Checks an upload with ``validate_image_upload`` before Django's own
    check, whose one message ("not an image or a corrupted image") would
    hide a file that is too large or has too many pixels."""

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image_upload(data)
        return super().to_python(data)


class CleanImageFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        upload = _upload_of(content)
        data, extension = getattr(upload, "clean_copy", None) or clean_copy(content)
        super().save(uuid.uuid4().hex + extension, ContentFile(data), save)


class CleanImageField(models.ImageField):
    """An image field that stores a clean copy under a random name."""

    attr_class = CleanImageFieldFile

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": ImageUploadFormField, **kwargs})


Rendition = namedtuple("Rendition", "url width height")


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
