"""Inquiries as CSV, for Excel as much as for anything else.

Excel reads a CSV file as UTF-8 only when it starts with a byte-order mark;
without one, Chinese names come out as mojibake. Cells that an applicant
wrote and that begin like a formula are defused, since Excel would run them;
so are cells in which a formula would begin after a separator, since Excel
set to another separator (";" in much of Europe) splits the cell there.
Every cell is quoted as well, which keeps it whole in any such Excel.
"""

import csv
import re

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import display_name

BOM = "\ufeff"
# What Excel and LibreOffice treat as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A separator Excel may be set to, then (after spaces) a formula's start.
FORMULA_AFTER_SEPARATOR = re.compile(r"[,;|\t][ ]*[=+\-@\t\r]")


def _cell(value):
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) or FORMULA_AFTER_SEPARATOR.search(text):
        return "'" + text
    return text


def _when(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


COLUMNS = [
    (_("reference"), lambda i: i.reference),
    (_("received"), lambda i: _when(i.created_at)),
    (_("college"), lambda i: i.institution),
    (_("kind"), lambda i: i.kind_label),
    (_("status"), lambda i: i.status_label),
    (_("status changed"), lambda i: _when(i.status_changed_at)),
    (_("language"), lambda i: i.language_label),
    (_("full name"), lambda i: i.full_name),
    (_("e-mail"), lambda i: i.email),
    (_("nationality"), lambda i: i.nationality.name),
    (_("phone"), lambda i: i.phone_international),
    (_("messaging apps"), lambda i: i.phone_apps_text),
    (_("programme"), lambda i: i.programme),
    (_("intake"), lambda i: i.intake),
    (_("organisation"), lambda i: i.organization),
    (_("group size"), lambda i: i.group_size),
    (_("visit from"), lambda i: i.start_date),
    (_("visit until"), lambda i: i.end_date),
    (_("message"), lambda i: i.message),
    (_("assigned to"), lambda i: display_name(i.assigned_to)),
    (
        _("possible duplicate of"),
        lambda i: i.duplicate_of.reference if i.duplicate_of else "",
    ),
    (_("privacy consent given"), lambda i: _when(i.consent_at)),
    (_("privacy notice version"), lambda i: i.consent_version),
]


def write_inquiries(queryset, out):
    """Write ``queryset`` as CSV rows (header first) to the text stream
    ``out``, in the active language. The caller scopes the queryset."""
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([str(header) for header, _value in COLUMNS])
    rows = queryset.select_related(
        "institution", "programme", "assigned_to", "duplicate_of"
    )
    count = 0
    for inquiry in rows:
        writer.writerow([_cell(value(inquiry)) for _header, value in COLUMNS])
        count += 1
    return count


def csv_response(queryset):
    filename = f"inquiries-{timezone.localtime():%Y%m%d-%H%M}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    # How many rows it holds, for the audit record.
    response.rows = write_inquiries(queryset, response)
    return response
