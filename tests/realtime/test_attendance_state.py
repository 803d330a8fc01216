"""The facilitator's list of who is here: every field the console shows, for each kind of person."""

import pytest

from deliberation.models import Attendance, CommunicationNeed, Role
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import meetings as meeting_services
from tests import factories

pytestmark = pytest.mark.django_db


def test_attendance_state_lists_everyone_with_what_the_console_shows():
    forum = factories.forum()
    meeting = factories.open_meeting(forum)
    amira = factories.member(
        forum,
        "lived_experience",
        name="Amira",
        communication_needs=[CommunicationNeed.EASY_READ, CommunicationNeed.WELSH],
    )
    carl = factories.member(forum, "commissioner", name="Carl")
    sam = factories.member(forum, "staff", name="Sam", role=Role.SUPPORTER, supports=[amira])
    factories.member(forum, "staff", name="Nobody joined")
    amira_here = factories.join(meeting, amira, device="phone-1")
    carl_here = factories.join(meeting, carl)
    sam_here = factories.join(meeting, sam)
    # Another phone asks for Amira's name; a guest waits to be let in.
    meeting_services.attendance_claim(meeting=meeting, member=amira, device_token="phone-2")
    guest = meeting_services.guest_request(
        meeting=meeting, name="Bea", constituency="commissioner", device_token="phone-3"
    )

    state = meeting_selectors.attendance_state(meeting)

    assert state["present"] == {"lived_experience": 1, "staff": 1, "commissioner": 1}
    assert state["waiting"] == 1
    assert state["people"] == [
        {
            "attendance": amira_here.pk,
            "member": amira.pk,
            "name": "Amira",
            "constituency": "lived_experience",
            "role": Role.PARTICIPANT,
            "needs": [CommunicationNeed.EASY_READ, CommunicationNeed.WELSH],
            "guest": False,
            "status": Attendance.Status.PRESENT,
            "claim": True,
        },
        {
            "attendance": guest.pk,
            "member": guest.member_id,
            "name": "Bea",
            "constituency": "commissioner",
            "role": Role.PARTICIPANT,
            "needs": [],
            "guest": True,
            "status": Attendance.Status.WAITING,
            "claim": False,
        },
        {
            "attendance": carl_here.pk,
            "member": carl.pk,
            "name": "Carl",
            "constituency": "commissioner",
            "role": Role.PARTICIPANT,
            "needs": [],
            "guest": False,
            "status": Attendance.Status.PRESENT,
            "claim": False,
        },
        {
            "attendance": sam_here.pk,
            "member": sam.pk,
            "name": "Sam",
            "constituency": "staff",
            "role": Role.SUPPORTER,
            "needs": [],
            "guest": False,
            "status": Attendance.Status.PRESENT,
            "claim": False,
        },
    ]
    # The counts sent to every console screen are the same as the facilitator's.
    assert meeting_selectors.attendance_counts(meeting) == {
        "present": state["present"],
        "waiting": state["waiting"],
    }
