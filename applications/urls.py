from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path(
        "institutions/<slug:slug>/inquire/",
        views.InquiryCreateView.as_view(),
        name="inquire",
    ),
    path("inquiries/sent/", views.inquiry_sent, name="inquiry-sent"),
    path("inquiries/status/", views.inquiry_status, name="status"),
    path("inquiries/status/answer/", views.inquiry_answer, name="status-answer"),
    path("privacy/", views.privacy, name="privacy"),
]
