"""Django's admin site, with a "view on site" shortcut that answers only for
objects in the rows the user's ``get_queryset`` lists (else a 404): Django's
redirects any member of staff to any object, an unpublished college's too."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path


class PortalAdminSite(admin.AdminSite):
    def get_urls(self):
        urls = super().get_urls()
        checked = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [
            checked if getattr(url, "name", None) == "view_on_site" else url
            for url in urls
        ]

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404("No such kind of object.") from None
        model_admin = self.get_model_admin(model) if self.is_registered(model) else None
        if model_admin is None or not model_admin.has_view_permission(request):
            raise Http404("No such object.")
        try:
            pk = model._meta.pk.to_python(object_id)
        except ValidationError:
            raise Http404("No such object.") from None
        if not model_admin.get_queryset(request).filter(pk=pk).exists():
            raise Http404("No such object.")
        return shortcut(request, content_type_id, object_id)
