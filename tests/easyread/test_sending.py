"""Sending a summary: the right format and language for each member, recorded once each."""

import io

import pypdf
import pytest
from django.core import mail

from deliberation.exceptions import InvalidInput
from deliberation.models import AuditEvent, Member, NotifyFrequency, SummarySend
from deliberation.services import notifications, sending
from tests import factories
from tests.easyread.conftest import POINTS, sign_off
from tests.easyread.pdf_helpers import figures, pdf_text, squashed

pytestmark = pytest.mark.django_db

Status = SummarySend.Status


def person(forum, name, needs, *, email="", address="", **kwargs) -> Member:
    member = factories.member(forum, name=name, communication_needs=needs, **kwargs)
    if email:
        notifications.notification_preference_set(
            member=member, frequency=NotifyFrequency.NONE, email=email
        )
    if address:
        member.postal_address = address
        member.save(update_fields=["postal_address"])
    return member


@pytest.fixture
def readers(forum):
    return {
        "emma": person(forum, "Emma", ["email", "easy_read"], email="emma@example.org"),
        "wyn": person(forum, "Wyn", ["email", "welsh"], email="wyn@example.org"),
        "pat": person(forum, "Pat", ["paper"], address="1 High Street\nCardiff\nCF10 1AA"),
        "lara": person(
            forum,
            "Lara",
            ["large_print", "welsh"],
            email="lara@example.org",
            address="2 Mill Lane\nNewport",
        ),  # fmt: skip
        # Has an address on file from proposal emails, but never said yes to a summary.
        "nico": person(forum, "Nico", [], email="nico@example.org"),
        "olly": person(forum, "Olly", ["email"]),
        "obi": person(forum, "Obi", ["email"], email="obi@example.org", role="observer"),
        "guest": person(forum, "Gus", ["email"], email="gus@example.org", is_guest=True),
    }


def by_member(sends):
    return {s.member.name: s for s in sends}


def test_no_sending_without_sign_off(summary, readers):
    with pytest.raises(InvalidInput, match="sign it off"):
        sending.summary_send(summary=summary)
    assert not SummarySend.objects.exists()
    assert mail.outbox == []
    summary.refresh_from_db()
    assert summary.record_code == ""


def test_each_member_gets_the_right_format_and_language(signed_summary, readers, facilitator_user):
    sends = by_member(sending.summary_send(summary=signed_summary, actor=facilitator_user))

    assert (sends["Emma"].format, sends["Emma"].status, sends["Emma"].language) == (
        "email", Status.SENT, "en")  # fmt: skip
    assert (sends["Wyn"].format, sends["Wyn"].status, sends["Wyn"].language) == (
        "email", Status.SENT, "cy")  # fmt: skip
    assert (sends["Pat"].format, sends["Pat"].status) == ("post", Status.TO_PRINT)
    # Large print without consent to email goes on paper, in Welsh, large.
    lara = sends["Lara"]
    assert (lara.format, lara.status, lara.language, lara.large_print) == (
        "post", Status.TO_PRINT, "cy", True)  # fmt: skip
    assert sends["Obi"].status == Status.SENT  # observers get it too
    assert sends["Nico"].status == Status.NOT_SENT
    assert "not said yes to email" in sends["Nico"].detail
    assert sends["Olly"].status == Status.NOT_SENT
    assert "no email address" in sends["Olly"].detail
    assert "Gus" not in sends  # guests left no way to reach them

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["emma@example.org", "obi@example.org", "wyn@example.org"]
    welsh = next(m for m in mail.outbox if m.to == ["wyn@example.org"])
    assert POINTS[0][3] in welsh.body


def test_nobody_without_consent_is_emailed(signed_summary, readers):
    sending.summary_send(summary=signed_summary)
    emailed = {a for m in mail.outbox for a in m.to}
    consenting = {"emma@example.org", "wyn@example.org", "obi@example.org"}
    assert emailed <= consenting
    assert "nico@example.org" not in emailed and "lara@example.org" not in emailed


def test_the_email_has_text_html_and_the_pdf(signed_summary, readers):
    sending.summary_send(summary=signed_summary)
    message = next(m for m in mail.outbox if m.to == ["emma@example.org"])
    assert message.subject == "Easy-read summary: Board meeting"
    for _kind, _symbol, words, _cy in POINTS:
        assert words in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert POINTS[2][2].replace("'", "&#x27;") in html
    assert 'class="point-picture"' in html
    [(name, content, attached_type)] = message.attachments
    assert attached_type == "application/pdf"
    assert name.endswith(".pdf") and content.startswith(b"%PDF")
    text = squashed(pdf_text(content))
    for _kind, _symbol, words, _cy in POINTS:
        assert squashed(words) in text
    assert len(figures(content)) == len(POINTS)
    signed_summary.refresh_from_db()
    # The reader gets a sentence about the record, not its 64-letter code.
    assert signed_summary.record_code not in text
    assert signed_summary.record_code not in message.body
    assert "We keep a record of this meeting." in message.body


def test_the_record_code_is_the_audit_head_when_first_sent_and_then_stays(signed_summary, readers):
    signed_summary.forum.refresh_from_db()
    head = signed_summary.forum.audit_head
    sending.summary_send(summary=signed_summary)
    signed_summary.refresh_from_db()
    assert signed_summary.record_code == head
    first = signed_summary.first_sent_at
    assert first is not None
    send = SummarySend.objects.get(summary=signed_summary, member=readers["emma"])
    sending.summary_resend(send=send)
    signed_summary.refresh_from_db()
    assert (signed_summary.record_code, signed_summary.first_sent_at) == (head, first)


def test_sending_again_does_not_duplicate_rows_or_emails(signed_summary, readers):
    sending.summary_send(summary=signed_summary)
    rows = SummarySend.objects.filter(summary=signed_summary).count()
    emails = len(mail.outbox)

    # Olly's email address is added; sending again reaches only those not reached.
    notifications.notification_preference_set(
        member=readers["olly"], frequency=NotifyFrequency.NONE, email="olly@example.org"
    )
    again = by_member(sending.summary_send(summary=signed_summary))
    # Only those not reached before are tried again (people with no way to reach them).
    assert {"Nico", "Olly"} <= set(again)
    assert not {"Emma", "Wyn", "Obi", "Pat", "Lara"} & set(again)
    assert {s.status for name, s in again.items() if name != "Olly"} == {Status.NOT_SENT}
    assert again["Olly"].status == Status.SENT and again["Olly"].attempts == 2
    assert SummarySend.objects.filter(summary=signed_summary).count() == rows
    assert len(mail.outbox) == emails + 1


def test_resending_updates_the_one_row(signed_summary, readers):
    sending.summary_send(summary=signed_summary)
    send = SummarySend.objects.get(summary=signed_summary, member=readers["emma"])
    before = len(mail.outbox)
    again = sending.summary_resend(send=send)
    assert again.pk == send.pk
    assert again.attempts == 2
    assert again.sent_at >= send.sent_at
    assert len(mail.outbox) == before + 1
    assert SummarySend.objects.filter(summary=signed_summary, member=readers["emma"]).count() == 1


def test_a_failed_email_is_recorded_and_others_still_go(signed_summary, readers, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    real_send = EmailMultiAlternatives.send

    def flaky(self, *args, **kwargs):
        if self.to == ["wyn@example.org"]:
            raise ConnectionRefusedError("mail server is down")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    sends = by_member(sending.summary_send(summary=signed_summary))
    assert sends["Wyn"].status == Status.FAILED
    assert "mail server is down" in sends["Wyn"].detail
    assert sends["Emma"].status == Status.SENT


def test_every_send_is_audited_without_needs_or_addresses(signed_summary, readers):
    sends = sending.summary_send(summary=signed_summary)
    events = list(AuditEvent.objects.filter(kind="summary.sent").order_by("seq"))
    assert len(events) == len(sends)
    emma = next(e for e in events if e.payload["member"] == readers["emma"].pk)
    assert emma.payload == {
        "summary": signed_summary.pk,
        "meeting": signed_summary.meeting_id,
        "member": readers["emma"].pk,
        "format": "email",
        "language": "en",
        "status": "sent",
        "attempt": 1,
        "v": 2,
    }
    for event in events:
        flat = str(event.payload)
        assert "needs" not in flat and "easy_read" not in flat and "welsh" not in flat
        assert "@" not in flat and "Street" not in flat


def test_resending_needs_sign_off_still(signed_summary, readers):
    sending.summary_send(summary=signed_summary)
    send = SummarySend.objects.filter(summary=signed_summary).first()
    signed_summary.signed_off_at = None
    signed_summary.save()
    with pytest.raises(InvalidInput):
        sending.summary_resend(send=send)
    sign_off(signed_summary, signed_summary.signed_off_by)
    assert sending.summary_resend(send=send).attempts == 2


def test_the_print_pack_has_an_address_page_per_postal_member(signed_summary, readers):
    sending.summary_send(summary=signed_summary)
    pdf = sending.print_pack_pdf(signed_summary)
    text = pdf_text(pdf)
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    # Lara then Pat, by name: each an address page of its own, then their summary.
    addressed = [page for page in pages if "2 Mill Lane" in page or "1 High Street" in page]
    assert len(addressed) == 2
    assert addressed[0].startswith("Lara\n2 Mill Lane\nNewport")
    assert addressed[1].startswith("Pat\n1 High Street\nCardiff\nCF10 1AA")
    assert pages.index(addressed[0]) == 0
    assert squashed(POINTS[0][3]) in squashed("".join(pages[1 : pages.index(addressed[1])]))
    # Lara reads Welsh: her summary is in Welsh; Pat's is in English.
    assert squashed(POINTS[0][3]) in squashed(text)
    assert squashed(POINTS[0][2]) in squashed(text)
    assert len(figures(pdf)) == 2 * len(POINTS)
    # Nobody who is emailed is in the pack.
    assert "Emma" not in text and "emma@" not in text


def test_an_empty_print_pack_is_still_a_pdf(signed_summary):
    assert sending.print_pack_pdf(signed_summary).startswith(b"%PDF")


def test_the_plan_says_who_gets_what_before_sending(summary, readers):
    plans = {p.member.name: p for p in sending.sending_plan(summary)}
    assert plans["Emma"].route.format == "email"
    assert plans["Pat"].route.format == "post"
    assert plans["Nico"].route.format is None and "email" in plans["Nico"].reason
    assert "Gus" not in plans
    assert not SummarySend.objects.exists()
