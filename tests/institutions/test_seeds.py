"""The seed loader: idempotent, respectful of staff edits, faithful to the sources."""

import datetime
import hashlib
import html
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from institutions.models import Fact, Institution, Programme, School, Section
from institutions.seeding import SeedError, load_seeds

SOURCES = Path(__file__).resolve().parents[2] / "seeds" / "source"
# From ../shared/CONTRACT.md: which college each source document belongs to.
SOURCE_COLLEGE = {
    "000_25265ebef0c61237.txt": "beijing-polytechnic-university",
    "001_f1a04d615e217fe0.txt": "beijing-university-of-technology",
    "002_9d4bc0301cb7d876.txt": "chongqing-industry-polytechnic-college",
    "003_53ceae0b47568f73.txt": "chongqing-industry-polytechnic-college",
    "004_5694882df1152261.txt": "jinhua-polytechnic",
}
# The scraped page's own <title>, not content of the document.
NOT_CONTENT = {
    "Beijing Polytechnic University-Welcome to Beijing Polytechnic University"
}
# Misspellings mended on purpose (seeds/README.md); words that ran together
# and missing spaces need no entry, since the comparison ignores spacing.
MENDS = [
    ("chongoing", "chongqing"),
    (" pf ", " of "),
    # 003's Chinese says 1867.82亩: mu, not acres (about 124.5 ha).
    ("1867.82 acres", "1,867.82 mu (about 124.5 hectares)"),
]
CJK = re.compile(r"[\u4e00-\u9fff]")


def normalise(text):
    text = " " + html.unescape(text).lower() + " "
    for wrong, right in MENDS:
        text = text.replace(wrong, right)
    return re.sub(r"[\W_]+", "", text)


def source_paragraphs(name, chinese, min_length=60):
    text = (SOURCES / name).read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return [
        p
        for p in paragraphs
        if len(p) >= min_length
        and bool(CJK.search(p)) == chinese
        and p not in NOT_CONTENT
    ]


def pages_text(client, lang, slug):
    college = Institution.objects.get(slug=slug)
    urls = [college.get_absolute_url()] + [
        s.get_absolute_url() for s in college.sections.all()
    ]
    texts = []
    for url in urls:
        response = client.get(url.replace("/en/", f"/{lang}/", 1))
        assert response.status_code == 200, url
        texts.append(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return normalise(" ".join(texts))


def database_dump():
    return {
        model.__name__: sorted(
            tuple(str(v) for v in row) for row in model.objects.values_list()
        )
        for model in (Institution, Section, Fact, School)
    }


@pytest.mark.parametrize("name", sorted(SOURCE_COLLEGE))
def test_it_puts_every_english_paragraph_of_the_sources_on_the_english_pages(
    seeded, client, name
):
    text = pages_text(client, "en", SOURCE_COLLEGE[name])
    paragraphs = source_paragraphs(name, chinese=False)
    assert paragraphs
    missing = [p[:80] for p in paragraphs if normalise(p) not in text]
    assert not missing


def test_it_puts_every_chinese_paragraph_of_003_on_the_chinese_pages(seeded, client):
    name = "003_53ceae0b47568f73.txt"
    text = pages_text(client, "zh-hans", SOURCE_COLLEGE[name])
    # Every one, headings and the short closing paragraph included.
    paragraphs = source_paragraphs(name, chinese=True, min_length=1)
    assert len(paragraphs) == 8
    missing = [p[:40] for p in paragraphs if normalise(p) not in text]
    assert not missing


def test_it_keeps_the_sources_verbatim():
    # SHA256SUMS was taken from ../shared/seeds when the documents arrived.
    sums = (SOURCES / "SHA256SUMS").read_text().split("\n")
    recorded = dict(reversed(line.split("  ")) for line in sums if line)
    assert set(recorded) == set(SOURCE_COLLEGE)
    for name, digest in recorded.items():
        assert hashlib.sha256((SOURCES / name).read_bytes()).hexdigest() == digest


def test_it_mends_scraping_damage_in_the_english(seeded):
    english = " ".join(Section.objects.values_list("body_en", flat=True)) + " ".join(
        Institution.objects.values_list("name_en", flat=True)
    )
    for damage in (
        "2ff170809c7af22b29274faf7d65f86",
        "a4ce50dffd97d98820f09b63e665dda",
        "resourcesand",
        "classroomsmodern",
        "Chongoing",
        "broadensstudentshorizon",
    ):
        assert damage not in english


def test_it_changes_nothing_when_run_twice(seeded):
    before = database_dump()
    report = load_seeds()
    assert report.created == report.updated == report.deleted == 0
    assert database_dump() == before


def test_it_keeps_what_staff_edited_unless_asked_to_overwrite(seeded):
    section = Section.objects.get(
        institution__slug="jinhua-polytechnic", kind=Section.Kind.PARTNERSHIP
    )
    section.title_en = "Partnerships we seek"
    section.save()

    report = load_seeds()
    section.refresh_from_db()
    assert section.title_en == "Partnerships we seek"
    assert section in report.kept

    call_command("load_seeds", "--overwrite", verbosity=0)
    section.refresh_from_db()
    assert section.title_en == "Areas of Interest for Partnership"


def test_it_never_touches_rows_that_staff_added(seeded):
    college = Institution.objects.get(slug="jinhua-polytechnic")
    school = School.objects.create(institution=college, name_en="School of Nursing")
    call_command("load_seeds", "--overwrite", verbosity=0)
    assert School.objects.filter(pk=school.pk).exists()


def test_it_refuses_a_malformed_seed_file_and_writes_nothing(db, tmp_path):
    (tmp_path / "a.toml").write_text('slug = "ok"\n[name]\nen = "OK College"\n')
    (tmp_path / "b.toml").write_text(
        'slug = "broken"\n[name]\nen = "x"\n[[sections]]\nkind = "menu"\n'
    )
    with pytest.raises(SeedError, match="unknown section kind"):
        load_seeds(tmp_path)
    assert not Institution.objects.exists()


def test_it_refuses_an_unknown_kind_of_programme(db, tmp_path):
    (tmp_path / "a.toml").write_text(
        'slug = "ok"\n[name]\nen = "OK College"\n'
        '[[programmes]]\nkind = "phd"\nname = { en = "Physics" }\n'
    )
    with pytest.raises(SeedError, match="unknown programme kind 'phd'"):
        load_seeds(tmp_path)


def test_it_gives_every_college_its_province_as_officially_written(seeded):
    provinces = {
        slug: (en, zh)
        for slug, en, zh in Institution.objects.values_list(
            "slug", "province_en", "province_zh_hans"
        )
    }
    assert provinces == {
        "beijing-polytechnic-university": ("Beijing", "北京市"),
        "beijing-university-of-technology": ("Beijing", "北京市"),
        "chongqing-industry-polytechnic-college": ("Chongqing", "重庆市"),
        "jinhua-polytechnic": ("Zhejiang", "浙江省"),
    }


def test_it_fills_in_fields_added_since_a_college_was_first_seeded(seeded):
    college = Institution.objects.get(slug="jinhua-polytechnic")
    # As a database seeded before provinces existed has the row.
    college.province_en, college.province_zh_hans = None, None
    fields = ["name_en", "name_zh_hans", "city_en", "city_zh_hans", "summary_en"]
    fields += ["summary_zh_hans", "name_note_en", "name_note_zh_hans"]
    fields += ["short_name", "website", "founded", "order", "zh_origin"]
    college.seed_fingerprint = college.fingerprint(fields)
    college.save()
    call_command("load_seeds", verbosity=0)
    college.refresh_from_db()
    assert college.province_zh_hans == "浙江省"


def test_it_gives_seeded_programmes_the_levels_the_sources_support(seeded):
    kinds = Programme.objects.values_list("kind", flat=True)
    assert all(kind in ("", *Programme.Kind.values) for kind in kinds)
    # BJUT's eight discipline areas are fields of study, of no one level.
    bjut = Programme.objects.filter(
        institution__slug="beijing-university-of-technology"
    )
    assert bjut.count() == 8
    assert set(bjut.values_list("kind", flat=True)) == {""}
    # BPU: six undergraduate majors (bachelor's), over 30 junior-college
    # ones; the seven specialty groups span both levels.
    bpu = Programme.objects.filter(institution__slug="beijing-polytechnic-university")
    assert list(bpu.exclude(kind="").values_list("kind", flat=True)) == [
        "bachelor",
        "diploma",
    ]
    assert bpu.filter(kind="", name_zh_hans__endswith="专业群").count() == 7


def test_it_records_where_each_section_came_from_and_whether_it_is_translated(seeded):
    bridge = Section.objects.get(kind=Section.Kind.CHINESE_BRIDGE)
    assert bridge.source == "003_53ceae0b47568f73.txt"
    assert bridge.zh_origin == "original" and not bridge.awaits_review
    why = Section.objects.get(kind=Section.Kind.WHY_US)
    assert why.source == "002_9d4bc0301cb7d876.txt"
    assert why.zh_origin == "translation" and why.awaits_review
    assert all(s.source for s in Section.objects.all())


def test_it_gives_every_college_its_official_chinese_name_and_site(seeded):
    names = dict(Institution.objects.values_list("slug", "name_zh_hans"))
    assert names == {
        "beijing-polytechnic-university": "北京科技职业大学",
        "beijing-university-of-technology": "北京工业大学",
        "chongqing-industry-polytechnic-college": "重庆工业职业技术学院",
        "jinhua-polytechnic": "金华职业技术大学",
    }
    sites = dict(Institution.objects.values_list("slug", "website"))
    assert "www.bpi.edu.cn" in sites["beijing-polytechnic-university"]
    assert "english.bjut.edu.cn" in sites["beijing-university-of-technology"]
    assert "english.cqipc.edu.cn" in sites["chongqing-industry-polytechnic-college"]
    assert "en.jhc.edu.cn" in sites["jinhua-polytechnic"]


def test_it_keeps_former_names_with_the_college(seeded):
    bpu = Institution.objects.get(slug="beijing-polytechnic-university")
    jinhua = Institution.objects.get(slug="jinhua-polytechnic")
    assert "北京电子科技职业学院" in bpu.former_names.values_list("name", flat=True)
    assert "金华职业技术学院" in jinhua.former_names.values_list("name", flat=True)


def test_it_writes_chinese_with_full_width_punctuation(seeded):
    with connection.cursor():
        chinese = " ".join(Section.objects.values_list("body_zh_hans", flat=True))
    assert not re.search(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]", chinese)


def chinese_of(slug):
    college = Institution.objects.get(slug=slug)
    return " ".join(
        [college.name_note_zh_hans, college.summary_zh_hans]
        + list(college.sections.values_list("title_zh_hans", flat=True))
        + list(college.sections.values_list("body_zh_hans", flat=True))
        + list(college.programmes.values_list("name_zh_hans", flat=True))
        + list(college.facts.values_list("value_zh_hans", flat=True))
    )


def test_it_carries_the_native_readers_corrections(seeded):
    bpu = chinese_of("beijing-polytechnic-university")
    # "Most renowned" in all of Beijing, not in its southeast.
    assert "坐落于首都东南部、最负盛名" not in bpu
    assert "是北京最负盛名的职业大学" in bpu
    # The specialty groups do not contain the eight schools.
    assert "下设" not in bpu
    assert "设有机电工程学院" in bpu
    cipc = chinese_of("chongqing-industry-polytechnic-college")
    assert "五家德国汽车制造商" in cipc and "德国五大汽车制造商" not in cipc
    assert "美国印第安纳州常春藤技术社区学院（Ivy Tech Community College）" in cipc
    assert "英国威尔士山谷学院（Coleg y Cymoedd）" in cipc
    # Figures of different years say which year they are from.
    assert "2015—2016年的资料" in cipc and "16000余人（2022年）" in cipc
    assert "1.7万" not in cipc
    # The Chinese Bridge material is the college's, from the platform.
    assert "汉语桥：学校介绍" in cipc and "原载于“汉语桥团组在线体验平台”" in cipc
    jinhua = chinese_of("jinhua-polytechnic")
    assert "最后同样重要的是" not in jinhua and "发展“可持续发展教育”" not in jinhua
    bjut = chinese_of("beijing-university-of-technology")
    assert "人文学科" in bjut and "文学" not in bjut.replace("人文学科", "")


def test_it_dates_each_renaming_without_naming_a_source_document(seeded):
    for slug, year in (
        ("beijing-polytechnic-university", 2025),
        ("jinhua-polytechnic", 2024),
    ):
        college = Institution.objects.get(slug=slug)
        assert f"{year}年" in college.name_note_zh_hans
        assert str(year) in college.name_note_en
        assert "source document" not in college.name_note_en
        assert "来源文件" not in college.name_note_zh_hans
        assert {n.until for n in college.former_names.all()} == {year}


def test_the_campus_area_agrees_in_both_languages(seeded, client):
    slug = "chongqing-industry-polytechnic-college"
    english = pages_text(client, "en", slug)
    chinese = pages_text(client, "zh-hans", slug)
    assert "acres" not in english
    assert normalise("1,867.82 mu (about 124.5 hectares)") in english
    assert normalise("1867.82亩（约124.5公顷）") in chinese


PROGRAMME_SEED = """
slug = "ok"
[name]
en = "OK College"

[[scholarships]]
provider = "college"
deadline = 2027-04-30T23:59:00
[scholarships.name]
en = "OK Scholarship"
zh-hans = "OK学院奖学金"

[[programmes]]
kind = "bachelor"
languages = ["chinese", "bilingual"]
duration = 4
tuition = 18000
hsk_level = 0
english_test = "IELTS"
english_score = 5.5
scholarships = ["OK Scholarship"]
[programmes.name]
en = "Mechanical Engineering"
zh-hans = "机械工程"
[programmes.prior_education]
en = "A senior high school diploma"
zh-hans = "高中毕业"
[[programmes.intakes]]
starts = 2027-09-01
deadline = 2027-06-30T23:59:00
"""


def test_it_reads_a_programmes_details_intakes_and_scholarships(db, tmp_path):
    from decimal import Decimal

    from institutions.models import Scholarship

    (tmp_path / "ok.toml").write_text(PROGRAMME_SEED)
    load_seeds(tmp_path)
    programme = Programme.objects.get()
    assert programme.slug == "mechanical-engineering"
    assert programme.taught_in_chinese and programme.taught_bilingual
    assert not programme.taught_in_english
    assert (programme.duration, programme.tuition, programme.hsk_level) == (4, 18000, 0)
    assert programme.english_score == Decimal("5.5")
    assert programme.prior_education_zh_hans == "高中毕业"
    intake = programme.intakes.get()
    # Written without an offset: Beijing time, 15:59 UTC.
    assert intake.deadline.astimezone(datetime.UTC).hour == 15
    assert list(programme.scholarships.all()) == [Scholarship.objects.get()]
    report = load_seeds(tmp_path)
    assert report.created == report.updated == 0


@pytest.mark.parametrize(
    "change, message",
    [
        ("tuition = 18000", 'tuition = "cheap"'),
        ("hsk_level = 0", "hsk_level = 12"),
        ('languages = ["chinese", "bilingual"]', 'languages = ["klingon"]'),
        ('scholarships = ["OK Scholarship"]', 'scholarships = ["Nobody\'s"]'),
        ("starts = 2027-09-01", 'starts = "September"'),
    ],
)
def test_it_refuses_a_programme_detail_it_cannot_use(db, tmp_path, change, message):
    (tmp_path / "ok.toml").write_text(PROGRAMME_SEED.replace(change, message))
    with pytest.raises(SeedError):
        load_seeds(tmp_path)
    assert not Institution.objects.exists()
