"""The public pages of the colleges.

Each page costs a fixed number of queries whatever the number of colleges:
a college's small lists come in its own row (``child_rows``), whole pages
are cached per language in the shared pages cache (``portal.pagecache``),
and the directory's college cards each for what it shows (``cards``).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext, ngettext
from django.views.generic import DetailView, TemplateView

from portal.compiled_sql import fetch_compiled
from portal.context_processors import site
from portal.pagecache import cached_page

from .cards import FACTS, college_cards
from .child_rows import Children, attach, attach_children, with_children
from .forms import DirectoryForm, province_choices
from .models import Institution, Section, Signatory, in_contract_order
from .structured_data import structured_data

PAGE_SIZE = 20
FILTERS = ("q", "province", "kind")

PROFILE = [
    FACTS,
    Children("former_names", ["name", "language", "until", "note_en", "note_zh_hans"]),
    Children("schools", ["name_en", "name_zh_hans"]),
    Children(
        "programmes",
        ["kind", "name_en", "name_zh_hans", "description_en", "description_zh_hans"],
    ),
    Children(
        "sections",
        [
            "kind",
            "title_en",
            "title_zh_hans",
            "body_en",
            "body_zh_hans",
            "en_origin",
            "zh_origin",
        ],
        filters={"is_published": True},
        to_attr="published_sections",
    ),
]


def not_a_search(request):
    """A search is the visitor's own, and is not cached."""
    return not request.GET.get("q", "").strip()


@method_decorator(cached_page(cacheable=not_a_search), name="dispatch")
class HomeView(TemplateView):
    """Every published college, a page at a time, with filters and a search."""

    template_name = "institutions/home.html"

    def get_queryset(self):
        """The published colleges' slugs: their cards come from ``cards``."""
        return Institution.objects.published().values_list("slug", flat=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = DirectoryForm(
            self.request.GET, provinces=province_choices(get_language())
        )
        form.is_valid()
        paginator = Paginator(form.filter(self.get_queryset()), PAGE_SIZE)
        number = self.request.GET.get("page", "1")
        if not number.isdigit():
            number = "1"
            form.add_error(
                None,
                gettext("The page number was not valid, so the first page is shown."),
            )
        try:
            page = paginator.page(number)
        except EmptyPage:
            raise Http404("No such page of colleges.") from None
        cards = college_cards(list(page))
        filters = {
            name: form.cleaned_data[name]
            for name in FILTERS
            if form.cleaned_data.get(name)
        }
        context.update(
            form=form,
            cards=cards,
            page_obj=page,
            filtered=bool(filters),
            province_label=dict(form.fields["province"].choices).get(
                filters.get("province")
            ),
            searching=bool(filters.get("q")),
            result_count=ngettext(
                "%(count)s college", "%(count)s colleges", paginator.count
            )
            % {"count": paginator.count},
            pages=page_links(page, filters),
            **self.addresses(filters, page.number),
        )
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["form"].errors:
            # Whatever was typed must not fill the shared cache.
            response.page_cache = False
        return response

    def addresses(self, filters, number):
        """Canonical, hreflang and switcher links that keep the filters."""
        params = dict(filters)
        if number > 1:
            params["page"] = number
        query = "?" + urlencode(params) if params else ""
        links = site(self.request)
        for alt in links["alternates"]:
            alt["path"] += query
            alt["url"] += query
        return {
            "alternates": links["alternates"],
            "other_languages": [a for a in links["alternates"] if not a["current"]],
            "x_default_url": links["x_default_url"] + query,
            "canonical_url": settings.SITE_URL + self.request.path + query,
        }


def page_links(page, filters):
    """The pagination links: numbers around the current page, and the ends."""

    def url(number):
        params = {**filters, **({"page": number} if number > 1 else {})}
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
        return with_children(Institution.objects.published(), PROFILE)

    def get_object(self, queryset=None):
        found = fetch_compiled(
            "institution-page",
            lambda slug: self.get_queryset().filter(slug=slug),
            [self.kwargs["slug"]],
        )
        if not found:
            raise Http404("No published college at this address.")
        institution = found[0]
        attach_children(institution, PROFILE)
        return institution

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = in_contract_order(self.object.published_sections)
        context["inquire_url"] = reverse(
            "applications:inquire", kwargs={"slug": self.object.slug}
        )
        context["structured_data"] = structured_data(self.object, self.request)
        return context


@method_decorator(cached_page(), name="dispatch")
class InstitutionDetailView(InstitutionMixin, DetailView):
    template_name = "institutions/institution_detail.html"


@method_decorator(cached_page(), name="dispatch")
class SectionDetailView(InstitutionMixin, DetailView):
    template_name = "institutions/section_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = Section.kind_from_slug(self.kwargs["section"])
        matching = [s for s in context["sections"] if s.kind == kind]
        if not matching:
            raise Http404("This college has no such section.")
        section = context["section"] = matching[0]
        signatories = fetch_compiled(
            "section-signatories",
            lambda pk: Signatory.objects.filter(section_id=pk),
            [section.pk],
            samples=[-7_340_197],
        )
        attach(section, "signatories", signatories)
        return context
