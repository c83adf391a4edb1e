import os

from django.core.wsgi import get_wsgi_application

from portal.form_body import ReadableWSGIRequest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()
# An unparsable Content-Type header becomes a 400 rather than a crash.
application.request_class = ReadableWSGIRequest
