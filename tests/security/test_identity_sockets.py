"""An open socket stops acting as a person the moment it may no longer be them.

A name released or given to another phone, a member made inactive or an observer: their
phone's socket is closed, and the ballot service reads the voter fresh under its lock, so
a socket that was let in earlier cannot go on voting.
"""

import uuid

import pytest
from channels.db import database_sync_to_async

from deliberation.exceptions import NotAllowed
from deliberation.models import Attendance, Ballot, Member, Role
from deliberation.services import ballots as ballot_services
from deliberation.services import forums as forum_services
from deliberation.services import meetings as meeting_services
from tests import factories
from tests.realtime.conftest import (  # noqa: F401 (an autouse fixture)
    _close_worker_connections,
    _phone_session,
    phone,
    refused_with,
)

pytestmark = pytest.mark.django_db(transaction=True)


async def closed_with(screen) -> int | None:
    """Wait for the server to close the socket; return its close code."""
    while True:
        message = await screen.communicator.receive_output(timeout=5)
        if message["type"] == "websocket.close":
            return message.get("code")


def ballot(poll, answer):
    return {
        "type": "ballot.cast",
        "poll": poll.pk,
        "client_id": str(uuid.uuid4()),
        "answer": answer,
    }


def _update(member: Member, **changes) -> Member:
    data = {
        "name": member.name,
        "constituency": member.constituency,
        "role": member.role,
        "communication_needs": member.communication_needs,
        "supports": list(member.supports.all()),
        "is_active": member.is_active,
        **changes,
    }
    return forum_services.member_update(member=Member.objects.get(pk=member.pk), **data)


async def test_a_released_name_closes_its_socket(meeting, people):
    person = people["staff"][0]
    cookie = await database_sync_to_async(_phone_session)(meeting, person)
    screen = await phone(meeting, person)
    assert (await screen.receive())["type"] == "snapshot"
    attendance = await database_sync_to_async(Attendance.objects.get)(
        meeting=meeting, member=person
    )
    await database_sync_to_async(meeting_services.attendance_release)(attendance=attendance)
    assert await closed_with(screen) == 4403
    # And the same phone cannot come back as that person.
    assert await refused_with(f"/ws/meeting/{meeting.pk}/", cookie) == 4403
    await screen.close()


async def test_a_name_given_to_another_phone_closes_the_first(meeting, people):
    person = people["staff"][1]
    screen = await phone(meeting, person)
    assert (await screen.receive())["type"] == "snapshot"
    attendance = await database_sync_to_async(meeting_services.attendance_claim)(
        meeting=meeting, member=person, device_token="the-real-persons-phone"
    )
    await database_sync_to_async(meeting_services.attendance_claim_decide)(
        attendance=attendance, confirm=True
    )
    assert await closed_with(screen) == 4403
    await screen.close()


@pytest.mark.parametrize("change", ["inactive", "observer"])
async def test_a_member_stopped_mid_meeting_closes_and_votes_no_more(meeting, people, change):
    person = people["commissioner"][0]
    poll = await database_sync_to_async(factories.poll)(meeting, "yes_no")
    screen = await phone(meeting, person)
    assert (await screen.receive())["type"] == "snapshot"
    changes = {"is_active": False} if change == "inactive" else {"role": Role.OBSERVER}
    await database_sync_to_async(_update)(person, **changes)
    # Sent straight away, on the socket that was let in before the change.
    await screen.send(ballot(poll, {"choice": "yes"}))
    assert await closed_with(screen) == 4403
    await screen.close()
    assert not await database_sync_to_async(Ballot.objects.filter(poll=poll).exists)()


@pytest.mark.parametrize("change", ["inactive", "observer"])
def test_the_ballot_service_reads_the_voter_fresh(meeting, people, change):
    # The Member object a socket read when it connected says "active participant".
    stale = people["lived_experience"][1]
    poll = factories.poll(meeting, "yes_no")
    changes = {"is_active": False} if change == "inactive" else {"role": Role.OBSERVER}
    _update(stale, **changes)
    assert stale.is_active and stale.role == Role.PARTICIPANT
    with pytest.raises(NotAllowed):
        ballot_services.ballot_cast(
            poll=poll, answer={"choice": "yes"}, client_id=uuid.uuid4(), voter=stale
        )
    assert not Ballot.objects.filter(poll=poll).exists()


def test_the_ballot_service_refuses_a_phone_the_name_was_taken_from(meeting, people):
    person = people["staff"][2]
    poll = factories.poll(meeting, "yes_no")
    attendance = Attendance.objects.get(meeting=meeting, member=person)
    old_phone = attendance.device_token
    meeting_services.attendance_release(attendance=attendance)
    with pytest.raises(NotAllowed):
        ballot_services.ballot_cast(
            poll=poll,
            answer={"choice": "yes"},
            client_id=uuid.uuid4(),
            voter=person,
            device_token=old_phone,
        )
    assert not Ballot.objects.filter(poll=poll).exists()


@pytest.mark.parametrize("digits", [str(2**63), "9" * 40])
async def test_a_meeting_number_no_row_can_have_is_refused_not_an_error(meeting, digits):
    # A hostile client's URL: the socket is refused as for any unknown meeting.
    assert await refused_with(f"/ws/meeting/{digits}/") == 4403
    assert await refused_with(f"/ws/meeting/{digits}/facilitator/") == 4403
