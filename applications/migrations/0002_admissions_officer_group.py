"""The "Admissions officer" group, with the least permissions the job needs.

Officers see and change inquiries (only assignment and internal notes are
editable; status moves through the workflow), export them, and see their
status history. They cannot add or delete inquiries and have no permission
on colleges: which inquiries they see is decided by their college
memberships, not by the group.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Admissions officer"
PERMISSIONS = [
    ("applications", "inquiry", "view_inquiry"),
    ("applications", "inquiry", "change_inquiry"),
    ("applications", "inquiry", "export_inquiry"),
    ("applications", "inquiryevent", "view_inquiryevent"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate);
    # create them now so that the group can be given them.
    app_config = apps.get_app_config("applications")
    app_config.models_module = True
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=codename,
            )
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
