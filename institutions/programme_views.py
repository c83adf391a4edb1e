"""A programme's page, the search across every college's programmes, and
colleges side by side. Each costs a fixed number of queries at any size."""

from collections import Counter
from math import ceil
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext
from django.views.generic import TemplateView

from portal.pagecache import cached_page

from .forms import CompareForm, ProgrammeSearchForm, offered
from .models import Fact, Institution, Programme, Section, in_contract_order
from .structured_data import programme_data
from .views import (
    FilteredListMixin,
    page_links,
    params_of,
    published_sections,
    with_query,
)

PAGE_SIZE = 20
# Counting every match of a word reads all 90,000 programmes; counting stops
# here, and the list goes on for this many (50 pages).
COUNT_UP_TO = 1000


class CountUpToPaginator(Paginator):
    @cached_property
    def count(self):
        # Unordered: sorted, every match would be found before the limit.
        matches = self.object_list.order_by()[: COUNT_UP_TO + 1]
        return min(matches.count(), COUNT_UP_TO + 1)

    @property
    def more_than_counted(self):
        return self.count > COUNT_UP_TO

    @cached_property
    def num_pages(self):
        return ceil(min(self.count, COUNT_UP_TO) / self.per_page) or 1


def next_deadline(programme, now):
    upcoming = [i for i in programme.intakes.all() if i.deadline and i.deadline > now]
    return min(upcoming, key=lambda i: i.deadline) if upcoming else None


@method_decorator(cached_page(), name="dispatch")
class ProgrammeDetailView(TemplateView):
    template_name = "institutions/programme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = get_object_or_404(
            Programme.objects.filter(institution__is_published=True)
            .select_related("institution")
            .prefetch_related(
                "intakes",
                "scholarships",
                Prefetch(
                    "institution__sections",
                    queryset=Section.objects.filter(is_published=True),
                    to_attr="published_sections",
                ),
            ),
            institution__slug=self.kwargs["slug"],
            slug=self.kwargs["programme"],
        )
        college = programme.institution
        now = timezone.now()
        context.update(
            programme=programme,
            institution=college,
            sections=in_contract_order(college.published_sections),
            intakes=[
                {"intake": i, "passed": bool(i.deadline and i.deadline <= now)}
                for i in programme.intakes.all()
            ],
            inquire_url=reverse("applications:inquire", kwargs={"slug": college.slug})
            + "?"
            + urlencode({"programme": programme.slug}),
            structured_data=programme_data(programme, self.request),
        )
        return context


def not_a_search(request):
    """A search, or what depends on the clock, is not kept in the cache."""
    return not request.GET.get("q", "").strip() and not request.GET.get("open")


@method_decorator(
    cached_page(params=(*ProgrammeSearchForm.FILTERS, "page"), cacheable=not_a_search),
    name="dispatch",
)
class ProgrammeSearchView(FilteredListMixin, TemplateView):
    """Programmes of every published college, open to students from abroad."""

    template_name = "institutions/programme_search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = offered()
        form = ProgrammeSearchForm(
            self.request.GET, kinds=choices["kinds"], languages=choices["languages"]
        )
        form.is_valid()
        filters = form.valid_filters()
        queryset = form.filter(
            Programme.objects.filter(
                institution__is_published=True, open_to_international=True
            )
            .select_related("institution")
            .prefetch_related("intakes")
            .order_by("institution__order", "institution__slug", "order", "id"),
            filters,
        )
        paginator = CountUpToPaginator(queryset, PAGE_SIZE)
        page = self.page_of(paginator, form)
        now = timezone.now()
        programmes = list(page)
        for programme in programmes:
            programme.next_deadline = next_deadline(programme, now)
        context.update(
            form=form,
            programmes=programmes,
            page_obj=page,
            filtered=bool(filters),
            filters_stamp=choices["stamp"],
            searching=bool(filters.get("q")),
            result_count=(
                gettext("More than %(count)s programmes")
                % {"count": f"{COUNT_UP_TO:,}"}
                if paginator.more_than_counted
                else ngettext(
                    "%(count)s programme", "%(count)s programmes", paginator.count
                )
                % {"count": paginator.count}
            ),
            pages=page_links(page, filters),
            **with_query(self.request, params_of(filters, page.number)),
        )
        return context


def compare_rows(colleges):
    """One row per fact, in the same order for every college: its label, and
    a cell per college with its lines (none: "not stated")."""
    rows = [
        (gettext("Founded"), [founded(c) for c in colleges]),
        (gettext("Students"), [fact_values(c, Fact.Kind.STUDENTS) for c in colleges]),
        (gettext("Programmes by level"), [by_level(c) for c in colleges]),
        (gettext("Tuition (yuan a year)"), [tuition_range(c) for c in colleges]),
        (gettext("Languages of instruction"), [languages(c) for c in colleges]),
        (gettext("Scholarships"), [scholarships(c) for c in colleges]),
        (
            gettext("Chinese Bridge delegations"),
            [section_link(c, Section.Kind.CHINESE_BRIDGE) for c in colleges],
        ),
        (
            gettext("Partnership"),
            [section_link(c, Section.Kind.PARTNERSHIP) for c in colleges],
        ),
    ]
    return [
        {
            "label": label,
            "cells": [
                {"college": college, "lines": lines}
                for college, lines in zip(colleges, values, strict=True)
            ],
        }
        for label, values in rows
    ]


def founded(college):
    """The "founded" fact as the college words it (1956年), else the year."""
    fact = fact_values(college, Fact.Kind.FOUNDED)
    if fact or not college.founded:
        return fact
    return [{"text": str(college.founded)}]


def fact_values(college, kind):
    return [{"text": f.value} for f in college.facts.all() if f.kind == kind]


def by_level(college):
    counts = Counter(p.kind for p in college.programmes.all() if p.kind)
    return [
        {
            "text": ngettext(
                "%(level)s: %(count)d programme",
                "%(level)s: %(count)d programmes",
                counts[value],
            )
            % {"level": label, "count": counts[value]}
        }
        for value, label in Programme.Kind.choices
        if counts[value]
    ]


def tuition_range(college):
    fees = sorted(p.tuition for p in college.programmes.all() if p.tuition is not None)
    if not fees:
        return []
    low, high = f"{fees[0]:,}", f"{fees[-1]:,}"
    if low == high:
        return [{"text": low}]
    return [{"text": gettext("%(low)s to %(high)s") % {"low": low, "high": high}}]


def languages(college):
    return [
        {"text": label}
        for _name, (field, label) in Programme.LANGUAGES.items()
        if any(getattr(p, field) for p in college.programmes.all())
    ]


def scholarships(college):
    found = {s.pk: s for s in college.scholarships.all()}
    for programme in college.programmes.all():
        found.update((s.pk, s) for s in programme.scholarships.all())
    return [{"text": s.name} for s in sorted(found.values(), key=lambda s: s.order)]


def section_link(college, kind):
    return [
        {"text": s.title, "url": s.get_absolute_url()}
        for s in college.published_sections
        if s.kind == kind
    ]


# A comparison names a college twice or more: never kept, but it gets an ETag.
@method_decorator(cached_page(), name="dispatch")
class CompareView(TemplateView):
    template_name = "institutions/compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CompareForm(self.request.GET.getlist("college"))
        colleges = form.find(
            Institution.objects.published().prefetch_related(
                "facts",
                "scholarships",
                Prefetch(
                    "programmes",
                    queryset=Programme.objects.prefetch_related("scholarships"),
                ),
                published_sections(),
            )
        )
        context.update(
            form=form,
            colleges=colleges,
            rows=compare_rows(colleges) if len(colleges) >= 2 else [],
            **with_query(self.request, {"college": [c.slug for c in colleges]}),
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["form"].errors:
            response.page_cache = False
        return response
