"""Programmes a student can decide on: their page, the search across
colleges, the home page's search by subject, and colleges side by side."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from institutions.models import Institution, Intake, Programme, Scholarship

from .many_colleges import add_colleges

CQ = "chongqing-industry-polytechnic-college"
JH = "jinhua-polytechnic"
CQ_MECH = (
    "joint-dual-associate-degree-programme-with-canadian-higher-education-"
    "mechanical-engineering"
)
PAGE = f"/{{lang}}/institutions/{CQ}/programmes/{CQ_MECH}/"


def card_titles(response):
    html = response.content.decode()
    return re.findall(r'<h3 class="card-title"><a href="[^"]+">([^<]+)</a>', html)


def result_links(response):
    return re.findall(
        r'<h3 class="card-title"><a href="([^"]+)">', response.content.decode()
    )


def json_ld(response):
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


@pytest.fixture
def detailed(chongqing):
    """Chongqing's mechanical engineering programme with what a college
    might give: fees, languages, requirements, an intake, a scholarship."""
    programme = Programme.objects.get(institution=chongqing, slug=CQ_MECH)
    programme.tuition = 15000
    programme.accommodation = 4800
    programme.taught_in_chinese = True
    programme.taught_bilingual = True
    programme.duration = 3
    programme.hsk_level = 4
    programme.english_test = "IELTS"
    programme.english_score = Decimal("5.5")
    programme.min_age, programme.max_age = 18, 30
    programme.prior_education_en = "A senior high school diploma"
    programme.prior_education_zh_hans = "高中毕业"
    programme.save()
    Intake.objects.create(
        programme=programme,
        starts=datetime.date(2099, 9, 1),
        # 23:59 in Beijing is 15:59 UTC.
        deadline=datetime.datetime(2099, 6, 30, 15, 59, tzinfo=datetime.UTC),
    )
    csc = Scholarship.objects.create(
        name_en="Chinese Government Scholarship",
        name_zh_hans="中国政府奖学金",
        provider=Scholarship.Provider.CSC,
        covers_en="Tuition, accommodation and a monthly allowance",
        covers_zh_hans="学费、住宿费和生活费",
        link="https://www.campuschina.org/",
    )
    programme.scholarships.add(csc)
    return programme


# ---------------------------------------------------------------- home search


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("q", ["mechanical engineering", "机械", "Mechanical"])
def test_the_home_search_finds_a_college_by_its_schools_and_programmes(
    seeded, client, lang, q
):
    found = card_titles(client.get(f"/{lang}/", {"q": q}))
    name = seeded[CQ].name_en if lang == "en" else seeded[CQ].name_zh_hans
    assert name in found


def test_the_home_search_finds_a_programme_name_inside_chinese_words(seeded, client):
    # 金融 only inside 中加合作办学双专科学历项目：金融专业.
    assert card_titles(client.get("/zh-hans/", {"q": "金融"})) == [
        "重庆工业职业技术学院"
    ]


def test_the_directory_offers_only_levels_that_colleges_offer(seeded, client):
    html = client.get("/en/").content.decode()
    assert 'value="bachelor"' in html and 'value="preparatory"' in html
    assert 'value="master"' not in html and 'value="doctorate"' not in html


def test_the_directory_filters_fold_away_without_script(seeded, client):
    html = client.get("/en/").content.decode()
    assert re.search(r'<details class="filters">\s*<summary>', html)
    # Open when a filter is in use, so that the visitor sees it.
    assert (
        '<details class="filters" open>'
        in client.get("/en/", {"province": "Beijing"}).content.decode()
    )


def test_each_card_has_a_compare_box_in_a_form_to_the_comparison(seeded, client):
    html = client.get("/en/").content.decode()
    form = re.search(r'<form method="get" action="/en/compare/".*?</form>', html, re.S)
    assert form
    boxes = re.findall(
        r'<input type="checkbox" name="college" value="([^"]+)"', form.group(0)
    )
    assert set(boxes) == set(seeded)


# ---------------------------------------------------------------- the search


@pytest.mark.parametrize("q", ["mechanical engineering", "机械", "MECHANICAL"])
def test_the_programme_search_finds_chongqing_programmes_in_either_language(
    seeded, client, q
):
    response = client.get("/en/programmes/", {"q": q})
    links = result_links(response)
    assert f"/en/institutions/{CQ}/programmes/{CQ_MECH}/" in links
    for link in links:
        assert client.get(link).status_code == 200
        assert client.get(link.replace("/en/", "/zh-hans/", 1)).status_code == 200


def test_the_search_lists_every_published_colleges_programmes(seeded, client):
    Institution.objects.filter(slug=JH).update(is_published=False)
    Programme.objects.create(institution=seeded[JH], name_en="Nursing")
    html = client.get("/en/programmes/").content.decode()
    count = Programme.objects.filter(institution__is_published=True).count()
    assert f"{count} programmes" in html
    assert "Nursing" not in html


def test_the_search_filters_by_level_language_tuition_and_deadline(detailed, client):
    def found(**params):
        return [
            link.rsplit("/", 2)[-2]
            for link in result_links(client.get("/en/programmes/", params))
        ]

    assert found(level="preparatory") == [
        "preparation-courses-for-study-in-germany-with-bsk-germany"
    ]
    assert found(language="bilingual") == [CQ_MECH]
    assert found(max_tuition="15000") == [CQ_MECH]
    assert found(max_tuition="14999") == []
    assert found(open="1") == [CQ_MECH]
    Intake.objects.update(deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert found(open="1") == []


def test_a_filter_offers_only_values_that_exist(detailed, client):
    html = client.get("/en/programmes/").content.decode()
    assert 'value="chinese"' in html and 'value="bilingual"' in html
    assert 'value="english"' not in html
    assert 'value="master"' not in html and 'value="diploma"' in html


@pytest.mark.parametrize("params", [{}, {"q": "机械"}])
def test_the_deadline_box_sits_beside_its_label(detailed, client, params):
    html = client.get("/zh-hans/programmes/", params).content.decode()
    assert re.search(
        r'<div class="choice"><input type="checkbox" name="open"[^>]*>'
        r'<label for="id_open">只看申请尚未截止的项目</label></div>',
        html,
    )


def test_the_filters_follow_a_change_of_programmes(detailed, client):
    # The blank filters are kept between visitors until the content changes.
    client.get("/en/programmes/")
    detailed.kind, detailed.taught_in_english = "master", True
    detailed.save()
    for path in ("/en/programmes/", "/en/"):
        html = client.get(path).content.decode()
        assert '<option value="master">' in html, path
    assert 'value="english"' in client.get("/en/programmes/").content.decode()
    # A search shows what was asked, never the kept blank filters.
    html = client.get("/en/programmes/", {"level": "master"}).content.decode()
    assert '<option value="master" selected>' in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"max_tuition": "cheap"}, "whole number of yuan"),
        ({"max_tuition": "-5"}, "whole number of yuan"),
        ({"max_tuition": "1e99"}, "whole number of yuan"),
        ({"max_tuition": "99999999999"}, "at most 10,000,000"),
        ({"level": "astronaut"}, "Choose a level from the list."),
        ({"open": "maybe"}, "Tick the box or leave it empty."),
        ({"page": "two"}, "The page number was not valid"),
        ({"q": "x" * 101}, "at most 100 characters"),
    ],
)
def test_a_bad_parameter_gets_a_message_beside_its_field(
    seeded, client, params, message
):
    response = client.get("/en/programmes/", params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response["X-Page-Cache"] == "bypass"


def test_a_bad_parameter_is_explained_in_chinese(seeded, client):
    html = client.get("/zh-hans/programmes/", {"max_tuition": "cheap"}).content.decode()
    assert "请以元为单位填写整数学费，例如20000。" in html


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_a_programme_page_leaves_out_what_the_college_has_not_given(
    seeded, client, lang
):
    response = client.get(PAGE.format(lang=lang))
    assert response.status_code == 200
    html = response.content.decode()
    for absent in (
        "Tuition",
        "学费",
        "Deadlines",
        "截止",
        "HSK",
        "Scholarships",
        "奖学金",
    ):
        assert absent not in html
    data = json_ld(response)
    assert data["@type"] == "EducationalOccupationalProgram"
    assert "offers" not in data and "applicationDeadline" not in data


def test_a_programme_page_shows_fees_intakes_requirements_and_scholarships(
    detailed, client
):
    response = client.get(PAGE.format(lang="en"))
    html = response.content.decode()
    assert "15,000 yuan a year" in html and "4,800 yuan a year" in html
    assert "Application fee" not in html  # not given
    assert "Chinese, Bilingual (Chinese and English)" in html
    assert "3 years" in html
    assert "apply by June 30, 2099, 11:59 p.m. Beijing time" in html
    assert "Beijing time (UTC+8)" in html
    assert "HSK level 4" in html and "IELTS, at least 5.5" in html
    assert "18 to 30" in html and "A senior high school diploma" in html
    assert "Chinese Government Scholarship" in html
    data = json_ld(response)
    assert data["offers"]["price"] == 15000 and data["offers"]["priceCurrency"] == "CNY"
    assert data["applicationDeadline"] == "2099-06-30T15:59:00+00:00"
    assert data["timeToComplete"] == "P3Y" and data["inLanguage"] == ["zh", "en"]
    zh = client.get(PAGE.format(lang="zh-hans")).content.decode()
    assert "每年15,000元" in zh
    assert "北京时间2099年6月30日 23:59前申请" in zh
    assert "高中毕业" in zh and "中国政府奖学金" in zh


def test_a_deadline_passed_says_so(detailed, client):
    Intake.objects.update(deadline=timezone.now() - datetime.timedelta(days=1))
    assert "deadline passed" in client.get(PAGE.format(lang="en")).content.decode()


def test_a_programme_has_a_page_only_at_its_own_college(seeded, client):
    assert client.get(f"/en/institutions/{JH}/programmes/{CQ_MECH}/").status_code == 404
    Institution.objects.filter(slug=CQ).update(is_published=False)
    assert client.get(PAGE.format(lang="en")).status_code == 404


def test_the_profile_links_each_programme_and_the_sitemap_lists_them(seeded, client):
    html = client.get(f"/en/institutions/{CQ}/").content.decode()
    assert f'href="/en/institutions/{CQ}/programmes/{CQ_MECH}/"' in html
    xml = client.get("/sitemap.xml").content.decode()
    assert f"/zh-hans/institutions/{CQ}/programmes/{CQ_MECH}/" in xml
    assert "/en/programmes/" in xml


def test_the_inquiry_form_preselects_the_programme_of_the_page(seeded, client):
    html = client.get(PAGE.format(lang="en")).content.decode()
    link = f"/en/institutions/{CQ}/inquire/?programme={CQ_MECH}"
    assert f'href="{link}"' in html
    form = client.get(link).content.decode()
    pk = Programme.objects.get(slug=CQ_MECH).pk
    assert re.search(rf'<option value="{pk}" selected>', form)
    assert re.search(r'value="study"[^>]*checked', form)
    by_id = client.get(f"/en/institutions/{CQ}/inquire/", {"programme": pk})
    assert re.search(rf'<option value="{pk}" selected>', by_id.content.decode())


@pytest.mark.parametrize("value", ["nonsense", "999999", "", "science"])
def test_the_inquiry_form_ignores_a_programme_it_does_not_have(seeded, client, value):
    # "science" is BJUT's, not Chongqing's.
    response = client.get(f"/en/institutions/{CQ}/inquire/", {"programme": value})
    assert response.status_code == 200
    assert not re.search(r'<option value="\d+" selected>', response.content.decode())


# ---------------------------------------------------------------- compare


def compare(client, lang, *slugs):
    return client.get(f"/{lang}/compare/", {"college": list(slugs)})


def rows(html):
    return re.findall(r'<th scope="row">([^<]+)</th>', html)


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_compare_shows_two_colleges_in_the_same_rows(seeded, client, lang):
    response = compare(client, lang, CQ, JH)
    assert response.status_code == 200
    html = response.content.decode()
    labels = rows(html)
    assert len(labels) == 8
    cells = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S)
    assert all(cell.count("<td>") == 2 for cell in cells)
    if lang == "en":
        assert labels[0] == "Founded" and "not stated" in html
        assert "Vocational diploma (associate degree): 3 programmes" in html
    else:
        assert labels[0] == "建校时间" and "未提供" in html
        assert "高职专科：3个项目" in html


def test_compare_keeps_the_order_the_colleges_were_named_in(seeded, client):
    html = compare(client, "en", JH, CQ).content.decode()
    assert html.index("Jinhua Polytechnic</a></th>") < html.index(
        "Chongqing Industry Polytechnic College</a></th>"
    )


def test_compare_shows_tuition_range_languages_and_scholarships(detailed, client):
    other = Programme.objects.get(
        slug="germany-china-automotive-mechatronics-training-programme"
    )
    other.tuition = 9000
    other.save()
    html = compare(client, "en", CQ, JH).content.decode()
    assert "9,000 to 15,000" in html
    assert "Chinese Government Scholarship" in html
    assert "Bilingual (Chinese and English)" in html


@pytest.mark.parametrize(
    "slugs, message",
    [
        ((CQ,), "Choose two to four colleges to compare."),
        ((), "Choose two to four colleges to compare."),
        ((CQ, CQ), "Choose two to four colleges to compare."),
        ((CQ, "harvard"), "There is no published college “harvard”."),
        ((CQ, JH, "a", "b", "c"), "Choose at most four colleges to compare."),
    ],
)
def test_compare_explains_what_it_cannot_compare(seeded, client, slugs, message):
    response = compare(client, "en", *slugs)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_compare_names_the_unknown_college_in_chinese(seeded, client):
    html = compare(client, "zh-hans", CQ, JH, "<b>x</b>").content.decode()
    assert "没有名为“&lt;b&gt;x&lt;/b&gt;”的已发布院校。" in html
    assert len(rows(html)) == 8  # the two it knows are still compared


# ---------------------------------------------------------------- hostile input

PARAMS = st.dictionaries(
    st.sampled_from(["q", "level", "language", "max_tuition", "open", "page"]),
    st.text(max_size=30),
    max_size=6,
)


def test_no_new_parameter_gets_a_500(seeded, client):
    """Any text in any of the new pages' parameters: a page, never an error."""

    @given(params=PARAMS)
    def search(params):
        response = client.get("/en/programmes/", params)
        assert response.status_code in (200, 404)  # 404: a page past the last

    @given(slugs=st.lists(st.text(max_size=40), max_size=6))
    def colleges(slugs):
        assert compare(client, "zh-hans", *slugs).status_code == 200

    @given(value=st.text(max_size=40))
    def programme(value):
        response = client.get(f"/en/institutions/{CQ}/inquire/", {"programme": value})
        assert response.status_code == 200

    search()
    colleges()
    programme()


# ---------------------------------------------------------------- at size


@pytest.mark.parametrize("colleges", [4, 40])
def test_the_new_pages_cost_a_fixed_number_of_queries(
    seeded, client, django_assert_num_queries, colleges
):
    add_colleges(colleges - len(seeded))
    client.get("/en/programmes/")  # the filters' choices, kept while unchanged
    pages = {
        # The stamp of the filters' choices, the count, one page of
        # programmes with their colleges, their intakes.
        "/en/programmes/?q=engineering": 4,
        "/zh-hans/programmes/?level=bachelor&language=&page=1": 4,
        # The programme with its college, its intakes, its scholarships and
        # the college's published sections.
        PAGE.format(lang="en"): 4,
        # The colleges, their facts, scholarships, programmes, the
        # programmes' scholarships and the published sections.
        f"/en/compare/?college={CQ}&college={JH}&college=generated-college-0000": 6,
    }
    for path, queries in pages.items():
        with django_assert_num_queries(queries):
            response = client.get(path)
        assert response.status_code == 200, path


def test_linking_a_scholarship_is_a_change_of_the_college(detailed, client):
    page = PAGE.format(lang="en")
    client.get(page)
    assert client.get(page)["X-Page-Cache"] == "hit"
    before = Institution.objects.get(slug=CQ).updated_at
    detailed.scholarships.clear()
    assert Institution.objects.get(slug=CQ).updated_at > before
    html = client.get(page).content.decode()
    assert "Chinese Government Scholarship" not in html


def test_the_search_counts_up_to_a_thousand_and_says_more(seeded, client, monkeypatch):
    from institutions import programme_views

    monkeypatch.setattr(programme_views, "COUNT_UP_TO", 40)
    add_colleges(50)  # 50 programmes called Engineering
    first = client.get("/en/programmes/", {"q": "engineering"}).content.decode()
    assert "More than 40 programmes" in first and "page 1 of 2" in first
    zh = client.get("/zh-hans/programmes/", {"q": "engineering"}).content.decode()
    assert "超过40个项目" in zh
    assert (
        client.get("/en/programmes/", {"q": "engineering", "page": "3"}).status_code
        == 404
    )
