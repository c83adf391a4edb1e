"""Country lists in the order each language's readers expect: the one place
that orders them (the names are settings.COUNTRIES_OVERRIDE and the catalogue)."""

from functools import cache

from django.utils import translation

# Characters that pypinyin reads otherwise in these names.
READINGS = {"佛得角": "fo2 de2 jiao3", "洪都拉斯": "hong2 du1 la1 si1"}


def pinyin_key(name):
    """Dictionary order: syllable by syllable, then tone, then the name
    (django-countries sorts by code point, an order no reader knows)."""
    from pypinyin import Style, lazy_pinyin

    syllables = READINGS.get(name, "").split() or lazy_pinyin(
        name, style=Style.TONE3, neutral_tone_with_five=True, errors="ignore"
    )
    return (
        tuple((s.rstrip("012345"), s[-1]) for s in syllables if s[-1].isdigit()),
        name,
    )


@cache
def sorted_countries(language):
    """(code, name) pairs in ``language``, in its readers' order."""
    from django_countries import countries

    with translation.override(language):
        named = [(code, str(name)) for code, name in countries]
    if language.startswith("zh"):
        named.sort(key=lambda pair: pinyin_key(pair[1]))
    # django-countries already sorts English names alphabetically.
    return tuple(named)
