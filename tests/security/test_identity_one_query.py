"""Who a phone is, read in one hand-written query, is read as the ORM reads it.

Every phone connecting to a live meeting asks who it is (identity.meeting_and_member) and
how it voted (meeting_selectors.member_state). Those reads are written once as SQL
(deliberation/rows.py) because building them with the ORM was most of a connection's CPU.
Here each answer is checked against the ORM's own reading of the same rows, on whichever
database the suite runs on, and every way a phone stops being someone stays refused.
"""

from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore

from deliberation import identity
from deliberation.models import Attendance, Ballot, Forum, Meeting, Member
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import meetings as meeting_services
from deliberation.services import polls as poll_services
from tests import factories

pytestmark = pytest.mark.django_db


def _session(meeting: Meeting, member: Member) -> Any:
    """A phone's session, as the join page leaves it."""
    store = SessionStore()
    store[identity.SESSION_MEMBERS] = {str(meeting.pk): member.pk}
    store[identity.SESSION_DEVICE] = Attendance.objects.get(
        meeting=meeting, member=member
    ).device_token
    return store


def _present() -> tuple[Meeting, Member, Any]:
    """An open meeting, a member let in, and that member's phone's session."""
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    person = factories.member(forum)
    factories.join(meeting, person)
    return meeting, person, _session(meeting, person)


def _fields(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_present_member_and_their_meeting_are_the_rows_the_orm_reads():
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    person = factories.member(forum, "staff")
    factories.join(meeting, person)
    found_meeting, found_member = identity.meeting_and_member(_session(meeting, person), meeting.pk)
    # Every field, converted as the ORM converts it (dates are aware datetimes, not text).
    assert _fields(found_meeting) == _fields(Meeting.objects.get(pk=meeting.pk))
    assert _fields(found_member) == _fields(Member.objects.get(pk=person.pk))
    assert found_meeting.starts_at == Meeting.objects.get(pk=meeting.pk).starts_at
    assert _fields(found_meeting.forum) == _fields(Forum.objects.get(pk=forum.pk))
    assert found_member.forum.pk == forum.pk
    # Instances as loaded from the database: saving one updates its row, not a new one.
    assert not found_member._state.adding and found_member._state.db == "default"


def test_nobody_is_anyone_in_a_meeting_that_is_not_there():
    meeting, _person, session = _present()
    assert identity.meeting_and_member(session, meeting.pk + 1000) == (None, None)


@pytest.mark.parametrize("meeting_id", [2**63, 10**30, 0, -1])
def test_a_number_no_row_can_have_is_no_meeting(meeting_id):
    # From a hostile URL (/ws/meeting/<digits>/): no row, not an error from the database.
    _meeting, person, session = _present()
    session[identity.SESSION_MEMBERS] = {str(meeting_id): person.pk}
    assert identity.meeting_and_member(session, meeting_id) == (None, None)
    assert identity.present_member(session, meeting_id) is None


def test_a_browser_without_a_name_gets_the_meeting_and_nobody():
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    found_meeting, found_member = identity.meeting_and_member(SessionStore(), meeting.pk)
    assert found_meeting.pk == meeting.pk and found_member is None


@pytest.mark.parametrize("change", ["released", "waiting", "inactive", "other_phone", "left"])
def test_a_phone_that_is_no_longer_them_is_nobody(change):
    meeting, person, session = _present()
    if change == "released":
        meeting_services.attendance_release(
            attendance=Attendance.objects.get(meeting=meeting, member=person)
        )
    elif change == "waiting":
        Attendance.objects.filter(meeting=meeting, member=person).update(
            status=Attendance.Status.WAITING
        )
    elif change == "inactive":
        Member.objects.filter(pk=person.pk).update(is_active=False)
    elif change == "other_phone":
        session[identity.SESSION_DEVICE] = "another-phone"
    else:
        Attendance.objects.filter(meeting=meeting, member=person).update(
            status=Attendance.Status.LEFT
        )
    found_meeting, found_member = identity.meeting_and_member(session, meeting.pk)
    assert found_meeting.pk == meeting.pk
    assert found_member is None
    assert identity.present_member(session, meeting.pk) is None


def test_a_name_from_one_meeting_is_nobody_in_another():
    forum = factories.forum()
    first = factories.open_meeting(forum)
    second = factories.open_meeting(forum, title="Second")
    person = factories.member(forum)
    factories.join(first, person)
    session = _session(first, person)
    session[identity.SESSION_MEMBERS] = {str(second.pk): person.pk}
    assert identity.meeting_and_member(session, second.pk)[1] is None


def test_own_votes_are_the_answers_the_orm_reads_and_only_this_meetings():
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    people = factories.people(forum, meeting)
    me, other = people["staff"][0], people["staff"][1]
    lights = factories.poll(meeting, "traffic_light")
    factories.cast(lights, me, {"choice": "agree"})
    factories.cast(lights, other, {"choice": "disagree"})
    poll_services.poll_close(poll=lights)
    ranked = factories.poll(meeting, "ranked", question="Which first?")
    options = list(ranked.options.order_by("position").values_list("key", flat=True))
    factories.cast(ranked, me, {"ranking": options[::-1]})
    poll_services.poll_close(poll=ranked)
    secret = factories.poll(meeting, "yes_no", secret=True, question="Secret?")
    factories.cast(secret, me, {"choice": "yes"})
    poll_services.poll_close(poll=secret)
    untouched = factories.poll(meeting, "yes_no", question="Not voted")
    factories.cast(untouched, other, {"choice": "no"})
    poll_services.poll_close(poll=untouched)
    elsewhere = factories.open_meeting(forum, title="Elsewhere")
    factories.join(elsewhere, me)
    factories.cast(factories.poll(elsewhere, "yes_no"), me, {"choice": "no"})

    state = meeting_selectors.member_state(meeting, me)
    orm = {
        str(b.poll_id): b.answer for b in Ballot.objects.filter(poll__meeting=meeting, member=me)
    }
    assert state["answers"] == orm
    assert state["answers"][str(ranked.pk)] == {"ranking": options[::-1]}  # JSON, not text
    # The secret vote: that they voted, never how.
    assert state["voted"] == sorted(str(p.pk) for p in (lights, ranked, secret))
    assert str(secret.pk) not in state["answers"]
    assert meeting_selectors.member_state(meeting, people["commissioner"][0])["voted"] == []
