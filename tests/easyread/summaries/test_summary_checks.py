"""Issue 13: the Welsh kept in step with the English, findings confirmed at sign-off, and
sending refused while either is unresolved for the members who will get the summary."""

import pytest
from django.urls import reverse

from deliberation.exceptions import InvalidInput
from deliberation.models import AuditEvent, NotifyFrequency, SummaryPoint, WelshStatus
from deliberation.services import glossary, notifications, sending
from deliberation.services import summaries as services
from tests import factories
from tests.easyread.conftest import make_summary
from tests.easyread.summaries.conftest import welsh_done

pytestmark = pytest.mark.django_db

HARD = "We talked about the commissioning plan."


def reader(forum, name, needs, email):
    member = factories.member(forum, name=name, communication_needs=needs)
    notifications.notification_preference_set(
        member=member, frequency=NotifyFrequency.NONE, email=email
    )
    return member


@pytest.fixture
def checker(forum):
    return factories.member(forum, "lived_experience", name="Amira")


def status(point: SummaryPoint) -> str:
    point.refresh_from_db()
    return point.welsh_status


def test_points_quoting_what_people_wrote_need_a_welsh_check_when_built(summary_record, meeting):
    built = services.summary_build(meeting=meeting)
    by_kind = {}
    for point in built.points.all():
        by_kind.setdefault(point.kind, set()).add(point.welsh_status)

    assert by_kind["people"] == {WelshStatus.CHECKED}
    assert by_kind["meeting"] == {WelshStatus.CHECKED}
    assert by_kind["decision"] == {WelshStatus.NEEDS_CHECK}
    assert by_kind["action"] == {WelshStatus.NEEDS_CHECK}


def test_changing_the_english_marks_the_welsh_as_needing_a_check(summary):
    point = summary.points.get(position=2)
    assert status(point) == WelshStatus.CHECKED

    services.summary_point_update(
        point=point, text="14 people came.", text_cy=point.text_cy, symbol="people", kind="people"
    )
    assert status(point) == WelshStatus.NEEDS_CHECK

    # Writing the Welsh again, with the English beside it, checks it.
    services.summary_point_update(
        point=point,
        text="14 people came.",
        text_cy="Daeth 14 o bobl.",
        symbol="people",
        kind="people",
    )
    assert status(point) == WelshStatus.CHECKED


def test_clearing_the_welsh_marks_it_as_needing_a_check(summary):
    point = summary.points.get(position=2)
    services.summary_point_update(
        point=point, text=point.text, text_cy="", symbol="people", kind="people"
    )
    assert status(point) == WelshStatus.NEEDS_CHECK


def test_a_new_picture_alone_leaves_the_welsh_as_it_was(summary):
    point = summary.points.get(position=2)
    services.summary_point_update(
        point=point, text=point.text, text_cy=point.text_cy, symbol="friends", kind="people"
    )
    assert status(point) == WelshStatus.CHECKED


def test_sign_off_is_refused_until_the_welsh_is_checked_or_kept(summary, checker):
    point = summary.points.get(position=3)
    services.summary_point_update(
        point=point, text="We want buses at night.", text_cy=point.text_cy,
        symbol="decision", kind="decision",
    )  # fmt: skip

    with pytest.raises(InvalidInput, match=r"Welsh of some points needs a check.*Points: 3\."):
        services.summary_sign_off(summary=summary, member=checker)

    services.summary_point_welsh(point=point, status=WelshStatus.KEPT)
    services.summary_sign_off(summary=summary, member=checker)
    summary.refresh_from_db()
    assert summary.is_signed_off
    assert AuditEvent.objects.filter(kind="summary.welsh_checked").exists()


def test_sign_off_asks_to_confirm_each_point_with_advice(summary, checker):
    point = summary.points.get(position=3)
    services.summary_point_update(
        point=point, text=HARD, text_cy=point.text_cy, symbol="decision", kind="decision"
    )
    services.summary_point_welsh(point=point, status=WelshStatus.CHECKED)

    with pytest.raises(InvalidInput, match=r"easy-read advice.*Points: 3\."):
        services.summary_sign_off(summary=summary, member=checker)

    services.summary_sign_off(summary=summary, member=checker, confirmed={point.pk})
    summary.refresh_from_db()
    assert summary.findings_confirmed == [point.pk]
    event = AuditEvent.objects.filter(kind="summary.signed_off").latest("pk")
    assert event.payload["findings_confirmed"] == [point.pk]


def test_send_refuses_advice_nobody_confirmed(forum, summary, checker):
    reader(forum, "Emma", ["email"], "emma@example.org")
    services.summary_sign_off(summary=summary, member=checker)
    # The forum adds a hard word after the sign-off: point 1 now has advice.
    glossary.glossary_entry_add(
        forum=forum, kind="jargon", term="Riverside Centre", plain="the centre", actor=None
    )

    with pytest.raises(InvalidInput, match=r"nobody confirmed.*Points: 1\."):
        sending.summary_send(summary=summary)
    assert not summary.sends.exists()


def test_send_checks_only_the_languages_the_members_get(forum, meeting, checker):
    summary = make_summary(meeting)
    services.summary_sign_off(summary=summary, member=checker)
    emma = reader(forum, "Emma", ["email"], "emma@example.org")
    # Advice in the Welsh only: a hard word the forum added, in Welsh.
    glossary.glossary_entry_add(
        forum=forum, kind="jargon", term="Nghanolfan", plain="y lle", actor=None
    )
    sent = sending.summary_send(summary=summary)
    assert {s.member: s.status for s in sent}[emma] == "sent"

    reader(forum, "Wyn", ["email", "welsh"], "wyn@example.org")
    with pytest.raises(InvalidInput, match=r"Points: 1\."):
        sending.summary_send(summary=summary)


def test_send_refuses_welsh_not_checked_for_a_welsh_reader(forum, meeting, checker):
    summary = make_summary(meeting)
    services.summary_sign_off(summary=summary, member=checker)
    # A summary signed off before the Welsh was kept in step (made in the tables).
    SummaryPoint.objects.filter(summary=summary, position=4).update(
        welsh_status=WelshStatus.NEEDS_CHECK
    )
    reader(forum, "Emma", ["email"], "emma@example.org")
    reader(forum, "Wyn", ["email", "welsh"], "wyn@example.org")

    with pytest.raises(InvalidInput, match=r"read Welsh.*Points: 4\."):
        sending.summary_send(summary=summary)


# -- the pages -----------------------------------------------------------------------


def url(name, forum, meeting, *extra):
    return reverse(f"deliberation:{name}", args=[forum.slug, meeting.pk, *extra])


def test_the_review_page_offers_to_check_or_keep_the_welsh(
    facilitator_client, forum, meeting, summary
):
    point = summary.points.get(position=2)
    services.summary_point_update(
        point=point, text="14 people came.", text_cy=point.text_cy, symbol="people", kind="people"
    )
    html = facilitator_client.get(url("summary_review", forum, meeting)).content.decode()
    assert "The Welsh needs a check." in html
    assert 'value="welsh_kept"' in html

    response = facilitator_client.post(
        url("summary_point", forum, meeting, point.pk), {"op": "welsh_kept"}, follow=True
    )
    assert "The Welsh of this point is done." in response.content.decode()
    assert status(point) == WelshStatus.KEPT


def test_the_sign_off_page_lists_each_point_with_advice_to_confirm(
    facilitator_client, forum, meeting, summary, checker
):
    point = summary.points.get(position=3)
    services.summary_point_update(
        point=point, text=HARD, text_cy=point.text_cy, symbol="decision", kind="decision"
    )
    welsh_done(summary)
    html = facilitator_client.get(url("summary_sign_off", forum, meeting)).content.decode()
    assert "Point 3 has easy-read advice." in html
    assert f'name="confirm" value="{point.pk}"' in html
    assert "“commissioning” is a hard word." in html

    refused = facilitator_client.post(
        url("summary_sign_off", forum, meeting), {"member": checker.pk, "confirmed": "yes"}
    )
    assert refused.status_code == 400
    assert "Please read it and tick each one. Points: 3." in refused.content.decode()

    signed = facilitator_client.post(
        url("summary_sign_off", forum, meeting),
        {"member": checker.pk, "confirmed": "yes", "confirm": [str(point.pk)]},
    )
    assert signed.status_code == 302
    summary.refresh_from_db()
    assert summary.is_signed_off


def test_the_send_page_names_points_not_resolved(facilitator_client, forum, meeting, checker):
    summary = make_summary(meeting)
    services.summary_sign_off(summary=summary, member=checker)
    glossary.glossary_entry_add(
        forum=forum, kind="jargon", term="Riverside Centre", plain="the centre", actor=None
    )
    html = facilitator_client.get(url("summary_send", forum, meeting)).content.decode()
    assert "Some points have easy-read advice that nobody confirmed. Points: 1." in html
