from modeltranslation.translator import translator

from .bridge import BridgeOffer
from .models import (
    Fact,
    FormerName,
    Institution,
    Programme,
    Scholarship,
    School,
    Section,
    Signatory,
)

# The texts of each model that are written in English and in Chinese.
TRANSLATED = {
    Institution: ("name", "province", "city", "summary", "name_note"),
    FormerName: ("note",),
    Section: ("title", "body"),
    Signatory: ("name", "role"),
    Fact: ("label", "value"),
    School: ("name",),
    Programme: ("name", "description", "prior_education"),
    Scholarship: ("name", "covers"),
    BridgeOffer: ("includes",),
}

for model, fields in TRANSLATED.items():
    # A college and its sections cannot do without their English.
    options = {"required_languages": ("en",)} if model in (Institution, Section) else {}
    translator.register(model, fields=fields, **options)
