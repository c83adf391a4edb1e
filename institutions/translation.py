from modeltranslation.translator import TranslationOptions, register

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


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    fields = ("name", "province", "city", "summary", "name_note")
    required_languages = ("en",)


@register(FormerName)
class FormerNameTranslation(TranslationOptions):
    fields = ("note",)


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("en",)


@register(Signatory)
class SignatoryTranslation(TranslationOptions):
    fields = ("name", "role")


@register(Fact)
class FactTranslation(TranslationOptions):
    fields = ("label", "value")


@register(School)
class SchoolTranslation(TranslationOptions):
    fields = ("name",)


@register(Programme)
class ProgrammeTranslation(TranslationOptions):
    fields = ("name", "description", "prior_education")


@register(Scholarship)
class ScholarshipTranslation(TranslationOptions):
    fields = ("name", "covers")


@register(BridgeOffer)
class BridgeOfferTranslation(TranslationOptions):
    fields = ("includes",)
