"""The officer's day on the admin's index: what waits for an answer."""

from django import template
from django.urls import reverse

from applications import dashboard
from applications.models import Inquiry

register = template.Library()


@register.inclusion_tag("admin/applications/officer_day.html", takes_context=True)
def officer_day(context):
    user = context["request"].user
    inquiries = Inquiry.objects.for_staff(user)
    return {
        "day": dashboard.officer_day(inquiries, user),
        "first_replies": dashboard.first_reply_medians(inquiries),
        "changelist_url": reverse("admin:applications_inquiry_changelist"),
        "dashboard_url": reverse("admin:applications_inquiry_dashboard"),
    }
