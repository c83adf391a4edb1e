"""schema.org ``CollegeOrUniversity`` data for a college's profile page."""

import json

from django.conf import settings
from django.utils.safestring import mark_safe

from .images import rendition

# Keep the JSON from closing the <script> element it sits in.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def structured_data(institution, request):
    names = {institution.name_en, institution.name_zh_hans}
    names |= {former.name for former in institution.former_names.all()}
    names.discard(institution.name)
    names.discard("")
    data = {
        "@context": "https://schema.org",
        "@type": "CollegeOrUniversity",
        "name": institution.name,
        "alternateName": sorted(names),
        "description": institution.summary,
        "url": settings.SITE_URL + request.path,
    }
    if institution.website:
        data["sameAs"] = [institution.website]
    if institution.founded:
        data["foundingDate"] = str(institution.founded)
    if institution.city or institution.province:
        data["address"] = {"@type": "PostalAddress", "addressCountry": "CN"}
        if institution.city:
            data["address"]["addressLocality"] = institution.city
        if institution.province:
            data["address"]["addressRegion"] = institution.province
    logo = rendition(institution.logo, 256)
    if logo:
        data["logo"] = settings.SITE_URL + logo.url
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(text)
