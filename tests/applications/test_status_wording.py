"""What the status page tells an applicant about each status: only what the
portal knows. It sends no message when staff move an inquiry, so no wording
may say, in either language, that the college has written or answered."""

import re

import pytest
from django.test import Client

from applications.models import Inquiry
from tests.factories import make_inquiry

# Words that claim a message was sent, or promise one.
CLAIMS = {
    "en": re.compile(r"mail|message|written|wrote|answer|repl|letter", re.I),
    "zh-hans": re.compile(r"邮件|邮箱|来信|回复|答复|消息|信中"),
}


# Except "more information needed", which is reached only with the
# college's message (Inquiry.transition_to refuses it without one), shown
# in the timeline below the status.
SENT_NOTHING = [s for s in Inquiry.Status.values if s != Inquiry.Status.MORE_INFO]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("status", SENT_NOTHING)
def test_no_status_claims_a_message_the_portal_never_sent(
    chongqing, language, status, settings
):
    settings.INQUIRY_RATE_LIMIT = 0
    settings.INQUIRY_INVALID_RATE_LIMIT = 0
    inquiry = make_inquiry(chongqing, status=status, email="ana@example.com")

    response = Client().post(
        f"/{language}/inquiries/status/",
        {"reference": inquiry.reference, "email": "ana@example.com"},
    )

    html = response.content.decode()
    notice = re.search(r'<section class="notice".*?<dl', html, re.S).group(0)
    label = re.search(r'id="inquiry-status">(.*?)<', notice).group(1)
    explanation = re.search(r"<p>(.*?)</p>", notice, re.S).group(1)
    assert label and explanation
    assert not CLAIMS[language].search(label + explanation), (label, explanation)
