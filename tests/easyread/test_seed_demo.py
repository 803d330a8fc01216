"""The demo forum can send its easy-read summary in every way, and seeding twice adds nothing."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from deliberation.easyread import check
from deliberation.models import AuditEvent, Forum, Summary, SummarySend, WelshStatus
from deliberation.services import sending
from deliberation.services import summaries as summary_services

pytestmark = pytest.mark.django_db


def seed() -> Forum:
    call_command("seed_demo", stdout=io.StringIO())
    return Forum.objects.get(slug="riverside")


def test_the_demo_summary_goes_by_email_and_post_in_english_and_welsh():
    forum = seed()
    summary = Summary.objects.get(forum=forum)
    assert summary.points.exists() and not summary.is_signed_off
    plans = {p.member.name: p.route for p in sending.sending_plan(summary)}
    assert (plans["Amira Khan"].format, plans["Amira Khan"].language) == ("email", "en")
    assert (plans["Carys Morgan"].format, plans["Carys Morgan"].language) == ("email", "cy")
    assert (plans["Dev Patel"].format, plans["Dev Patel"].large_print) == ("post", True)
    assert (plans["Gwen Lloyd"].format, plans["Gwen Lloyd"].language) == ("post", "cy")
    assert plans["Iris Taylor"].format is None  # an address, but no yes to email
    # The facilitator checks the Welsh, Amira signs off, and it is sent: emails go, the
    # pack is printed.
    for point in summary.points.filter(welsh_status=WelshStatus.NEEDS_CHECK):
        summary_services.summary_point_welsh(point=point, status=WelshStatus.KEPT)
    summary_services.summary_sign_off(summary=summary, member=forum.members.get(name="Amira Khan"))
    sends = sending.summary_send(summary=summary)
    assert {s.status for s in sends} >= {SummarySend.Status.SENT, SummarySend.Status.TO_PRINT}
    assert any(m.to == ["carys@example.org"] for m in mail.outbox)
    assert sending.print_pack_pdf(summary).startswith(b"%PDF")
    overdue = forum.members.get(name="Ben Price").needs_review_on
    assert overdue is not None and overdue < timezone.localdate()


def test_the_demo_summary_passes_every_easy_read_rule_in_english_and_welsh():
    forum = seed()
    summary = Summary.objects.get(forum=forum)
    points = list(summary.points.order_by("position"))
    assert points
    for point in points:
        assert check(point.text) == [], point.text
        assert check(point.text_cy, language="cy") == [], point.text_cy
    texts = " ".join(p.text for p in points)
    # What a reader needs: what the vote was about, each action in its tense, what next.
    assert "We asked this question. “Should we ask for a bus stop outside the day centre?”" in texts
    assert "Ellen Hughes has done this." in texts
    assert "It is late." in texts
    assert "will do this by" in texts
    assert any(p.kind == "date" for p in points)  # the next meeting
    assert forum.audit_head not in texts
    # The Welsh says what the English says: the words people wrote are in Welsh too.
    assert {p.welsh_status for p in points} == {WelshStatus.CHECKED}
    welsh = " ".join(p.text_cy for p in points)
    for english in ("We want", "bus stop", "Ask the council", "Should we", "When we meet"):
        assert english not in welsh


def test_seeding_again_changes_nothing():
    forum = seed()
    events = AuditEvent.objects.filter(forum=forum).count()
    seed()
    assert AuditEvent.objects.filter(forum=forum).count() == events
    assert Summary.objects.filter(forum=forum).count() == 1
