"""Emails: each one, or a daily digest; never the same item twice; a signed unsubscribe."""

import datetime

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Notification, NotificationPreference
from deliberation.services import comments as comment_services
from deliberation.services import notifications
from deliberation.services import proposals as services
from tests.proposals.conftest import make_proposal
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def daily(cast):
    return notifications.notification_preference_set(
        member=cast["observer"], frequency="daily", email="olu@example.org"
    )


def test_each_sends_one_email_per_item_after_commit(
    forum, cast, django_capture_on_commit_callbacks
):
    notifications.notification_preference_set(
        member=cast["supporter"], frequency="each", email="sam@example.org"
    )
    with django_capture_on_commit_callbacks(execute=True):
        proposal = make_proposal(forum, cast["participant"])
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_add(
            proposal=proposal, author=cast["facilitator"], body="Nice *idea*"
        )
    assert mail.outbox == []  # the worker sends them, not the request
    run_worker()
    assert [m.to for m in mail.outbox] == [["sam@example.org"], ["sam@example.org"]]
    assert mail.outbox[0].subject == "New idea: More buses in the evening"
    assert "Nice <em>idea</em>" in mail.outbox[1].alternatives[0].content
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The author hears nothing of their own proposal.
    assert not Notification.objects.filter(member=cast["participant"]).exists()


def test_digest_content_and_no_duplicates_across_runs(forum, cast, daily):
    first = make_proposal(forum, cast["participant"], title="Later buses")
    comment_services.comment_add(proposal=first, author=cast["supporter"], body="Yes please")
    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["olu@example.org"]
    assert "Later buses" in digest.body and "Yes please" in digest.body
    assert "2 things" in digest.subject
    unsubscribe = reverse("deliberation:unsubscribe", args=["x"]).rsplit("x/", 1)[0]
    assert unsubscribe in digest.body

    call_command("send_digests", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert len(mail.outbox) == 1  # nothing new, nothing sent

    make_proposal(forum, cast["supporter"], title="A cafe", symbol="food")
    notifications.digests_send()
    notifications.digests_send()
    assert len(mail.outbox) == 2
    assert "A cafe" in mail.outbox[1].body and "Later buses" not in mail.outbox[1].body


def test_a_failed_send_is_tried_again_next_run(forum, cast, daily, monkeypatch):
    make_proposal(forum, cast["participant"])

    def broken(self, *args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    assert notifications.digests_send()["daily"] == 0
    monkeypatch.undo()
    assert notifications.digests_send()["daily"] == 0  # not yet: it waits 5 minutes
    later = timezone.now() + datetime.timedelta(minutes=6)
    assert notifications.digests_send(now=later)["daily"] == 1
    assert len(mail.outbox) == 1


def test_hidden_items_are_not_sent(forum, cast, daily):
    proposal = make_proposal(forum, cast["participant"])
    services.proposal_hide(proposal=proposal, by=cast["facilitator"], reason="Private details")
    notifications.digests_send()
    assert mail.outbox == []
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_unsubscribe_works_without_login(forum, cast, daily):
    token = notifications.unsubscribe_token(cast["observer"])
    url = reverse("deliberation:unsubscribe", args=[token])
    stranger = Client(enforce_csrf_checks=True)
    page = stranger.get(url)
    assert page.status_code == 200 and "Stop the emails" in page.content.decode()
    daily.refresh_from_db()
    assert daily.frequency == "daily"  # looking at the link changes nothing
    response = stranger.post(url)  # one click, no login, no CSRF token (RFC 8058)
    assert response.status_code == 200
    daily.refresh_from_db()
    assert daily.frequency == "none"
    make_proposal(forum, cast["participant"])
    notifications.digests_send()
    assert mail.outbox == []


def test_unsubscribe_cannot_be_forged(forum, cast, daily):
    victim = cast["observer"]
    client = Client()
    forged = [
        signing.dumps({"m": victim.pk}, salt="another.salt"),
        signing.dumps({"m": victim.pk}, key="not-our-secret", salt=notifications.UNSUBSCRIBE_SALT),
        # Someone else's real link with its payload swapped for the victim's id.
        signing.b64_encode(b'{"n":"abc","x":%d}' % victim.pk).decode()
        + ":"
        + notifications.unsubscribe_token(cast["supporter"]).split(":", 1)[1],
        "garbage",
    ]
    for token in forged:
        response = client.post(reverse("deliberation:unsubscribe", args=[token]))
        assert response.status_code == 400, token
    daily.refresh_from_db()
    assert daily.frequency == "daily"


def test_choosing_emails_on_the_page(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    url = reverse("deliberation:notify", args=[forum.slug])
    response = client.post(url, {"frequency": "daily", "email": ""})
    assert response.status_code == 400
    assert "email address" in response.content.decode()
    response = client.post(url, {"frequency": "each", "email": "alice@example.org"})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(member=cast["participant"])
    assert (preference.frequency, preference.email) == ("each", "alice@example.org")
