"""schema.org data: ``CollegeOrUniversity`` for a college's profile page,
``EducationalOccupationalProgram`` for a programme's page."""

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
    return as_script(data)


def as_script(data):
    text = json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return mark_safe(text)


# ISO 8601 durations of a programme's unit.
_DURATION = {"weeks": "P{}W", "months": "P{}M", "years": "P{}Y"}
_LANGUAGE_CODES = {"chinese": ["zh"], "english": ["en"], "bilingual": ["zh", "en"]}


def programme_data(programme, request):
    """What is known of the programme; what is not is left out."""
    college = programme.institution
    data = {
        "@context": "https://schema.org",
        "@type": "EducationalOccupationalProgram",
        "name": programme.name,
        "url": settings.SITE_URL + request.path,
        "provider": {
            "@type": "CollegeOrUniversity",
            "name": college.name,
            "url": settings.SITE_URL + college.get_absolute_url(),
        },
    }
    if programme.description:
        data["description"] = programme.description
    if programme.kind:
        data["educationalCredentialAwarded"] = str(programme.kind_label)
    if programme.duration:
        data["timeToComplete"] = _DURATION[programme.duration_unit].format(
            programme.duration
        )
    codes = []
    for name, (field, _label) in programme.LANGUAGES.items():
        if getattr(programme, field):
            codes += [c for c in _LANGUAGE_CODES[name] if c not in codes]
    if codes:
        data["inLanguage"] = codes
    if programme.tuition is not None:
        data["offers"] = {
            "@type": "Offer",
            "category": "Tuition",
            "price": programme.tuition,
            "priceCurrency": "CNY",
        }
    intakes = list(programme.intakes.all())
    if intakes:
        data["startDate"] = intakes[0].starts.isoformat()
        deadlines = [i.deadline for i in intakes if i.deadline]
        if deadlines:
            data["applicationDeadline"] = min(deadlines).isoformat()
    if programme.min_age or programme.max_age:
        # schema.org writes "18-35", or "18-" with no upper bound.
        low, high = programme.min_age or 0, programme.max_age or ""
        data["typicalAgeRange"] = f"{low}-{high}"
    if programme.prior_education:
        data["programPrerequisites"] = programme.prior_education
    return as_script(data)
