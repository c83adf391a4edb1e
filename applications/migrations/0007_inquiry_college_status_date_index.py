"""An officer's list filtered by status, newest first, from one index.

With (college, status) alone, SQLite sorted all of the busiest college's
matching rows (65 ms) and read them again for a date range (27 ms). The
wider index serves everything the old one did.

An SQLite table that was analysed before (``generate_scale_data`` does) is
analysed again: where the other indexes have statistics and a new one has
none, SQLite may prefer the new one for lists it does not suit (the plain
list, sorted by date, took 327 ms that way). PostgreSQL analyses by itself.
"""

from django.conf import settings
from django.db import migrations, models


def refresh_statistics(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    table = apps.get_model("applications", "Inquiry")._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s",
            ["sqlite_stat1"],
        )
        if cursor.fetchone() is None:
            return
        cursor.execute("SELECT 1 FROM sqlite_stat1 WHERE tbl = %s LIMIT 1", [table])
        if cursor.fetchone() is not None:
            cursor.execute(f'ANALYZE "{table}"')


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_inquiry_college_mail_failed_index"),
        ("institutions", "0003_clean_image_uploads"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="inquiry",
            name="application_institu_15a8f7_idx",
        ),
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(
                fields=["institution", "status", "created_at"],
                name="inquiry_college_status_date",
            ),
        ),
        migrations.RunPython(refresh_statistics, migrations.RunPython.noop),
    ]
