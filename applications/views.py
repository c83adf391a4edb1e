from django.views.generic import TemplateView


class InquiryCreateView(TemplateView):
    template_name = "base.html"
