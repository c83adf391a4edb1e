import zlib

from django import template

from institutions.images import rendition

register = template.Library()

# Background colours for generated logos; each passes WCAG AA with white text.
LOGO_COLOURS = ["#8a1c1c", "#0b5563", "#3d4f8f", "#6a3d7a", "#7a4a00", "#245c2a"]


@register.inclusion_tag("institutions/_image.html")
def image(field_file, width, height=None, alt="", css_class="", loading="lazy"):
    """An <img> of a WebP rendition sized for where it is shown, or nothing."""
    made = rendition(field_file, int(width), int(height) if height else None)
    return {"made": made, "alt": alt, "css_class": css_class, "loading": loading}


@register.inclusion_tag("institutions/_logo.html")
def logo(institution, size=64, loading="lazy"):
    """The college's logo, or a generated badge with its initials.

    ``loading="eager"`` for a logo at the top of the page.
    """
    colour = LOGO_COLOURS[zlib.crc32(institution.slug.encode()) % len(LOGO_COLOURS)]
    return {
        "institution": institution,
        "size": size,
        "colour": colour,
        "initials": institution.initials,
        "loading": loading,
    }


@register.filter
def grouped(number):
    """A whole number with its thousands grouped: 15,000."""
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return number
