"""The demo forum can send its easy-read summary in every way, and seeding twice adds nothing."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from deliberation.models import AuditEvent, Forum, Summary, SummarySend
from deliberation.services import sending

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
    # A facilitator signs off (here directly) and sends: emails go, the pack is printed.
    summary.signed_off_by = forum.members.get(name="Amira Khan")
    summary.signed_off_at = timezone.now()
    summary.save()
    sends = sending.summary_send(summary=summary)
    assert {s.status for s in sends} >= {SummarySend.Status.SENT, SummarySend.Status.TO_PRINT}
    assert any(m.to == ["carys@example.org"] for m in mail.outbox)
    assert sending.print_pack_pdf(summary).startswith(b"%PDF")
    overdue = forum.members.get(name="Ben Price").needs_review_on
    assert overdue is not None and overdue < timezone.localdate()


def test_seeding_again_changes_nothing():
    forum = seed()
    events = AuditEvent.objects.filter(forum=forum).count()
    seed()
    assert AuditEvent.objects.filter(forum=forum).count() == events
    assert Summary.objects.filter(forum=forum).count() == 1
