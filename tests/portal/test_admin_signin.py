"""Signing in to the admin: lockout after repeated failures, sessions that
end when unused, password rules, and an admin that can live elsewhere."""

import importlib
import logging
from contextlib import contextmanager
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import SESSION_KEY
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import clear_url_caches, reverse
from django.utils import timezone

import portal.urls
from tests.conftest import CHONGQING
from tests.portal.test_settings import run_manage

PASSWORD = "Quiet-Lagoon-Morning-7"


@pytest.fixture
def officer(django_user_model):
    return django_user_model.objects.create_user(
        "mei", "mei@example.edu", PASSWORD, is_staff=True
    )


def sign_in(client, username, password, address="203.0.113.7", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(client):
    return SESSION_KEY in client.session


def fail(client, times, username="mei", address="203.0.113.7", **headers):
    for _ in range(times):
        response = sign_in(client, username, "wrong", address, **headers)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in (
            response.content.decode()
        )


def lock_out(client, username="mei", address="203.0.113.7", **headers):
    """Four failures are told apart as such; the fifth locks out."""
    fail(client, 4, username, address, **headers)
    response = sign_in(client, username, "wrong", address, **headers)
    assert response.status_code == 429
    return response


# -- lockout ----------------------------------------------------------------------


def test_it_locks_an_account_out_after_five_failures_from_one_address(
    client, officer, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    lock_out(client)
    # Now even the right password is refused.
    response = sign_in(client, "mei", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    html = response.content.decode()
    assert "Too many failed attempts to sign in" in html
    assert "Please wait 15 minutes" in html
    assert not signed_in(client)


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(
    client, officer
):
    fail(client, 4)
    assert sign_in(client, "mei", PASSWORD).status_code == 302
    assert signed_in(client)
    client.logout()

    fail(client, 4)
    assert sign_in(client, "mei", PASSWORD).status_code == 302


def test_it_locks_only_that_account_from_that_address(
    client, officer, django_user_model
):
    django_user_model.objects.create_user("lan", password=PASSWORD, is_staff=True)
    lock_out(client)

    assert sign_in(client, "mei", PASSWORD).status_code == 429
    # The same account from another address, and another account from the
    # same address, still get in.
    assert sign_in(client, "mei", PASSWORD, address="198.51.100.20").status_code == 302
    client.logout()
    assert sign_in(client, "lan", PASSWORD).status_code == 302


def test_one_address_is_locked_out_after_many_failures_on_many_accounts(
    client, officer, settings
):
    assert settings.PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT == 20
    # Four guesses each at five accounts: no pair reaches its limit of five,
    # but the twentieth failure of the address locks it out.
    for n in range(4):
        fail(client, 4, username=f"guess{n}")
    fail(client, 3, username="guess4")
    assert sign_in(client, "guess4", "wrong").status_code == 429

    # Even the right password of an account it never tried is refused, from
    # that address and only from there.
    response = sign_in(client, "mei", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts to sign in" in response.content.decode()
    assert not signed_in(client)
    assert sign_in(client, "mei", PASSWORD, address="198.51.100.20").status_code == 302


def test_the_address_lockout_ends_after_the_cool_off(client, officer, settings):
    settings.PORTAL_SIGNIN_ADDRESS_FAILURE_LIMIT = 6
    fail(client, 3, username="guess1")
    fail(client, 2, username="guess2")
    assert sign_in(client, "guess2", "wrong").status_code == 429
    assert sign_in(client, "mei", PASSWORD).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "mei", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_lift_the_lockout(client, officer):
    lock_out(client)

    response = sign_in(client, "mei", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_it_locks_out_the_forwarded_client(
    client, officer, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = {"address": "10.0.0.1"}
    lock_out(client, HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy)

    locked = sign_in(
        client, "mei", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.50", **proxy
    )
    assert locked.status_code == 429
    other = sign_in(
        client, "mei", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.51", **proxy
    )
    assert other.status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, officer):
    lock_out(client)
    assert sign_in(client, "mei", PASSWORD).status_code == 429

    # As if the last attempt had been made 16 minutes ago.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert sign_in(client, "mei", PASSWORD).status_code == 302


def test_the_lockout_page_speaks_the_admins_language(client, officer, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    for _ in range(4):
        sign_in(client, "mei", "wrong")
    assert sign_in(client, "mei", "wrong").status_code == 429

    html = sign_in(client, "mei", PASSWORD).content.decode()
    assert "登录失败次数过多" in html
    assert "15分钟" in html
    assert 'lang="zh-hans"' in html


def test_it_keeps_no_more_than_the_lockout_needs(client, officer, caplog):
    with caplog.at_level(logging.DEBUG):
        lock_out(client)
        sign_in(client, "mei", PASSWORD)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "AXES" in logged  # the lockout is logged...
    assert "mei" not in logged  # ...without the account or the address
    assert "203.0.113.7" not in logged

    attempt = AccessAttempt.objects.get()
    assert PASSWORD not in attempt.post_data
    assert "wrong" not in attempt.post_data

    client.logout()
    sign_in(client, "mei", PASSWORD, address="198.51.100.20")
    assert not AccessLog.objects.exists()


def test_the_lockout_can_be_lifted_from_the_command_line(client, officer):
    lock_out(client)
    call_command("axes_reset_username", "mei", verbosity=0)

    assert sign_in(client, "mei", PASSWORD).status_code == 302


# -- sessions -----------------------------------------------------------------------


def test_a_public_page_sets_no_session_cookie(client, seeded, settings):
    response = client.get("/en/")

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_public_page_does_not_write_a_visitors_existing_session(
    client, seeded, settings
):
    # A visitor who sent an inquiry has a session (the confirmation reads
    # its reference from it); reading a college page must not save it again.
    session = client.session
    session["applications:sent"] = "K7QM-4XTP"
    session.save()

    response = client.get(f"/en/institutions/{CHONGQING}/")

    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


@pytest.fixture
def clock(monkeypatch):
    """Move the time the session store sees, without waiting."""
    start = timezone.now()
    state = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def at(minutes):
        state["now"] = start + timedelta(minutes=minutes)

    return at


def test_a_staff_session_idle_longer_than_the_limit_is_signed_out(
    client, officer, clock, settings
):
    assert settings.SESSION_COOKIE_AGE == 120 * 60
    client.force_login(officer)
    assert client.get(reverse("admin:index")).status_code == 200

    clock(121)
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_staff_session_in_use_stays_signed_in(client, officer, clock):
    client.force_login(officer)
    index = reverse("admin:index")

    # Each admin request restarts the two hours: four hours in all, never
    # more than 110 minutes apart.
    for minutes in (110, 220, 240):
        clock(minutes)
        assert client.get(index).status_code == 200, minutes


# -- password rules -----------------------------------------------------------------


def test_the_admin_refuses_a_weak_new_password(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too common." in html
    assert "This password is entirely numeric." in html
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["pw", "password1", "li-officer", "20250901"])
def test_create_officer_refuses_a_weak_password(seeded, weak):
    from django.contrib.auth import get_user_model

    with pytest.raises(CommandError, match="This password will not do"):
        call_command(
            "create_officer", "li-officer", CHONGQING, "--password", weak, verbosity=0
        )
    assert not get_user_model().objects.filter(username="li-officer").exists()


# -- where the admin lives ------------------------------------------------------------


@contextmanager
def admin_at(path):
    """The URLs as they are when PORTAL_ADMIN_PATH is ``path``."""
    try:
        with override_settings(ADMIN_PATH=path):
            importlib.reload(portal.urls)
            clear_url_caches()
            yield
    finally:
        importlib.reload(portal.urls)
        clear_url_caches()


def test_the_admin_can_live_under_another_path(client, officer, db):
    with admin_at("staff-desk/"):
        assert reverse("admin:index") == "/staff-desk/"
        assert client.get("/admin/").status_code == 404
        assert client.get("/admin/login/").status_code == 404

        response = client.get("/staff-desk/")
        assert response.status_code == 302
        assert response["Location"].startswith("/staff-desk/login/")
        assert sign_in(client, "mei", PASSWORD).status_code == 302
        assert client.get("/staff-desk/").status_code == 200

        robots = client.get("/robots.txt").content.decode()
        assert "staff-desk" not in robots
        assert "/admin/" not in robots

    assert client.get("/admin/").status_code == 200


def test_robots_txt_keeps_crawlers_out_of_the_admin_at_its_usual_path(client, db):
    assert "Disallow: /admin/" in client.get("/robots.txt").content.decode()


@pytest.mark.parametrize(
    "value", ["en/", "zh-hans/secret", "static/", "media/x", "a b", "../up", "/"]
)
def test_it_refuses_an_admin_path_that_would_hide_pages_or_is_not_a_path(value):
    result = run_manage(
        "check", PORTAL_ADMIN_PATH=value, PORTAL_SECRET_KEY="k" * 50, PORTAL_DEBUG="1"
    )
    assert result.returncode != 0
    assert "PORTAL_ADMIN_PATH" in result.stderr


def test_it_takes_an_admin_path_written_with_or_without_slashes():
    show = "from django.conf import settings as s; print(s.ADMIN_PATH)"
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        PORTAL_ADMIN_PATH="/back-office/desk",
        PORTAL_SECRET_KEY="k" * 50,
        PORTAL_DEBUG="1",
    )
    assert result.stdout.strip() == "back-office/desk/", result.stderr
