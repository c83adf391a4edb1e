"""A membership's role becomes two roles a membership may hold both of:
officer (inquiries) and editor (the college's pages). Every membership of
before, officer or head of admissions, handled inquiries: it stays an
officer's, and is no editor's."""

from django.db import migrations, models


def roles_to_flags(apps, schema_editor):
    StaffMembership = apps.get_model("applications", "StaffMembership")
    StaffMembership.objects.update(is_officer=True, is_editor=False)


def flags_to_roles(apps, schema_editor):
    # Back to one role: an editor-only membership has none to go back to.
    StaffMembership = apps.get_model("applications", "StaffMembership")
    StaffMembership.objects.filter(is_officer=False).delete()
    StaffMembership.objects.update(role="officer")


class Migration(migrations.Migration):
    dependencies = [("applications", "0009_inquiry_phone_and_visit_dates")]

    operations = [
        migrations.AddField(
            model_name="staffmembership",
            name="is_officer",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Sees and handles the college's inquiries (with the group "
                    "“Admissions officer”)."
                ),
                verbose_name="admissions officer",
            ),
        ),
        migrations.AddField(
            model_name="staffmembership",
            name="is_editor",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Keeps the college's pages: profile, sections, facts, "
                    "schools, programmes, images and former names (with the "
                    "group “Editor”)."
                ),
                verbose_name="editor",
            ),
        ),
        migrations.RunPython(roles_to_flags, flags_to_roles),
        migrations.RemoveField(model_name="staffmembership", name="role"),
    ]
