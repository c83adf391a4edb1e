"""Logos and cover photos: checked on upload, shown as sized WebP renditions."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from institutions.images import rendition, validate_image_upload
from institutions.models import Institution


def png(width=400, height=300, colour=(160, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_accepts_a_real_image():
    validate_image_upload(SimpleUploadedFile("logo.png", png(), "image/png"))


def test_it_refuses_a_text_file_renamed_to_look_like_an_image():
    fake = SimpleUploadedFile("logo.png", b"this is not a picture\n" * 20, "image/png")
    with pytest.raises(ValidationError, match="not an image") as error:
        validate_image_upload(fake)
    assert error.value.code == "not_an_image"


def test_it_refuses_an_image_that_is_too_large(settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 10_000
    big = SimpleUploadedFile("cover.png", png(2000, 1500, (1, 2, 3)) + b"\0" * 20_000)
    with pytest.raises(ValidationError) as error:
        validate_image_upload(big)
    assert error.value.code == "too_large"
    assert "largest allowed is 9.8\xa0KB" in error.value.messages[0]


def test_it_explains_a_refused_upload_in_the_admin_in_the_staff_language(
    seeded, media, client, root
):
    client.force_login(root)
    college = Institution.objects.get(slug="jinhua-polytechnic")
    url = f"/admin/institutions/institution/{college.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("logo", "cover")
    }
    for prefix in ("former_names", "facts"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data["logo"] = SimpleUploadedFile(
        "logo.png", b"not an image at all" * 10, "image/png"
    )
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["logo"], errors
    assert "有效的图片" in errors["logo"][0]
    college.refresh_from_db()
    assert not college.logo


def test_it_serves_a_webp_rendition_sized_for_its_place(seeded, media, client):
    college = Institution.objects.get(slug="jinhua-polytechnic")
    college.logo = SimpleUploadedFile("logo.png", png(800, 800), "image/png")
    college.save()
    html = client.get("/en/institutions/jinhua-polytechnic/").content.decode()
    img = re.search(r'<img src="([^"]+\.webp)" width="(\d+)" height="(\d+)"', html)
    assert img, "the logo is shown as a WebP rendition"
    assert (img.group(2), img.group(3)) == ("72", "72")
    with Image.open(media / img.group(1).removeprefix("/media/")) as made:
        assert made.format == "WEBP" and made.size == (72, 72)


def test_it_crops_a_cover_photo_to_its_banner(seeded, media):
    college = Institution.objects.get(slug="jinhua-polytechnic")
    college.cover = SimpleUploadedFile("cover.png", png(3000, 2000), "image/png")
    college.save()
    made = rendition(college.cover, 1200, 400)
    assert (made.width, made.height) == (1200, 400)


def test_it_draws_a_logo_for_a_college_that_has_none(seeded, client):
    html = client.get("/en/").content.decode()
    assert html.count('class="logo logo-generated"') == 4
    assert ">BJUT</text>" in html
    assert "<img" not in html


def test_it_shows_the_fallback_when_an_uploaded_file_has_gone(seeded, media, client):
    Institution.objects.filter(slug="jinhua-polytechnic").update(logo="logos/gone.png")
    html = client.get("/en/institutions/jinhua-polytechnic/").content.decode()
    assert "<img" not in html
