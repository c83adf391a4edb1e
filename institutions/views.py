"""The public pages of the colleges.

Each page costs a fixed number of queries whatever the number of colleges
(``prefetch_related`` for a college's lists); whole pages are cached per
language in the shared pages cache (``portal.pagecache``), and the home
page's college cards each under its college's ``updated_at`` (``{% cache %}``
in ``home.html``), whose rows are read only when the card is not kept.
"""

from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext, ngettext
from django.views.generic import DetailView, TemplateView

from portal.context_processors import site
from portal.pagecache import cached_page

from .forms import DirectoryForm, offered, province_choices
from .models import Institution, Programme, Section, in_contract_order
from .structured_data import structured_data

PAGE_SIZE = 20
FILTERS = ("q", "province", "kind")

# The first cards are in view as the page opens: their logos load at once.
EAGER = 2


def published_sections(*lookups, joined=()):
    sections = Section.objects.filter(is_published=True)
    if joined:  # select_related() with no names would join every foreign key
        sections = sections.select_related(*joined)
    return Prefetch(
        "sections",
        queryset=sections.prefetch_related(*lookups),
        to_attr="published_sections",
    )


def not_a_search(request):
    """A search is the visitor's own, and is not cached."""
    return not request.GET.get("q", "").strip()


class FilteredListMixin:
    """A list filtered by a GET form and paged: a page answered for a bad
    filter or an odd page number (``?page=007``) is not kept in the shared
    page cache."""

    def page_of(self, paginator, form):
        """The page the visitor asked for; a page number that is not one is
        explained on the form, and a page past the end is a 404."""
        number = self.request.GET.get("page", "1")
        if not number.isdigit():
            number = "1"
            form.add_error(
                None,
                gettext("The page number was not valid, so the first page is shown."),
            )
        try:
            return paginator.page(number)
        except EmptyPage:
            raise Http404("No such page.") from None

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        number = self.request.GET.get("page")
        if context["form"].errors or (
            number and number != str(context["page_obj"].number)
        ):
            response.page_cache = False
        return response


def with_query(request, params):
    """Canonical, hreflang and switcher links of this page with ``params``."""
    query = "?" + urlencode(params, doseq=True) if params else ""
    links = site(request)
    for alt in links["alternates"]:
        alt["path"] += query
        alt["url"] += query
    return {
        "alternates": links["alternates"],
        "other_languages": [a for a in links["alternates"] if not a["current"]],
        "x_default_url": links["x_default_url"] + query,
        "canonical_url": settings.SITE_URL + request.path + query,
    }


@method_decorator(
    cached_page(params=(*FILTERS, "page"), cacheable=not_a_search), name="dispatch"
)
class HomeView(FilteredListMixin, TemplateView):
    """Every published college, a page at a time, with filters and a search."""

    template_name = "institutions/home.html"

    def get_queryset(self):
        return Institution.objects.published()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choices = offered()
        form = DirectoryForm(
            self.request.GET,
            provinces=province_choices(choices["provinces"], get_language()),
            kinds=choices["kinds"],
        )
        form.is_valid()
        paginator = Paginator(form.filter(self.get_queryset()), PAGE_SIZE)
        page = self.page_of(paginator, form)
        colleges = list(page)
        for place, college in enumerate(colleges):
            college.loading = "eager" if place < EAGER else "lazy"
            # Names what the card shows: {% cache %} keeps it under this.
            college.card_version = (
                f"{college.pk}:{college.updated_at.isoformat()}:"
                f"{get_language()}:{college.loading}"
            )
        read_for_cards(colleges)
        filters = {
            name: form.cleaned_data[name]
            for name in FILTERS
            if form.cleaned_data.get(name)
        }
        context.update(
            form=form,
            colleges=colleges,
            page_obj=page,
            filtered=bool(filters),
            filters_stamp=choices["stamp"],
            province_label=dict(form.fields["province"].choices).get(
                filters.get("province")
            ),
            searching=bool(filters.get("q")),
            result_count=ngettext(
                "%(count)s college", "%(count)s colleges", paginator.count
            )
            % {"count": paginator.count},
            pages=page_links(page, filters),
            **with_query(self.request, params_of(filters, page.number)),
        )
        return context


def params_of(filters, number):
    """The filters, and the page number past the first: a page's address."""
    return dict(filters, **({"page": number} if number > 1 else {}))


def read_for_cards(colleges):
    """Read what the cards not yet kept (``{% cache %}`` under each college's
    ``card_version``) show: their facts, sections and levels. After a change
    only the changed college's card is rendered again, so only its rows are
    read; the queries are the same three however many cards are missing."""
    keys = {make_template_fragment_key("card", [c.card_version]): c for c in colleges}
    kept = caches["template_fragments"].get_many(keys)
    missing = [college for key, college in keys.items() if key not in kept]
    if not missing:
        return
    prefetch_related_objects(missing, "facts", published_sections())
    levels = levels_offered(missing)
    for college in missing:
        college.published_sections = in_contract_order(college.published_sections)
        college.levels = levels[college.pk]


def levels_offered(colleges):
    """The labels of the levels each college's programmes have, by college id.

    One row per college and level: a card needs no more of the thirty or so
    programmes a college has.
    """
    kinds = defaultdict(set)
    rows = (
        Programme.objects.filter(institution__in=colleges)
        .order_by()
        .values_list("institution_id", "kind")
        .distinct()
    )
    for college_id, kind in rows:
        kinds[college_id].add(kind)
    return {
        college.pk: [
            label
            for value, label in Programme.Kind.choices
            if value in kinds[college.pk]
        ]
        for college in colleges
    }


def page_links(page, filters):
    """The pagination links: numbers around the current page, and the ends."""

    def url(number):
        params = params_of(filters, number)
        return "?" + urlencode(params) if params else "?"

    paginator = page.paginator
    links = {
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
        "numbers": [],
    }
    if paginator.num_pages > 1:
        for number in paginator.get_elided_page_range(
            page.number, on_each_side=1, on_ends=1
        ):
            links["numbers"].append(
                {
                    "number": number,
                    "url": url(number) if number != paginator.ELLIPSIS else "",
                    "current": number == page.number,
                }
            )
    return links


class InstitutionMixin:
    model = Institution
    context_object_name = "institution"

    def get_queryset(self):
        return Institution.objects.published().prefetch_related(*self.lists)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = in_contract_order(self.object.published_sections)
        context["inquire_url"] = reverse(
            "applications:inquire", kwargs={"slug": self.object.slug}
        )
        return context


@method_decorator(cached_page(), name="dispatch")
class InstitutionDetailView(InstitutionMixin, DetailView):
    template_name = "institutions/institution_detail.html"
    lists = (
        "facts",
        "former_names",
        "schools",
        "programmes",
        published_sections(),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data(self.object, self.request)
        return context


@method_decorator(cached_page(), name="dispatch")
class SectionDetailView(InstitutionMixin, DetailView):
    template_name = "institutions/section_detail.html"
    lists = ("facts", published_sections("signatories", joined=["bridge_offer"]))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = Section.kind_from_slug(self.kwargs["section"])
        matching = [s for s in context["sections"] if s.kind == kind]
        if not matching:
            raise Http404("This college has no such section.")
        context["section"] = section = matching[0]
        # A Chinese Bridge section's offer, as far as the college stated it.
        offer = getattr(section, "bridge_offer", None)
        context["bridge_facts"] = offer.facts if offer else []
        return context
