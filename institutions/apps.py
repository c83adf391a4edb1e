from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Colleges")

    def ready(self):
        from . import changes

        # Everything of a college shows on its public pages.
        changes.connect(self.get_models())
