"""Many colleges, made cheaply: a few bulk inserts, no seed loader."""

from institutions.models import Fact, Institution, Programme, Section

SUMMARY = (
    "A public college that welcomes international students, with programmes "
    "in engineering, business and the Chinese language, and a campus of its own."
)


def add_colleges(count, province=("Sichuan", "四川省"), kind="bachelor"):
    """``count`` published colleges after the seed ones, each with key facts,
    two sections and a programme of ``kind``."""
    colleges = Institution.objects.bulk_create(
        Institution(
            slug=f"generated-college-{n:04d}",
            name_en=f"Generated College {n:04d}",
            name_zh_hans=f"生成学院{n:04d}",
            short_name=f"GC{n:04d}",
            province_en=province[0],
            province_zh_hans=province[1],
            city_en="Chengdu",
            city_zh_hans="成都",
            summary_en=SUMMARY,
            summary_zh_hans="一所欢迎国际学生的公办院校，开设工程、商科和汉语课程。",
            order=500,
        )
        for n in range(count)
    )
    Fact.objects.bulk_create(
        Fact(institution=college, kind=fact_kind, value_en=value, value_zh_hans=value)
        for college in colleges
        for fact_kind, value in (
            ("founded", "1978"),
            ("students", "More than 12,000 full-time students"),
            ("majors", "48 majors"),
        )
    )
    Section.objects.bulk_create(
        Section(
            institution=college,
            kind=section_kind,
            title_en=title,
            title_zh_hans=title,
            body_en="A paragraph.",
        )
        for college in colleges
        for section_kind, title in (("about", "About"), ("why_us", "Why us"))
    )
    Programme.objects.bulk_create(
        Programme(
            institution=college, name_en="Engineering", slug="engineering", kind=kind
        )
        for college in colleges
    )
    return colleges
