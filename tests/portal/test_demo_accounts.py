"""`make run`'s demo accounts: each can sign in with the password it lists."""

import re

import pytest
from django.contrib.auth import get_user_model
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
    # The superuser, and one officer and one editor of each college.
    assert len(listed) == 1 + 2 * len(seeded)
    for username, password in listed:
        assert password.startswith("-")
        signin = {"username": username, "password": password}
        assert client.post("/admin/login/", signin).status_code == 302, username
        assert client.get("/admin/").status_code == 200
        client.post("/admin/logout/")
    officers = [name for name, _pw in listed if name.startswith("officer-")]
    assert len(officers) == len(seeded)
    editors = {name for name, _pw in listed if name.startswith("editor-")}
    assert editors == {"editor-bpu", "editor-bjut", "editor-cipc", "editor-jp"}


def test_an_older_file_gains_the_editors_and_keeps_its_passwords(
    seeded, accounts_file, client
):
    call_command("demo_accounts", verbosity=0)
    get_user_model().objects.filter(username__startswith="editor-").delete()
    older = "".join(
        line + "\n"
        for line in accounts_file.read_text().splitlines()
        if not line.startswith("  editor-")
    )
    accounts_file.write_text(older)

    call_command("demo_accounts", verbosity=0)

    text = accounts_file.read_text()
    assert text.startswith(older)
    editor = re.search(
        r"^  (editor-cipc) / (\S+)   \(editor of its pages: ", text, re.M
    )
    assert editor is not None, text
    signin = {"username": editor[1], "password": editor[2]}
    assert client.post("/admin/login/", signin).status_code == 302
    assert client.get("/admin/institutions/section/").status_code == 200
    assert client.get("/admin/applications/inquiry/").status_code == 403


def test_no_account_is_made_when_its_password_cannot_be_written_down(
    seeded, accounts_file
):
    accounts_file.mkdir()  # a folder where the file should be: writing fails
    with pytest.raises(OSError):
        call_command("demo_accounts", verbosity=0)
    assert not get_user_model().objects.exists()
