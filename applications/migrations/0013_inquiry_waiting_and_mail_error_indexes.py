"""Indexes for the open list, longest waiting first, for the officer's day,
and for a "mail failed" list that SQLite can use (see Inquiry.Meta.indexes).
Statistics are refreshed as in 0007: without them SQLite misread the new
indexes (3.3 s for the open list).
"""

from importlib import import_module

import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


refresh_statistics = import_module(
    "applications.migrations.0007_inquiry_college_status_date_index"
).refresh_statistics


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0012_correspondence"),
        ("institutions", "0009_editor_permissions_for_intakes_and_scholarships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="inquiry",
            name="inquiry_mail_failed_date",
        ),
        migrations.RemoveIndex(
            model_name="inquiry",
            name="inquiry_college_mail_failed",
        ),
        migrations.RemoveIndex(
            model_name="inquiry",
            name="inquiry_college_status_date",
        ),
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(
                fields=["institution", "status", "created_at", "status_changed_at"],
                name="inquiry_college_status_date",
            ),
        ),
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(
                fields=["status_changed_at", "status"], name="inquiry_waiting_status"
            ),
        ),
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(
                fields=["status", "status_changed_at"], name="inquiry_status_waiting"
            ),
        ),
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(
                django.db.models.functions.text.Length("mail_error"),
                name="inquiry_mail_error_length",
            ),
        ),
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(
                models.F("institution"),
                django.db.models.functions.text.Length("mail_error"),
                name="inquiry_college_mail_error",
            ),
        ),
        migrations.RunPython(refresh_statistics, migrations.RunPython.noop),
    ]
