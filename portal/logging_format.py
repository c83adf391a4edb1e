"""Structured logs: one JSON object a line, with the id of its request.

Anything shaped like an e-mail address is masked on the way out: an error from
a mail server (a refused recipient) must not put an applicant's address in
the logs.
"""

import json
import logging
import re
from datetime import UTC, datetime

from .request_log import current_request_id

EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")

# Whatever a record has beyond these came from ``extra=`` and is a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Never written: Django's loggers attach the request and the server's socket,
# whose text holds the query string, cookies or body.
_NEVER = {"request", "server_time"}


def mask_emails(text):
    return EMAIL.sub("[e-mail]", text)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
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
