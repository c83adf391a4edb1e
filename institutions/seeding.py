"""Load the curated college content of ``seeds/*.toml`` into the database.

The loader is idempotent: every row is found by a stable key (the college's
slug, a section's kind, a fact's kind and position, a name) and written only
when the seed says something new. Each written row remembers a fingerprint of
what the loader wrote; if staff have since edited the row in the admin, its
values no longer match the fingerprint and the loader keeps the staff's
version, unless ``overwrite`` is asked for. Rows that staff added themselves
have no seed key and are never touched.
"""

import datetime
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .bridge import BridgeOffer
from .models import (
    Fact,
    FormerName,
    Institution,
    Intake,
    Programme,
    Scholarship,
    School,
    Section,
    Signatory,
    split_paragraphs,
)

SEEDS_DIR = settings.BASE_DIR / "seeds"
LANGS = {"en": "en", "zh-hans": "zh_hans"}
BEIJING = ZoneInfo("Asia/Shanghai")

# A programme's optional keys that are written as they are, with their types.
PROGRAMME_NUMBERS = {
    "duration": int,
    "tuition": int,
    "application_fee": int,
    "accommodation": int,
    "hsk_level": int,
    "min_age": int,
    "max_age": int,
    "english_score": (int, float),
}


# Fields the seeds gained after databases had been seeded. A row seeded
# before has no value in them, and its fingerprint does not cover them: that
# is not an edit by staff, so the loader fills them in.
LATER_FIELDS = {"province_en", "province_zh_hans", "kind"}


class SeedError(ValueError):
    pass


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    kept: list = field(default_factory=list)

    def __str__(self):
        text = (
            f"{self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} removed"
        )
        if self.kept:
            text += f"; kept {len(self.kept)} edited by staff: " + ", ".join(
                f"{type(o).__name__} {o}" for o in self.kept
            )
        return text


def bilingual(data, name, required=False):
    """A seed table {en, zh-hans} as model columns name_en, name_zh_hans."""
    table = data.get(name) or {}
    if not isinstance(table, dict) or set(table) - set(LANGS):
        raise SeedError(f"{name} must be a table with keys en and zh-hans")
    if required and not table.get("en", "").strip():
        raise SeedError(f"{name} needs an English text")
    return {f"{name}_{col}": tidy(table.get(lang, "")) for lang, col in LANGS.items()}


def tidy(text):
    """One blank line between paragraphs, no stray spaces around them."""
    return "\n\n".join(" ".join(p.split()) for p in split_paragraphs(text))


def provenance(data):
    return {
        "source": data.get("source", ""),
        "en_origin": data.get("en_origin", "original"),
        "zh_origin": data.get("zh_origin", "translation"),
    }


class Loader:
    def __init__(self, *, overwrite=False):
        self.overwrite = overwrite
        self.report = Report()

    def upsert(self, model, lookup, values):
        fields = list(values)
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.seed_fingerprint = obj.fingerprint(fields)
            obj.save()
            self.report.created += 1
            return obj
        current = obj.fingerprint(fields)
        before = [
            name
            for name in fields
            if name not in LATER_FIELDS or getattr(obj, name) not in ("", None)
        ]
        if (
            obj.seed_fingerprint
            and obj.seed_fingerprint not in (current, obj.fingerprint(before))
            and not self.overwrite
        ):
            self.report.kept.append(obj)
            return obj
        for name, value in values.items():
            setattr(obj, name, value)
        wanted = obj.fingerprint(fields)
        if wanted == current and wanted == obj.seed_fingerprint:
            self.report.unchanged += 1
            return obj
        obj.seed_fingerprint = wanted
        obj.save()
        self.report.updated += 1
        return obj

    def prune(self, queryset, keep_keys, fields):
        """Remove rows that the seed once wrote and no longer names."""
        for obj in queryset.exclude(seed_key="").exclude(seed_key__in=keep_keys):
            if obj.fingerprint(fields) == obj.seed_fingerprint or self.overwrite:
                obj.delete()
                self.report.deleted += 1
            else:
                self.report.kept.append(obj)

    def children(self, model, items, build, after=None, **parent_lookup):
        keys, fields = [], []
        for position, item in enumerate(items):
            key, values = build(position, item)
            if any(f.name == "order" for f in model._meta.fields):
                values["order"] = position
            keys.append(key)
            fields = list(values)
            obj = self.upsert(model, {**parent_lookup, "seed_key": key}, values)
            if after:
                after(obj, item)
        # With no items there is no field list to tell edited rows from
        # seeded ones, so rows the seed no longer names are left alone.
        if fields:
            self.prune(model.objects.filter(**parent_lookup), keys, fields)

    def load_college(self, data):
        slug = data.get("slug")
        if not slug:
            raise SeedError("a college needs a slug")
        values = {
            **bilingual(data, "name", required=True),
            **bilingual(data, "province"),
            **bilingual(data, "city"),
            **bilingual(data, "summary"),
            **bilingual(data, "name_note"),
            "short_name": data.get("short_name", ""),
            "website": data.get("website", ""),
            "founded": data.get("founded"),
            "order": data.get("order", 100),
            "zh_origin": data.get("zh_origin", "translation"),
        }
        college = self.upsert(Institution, {"slug": slug}, values)

        def former_name(position, item):
            return item["name"], {
                "name": item["name"],
                "language": item.get("language", "en"),
                "until": item.get("until"),
                **bilingual(item, "note"),
            }

        def fact(position, item):
            return f"{item['kind']}-{position}", {
                "kind": item["kind"],
                **bilingual(item, "label"),
                **bilingual(item, "value", required=True),
                **provenance(item),
            }

        def named(position, item):
            names = bilingual(item, "name", required=True)
            return slugify(names["name_en"])[:100], {**names, **provenance(item)}

        def scholarship(position, item):
            key, values = named(position, item)
            provider = item.get("provider", "")
            if provider not in Scholarship.Provider.values:
                raise SeedError(f"{slug}: unknown scholarship provider {provider!r}")
            return key, {
                **values,
                "provider": provider,
                **bilingual(item, "covers"),
                "deadline": deadline(item.get("deadline"), slug),
                "link": item.get("link", ""),
            }

        def programme(position, item):
            key, values = named(position, item)
            kind = item.get("kind", "")
            if kind and kind not in Programme.Kind.values:
                raise SeedError(f"{slug}: unknown programme kind {kind!r}")
            values.update(kind=kind, **bilingual(item, "description"))
            # Only the keys the seed gives: a row seeded before they existed
            # keeps its fingerprint, so the loader can tell it from an edit.
            values.update(programme_details(item, slug))
            return key, values

        def intake(position, item):
            starts = item.get("starts")
            if type(starts) is not datetime.date:
                raise SeedError(f"{slug}: an intake needs starts = YYYY-MM-DD")
            return starts.isoformat(), {
                "starts": starts,
                "deadline": deadline(item.get("deadline"), slug),
            }

        def programme_links(obj, item):
            if obj in self.report.kept:
                return
            self.children(Intake, item.get("intakes", []), intake, programme=obj)
            if "scholarships" in item:
                wanted = [slugify(name)[:100] for name in item["scholarships"]]
                found = Scholarship.objects.filter(
                    institution=college, seed_key__in=wanted
                )
                if len(found) != len(set(wanted)):
                    raise SeedError(f"{slug}: {obj} names an unknown scholarship")
                obj.scholarships.set(found)

        def signatory(position, person):
            names = bilingual(person, "name", required=True)
            values = {**names, **bilingual(person, "role")}
            return slugify(names["name_en"])[:100], values

        for model, key, build, after in (
            (FormerName, "former_names", former_name, None),
            (Fact, "facts", fact, None),
            (School, "schools", named, None),
            (Scholarship, "scholarships", scholarship, None),
            (Programme, "programmes", programme, programme_links),
        ):
            items = data.get(key, [])
            self.children(model, items, build, after=after, institution=college)

        for item in data.get("sections", []):
            kind = item.get("kind")
            if kind not in Section.Kind.values:
                raise SeedError(f"{slug}: unknown section kind {kind!r}")
            section = self.upsert(
                Section,
                {"institution": college, "kind": kind},
                {
                    **bilingual(item, "title", required=True),
                    **bilingual(item, "body", required=True),
                    **provenance(item),
                },
            )
            signatories = item.get("signatories", [])
            self.children(Signatory, signatories, signatory, section=section)
            if "bridge_offer" in item:
                self.load_bridge_offer(slug, section, item["bridge_offer"])
        return college

    def load_bridge_offer(self, slug, section, data):
        """A Chinese Bridge section's offer: only the facts its source states."""
        if section.kind != Section.Kind.CHINESE_BRIDGE:
            raise SeedError(
                f"{slug}: a bridge_offer belongs to a chinese_bridge section"
            )
        mode = data.get("mode", "")
        if mode and mode not in BridgeOffer.Mode.values:
            raise SeedError(f"{slug}: unknown Chinese Bridge mode {mode!r}")
        months = data.get("months", [])
        if not all(isinstance(m, int) and 1 <= m <= 12 for m in months):
            raise SeedError(f"{slug}: months are numbers from 1 to 12")
        numbers = ("usual_days", "min_age", "max_age", "min_group", "max_group")
        values = {
            "mode": mode,
            "months": sorted(set(months)),
            **{name: data.get(name) for name in (*numbers, "price_per_person")},
            **bilingual(data, "includes"),
            **provenance(data),
        }
        self.upsert(BridgeOffer, {"section": section}, values)


def deadline(value, slug):
    """A TOML date-time; one written without an offset is Beijing time."""
    if value is None:
        return None
    if type(value) is not datetime.datetime:
        raise SeedError(f"{slug}: a deadline is a date and time, 2027-06-30T23:59:00")
    return value if value.tzinfo else value.replace(tzinfo=BEIJING)


def programme_details(item, slug):
    values = {}
    for name, kind in PROGRAMME_NUMBERS.items():
        if name in item:
            value = item[name]
            if not isinstance(value, kind) or isinstance(value, bool) or value < 0:
                raise SeedError(f"{slug}: {name} must be a number, not {value!r}")
            values[name] = Decimal(str(value)) if name == "english_score" else value
    if "hsk_level" in values and values["hsk_level"] > 9:
        raise SeedError(f"{slug}: hsk_level is 0 (none needed) to 9")
    if "duration_unit" in item:
        if item["duration_unit"] not in Programme.DurationUnit.values:
            raise SeedError(f"{slug}: duration_unit is weeks, months or years")
        values["duration_unit"] = item["duration_unit"]
    for name in ("english_test", "slug"):
        if name in item:
            values[name] = str(item[name])
    if "open_to_international" in item:
        values["open_to_international"] = bool(item["open_to_international"])
    if "languages" in item:
        unknown = set(item["languages"]) - set(Programme.LANGUAGES)
        if unknown:
            raise SeedError(f"{slug}: unknown languages {sorted(unknown)}")
        for language, (field_name, _label) in Programme.LANGUAGES.items():
            values[field_name] = language in item["languages"]
    if "prior_education" in item:
        values.update(bilingual(item, "prior_education"))
    return values


def load_seeds(directory=None, *, overwrite=False):
    """Load every ``*.toml`` of the seeds directory; return the report."""
    loader = Loader(overwrite=overwrite)
    with transaction.atomic():
        for path in sorted(Path(directory or SEEDS_DIR).glob("*.toml")):
            with path.open("rb") as fh:
                try:
                    data = tomllib.load(fh)
                except tomllib.TOMLDecodeError as error:
                    raise SeedError(f"{path.name}: {error}") from None
            try:
                loader.load_college(data)
            except (KeyError, TypeError) as error:
                raise SeedError(f"{path.name}: malformed entry ({error})") from None
    return loader.report
