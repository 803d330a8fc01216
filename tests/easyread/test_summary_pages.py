"""The summary's pages: who may read, download, send, resend and print; POST where it changes."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from deliberation.models import AuditEvent, NotifyFrequency, SummarySend
from deliberation.services import notifications
from tests import factories
from tests.easyread.conftest import POINTS
from tests.easyread.pdf_helpers import figures, pdf_text
from tests.record.conftest import member_client
from tests.worker import run_worker

pytestmark = pytest.mark.django_db


def url(name, summary, *extra):
    return reverse(f"deliberation:{name}", args=[summary.forum.slug, summary.meeting_id, *extra])


@pytest.fixture
def emailed(forum):
    member = factories.member(forum, "lived_experience", name="Emma", communication_needs=["email"])
    notifications.notification_preference_set(
        member=member, frequency=NotifyFrequency.NONE, email="emma@example.org"
    )
    return member


# -- reading: members and facilitators; nobody else -------------------------------------


@pytest.mark.parametrize("who", ["member", "observer", "facilitator"])
def test_members_and_facilitators_read_the_page_and_pdf(who, forum, summary, facilitator_client):
    if who == "facilitator":
        browser = facilitator_client
    else:
        role = "observer" if who == "observer" else "participant"
        browser = member_client(factories.member(forum, "staff", role=role))
    page = browser.get(url("summary", summary))
    assert page.status_code == 200
    html = page.content.decode()
    for _kind, _symbol, words, _cy in POINTS:
        assert words.replace("'", "&#x27;") in html
    assert html.count('class="point-picture"') == len(POINTS)
    assert "All emojis designed by OpenMoji" in html
    pdf = browser.get(url("summary_pdf", summary))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert len(figures(pdf.content)) == len(POINTS)


def test_the_page_and_pdf_come_in_welsh_and_large_print(forum, summary):
    browser = member_client(factories.member(forum, "staff"))
    html = browser.get(url("summary", summary) + "?lang=cy&large=1").content.decode()
    assert POINTS[1][3].replace("'", "&#x27;") in html
    assert "easyread-summary large-print" in html
    text = pdf_text(browser.get(url("summary_pdf", summary) + "?lang=cy").content)
    assert "Daeth 12 o bobl" in text


@pytest.mark.parametrize("name", ["summary", "summary_pdf"])
def test_outsiders_cannot_read(name, client, summary):
    assert client.get(url(name, summary)).status_code == 403
    other_forum = member_client(factories.member(factories.forum(), "staff"))
    assert other_forum.get(url(name, summary)).status_code == 403
    stranger = Client()
    stranger.force_login(factories.user())
    assert stranger.get(url(name, summary)).status_code == 403


def test_a_meeting_without_a_summary_or_of_another_forum_is_not_found(
    forum, meeting, facilitator_client, summary
):
    later = factories.open_meeting(forum)
    assert facilitator_client.get(url("summary", summary)).status_code == 200
    missing = reverse("deliberation:summary", args=[forum.slug, later.pk])
    assert facilitator_client.get(missing).status_code == 404
    other = factories.forum()
    wrong = reverse("deliberation:summary", args=[other.slug, meeting.pk])
    assert facilitator_client.get(wrong).status_code in (403, 404)


# -- sending: facilitators only, POST only --------------------------------------------


def test_the_send_page_says_who_gets_what_and_waits_for_sign_off(
    facilitator_client, summary, emailed
):
    page = facilitator_client.get(url("summary_send", summary))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Emma" in html and "Email with a PDF" in html
    assert "sign it off first" in html
    assert "disabled" in html
    # Sending before sign-off is refused, with the reason, and nothing is sent.
    refused = facilitator_client.post(url("summary_send", summary))
    assert refused.status_code == 400
    assert "sign it off first" in refused.content.decode()
    assert mail.outbox == [] and not SummarySend.objects.exists()


def test_the_send_page_says_what_to_arrange_for_audio_and_sign_language(
    facilitator_client, summary, forum
):
    factories.member(forum, "lived_experience", name="Olu", communication_needs=["audio"])
    factories.member(forum, "staff", name="Pat", communication_needs=["interpreter", "email"])
    factories.member(forum, "staff", name="Quinn", communication_needs=["email"])

    html = facilitator_client.get(url("summary_send", summary)).content.decode()

    rows = {
        name: html.split(f">{name}</a>")[1].split("</tr>")[0] for name in ("Olu", "Pat", "Quinn")
    }
    assert "read it aloud" in rows["Olu"] and "BSL interpreter" not in rows["Olu"]
    assert "BSL interpreter" in rows["Pat"] and "read it aloud" not in rows["Pat"]
    assert "Also:" not in rows["Quinn"]


def test_a_facilitator_sends_and_resends(
    facilitator_client, signed_summary, emailed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = facilitator_client.post(url("summary_send", signed_summary), follow=True)
    assert sent.status_code == 200
    html = sent.content.decode()
    assert "Sending to 3 people now." in html and "Sending… 0 of 3 done." in html
    assert mail.outbox == []  # the worker sends it, not the request
    run_worker()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["emma@example.org"]
    send = SummarySend.objects.get(member=emailed)
    html = facilitator_client.get(url("summary_send", signed_summary)).content.decode()
    assert "Finished: 3 of 3 done." in html and "Send again" in html
    # The record code is a sentence the facilitator can copy into the minutes.
    signed_summary.refresh_from_db()
    assert (
        f"For the minutes: we sent this summary on "
        f"{signed_summary.first_sent_at:%-d %B %Y}. "
        f"The record code then was {signed_summary.record_code}."
    ) in html
    with django_capture_on_commit_callbacks(execute=True):
        again = facilitator_client.post(url("summary_resend", signed_summary, send.pk))
    assert again.status_code == 302
    run_worker()
    send.refresh_from_db()
    assert send.attempts == 2 and len(mail.outbox) == 2
    assert AuditEvent.objects.filter(kind="summary.sent").count() >= 2


def test_the_print_pack_downloads_for_facilitators(
    facilitator_client, signed_summary, forum, django_capture_on_commit_callbacks
):
    paper = factories.member(forum, "lived_experience", name="Pat", communication_needs=["paper"])
    paper.postal_address = "1 High Street\nCardiff"
    paper.save()
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_client.post(url("summary_send", signed_summary))
    run_worker()
    page = facilitator_client.get(url("summary_send", signed_summary)).content.decode()
    assert url("summary_print_pack", signed_summary) in page
    pack = facilitator_client.get(url("summary_print_pack", signed_summary))
    assert pack.status_code == 200 and pack["Content-Type"] == "application/pdf"
    assert "1 High Street" in pdf_text(pack.content)


@pytest.mark.parametrize("name", ["summary_send", "summary_print_pack"])
def test_members_cannot_send_or_print(name, forum, signed_summary):
    member = member_client(factories.member(forum, "staff"))
    assert member.get(url(name, signed_summary)).status_code in (302, 403)
    signed_in = Client()
    signed_in.force_login(factories.user())
    assert signed_in.get(url(name, signed_summary)).status_code == 403
    assert signed_in.post(url("summary_send", signed_summary)).status_code == 403
    assert not SummarySend.objects.exists()


def test_resend_is_post_only_and_for_facilitators(
    facilitator_client, signed_summary, emailed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_client.post(url("summary_send", signed_summary))
    run_worker()
    send = SummarySend.objects.get(member=emailed)
    assert facilitator_client.get(url("summary_resend", signed_summary, send.pk)).status_code == 405
    signed_in = Client()
    signed_in.force_login(factories.user())
    assert signed_in.post(url("summary_resend", signed_summary, send.pk)).status_code == 403
    send.refresh_from_db()
    assert send.attempts == 1


@pytest.mark.parametrize("name", ["summary", "summary_pdf"])
def test_reading_is_get_only(name, facilitator_client, summary):
    assert facilitator_client.post(url(name, summary)).status_code == 405


def test_the_console_links_to_sending_once_there_is_a_summary(facilitator_client, meeting, summary):
    console = reverse("deliberation:console", args=[meeting.forum.slug, meeting.pk])
    html = facilitator_client.get(console).content.decode()
    assert url("summary_send", summary) in html
    assert url("summary_pdf", summary) in html


def test_a_welsh_large_print_reader_gets_it_so_without_asking(forum, summary):
    cara = factories.member(forum, "staff", communication_needs=["welsh", "large_print"])
    browser = member_client(cara)
    html = browser.get(url("summary", summary)).content.decode()
    assert "Daeth 12 o bobl" in html and "easyread-summary large-print" in html
    english = browser.get(url("summary", summary) + "?lang=en&large=0").content.decode()
    assert "12 people came" in english and "large-print" not in english
    assert "Daeth 12 o bobl" in pdf_text(browser.get(url("summary_pdf", summary)).content)
