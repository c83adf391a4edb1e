"""The admin of programmes' details, intakes and scholarships: scoped to the
editor's colleges like the rest."""

import re

from django.contrib.auth.models import Permission

from institutions.models import Intake, Programme, Scholarship

CQ_PREP = "preparation-courses-for-study-in-germany-with-bsk-germany"


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def test_an_editor_adds_an_intake_and_fees_in_the_admin(client, root, chongqing):
    programme = Programme.objects.get(institution=chongqing, slug=CQ_PREP)
    client.force_login(root)
    url = f"/admin/institutions/programme/{programme.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "tuition": "16000",
            "taught_in_english": "on",
            "intakes-TOTAL_FORMS": "1",
            "intakes-INITIAL_FORMS": "0",
            "intakes-0-starts": "2099-09-01",
            "intakes-0-deadline_0": "2099-06-30",
            "intakes-0-deadline_1": "23:59:00",
        }
    )
    data.pop("scholarships", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    programme.refresh_from_db()
    assert programme.tuition == 16000 and programme.taught_in_english
    intake = Intake.objects.get(programme=programme)
    # Entered in the portal's time zone, Beijing time.
    assert intake.deadline.isoformat() == "2099-06-30T15:59:00+00:00"


def test_an_editor_meets_only_their_colleges_programmes_and_scholarships(
    client, chen, chongqing, jinhua
):
    chen.memberships.update(is_editor=True)
    grant(chen, "view_programme", "change_programme", "view_scholarship")
    own = Scholarship.objects.create(
        institution=chongqing, name_en="CIPC Scholarship", provider="college"
    )
    Scholarship.objects.create(
        institution=jinhua, name_en="Jinhua Scholarship", provider="college"
    )
    national = Scholarship.objects.create(name_en="CSC", provider="csc")
    client.force_login(chen)
    listing = client.get("/admin/institutions/programme/").content.decode()
    assert "Preparation Courses for Study in Germany" in listing
    assert "Science" not in re.findall(r'<th class="field-name">(.*?)</th>', listing)
    programme = Programme.objects.get(institution=chongqing, slug=CQ_PREP)
    form = client.get(f"/admin/institutions/programme/{programme.pk}/change/")
    choices = set(form.context["adminform"].form.fields["scholarships"].queryset)
    assert choices == {own, national}
    other = Programme.objects.filter(
        institution=jinhua
    ).first() or Programme.objects.get(slug="science")
    assert (
        client.get(f"/admin/institutions/programme/{other.pk}/change/").status_code
        == 404
    )
    scholarships = client.get("/admin/institutions/scholarship/").content.decode()
    assert (
        "CIPC Scholarship" in scholarships and "Jinhua Scholarship" not in scholarships
    )
