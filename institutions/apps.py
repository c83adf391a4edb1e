from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Colleges")

    def ready(self):
        from portal import pagecache

        # Everything of a college shows on the public pages: any change to
        # any of these models makes the cached pages stale.
        pagecache.connect(self.get_models())
