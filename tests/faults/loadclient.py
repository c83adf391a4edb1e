"""A load of visitors sending inquiries, as a browser would.

Each visitor is a thread with its own cookies: it opens the form, posts a
valid inquiry with the form's CSRF token, follows the 303 to the confirmation
and reads the reference shown there (``id="inquiry-reference"``). Every
status code, every connection error and every reference shown is counted, so
that a test can check afterwards that each reference shown is in the
database.

Each inquiry comes from an address of its own (``X-Forwarded-For``, believed
by servers that trust 127.0.0.1 as a proxy), so the per-address rate limit
stays on without stopping the load. An inquiry that meets a connection error,
a 5xx or a 503 is tried again, on the next server of the list, with a fresh
form: what a visitor does when a page fails.
"""

import http.client
import itertools
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REFERENCE = re.compile(r'id="inquiry-reference">([A-Z0-9]{4}-[A-Z0-9]{4})<')
NETWORK_ERRORS = (OSError, http.client.HTTPException)
RETRY_STATUSES = {500, 502, 503, 504}


@dataclass
class Tally:
    """What the visitors saw, added up across threads."""

    posts: int = 0
    shown: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    # (language asked for, Retry-After, body) of every 503 page.
    unavailable: list = field(default_factory=list)
    # Bodies of every 5xx other than 503.
    failures: list = field(default_factory=list)
    gave_up: int = 0
    # (step, status) of every answer that made a visitor stop without a
    # reference and without trying again: a 400, a 403, a 429...
    refused: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def summary(self):
        return (
            f"POSTs {self.posts}, references shown {len(self.shown)}, "
            f"statuses {dict(sorted(self.statuses.items()))}, "
            f"connection errors {dict(self.errors)}, gave up {self.gave_up}, "
            f"refused {self.refused}"
        )


class Visitor:
    """One browser: cookies kept across requests and across servers."""

    def __init__(self, tally, timeout=30):
        self.tally = tally
        self.timeout = timeout
        self.cookies = {}

    def request(self, base, method, path, body=None, headers=None):
        """(status, headers, text); a connection error is counted and raised."""
        parts = urlsplit(base)
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=self.timeout
        )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except NETWORK_ERRORS as exc:
            with self.tally.lock:
                self.tally.errors[type(exc).__name__] += 1
            raise
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        with self.tally.lock:
            self.tally.statuses[response.status] += 1
            if response.status == 503:
                self.tally.unavailable.append(
                    (
                        self.language_of(path),
                        response.headers.get("Retry-After"),
                        text,
                    )
                )
            elif response.status >= 500:
                self.tally.failures.append(text)
        return response.status, response.headers, text

    def again(self, step, status):
        """Whether a visitor tries again after this answer; if not, it is
        counted as refused."""
        if status in RETRY_STATUSES:
            return True
        with self.tally.lock:
            self.tally.refused.append((step, status))
        return False

    @staticmethod
    def language_of(path):
        return path.strip("/").split("/", 1)[0]

    def send_inquiry(
        self, base, slug, language, data, address, *, others=(), pause=0.25
    ):
        """One try; the reference shown, or None and whether to try again.

        A failed confirmation page is reloaded, from ``others`` servers too.
        """
        form = f"/{language}/institutions/{slug}/inquire/"
        status, _headers, html = self.request(base, "GET", form)
        if status != 200:
            return None, self.again("form", status)
        token = CSRF_INPUT.search(html)
        if token is None:
            raise AssertionError(f"no CSRF token in the form at {base}{form}")
        body = urlencode({**data, "csrfmiddlewaretoken": token.group(1)})
        with self.tally.lock:
            self.tally.posts += 1
        status, headers, _html = self.request(
            base,
            "POST",
            form,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": address,
            },
        )
        if status != 303:
            return None, self.again("post", status)
        location = urlsplit(headers["Location"]).path
        # The inquiry is saved: a visitor whose confirmation page fails
        # reloads it rather than send the inquiry again.
        bases = [base, *(other for other in others if other != base)]
        for reload in range(20):
            try:
                status, _headers, html = self.request(
                    bases[reload % len(bases)], "GET", location
                )
            except NETWORK_ERRORS:
                status = None
            if status not in RETRY_STATUSES | {None}:
                break
            time.sleep(pause)
        if status is not None and status != 200:
            return None, self.again("confirmation", status)
        if status is None:
            return None, True
        found = REFERENCE.search(html)
        if found is None:
            raise AssertionError(f"no reference on {base}{location}")
        return found.group(1), False


def inquiry_data(client, number, language):
    name = "负载测试" if language == "zh-hans" else "Load Test"
    return {
        "kind": "study",
        "full_name": f"{name} {client}-{number}",
        "email": f"load-{client}-{number}@example.com",
        "nationality": "VN",
        "program": "",
        "intake": "",
        "organization": "",
        "group_size": "",
        "message": f"Inquiry {number} of visitor {client}.",
        "consent": "on",
        "website": "",
    }


class Load:
    """``clients`` visitors at once, each sending ``per_client`` inquiries to
    ``servers`` (base URLs such as ``http://127.0.0.1:8001``)."""

    def __init__(
        self,
        servers,
        *,
        slug,
        clients=16,
        per_client=4,
        languages=("en", "zh-hans"),
        tries=20,
        pause=0.25,
    ):
        self.servers = list(servers)
        self.slug = slug
        self.clients = clients
        self.per_client = per_client
        self.languages = languages
        self.tries = tries
        self.pause = pause
        self.tally = Tally()
        self.threads = []
        self.addresses = itertools.count()

    @property
    def total(self):
        return self.clients * self.per_client

    def next_address(self):
        # Benchmarking addresses (RFC 2544): a new one for every try.
        n = next(self.addresses)  # atomic in CPython
        return f"198.18.{n // 250 % 256}.{n % 250 + 1}"

    def visitor(self, client):
        visitor = Visitor(self.tally)
        language = self.languages[client % len(self.languages)]
        for number in range(self.per_client):
            data = inquiry_data(client, number, language)
            for attempt in range(self.tries):
                base = self.servers[(client + number + attempt) % len(self.servers)]
                address = self.next_address()
                try:
                    reference, again = visitor.send_inquiry(
                        base,
                        self.slug,
                        language,
                        data,
                        address,
                        others=self.servers,
                        pause=self.pause,
                    )
                except NETWORK_ERRORS:
                    reference, again = None, True
                if reference is not None:
                    with self.tally.lock:
                        self.tally.shown.append(reference)
                    break
                if not again:
                    break
                time.sleep(self.pause)
            else:
                with self.tally.lock:
                    self.tally.gave_up += 1

    def start(self):
        for client in range(self.clients):
            thread = threading.Thread(target=self.visitor, args=(client,), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def wait_for_shown(self, count, timeout=120):
        """Block until ``count`` references were shown (or the load ended)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.tally.shown) >= count or not self.running():
                return
            time.sleep(0.05)
        raise AssertionError(f"the load stalled: {self.tally.summary()}")

    def running(self):
        return any(t.is_alive() for t in self.threads)

    def join(self, timeout=300):
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(deadline - time.monotonic(), 0))
        if self.running():
            raise AssertionError(f"the load did not finish: {self.tally.summary()}")
        return self.tally
