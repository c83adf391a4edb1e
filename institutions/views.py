from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.views.generic import DetailView, ListView

from .models import Institution, Section
from .structured_data import structured_data


def published_sections():
    return Prefetch(
        "sections",
        queryset=Section.objects.filter(is_published=True).prefetch_related(
            "signatories"
        ),
        to_attr="published_sections",
    )


def in_contract_order(sections):
    return sorted(sections, key=lambda section: section.position)


class HomeView(ListView):
    template_name = "institutions/home.html"
    context_object_name = "institutions"

    def get_queryset(self):
        return Institution.objects.published().prefetch_related(
            "facts", published_sections()
        )


class InstitutionMixin:
    model = Institution
    context_object_name = "institution"

    def get_queryset(self):
        return Institution.objects.published().prefetch_related(
            "facts", "former_names", "schools", "programmes", published_sections()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sections"] = in_contract_order(self.object.published_sections)
        context["inquire_url"] = reverse(
            "applications:inquire", kwargs={"slug": self.object.slug}
        )
        context["structured_data"] = structured_data(self.object, self.request)
        return context


class InstitutionDetailView(InstitutionMixin, DetailView):
    template_name = "institutions/institution_detail.html"


class SectionDetailView(InstitutionMixin, DetailView):
    template_name = "institutions/section_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = Section.kind_from_slug(self.kwargs["section"])
        matching = [s for s in context["sections"] if s.kind == kind]
        if not matching:
            raise Http404("This college has no such section.")
        context["section"] = matching[0]
        return context
