"""Where a summary is: the status the services move it through, and its words on a page."""

import typing

import pytest
from django.utils import translation

from deliberation import display
from deliberation.models import Summary
from deliberation.selectors import summaries as summary_selectors
from deliberation.services import sending
from deliberation.services import summaries as services
from tests.easyread.summaries.conftest import welsh_done

pytestmark = pytest.mark.django_db


def test_a_summary_moves_from_not_built_to_sent(summary_record, meeting, people, lead):
    checker = people["lived_experience"][0]
    assert services.summary_status(None) == "not_built"

    summary = welsh_done(services.summary_build(meeting=meeting, actor=lead), lead)
    assert services.summary_status(summary) == "draft"

    confirm = set(summary_selectors.summary_points_with_findings(summary))
    services.summary_sign_off(summary=summary, member=checker, confirmed=confirm, actor=lead)
    summary.refresh_from_db()
    assert services.summary_status(summary) == "signed_off"

    point = summary.points.order_by("position").first()
    services.summary_point_update(
        point=point, text="We met.", text_cy="", kind="meeting", symbol="meeting", actor=lead
    )
    summary.refresh_from_db()
    assert services.summary_status(summary) == "sign_off_again"

    welsh_done(summary, lead)
    confirm = set(summary_selectors.summary_points_with_findings(summary))
    services.summary_sign_off(summary=summary, member=checker, confirmed=confirm, actor=lead)
    summary.refresh_from_db()
    sending.summary_send(summary=summary, actor=lead)
    summary = Summary.objects.get(pk=summary.pk)
    assert services.summary_status(summary) == "sent"


def test_every_status_has_words_and_a_picture():
    for status in typing.get_args(services.SummaryStatus):
        shown = display.summary_status_view(status)
        assert shown["key"] == status
        assert shown["label"]
        assert shown["symbol"] in display.SYMBOLS
    with translation.override("cy"):
        assert display.summary_status_view("sent")["label"] == "Wedi'i anfon"
