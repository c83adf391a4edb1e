"""Small builders shared by the tests: an inquiry in the database, and the
data of a valid inquiry form."""

from django.utils import timezone

from applications.models import Inquiry


def make_inquiry(institution, status=Inquiry.Status.NEW, **fields):
    """An inquiry from 王小明 of Viet Nam, unless ``fields`` say otherwise.

    ``status`` is written straight to the row: test set-up only, so that a
    case can start where it needs to without walking the workflow.
    """
    values = {
        "kind": "study",
        "full_name": "王小明",
        "email": "xiaoming@example.com",
        "nationality": "VN",
        "consent_at": timezone.now(),
        "language": "zh-hans",
        **fields,
    }
    inquiry = Inquiry.objects.create(institution=institution, **values)
    if status != Inquiry.Status.NEW:
        Inquiry.objects.filter(pk=inquiry.pk).update(status=status)
        inquiry.refresh_from_db()
    return inquiry


def form_data(**overrides):
    """What the inquiry form posts when filled in well; ``None`` drops a field."""
    data = {
        "kind": "study",
        "full_name": "Ana Souza",
        "email": "ana@example.com",
        "nationality": "BR",
        "program": "",
        "intake": "",
        "organization": "",
        "group_size": "",
        "phone": "",
        "start_date": "",
        "end_date": "",
        "message": "I would like to study mechanical engineering.",
        "consent": "on",
        "website": "",
        **overrides,
    }
    return {key: value for key, value in data.items() if value is not None}
