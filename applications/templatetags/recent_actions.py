"""The admin index's "Recent actions", limited to what the reader may still
open: an officer who has left a college must not keep reading its
applicants' names there (Django's own list shows every entry of the user)."""

from django import template
from django.contrib import admin
from django.contrib.admin.models import LogEntry

register = template.Library()

# Entries read to find ``limit`` that may be shown.
LOOK_BACK = 50


def _may_open(request, entry, admins):
    model = entry.content_type.model_class() if entry.content_type_id else None
    if model is None or not admin.site.is_registered(model):
        return False
    model_admin = admins.setdefault(model, admin.site.get_model_admin(model))
    if entry.is_deletion():
        # Gone: its name is shown only to whoever may see such objects.
        return model_admin.has_view_permission(request)
    found = model_admin.get_queryset(request).filter(pk=entry.object_id).first()
    return found is not None and model_admin.has_view_permission(request, found)


@register.simple_tag(takes_context=True)
def openable_admin_log(context, limit=10):
    """The user's latest ``limit`` log entries whose object the user may
    still open, through each model admin's own ``get_queryset``."""
    request = context["request"]
    entries = LogEntry.objects.filter(user=request.user).select_related(
        "content_type", "user"
    )[:LOOK_BACK]
    admins = {}
    shown = []
    for entry in entries:
        if _may_open(request, entry, admins):
            shown.append(entry)
            if len(shown) == limit:
                break
    return shown
