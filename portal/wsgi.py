import os

from django.core.wsgi import get_wsgi_application
from django.utils.http import parse_header_parameters

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django_application = get_wsgi_application()


def application(environ, start_response):
    """Django's, except that a Content-Type it cannot parse, which would raise
    before any middleware runs, reaches ``FormBodyMiddleware`` to get its 400."""
    try:
        parse_header_parameters(environ.get("CONTENT_TYPE", ""))
    except ValueError:
        environ = {**environ, "CONTENT_TYPE": "application/unparsable"}
    return django_application(environ, start_response)
