"""`make run`'s demo accounts: each can sign in with the password it lists."""

import re

import pytest
from django.core.management import call_command

from portal.management.commands import demo_accounts

# token_urlsafe draws from A-Z, a-z, 0-9, "-" and "_": about one password in
# 32 starts with "-", which a command line takes for an option.
PASSWORDS = iter(f"-Dash{n}-Lantern-Harbour" for n in range(100))


@pytest.fixture
def accounts_file(tmp_path, monkeypatch, settings):
    settings.DEBUG = True
    path = tmp_path / "demo-accounts.txt"
    monkeypatch.setattr(demo_accounts, "ACCOUNTS_FILE", path)
    monkeypatch.setattr(
        demo_accounts.secrets, "token_urlsafe", lambda n=None: next(PASSWORDS)
    )
    return path


def test_every_listed_account_signs_in_even_with_a_password_starting_with_a_dash(
    seeded, accounts_file, client
):
    call_command("demo_accounts", verbosity=0)
    listed = re.findall(r"^  (\S+) / (\S+) ", accounts_file.read_text(), re.M)
    assert len(listed) == 1 + len(seeded)  # the superuser and one officer each
    for username, password in listed:
        assert password.startswith("-")
        signin = {"username": username, "password": password}
        assert client.post("/admin/login/", signin).status_code == 302, username
        assert client.get("/admin/").status_code == 200
        client.post("/admin/logout/")
    officers = [name for name, _pw in listed if name.startswith("officer-")]
    assert len(officers) == len(seeded)
