"""A form whose CSRF check fails gets a page that says what to do, in the
visitor's language, styled by the site's own stylesheet (Django's built-in
page has an inline <style> that the Content-Security-Policy blocks)."""

import pytest
from django.test import Client


@pytest.mark.parametrize(
    ("lang", "heading", "advice"),
    [
        ("en", "The form has expired", "reload the page and send the form again"),
        ("zh-hans", "表单已失效", "刷新后重新提交"),
    ],
)
def test_a_form_without_its_csrf_token_gets_the_portals_own_page(
    db, lang, heading, advice
):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/{lang}/inquiries/status/", {"reference": "K7QM-4XTP", "email": "a@b.cn"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert advice in page
    assert "<style" not in page
    assert "css/site.css" in page
