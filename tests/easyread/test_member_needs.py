"""A member's communication needs, addresses and review date (NHS AIS)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import audit
from deliberation.models import AuditEvent, Member, NotificationPreference, NotifyFrequency
from deliberation.services import forums, notifications
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_facilitator_adds_a_member_with_addresses_and_review_date(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("deliberation:member_add", args=[forum.slug]),
        {
            "name": "Pat Jones",
            "constituency": "lived_experience",
            "role": "participant",
            "communication_needs": ["paper", "large_print", "email"],
            "needs_review_on": "2027-03-01",
            "email": "pat@example.org",
            "postal_address": "1 High Street\r\nCardiff\r\nCF10 1AA",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pat = Member.objects.get(forum=forum, name="Pat Jones")
    assert pat.communication_needs == ["email", "large_print", "paper"]
    assert pat.needs_review_on == datetime.date(2027, 3, 1)
    assert pat.postal_address == "1 High Street\nCardiff\nCF10 1AA"
    assert pat.notify.email == "pat@example.org"
    event = AuditEvent.objects.get(kind="member.added", payload__member=pat.pk)
    assert event.payload["contact_changed"] is True
    assert "pat@example.org" not in str(event.payload) and "High Street" not in str(event.payload)


def test_editing_keeps_their_proposal_email_choice(facilitator_client, forum):
    sam = factories.member(forum, "staff", name="Sam")
    notifications.notification_preference_set(
        member=sam, frequency=NotifyFrequency.DAILY, email="old@example.org"
    )
    url = reverse("deliberation:member_edit", args=[forum.slug, sam.pk])
    form = facilitator_client.get(url).content.decode()
    assert 'value="old@example.org"' in form
    response = facilitator_client.post(
        url,
        {
            "name": "Sam",
            "constituency": "staff",
            "role": "participant",
            "communication_needs": ["email"],
            "email": "sam@example.org",
            "postal_address": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(member=sam)
    assert (preference.email, preference.frequency) == ("sam@example.org", NotifyFrequency.DAILY)
    event = AuditEvent.objects.filter(kind="member.updated").latest("seq")
    assert event.payload["contact_changed"] is True
    assert "needs" not in str(audit.opened(event)["name"])


def test_a_bad_email_address_is_refused_in_plain_words(facilitator_client, forum):
    response = facilitator_client.post(
        reverse("deliberation:member_add", args=[forum.slug]),
        {"name": "Bo", "constituency": "staff", "role": "participant", "email": "not-an-address"},
    )
    assert response.status_code == 400
    assert not Member.objects.filter(name="Bo").exists()


def test_an_overdue_review_and_every_need_are_flagged_in_words(facilitator_client, forum):
    overdue = timezone.localdate() - datetime.timedelta(days=1)
    factories.member(
        forum,
        name="Dev",
        communication_needs=["paper", "email", "large_print", "welsh"],
        contact=forums.MemberContact(needs_review_on=overdue),
    )
    html = facilitator_client.get(reverse("deliberation:forum", args=[forum.slug])).content.decode()
    for words in ("Paper by post", "Email", "Large print", "Welsh", "Ask about needs again"):
        assert words in html
    dev = Member.objects.get(name="Dev")
    edit = facilitator_client.get(reverse("deliberation:member_edit", args=[forum.slug, dev.pk]))
    assert "about their communication needs again" in edit.content.decode()


def test_a_review_date_still_to_come_is_not_flagged(facilitator_client, forum):
    later = timezone.localdate() + datetime.timedelta(days=30)
    factories.member(forum, name="Eve", contact=forums.MemberContact(needs_review_on=later))
    html = facilitator_client.get(reverse("deliberation:forum", args=[forum.slug])).content.decode()
    assert "Ask about needs again" not in html


def test_clearing_the_email_address_stops_proposal_emails(forum):
    sam = factories.member(forum, "staff")
    notifications.notification_preference_set(
        member=sam, frequency=NotifyFrequency.EACH, email="sam@example.org"
    )
    forums.member_update(
        member=sam,
        name=sam.name,
        constituency="staff",
        role="participant",
        communication_needs=[],
        supports=[],
        contact=forums.MemberContact(email=""),
    )
    preference = NotificationPreference.objects.get(member=sam)
    assert (preference.email, preference.frequency) == ("", NotifyFrequency.NONE)
