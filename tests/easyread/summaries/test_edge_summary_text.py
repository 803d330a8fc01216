"""The summary pages read their fields without a form: text we cannot store is refused."""

import pytest
from django.urls import reverse

from deliberation.models import AuditEvent
from deliberation.services import summaries as services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["text", "text_cy"])
def test_a_point_with_nul_is_refused_in_plain_words(
    facilitator_client, forum, meeting, summary_record, lead, field
):
    summary = services.summary_build(meeting=meeting, actor=lead)
    point = summary.points.order_by("position").first()
    before = (point.text, point.text_cy)
    events = AuditEvent.objects.count()
    values = {"op": "save", "text": "We met.", "text_cy": "", "kind": "meeting", "symbol": ""}
    values[field] = "We met\u0000."
    response = facilitator_client.post(
        reverse("deliberation:summary_point", args=[forum.slug, meeting.pk, point.pk]), values
    )
    assert response.status_code == 400
    assert "cannot be used. Please type it again." in response.content.decode()
    point.refresh_from_db()
    assert (point.text, point.text_cy) == before
    assert AuditEvent.objects.count() == events
