from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path(
        "institutions/<slug:slug>/inquire/",
        views.InquiryCreateView.as_view(),
        name="inquire",
    ),
]
