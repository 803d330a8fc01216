"""The console's changes are checked again by the service, under its lock.

A page let a facilitator in a moment ago; meanwhile they were made a participant, or the
vote closed. Each service sees the person and the row as they are now. One row per
service and way of being someone; a refused change writes nothing to the record.
"""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from deliberation import identity
from deliberation.exceptions import MeetingNotOpen, NotAllowed, PollClosed, PollNotOpen
from deliberation.models import Attendance, AuditEvent, HandCount, Member, Poll, Role
from deliberation.services import agenda as agenda_services
from deliberation.services import ballots as ballot_services
from deliberation.services import decisions as decision_services
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from deliberation.views import facilitator as facilitator_views
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def room(forum, meeting, facilitator_user):
    participant = factories.member(forum, "lived_experience", name="Pat")
    factories.join(meeting, participant)
    guest = meeting_services.guest_request(
        meeting=meeting, name="Visitor", constituency="staff", device_token="guest-phone"
    )
    draft = factories.poll(meeting, "yes_no", open_=False)
    closed = factories.poll(meeting, "yes_no")
    poll_services.poll_close(poll=closed)
    return {
        "participant": participant,
        "guest": guest,
        "present": Attendance.objects.get(meeting=meeting, member=participant),
        "draft": draft,
        "closed": closed,
        "meeting": meeting,
        "forum": forum,
        "user": facilitator_user,
    }


def _open(room: dict[str, Any]) -> Poll:
    return poll_services.poll_open(poll=room["draft"])


def _claimed(room: dict[str, Any]) -> Attendance:
    meeting_services.attendance_claim(
        meeting=room["meeting"], member=room["participant"], device_token="second-phone"
    )
    return room["present"]


Call = Callable[[identity.Principal], Any]

# service -> given the room, set up what the page saw and return the service's call.
CALLS: dict[str, Callable[[dict[str, Any]], Call]] = {
    "meeting_open": lambda r: (
        lambda p: meeting_services.meeting_open(meeting=r["meeting"], principal=p)
    ),
    "meeting_close": lambda r: (
        lambda p: meeting_services.meeting_close(meeting=r["meeting"], principal=p)
    ),
    "meeting_reopen": lambda r: (
        lambda meeting: lambda p: meeting_services.meeting_reopen(meeting=meeting, principal=p)
    )(meeting_services.meeting_close(meeting=r["meeting"])),
    "agenda_move": lambda r: (
        lambda p: agenda_services.agenda_move(meeting=r["meeting"], item=None, principal=p)
    ),
    "agenda_item_add": lambda r: (
        lambda p: agenda_services.agenda_item_add(
            meeting=r["meeting"], title="Any other business", principal=p
        )
    ),
    "meeting_update_settings": lambda r: (
        lambda p: meeting_services.meeting_update_settings(
            meeting=r["meeting"], allow_name_choice=False, principal=p
        )
    ),
    "meeting_recap_show": lambda r: (
        lambda p: meeting_services.meeting_recap_show(
            meeting=r["meeting"], shown=False, principal=p
        )
    ),
    # The console marks someone in the room without a phone as present.
    "attendance_join_present": lambda r: (
        lambda member: (
            lambda p: meeting_services.attendance_join(
                meeting=r["meeting"], member=member, via="facilitator", device_token="", principal=p
            )
        )
    )(factories.member(r["forum"], "staff", name="Sam")),
    "guest_admit": lambda r: (
        lambda p: meeting_services.guest_admit(attendance=r["guest"], principal=p)
    ),
    "attendance_release": lambda r: (
        lambda p: meeting_services.attendance_release(attendance=r["present"], principal=p)
    ),
    "attendance_claim_decide": lambda r: (
        lambda attendance: (
            lambda p: meeting_services.attendance_claim_decide(
                attendance=attendance, confirm=True, principal=p
            )
        )
    )(_claimed(r)),
    "poll_create": lambda r: (
        lambda p: poll_services.poll_create(
            forum=r["forum"], meeting=r["meeting"], question="Tea?", method="yes_no", principal=p
        )
    ),
    "poll_update_settings": lambda r: (
        lambda p: poll_services.poll_update_settings(
            poll=r["draft"], question="Coffee?", principal=p
        )
    ),
    "poll_open": lambda r: lambda p: poll_services.poll_open(poll=r["draft"], principal=p),
    "poll_close": lambda r: (
        lambda poll: lambda p: poll_services.poll_close(poll=poll, principal=p)
    )(_open(r)),
    "poll_reopen": lambda r: lambda p: poll_services.poll_reopen(poll=r["closed"], principal=p),
    "hand_count_set": lambda r: (
        lambda poll: (
            lambda p: poll_services.hand_count_set(
                poll=poll, constituency="staff", counts={"yes": 3}, entered_by=None, principal=p
            )
        )
    )(_open(r)),
    "paper_ballot": lambda r: (
        lambda poll: (
            lambda p: ballot_services.ballot_cast(
                poll=poll,
                answer={"choice": "yes"},
                client_id=uuid.uuid4(),
                voter=None,
                cast_by=Member.objects.get(user=r["user"]),
                paper_constituency="staff",
                principal=p,
            )
        )
    )(_open(r)),
    "decision_record": lambda r: (
        lambda p: decision_services.decision_record(
            meeting=r["meeting"], outcome="We will have tea.", principal=p
        )
    ),
    "decision_check_back": lambda r: (
        lambda decision: (
            lambda p: decision_services.decision_check_back(
                decision=decision, meeting=r["meeting"], principal=p
            )
        )
    )(factories.decision(r["meeting"])),
}

KINDS = ["nobody", "participant_by_link", "joined_by_name", "facilitator_made_participant"]


def _principal(kind: str, room: dict[str, Any]) -> identity.Principal:
    forum, meeting, participant = room["forum"], room["meeting"], room["participant"]
    if kind == "nobody":
        return identity.Principal(user=AnonymousUser(), forum_id=forum.pk, meeting_id=meeting.pk)
    if kind == "participant_by_link":
        return identity.Principal(user=AnonymousUser(), forum_id=forum.pk, member=participant)
    if kind == "joined_by_name":
        return identity.Principal(
            user=AnonymousUser(), meeting_id=meeting.pk, meeting_member=participant
        )
    # The console let them in; then another facilitator made them a participant.
    principal = identity.Principal(user=room["user"], forum_id=forum.pk)
    Member.objects.filter(user=room["user"]).update(role=Role.PARTICIPANT)
    return principal


def _written() -> tuple[int, int, int]:
    return (
        AuditEvent.objects.count(),
        Poll.objects.count(),
        HandCount.objects.count(),
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("service", sorted(CALLS))
def test_the_service_refuses_who_may_not_facilitate(room, service, kind):
    call = CALLS[service](room)
    principal = _principal(kind, room)
    before = _written()
    with pytest.raises(NotAllowed) as refused:
        call(principal)
    assert refused.value.message == "Only a facilitator can do this."
    assert _written() == before


@pytest.mark.parametrize("service", sorted(CALLS))
def test_a_signed_in_facilitator_may(room, service):
    call = CALLS[service](room)
    principal = identity.Principal(user=room["user"], forum_id=room["forum"].pk)
    before = AuditEvent.objects.count()
    call(principal)
    assert AuditEvent.objects.count() > before


def test_a_vote_closed_meanwhile_takes_no_hand_count_and_is_not_closed_twice(room):
    principal = identity.Principal(user=room["user"], forum_id=room["forum"].pk)
    seen_by_the_page = room["closed"]
    with pytest.raises(PollClosed):
        poll_services.hand_count_set(
            poll=seen_by_the_page,
            constituency="staff",
            counts={"yes": 3},
            entered_by=None,
            principal=principal,
        )
    with pytest.raises(PollNotOpen):
        poll_services.poll_close(poll=seen_by_the_page, principal=principal)
    assert not HandCount.objects.exists()


def _mark_present(room: dict[str, Any], member: Member) -> Attendance:
    principal = identity.Principal(user=room["user"], forum_id=room["forum"].pk)
    return meeting_services.attendance_join(
        meeting=room["meeting"],
        member=member,
        via="facilitator",
        device_token="",
        principal=principal,
    )


def test_a_meeting_closed_meanwhile_marks_nobody_present(room):
    sam = factories.member(room["forum"], "staff", name="Sam")
    meeting_services.meeting_close(meeting=room["meeting"])  # the page still shows it open
    before = AuditEvent.objects.count()
    with pytest.raises(MeetingNotOpen):
        _mark_present(room, sam)
    assert not Attendance.objects.filter(member=sam).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("change", ["left_the_forum", "is_a_guest"])
def test_a_member_who_may_not_attend_is_not_marked_present(room, change):
    sam = factories.member(room["forum"], "staff", name="Sam")  # as the console's list saw Sam
    if change == "left_the_forum":
        Member.objects.filter(pk=sam.pk).update(is_active=False)
    else:
        Member.objects.filter(pk=sam.pk).update(is_guest=True)
    before = AuditEvent.objects.count()
    with pytest.raises(NotAllowed):
        _mark_present(room, sam)
    assert not Attendance.objects.filter(member=sam).exists()
    assert AuditEvent.objects.count() == before


def test_the_console_marks_someone_present_through_the_checked_service(
    room, facilitator_client, monkeypatch
):
    sam = factories.member(room["forum"], "staff", name="Sam")
    asked = []
    join = facilitator_views.attendance_join

    def spy(**kwargs: Any) -> Attendance:
        asked.append(kwargs.get("principal"))
        return join(**kwargs)

    monkeypatch.setattr(facilitator_views, "attendance_join", spy)
    url = reverse(
        "deliberation:console_action", args=[room["forum"].slug, room["meeting"].pk, "present"]
    )
    response = facilitator_client.post(url, {"member": sam.pk})
    assert response.status_code == 302
    assert Attendance.objects.get(member=sam, meeting=room["meeting"]).status == "present"
    assert [p.user for p in asked] == [room["user"]]
