"""Every page works under the strict Content-Security-Policy, in real Chromium.

The policy forbids inline scripts and styles and anything from elsewhere. A
page that breaks it still loads, with a piece quietly missing, so the test
listens for what the browser reports: the ``securitypolicyviolation`` event
and the console's "Refused to ..." messages.
"""

import pytest
from django.core.management import call_command
from django.utils import translation

from applications.models import Inquiry, StaffMembership
from institutions.models import Section
from tests.factories import make_inquiry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`
    + ` at ${e.sourceFile || location.pathname}:${e.lineNumber}`);
});
"""
COLLEGE = "chongqing-industry-polytechnic-college"


class Watcher:
    """Collects CSP violations and documents served without the header."""

    def __init__(self, page, site):
        self.page = page
        self.site = site
        self.problems = []
        self.documents = 0
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.problems.append(f"{self.page.url}: {message.text}")

    def _response(self, response):
        if response.request.resource_type != "document":
            return
        if not response.url.startswith(self.site):
            return
        self.documents += 1
        if "content-security-policy" not in response.headers:
            self.problems.append(f"{response.url}: no Content-Security-Policy header")

    def visit(self, path):
        self.page.goto(self.site + path)
        self.check()

    def check(self):
        self.page.wait_for_load_state("load")
        for found in self.page.evaluate("window.__csp || []"):
            self.problems.append(f"{self.page.url}: {found}")


@pytest.fixture
def site(live_server):
    call_command("load_seeds", verbosity=0)
    return live_server.url


@pytest.fixture
def watcher(site, page):
    return Watcher(page, site)


def test_the_policy_is_strict(client, db):
    policy = client.get("/en/privacy/")["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split("; ")
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_public_pages_break_no_rule_of_the_policy(watcher, lang):
    paths = [
        f"/{lang}/",
        f"/{lang}/institutions/{COLLEGE}/",
        f"/{lang}/inquiries/status/",
        f"/{lang}/privacy/",
        f"/{lang}/institutions/no-such-college/",
        "/no-such-page",
    ]
    # One section of every kind there is, from whichever college has it.
    for kind in Section.Kind.values:
        section = Section.objects.filter(kind=kind).first()
        if section is not None:
            with translation.override(lang):
                paths.append(section.get_absolute_url())
    for path in paths:
        watcher.visit(path)
    assert not watcher.problems, "\n".join(watcher.problems)
    assert watcher.documents == len(paths)


def test_the_inquiry_journey_breaks_no_rule_of_the_policy(watcher, page):
    watcher.visit(f"/en/institutions/{COLLEGE}/inquire/")
    page.evaluate("document.querySelector('form.form').noValidate = true")
    page.locator("form.form [type=submit]").click()
    watcher.check()
    assert "Please correct the following" in page.get_by_role("alert").inner_text()

    # inquiry.js shows the delegation's fields only for a delegation: proof
    # that the form's own script ran.
    group_size = page.locator("#id_group_size")
    page.locator("input[name=kind][value=study]").check()
    assert not group_size.is_visible()
    page.locator("input[name=kind][value=chinese_bridge]").check()
    assert group_size.is_visible()
    page.locator("#id_full_name").fill("Lucía Fernández")
    page.locator("#id_email").fill("lucia@example.es")
    page.locator("#id_nationality").select_option("ES")
    page.locator("#id_organization").fill("Instituto de Valencia")
    group_size.fill("12")
    page.locator("#id_consent").check()
    page.locator("form.form [type=submit]").click()
    page.wait_for_url("**/inquiries/sent/")
    watcher.check()
    reference = page.locator("#inquiry-reference").inner_text().strip()

    watcher.visit(f"/en/inquiries/status/?reference={reference}")
    page.locator("#id_email").fill("lucia@example.es")
    page.locator("main form [type=submit]").click()
    watcher.check()
    assert "Received" in page.locator("main").inner_text()
    assert not watcher.problems, "\n".join(watcher.problems)


def test_the_expired_form_page_breaks_no_rule_of_the_policy(watcher, page):
    watcher.visit("/zh-hans/inquiries/status/")
    page.context.clear_cookies()  # as if the CSRF cookie had gone
    page.locator("#id_reference").fill("K7QM-4XTP")
    page.locator("#id_email").fill("an@example.vn")
    page.locator("main form [type=submit]").click()
    watcher.check()
    assert page.get_by_role("heading", level=1).inner_text() == "表单已失效"
    assert not watcher.problems, "\n".join(watcher.problems)


def test_the_admin_breaks_no_rule_of_the_policy(
    watcher, page, root, django_user_model, chongqing
):
    inquiry = make_inquiry(chongqing)
    inquiry.transition_to(Inquiry.Status.IN_REVIEW, by=root)
    # Made here, not with create_officer: a transactional test has flushed
    # the group that a migration made.
    chen = django_user_model.objects.create_user("chen", "chen@example.cn", "pw")
    membership = StaffMembership.objects.create(user=chen, institution=chongqing)

    watcher.visit("/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    watcher.check()

    paths = [
        "/admin/",
        "/admin/applications/",
        "/admin/applications/inquiry/",
        "/admin/applications/inquiry/?q=xiaoming",
        f"/admin/applications/inquiry/{inquiry.pk}/change/",
        f"/admin/applications/inquiry/{inquiry.pk}/history/",
        "/admin/applications/inquiry/dashboard/",
        "/admin/applications/staffmembership/",
        f"/admin/applications/staffmembership/{membership.pk}/change/",
        "/admin/applications/staffmembership/add/",
        f"/admin/auth/user/{chen.pk}/change/",
        f"/admin/auth/user/{chen.pk}/password/",
        "/admin/auth/group/",
        "/admin/institutions/institution/",
        f"/admin/institutions/institution/{chongqing.pk}/change/",
        f"/admin/institutions/institution/{chongqing.pk}/history/",
        "/admin/institutions/section/",
        f"/admin/institutions/section/{chongqing.sections.first().pk}/change/",
        "/admin/institutions/programme/add/",
        "/admin/institutions/school/add/?_popup=1&_to_field=id",
    ]
    for path in paths:
        watcher.visit(path)
    assert not watcher.problems, "\n".join(watcher.problems)

    # The dashboard's bars are drawn, without a style attribute.
    watcher.visit("/admin/applications/inquiry/dashboard/")
    widths = page.locator(".inquiry-bar-cell rect").evaluate_all(
        "rects => rects.map(r => r.getBoundingClientRect().width)"
    )
    assert max(widths) > 50

    # A text's English and Chinese side by side, styled by a static file.
    watcher.visit(
        f"/admin/institutions/section/{chongqing.sections.first().pk}/change/"
    )
    english = page.locator("#id_body_en").bounding_box()
    chinese = page.locator("#id_body_zh_hans").bounding_box()
    assert abs(english["y"] - chinese["y"]) < 5
    assert chinese["x"] >= english["x"] + english["width"]

    assert not watcher.problems, "\n".join(watcher.problems)
