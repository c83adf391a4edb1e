"""The benchmark's own database: migrated, seeded and filled with scale data.

Generating a million inquiries takes minutes, so it is done once: a marker
file beside the database records what was generated, and a later run with the
same sizes reuses it. Everything here runs inside the bench process, with the
server's environment already in ``os.environ`` (see ``bench.run``).
"""

import json
from pathlib import Path

from django.core.management import call_command


def prepare(marker_path, *, colleges, inquiries, log):
    """Migrate, load the seeds and, once, generate the scale data.

    When the database holds scale data of other sizes (or inquiries that no
    marker accounts for), an SQLite database of the bench's own is made
    anew; any other database must then be emptied by hand, since the bench
    never deletes data that it cannot be sure is its own.

    Returns what the database holds, for the report.
    """
    from django.db import connection

    marker_path = Path(marker_path)
    # "version": the kind of scale data; 2 gave colleges ~30 programmes with
    # fees, intakes and scholarships (issue 15), so older data is made anew.
    wanted = {"colleges": colleges, "inquiries": inquiries, "version": 2}
    done = json.loads(marker_path.read_text()) if marker_path.exists() else None
    if done != wanted and connection.vendor == "sqlite":
        connection.close()
        name = Path(connection.settings_dict["NAME"])
        for path in (name, Path(f"{name}-wal"), Path(f"{name}-shm")):
            path.unlink(missing_ok=True)
        marker_path.unlink(missing_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_seeds", verbosity=0)
    if done == wanted and (colleges or inquiries):
        log("scale data already generated: reused")
    elif done == wanted:
        pass
    elif colleges or inquiries:
        log(f"generating scale data ({colleges} colleges, {inquiries} inquiries)")
        call_command("generate_scale_data", colleges=colleges, inquiries=inquiries)
    marker_path.write_text(json.dumps(wanted))
    return contents()


def contents():
    from applications.models import Inquiry
    from institutions.models import Institution, Programme

    return {
        "institutions": Institution.objects.count(),
        "programmes": Programme.objects.count(),
        "published_institutions": Institution.objects.published().count(),
        "inquiries": Inquiry.objects.count(),
    }


def first_published_slug(preferred):
    """``preferred`` when it is published, else the first published college."""
    from institutions.models import Institution

    published = Institution.objects.published()
    if published.filter(slug=preferred).exists():
        return preferred
    return published.order_by("slug").values_list("slug", flat=True).first()


def give_admissions_address(slug):
    """An admissions address for the measured college, as a college in
    production has, so that each inquiry's notice is built and sent rather
    than logged as undeliverable."""
    from institutions.models import Institution

    Institution.objects.filter(slug=slug, admissions_emails="").update(
        admissions_emails="admissions@bench.example"
    )


def first_section_slug(institution_slug):
    """The slug of the college's first published section, in contract order."""
    from institutions.models import Section

    kinds = set(
        Section.objects.filter(
            institution__slug=institution_slug, is_published=True
        ).values_list("kind", flat=True)
    )
    for kind in Section.Kind.values:
        if kind in kinds:
            return kind.replace("_", "-")
    return None


def missing_references(references):
    """The references among ``references`` that the database does not hold."""
    from applications.models import Inquiry

    wanted = set(references)
    found = set()
    batch = list(wanted)
    for start in range(0, len(batch), 500):
        chunk = batch[start : start + 500]
        found.update(
            Inquiry.objects.filter(reference__in=chunk).values_list(
                "reference", flat=True
            )
        )
    return sorted(wanted - found)


def count_run_inquiries(run_tag):
    """How many inquiries this run's POSTs saved (their e-mail carries the tag)."""
    from applications.models import Inquiry

    return Inquiry.objects.filter(email__startswith=f"bench-{run_tag}-").count()
