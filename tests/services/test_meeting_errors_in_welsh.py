"""A service refuses in the language of the person it answers."""

import pytest
from django.utils import translation

from deliberation.exceptions import InvalidInput, MeetingNotOpen
from deliberation.services import forums, meetings
from tests import factories

pytestmark = pytest.mark.django_db


def test_joining_a_finished_meeting_is_refused_in_welsh(forum, meeting, facilitator_user):
    member = factories.member(forum, "lived_experience", name="Alice")
    meetings.meeting_close(meeting=meeting, actor=facilitator_user)
    meeting.refresh_from_db()
    with translation.override("cy"), pytest.raises(MeetingNotOpen) as refused:
        meetings.attendance_join(meeting=meeting, member=member, via="name", device_token="x")
    assert refused.value.message == "Mae'r cyfarfod hwn wedi gorffen."


def test_a_guest_without_a_group_is_asked_in_welsh(meeting):
    with translation.override("cy"), pytest.raises(InvalidInput) as refused:
        meetings.guest_request(meeting=meeting, name="Gus", constituency="", device_token="x")
    assert refused.value.message == (
        "Dewiswch pa grŵp rydych chi'n perthyn iddo, os gwelwch yn dda."
    )


def test_adding_a_member_without_a_role_is_refused_in_welsh(forum):
    with translation.override("cy"), pytest.raises(InvalidInput) as refused:
        forums.member_add(forum=forum, name="Dai", constituency="staff", role="")
    assert refused.value.message == "Dewiswch rôl, os gwelwch yn dda."
