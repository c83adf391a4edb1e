"""Load the curated college content of ``seeds/*.toml`` into the database.

The loader is idempotent: every row is found by a stable key (the college's
slug, a section's kind, a fact's kind and position, a name) and written only
when the seed says something new. Each written row remembers a fingerprint of
what the loader wrote; if staff have since edited the row in the admin, its
values no longer match the fingerprint and the loader keeps the staff's
version, unless ``overwrite`` is asked for. Rows that staff added themselves
have no seed key and are never touched.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .bridge import BridgeOffer
from .models import (
    Fact,
    FormerName,
    Institution,
    Programme,
    School,
    Section,
    Signatory,
    split_paragraphs,
)

SEEDS_DIR = settings.BASE_DIR / "seeds"
LANGS = {"en": "en", "zh-hans": "zh_hans"}


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

    def children(self, model, items, build, **parent_lookup):
        keys, fields = [], []
        for position, item in enumerate(items):
            key, values = build(position, item)
            values["order"] = position
            keys.append(key)
            fields = list(values)
            self.upsert(model, {**parent_lookup, "seed_key": key}, values)
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

        def programme(position, item):
            key, values = named(position, item)
            kind = item.get("kind", "")
            if kind and kind not in Programme.Kind.values:
                raise SeedError(f"{slug}: unknown programme kind {kind!r}")
            return key, {**values, "kind": kind, **bilingual(item, "description")}

        self.children(
            FormerName,
            data.get("former_names", []),
            former_name,
            institution=college,
        )
        self.children(Fact, data.get("facts", []), fact, institution=college)
        self.children(School, data.get("schools", []), named, institution=college)
        self.children(
            Programme,
            data.get("programmes", []),
            programme,
            institution=college,
        )

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

            def signatory(position, person):
                names = bilingual(person, "name", required=True)
                return slugify(names["name_en"])[:100], {
                    **names,
                    **bilingual(person, "role"),
                }

            self.children(
                Signatory,
                item.get("signatories", []),
                signatory,
                section=section,
            )
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


def seed_files(directory=None):
    return sorted(Path(directory or SEEDS_DIR).glob("*.toml"))


def load_seeds(directory=None, *, overwrite=False):
    """Load every ``*.toml`` of the seeds directory; return the report."""
    loader = Loader(overwrite=overwrite)
    with transaction.atomic():
        for path in seed_files(directory):
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
