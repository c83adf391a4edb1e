"""The "mail failed" inquiries of one college, newest first, from an index.

An officer's "mail failed" list read all of the college's inquiries (50,000
for the busiest) to find the few hundred that failed, once to count them and
again for the page: 90 and 70 ms at a million inquiries. This index holds only
the failed ones, like ``inquiry_mail_failed_date``, but by college.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_inquiry_date_id_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="inquiry",
            index=models.Index(
                fields=["institution", "created_at"],
                condition=~models.Q(mail_error=""),
                name="inquiry_college_mail_failed",
            ),
        ),
    ]
