"""The Chinese of each text has a review state instead of a tick, and the
colleges' editors have a group.

- ``zh_review``: "awaiting" review, "reviewed", or "english_changed" (the
  English changed after the Chinese was reviewed, which the model's save
  sets). A ticked ``zh_reviewed`` becomes "reviewed", any other "awaiting".
- The "Editor" group: what an editor of a college needs to keep its pages
  (see applications/scoping.py for which colleges' rows they see). A college
  is viewed and changed, never added or deleted; its rows are also added
  and deleted. Its admissions addresses, publishing, slug and order are
  read-only for anyone but a superuser (institutions/admin.py).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

TEXT_MODELS = ["bridgeoffer", "fact", "institution", "programme", "school", "section"]
GROUP = "Editor"
PERMISSIONS = {
    "institution": ["view", "change"],
    "section": ["view", "add", "change", "delete"],
    "signatory": ["view", "add", "change", "delete"],
    "fact": ["view", "add", "change", "delete"],
    "school": ["view", "add", "change", "delete"],
    "programme": ["view", "add", "change", "delete"],
    "formername": ["view", "add", "change", "delete"],
    "bridgeoffer": ["view", "add", "change", "delete"],
}


def review_state_field():
    return models.CharField(
        choices=[
            ("awaiting", "Awaiting review"),
            ("reviewed", "Reviewed"),
            ("english_changed", "English changed since the Chinese was reviewed"),
        ],
        default="awaiting",
        help_text="“Reviewed” once a Chinese-speaking member of staff has checked it.",
        max_length=20,
        verbose_name="review of the Chinese",
    )


def tick_to_state(apps, schema_editor):
    for name in TEXT_MODELS:
        model = apps.get_model("institutions", name)
        model.objects.filter(zh_reviewed=True).update(zh_review="reviewed")


def state_to_tick(apps, schema_editor):
    for name in TEXT_MODELS:
        model = apps.get_model("institutions", name)
        model.objects.filter(zh_review="reviewed").update(zh_reviewed=True)


def create_group(apps, schema_editor):
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
    for model, actions in PERMISSIONS.items():
        for action in actions:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="institutions",
                    content_type__model=model,
                    codename=f"{action}_{model}",
                )
            )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0006_bridge_offer"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        *(
            migrations.AddField(
                model_name=name, name="zh_review", field=review_state_field()
            )
            for name in TEXT_MODELS
        ),
        migrations.RunPython(tick_to_state, state_to_tick),
        *(
            migrations.RemoveField(model_name=name, name="zh_reviewed")
            for name in TEXT_MODELS
        ),
        migrations.RunPython(create_group, remove_group),
    ]
