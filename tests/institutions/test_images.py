"""Logos and cover photos: checked on upload, shown as sized WebP renditions."""

import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, PngImagePlugin

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


def change_url(college):
    return f"/admin/institutions/institution/{college.pk}/change/"


def post_to_admin(client, college, language="en", **files):
    """Post the college's change form as it stands, with ``files`` attached."""
    url = change_url(college)
    page = client.get(url).context
    form = page["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in ("logo", "cover")
    }
    for inline in page["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(files)
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE=language)


def refused(response, field="logo"):
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field], errors
    return errors[field][0]


def test_it_explains_a_refused_upload_in_the_admin_in_the_staff_language(
    seeded, media, client, root
):
    client.force_login(root)
    college = Institution.objects.get(slug="jinhua-polytechnic")
    logo = SimpleUploadedFile("logo.png", b"not an image at all" * 10, "image/png")
    message = refused(post_to_admin(client, college, "zh-hans", logo=logo))
    assert message == "无法识别该文件为图片，请上传JPEG、PNG或WebP格式的文件。"
    college.refresh_from_db()
    assert not college.logo
    assert not list(media.rglob("*.png"))


def exif_with_gps_and_camera(orientation=1):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.Artist] = "Wang Xiaoming"
    exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (29.0, 33.0, 47.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 33.0, 12.0)
    return exif


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SecretXMP</x:xmpmeta>'
ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def photo(image_format, **metadata):
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (20, 120, 200)).save(buffer, image_format, **metadata)
    return buffer.getvalue()


def assert_clean(path):
    raw = path.read_bytes()
    for secret in (b"SecretCam", b"Wang Xiaoming", b"SecretXMP", b"Secret comment"):
        assert secret not in raw
    with Image.open(path) as stored:
        stored.load()
        assert not stored.getexif(), dict(stored.getexif())
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile"} & set(
            stored.info
        ), stored.info
        return stored.format, stored.size


@pytest.mark.parametrize(
    ("image_format", "extension", "metadata"),
    [
        (
            "JPEG",
            ".jpg",
            {
                "exif": exif_with_gps_and_camera(),
                "comment": b"Secret comment",
                "xmp": XMP,
                "icc_profile": ICC,
            },
        ),
        ("WEBP", ".webp", {"exif": exif_with_gps_and_camera(), "xmp": XMP}),
        ("PNG", ".png", {"exif": exif_with_gps_and_camera(), "icc_profile": ICC}),
    ],
)
def test_an_upload_through_the_admin_is_stored_without_metadata_under_a_random_name(
    seeded, media, client, root, image_format, extension, metadata
):
    client.force_login(root)
    college = Institution.objects.get(slug="jinhua-polytechnic")
    original = photo(image_format, **metadata)
    with Image.open(io.BytesIO(original)) as sent:
        assert sent.getexif()[ExifTags.Base.Make] == "SecretCam"  # it was there
    upload = SimpleUploadedFile(
        f"wang-xiaoming-passport{extension}", original, f"image/{image_format.lower()}"
    )
    response = post_to_admin(client, college, logo=upload)
    assert response.status_code == 302, response.context["adminform"].form.errors
    college.refresh_from_db()
    assert re.fullmatch(rf"logos/[0-9a-f]{{32}}\{extension}", college.logo.name)
    assert "passport" not in college.logo.name
    assert assert_clean(media / college.logo.name) == (image_format, (400, 300))


def test_a_png_keeps_no_text_chunks_and_a_photo_is_turned_upright(seeded, media):
    college = Institution.objects.get(slug="jinhua-polytechnic")
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Wang Xiaoming")
    info.add_itxt("Comment", "Secret comment")
    college.logo = SimpleUploadedFile("logo.png", photo("PNG", pnginfo=info))
    # Orientation 6: the camera was turned; the stored copy is turned back.
    sideways = photo("JPEG", exif=exif_with_gps_and_camera(orientation=6))
    college.cover = SimpleUploadedFile("cover.jpg", sideways)
    college.save()
    with Image.open(media / college.logo.name) as stored:
        assert not {"Author", "Comment"} & set(stored.info)
    assert assert_clean(media / college.cover.name) == ("JPEG", (300, 400))


def test_an_animated_gif_keeps_its_first_frame(seeded, media):
    college = Institution.objects.get(slug="jinhua-polytechnic")
    frames = [Image.new("P", (40, 40), colour) for colour in (1, 2, 3)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        comment=b"Secret comment",
    )
    college.logo = SimpleUploadedFile("logo.gif", buffer.getvalue())
    college.save()
    with Image.open(media / college.logo.name) as stored:
        assert stored.format == "GIF" and getattr(stored, "n_frames", 1) == 1
        assert "comment" not in stored.info


def png_header(width, height):
    """A small PNG file that claims a canvas of width × height pixels."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height", "message"),
    [
        # Past our limit, within Pillow's: we say how large it is.
        (8000, 6000, "The image is 8000 × 6000 pixels, which is too large."),
        # Past Pillow's own bomb limit too: it will not even open it.
        (
            30000,
            30000,
            "The image has more pixels than can be accepted (at most 40 million).",
        ),
    ],
)
def test_a_decompression_bomb_is_refused_with_a_clear_message(
    seeded, media, client, root, width, height, message
):
    client.force_login(root)
    college = Institution.objects.get(slug="jinhua-polytechnic")
    bomb = SimpleUploadedFile("cover.png", png_header(width, height), "image/png")
    assert len(bomb) < 2000
    assert refused(post_to_admin(client, college, cover=bomb), "cover") == message
    college.refresh_from_db()
    assert not college.cover


def test_a_truncated_or_oversized_upload_is_refused_in_the_admin(
    seeded, media, client, root, settings
):
    client.force_login(root)
    college = Institution.objects.get(slug="jinhua-polytechnic")
    whole = photo("JPEG")
    cut = SimpleUploadedFile("logo.jpg", whole[: len(whole) // 2], "image/jpeg")
    assert "not an image that can be read" in refused(
        post_to_admin(client, college, logo=cut)
    )
    settings.MAX_IMAGE_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("logo.jpg", whole, "image/jpeg")
    assert "the largest allowed is 1000\xa0bytes" in refused(
        post_to_admin(client, college, logo=big)
    )
    college.refresh_from_db()
    assert not college.logo
    assert not list(media.rglob("*.*"))


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
