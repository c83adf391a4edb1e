"""Structured logs: one JSON object a line, with the request id of the request.

``RequestIdFilter`` stamps every record with the id of the request being
served (from ``portal.request_log``), so that an access line, a warning and a
traceback of one request can be found together. ``JsonFormatter`` writes a
record as one line of JSON; a traceback stays inside its line. Anything shaped
like an e-mail address is masked on the way out: an exception raised by a mail
server (a refused recipient, say) must not put an applicant's address in the
logs.
"""

import json
import logging
import re
from datetime import UTC, datetime

from .request_log import current_request_id

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
MASK = "[e-mail]"

# Attributes every LogRecord has; whatever else a record carries came from
# ``extra=`` and is written as a field of its own.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Never written, whatever a caller passes: Django's loggers attach the request
# and the server's socket, whose text holds the query string, cookies or body.
_NEVER = {"request", "server_time"}


def mask_emails(text):
    return EMAIL.sub(MASK, text)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record as ``request_id``."""

    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One record, one line of JSON."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None)
            or current_request_id()
            or "-",
            "message": mask_emails(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key in _STANDARD or key in _NEVER or key in entry:
                continue
            if value is None or isinstance(value, int | float | bool):
                entry[key] = value
            else:
                entry[key] = mask_emails(str(value))
        if record.exc_info:
            entry["exception"] = mask_emails(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = mask_emails(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)
