"""What the public forms accept beyond Django's own checks, written once.

- ``refuse_format_characters``: a one-line field (a name, an organisation, a
  reference) may hold no Unicode format character (category Cf): a
  right-to-left override (U+202E) shows "Ana\u202eztiwoK" as something else,
  and zero-width characters make two names that look alike differ.
- ``validate_public_email``: an address the college can write to from the
  internet. Django's own validator also takes ``a@localhost``, IP literals
  (``a@[10.0.0.1]``) and quoted local parts (``"a b"@example.com``).
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# Names that are not on the public internet (RFC 2606, RFC 6761, and the
# usual private ones).
PRIVATE_TOP_LEVEL = {
    "localhost",
    "local",
    "localdomain",
    "internal",
    "intranet",
    "lan",
    "home",
    "corp",
    "invalid",
    "test",
    "arpa",
    "onion",
}


def refuse_format_characters(value):
    if any(unicodedata.category(ch) == "Cf" for ch in value):
        raise ValidationError(
            _(
                "This contains invisible formatting characters (such as a "
                "direction mark or a zero-width space), which would make it "
                "show differently from what it is. Please type it again "
                "without them."
            ),
            code="format_characters",
        )


def validate_public_email(value):
    try:
        validate_email(value)
    except ValidationError:
        return  # Django's own message says it is no address at all.
    # What Django lets through is a name with a top-level domain of letters,
    # "localhost" or an [IP literal]; a bare IP address is none of them.
    local, _at, domain = value.rpartition("@")
    top_level = domain.rsplit(".", 1)[-1].lower()
    if '"' in local or domain.startswith("[") or top_level in PRIVATE_TOP_LEVEL:
        raise ValidationError(
            _(
                "Please give an address that can receive mail from the "
                "internet, such as name@example.com (no quotation marks and "
                "no IP address)."
            ),
            code="private_email",
        )
