"""`manage.py backup` and `restore`: every inquiry and image comes back as it was."""

import io
import json
import tarfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from applications.models import Inquiry, InquiryEvent
from institutions.models import Institution
from portal import backups
from tests.factories import make_inquiry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "logos").mkdir(parents=True)
    (settings.MEDIA_ROOT / "logos" / "cqipc.png").write_bytes(b"\x89PNG logo")
    return settings.MEDIA_ROOT


def snapshot():
    return {
        "inquiries": list(Inquiry.objects.order_by("pk").values()),
        "events": list(InquiryEvent.objects.order_by("pk").values()),
        "colleges": list(Institution.objects.order_by("pk").values()),
    }


def files(root):
    return {
        str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }


def backup(tmp_path):
    out = io.StringIO()
    call_command("backup", "--dir", str(tmp_path / "backups"), stdout=out)
    return out.getvalue().strip()


def test_a_backup_round_trips_every_inquiry_and_image(
    chongqing, jinhua, root, media, tmp_path
):
    make_inquiry(chongqing, message="想了解机械专业。\nWith a second line.")
    second = make_inquiry(jinhua, kind="chinese_bridge", group_size=12, email="b@x.org")
    second.transition_to(Inquiry.Status.IN_REVIEW, by=root, note="看过了")
    make_inquiry(chongqing, full_name="Ana Souza", language="en", internal_notes="!")
    before, images = snapshot(), files(media)
    assert len(before["inquiries"]) == 3 and len(before["events"]) == 1

    archive = backup(tmp_path)
    assert archive.startswith(str(tmp_path / "backups" / "portal-"))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    expected = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
    assert {"manifest.json", expected[connection.vendor]} <= set(names)
    assert "media/logos/cqipc.png" in names

    # Everything changes after the backup ...
    Inquiry.objects.filter(pk=second.pk).update(full_name="changed", status="spam")
    Inquiry.objects.filter(full_name="Ana Souza").delete()
    make_inquiry(jinhua, full_name="After the backup")
    (media / "logos" / "cqipc.png").unlink()
    (media / "covers").mkdir()
    (media / "covers" / "new.jpg").write_bytes(b"new")
    assert snapshot() != before

    # ... and the restore brings back exactly what was backed up.
    call_command("restore", archive, "--no-input", stdout=io.StringIO())
    assert snapshot() == before
    assert files(media) == images


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path, media):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="is not a portal backup"):
        call_command("restore", str(bogus), "--no-input")


def test_restore_refuses_a_backup_of_another_kind_of_database(db, tmp_path, media):
    other = {"sqlite": "postgresql", "postgresql": "sqlite"}[connection.vendor]
    archive = tmp_path / "other.tar.gz"
    data = json.dumps({"format": 1, "database": other, "dump": "x"}).encode()
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError, match=f"holds a {other} database"):
        call_command("restore", str(archive), "--no-input")
    assert (media / "logos" / "cqipc.png").exists()


def test_a_backup_keeps_only_the_newest_archives(chongqing, media, tmp_path, settings):
    settings.PORTAL_BACKUP_KEEP = 2
    directory = tmp_path / "backups"
    directory.mkdir()
    for stamp in ("20250101-010101", "20250102-010101", "20250103-010101"):
        (directory / f"portal-{stamp}.tar.gz").write_bytes(b"old")
    (directory / "notes.txt").write_text("not a backup")

    newest = backup(tmp_path)

    left = sorted(p.name for p in directory.iterdir())
    assert left == ["notes.txt", "portal-20250103-010101.tar.gz", newest.split("/")[-1]]


def test_a_failed_backup_removes_no_old_one(tmp_path, settings, monkeypatch):
    settings.PORTAL_BACKUP_KEEP = 1
    directory = tmp_path / "backups"
    directory.mkdir()
    for stamp in ("20250101-010101", "20250102-010101"):
        (directory / f"portal-{stamp}.tar.gz").write_bytes(b"old")

    def broken(path):
        raise backups.BackupError("disk full")

    monkeypatch.setattr(backups, "_dump", broken)
    with pytest.raises(CommandError):
        backup(tmp_path)

    assert len(list(directory.glob("portal-*.tar.gz"))) == 2


def test_a_backup_holds_the_applicants_documents(db, settings, media, tmp_path):
    settings.ATTACHMENTS_ROOT = tmp_path / "private" / "attachments"
    (settings.ATTACHMENTS_ROOT / "2026" / "12").mkdir(parents=True)
    document = settings.ATTACHMENTS_ROOT / "2026" / "12" / "passport.pdf"
    document.write_bytes(b"%PDF-1.4 passport")

    archive = backup(tmp_path)
    with tarfile.open(archive) as tar:
        assert "attachments/2026/12/passport.pdf" in tar.getnames()
    document.unlink()
    (settings.ATTACHMENTS_ROOT / "after.png").write_bytes(b"later")

    call_command("restore", archive, "--no-input", stdout=io.StringIO())
    assert files(settings.ATTACHMENTS_ROOT) == {
        "2026/12/passport.pdf": b"%PDF-1.4 passport"
    }
