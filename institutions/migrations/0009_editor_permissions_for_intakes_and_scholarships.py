"""Editors keep their programmes' intakes and their college's scholarships."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editor"
MODELS = ["intake", "scholarship"]
ACTIONS = ["view", "add", "change", "delete"]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate).
    app_config = apps.get_app_config("institutions")
    app_config.models_module = True
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="institutions",
            content_type__model__in=MODELS,
            codename__in=[f"{a}_{m}" for a in ACTIONS for m in MODELS],
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=GROUP):
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label="institutions",
                content_type__model__in=MODELS,
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0008_programme_details_intakes_scholarships"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
