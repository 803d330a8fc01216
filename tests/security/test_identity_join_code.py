"""Someone in the room with the join code (it is on the projector) acts as nobody else.

They may pick their own name (a participant's or a supporter's) and vote in that meeting.
They may not pick a facilitator's or an observer's name, take a name another phone has
without the facilitator's word, or reach anything outside that meeting's votes: actions,
decisions, the console, the record, the forum's threads.
"""

import datetime
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from deliberation import identity
from deliberation.models import Action, Attendance, Ballot, Decision, Meeting, Proposal, Role
from deliberation.services import meetings as meeting_services
from tests import factories

pytestmark = pytest.mark.django_db


def join_url(meeting: Meeting) -> str:
    return reverse("deliberation:join_meeting", args=[meeting.join_code])


def phone_url(meeting: Meeting) -> str:
    return reverse("deliberation:phone", args=[meeting.pk])


@pytest.fixture
def room(forum, meeting, facilitator_user, lead):
    """A forum's people, as the join page could list them."""
    alice = factories.member(forum, "lived_experience", name="Alice Participant")
    sam = factories.member(
        forum, "staff", name="Sam Supporter", role=Role.SUPPORTER, supports=[alice]
    )
    olu = factories.member(forum, "commissioner", name="Olu Observer", role=Role.OBSERVER)
    gone = factories.member(forum, "staff", name="Gwyn Gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    other_meeting = factories.open_meeting(forum, title="Another meeting")
    visitor = meeting_services.guest_request(
        meeting=other_meeting, name="Vera Visitor", constituency="staff", device_token="v"
    )
    meeting_services.guest_admit(attendance=visitor)
    lead.name = "Fran Facilitator"
    lead.save(update_fields=["name"])
    return {"alice": alice, "sam": sam, "olu": olu, "gone": gone, "lead": lead}


# -- the name list ---------------------------------------------------------------------


def test_the_name_list_shows_only_the_expected_participants(client, meeting, room):
    page = client.get(join_url(meeting)).content.decode()
    assert "Alice Participant" in page
    assert "Sam Supporter" in page
    for hidden in ("Fran Facilitator", "Olu Observer", "Gwyn Gone", "Vera Visitor"):
        assert hidden not in page, hidden


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_no_names_before_the_meeting_opens_or_after_it_ends(client, forum, room, status):
    meeting = meeting_services.meeting_create(forum=forum, title="Next time", agenda=["Tea"])
    if status == "closed":
        meeting_services.meeting_open(meeting=meeting)
        meeting_services.meeting_close(meeting=meeting)
    page = client.get(join_url(meeting)).content.decode()
    assert "Alice Participant" not in page
    if status == "draft":
        assert "The meeting has not started yet." in page
    response = client.post(join_url(meeting), {"member": room["alice"].pk})
    assert response.status_code in (200, 403)
    assert not Attendance.objects.filter(meeting=meeting).exists()


@pytest.mark.parametrize("who", ["lead", "olu", "gone"])
def test_a_facilitators_or_observers_name_cannot_be_picked(client, meeting, room, who):
    response = client.post(join_url(meeting), {"member": room[who].pk})
    assert response.status_code == 400
    assert "Please choose your name from the list." in response.content.decode()
    assert not Attendance.objects.filter(meeting=meeting, member=room[who]).exists()
    assert client.get(phone_url(meeting)).status_code == 302


def test_the_service_refuses_a_facilitators_name_too(meeting, room):
    from deliberation.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        meeting_services.attendance_join(
            meeting=meeting, member=room["lead"], via="name", device_token="phone"
        )


# -- the person in the room with the code ------------------------------------------------


def test_someone_with_the_code_can_vote_and_nothing_else(forum, meeting, room, facilitator_user):
    decision = factories.decision(meeting, outcome="We want more buses.")
    action = factories.action(decision, owner=room["alice"], description="Ask the council.")
    poll = factories.poll(meeting, "yes_no", question="Shall we meet monthly?")
    attacker = Client()

    # The facilitator's name is not there to take.
    assert attacker.post(join_url(meeting), {"member": room["lead"].pk}).status_code == 400
    # A participant's name is (they have not come yet): it gives that meeting, no more.
    assert attacker.post(join_url(meeting), {"member": room["alice"].pk}).status_code == 302
    assert attacker.get(phone_url(meeting)).status_code == 200
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    assert attacker.post(vote, {"client_id": str(uuid.uuid4()), "choice": "yes"}).status_code == 302
    assert Ballot.objects.filter(poll=poll, member=room["alice"]).exists()

    slug = forum.slug
    refused_reads = [
        reverse("deliberation:decision_log", args=[slug]),
        reverse("deliberation:decision", args=[slug, decision.pk]),
        reverse("deliberation:action", args=[slug, action.pk]),
        reverse("deliberation:decisions_csv", args=[slug]),
        reverse("deliberation:audit_jsonl", args=[slug]),
        reverse("deliberation:proposals", args=[slug]),
    ]
    for url in refused_reads:
        assert attacker.get(url).status_code == 403, url

    due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    writes = [
        (
            reverse("deliberation:action_new", args=[slug, decision.pk]),
            {"description": "Sell the minibus.", "owner_name": "Me", "due_on": due},
        ),
        (
            reverse("deliberation:action", args=[slug, action.pk]),
            {"note": "Done, trust me.", "status": "done"},
        ),
        (
            reverse("deliberation:action", args=[slug, action.pk]),
            {"note": "Stopped.", "status": "dropped"},
        ),
        (
            reverse("deliberation:action_edit", args=[slug, action.pk]),
            {"description": "Nothing.", "owner_name": "Me", "due_on": due},
        ),
        (
            reverse("deliberation:proposal_new", args=[slug]),
            {"title": "Free taxis", "summary": "Taxis for all.", "body": "Taxis."},
        ),
    ]
    for url, data in writes:
        assert attacker.post(url, data).status_code == 403, url
    action.refresh_from_db()
    assert (action.description, action.status, action.updates.count()) == (
        "Ask the council.",
        "planned",
        0,
    )
    assert Action.objects.filter(decision=decision).count() == 1
    assert not Proposal.objects.filter(forum=forum).exists()

    # The console and its actions are a signed-in facilitator's only.
    console = reverse("deliberation:console", args=[slug, meeting.pk])
    assert attacker.get(console).status_code in (302, 403)
    record = reverse("deliberation:console_action", args=[slug, meeting.pk, "decision"])
    response = attacker.post(record, {"outcome": "We sell the minibus.", "rationale": "x"})
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/login" in response.url
    assert Decision.objects.filter(meeting=meeting).count() == 1
    close = reverse("deliberation:console_action", args=[slug, meeting.pk, "close"])
    attacker.post(close)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN


# -- a name another phone has ------------------------------------------------------------


def test_a_taken_name_waits_for_the_facilitator(meeting, room, facilitator_client, forum):
    first, second = Client(), Client()
    assert first.post(join_url(meeting), {"member": room["alice"].pk}).status_code == 302
    response = second.post(join_url(meeting), {"member": room["alice"].pk})
    assert "Someone has already joined with this name" in response.content.decode()
    # The second phone waits; the first keeps the name.
    waiting = reverse("deliberation:waiting", args=[meeting.join_code])
    page = second.get(waiting)
    assert page.status_code == 200
    assert "Please wait" in page.content.decode()
    assert second.get(phone_url(meeting)).status_code == 302
    assert first.get(phone_url(meeting)).status_code == 200
    # The console shows the request, with the two answers.
    console = facilitator_client.get(reverse("deliberation:console", args=[forum.slug, meeting.pk]))
    text = console.content.decode()
    assert "Another phone asks for this name" in text
    assert "Give the name to the new phone" in text

    attendance = Attendance.objects.get(meeting=meeting, member=room["alice"])
    confirm = reverse("deliberation:console_action", args=[forum.slug, meeting.pk, "claim_confirm"])
    assert facilitator_client.post(confirm, {"attendance": attendance.pk}).status_code == 302
    assert second.get(waiting).url == phone_url(meeting)
    assert second.get(phone_url(meeting)).status_code == 200
    # The first phone lost the name at once.
    assert first.get(phone_url(meeting)).status_code == 302


def test_a_refused_claim_leaves_the_name_on_the_first_phone(
    meeting, room, facilitator_client, forum
):
    first, second = Client(), Client()
    first.post(join_url(meeting), {"member": room["alice"].pk})
    second.post(join_url(meeting), {"member": room["alice"].pk})
    attendance = Attendance.objects.get(meeting=meeting, member=room["alice"])
    refuse = reverse("deliberation:console_action", args=[forum.slug, meeting.pk, "claim_refuse"])
    assert facilitator_client.post(refuse, {"attendance": attendance.pk}).status_code == 302
    page = second.get(reverse("deliberation:waiting", args=[meeting.join_code]))
    assert "Sorry, you cannot join now." in page.content.decode()
    assert second.get(phone_url(meeting)).status_code == 302
    assert first.get(phone_url(meeting)).status_code == 200


def test_a_released_name_signs_the_phone_out_at_once(meeting, room, facilitator_client, forum):
    impostor = Client()
    impostor.post(join_url(meeting), {"member": room["alice"].pk})
    poll = factories.poll(meeting, "yes_no")
    attendance = Attendance.objects.get(meeting=meeting, member=room["alice"])
    release = reverse("deliberation:console_action", args=[forum.slug, meeting.pk, "release"])
    assert facilitator_client.post(release, {"attendance": attendance.pk}).status_code == 302

    assert impostor.get(phone_url(meeting)).status_code == 302
    vote = reverse("deliberation:vote", args=[meeting.pk, poll.pk])
    impostor.post(vote, {"client_id": str(uuid.uuid4()), "choice": "yes"})
    assert not Ballot.objects.filter(poll=poll).exists()
    # The real person can now join on their own phone.
    own = Client()
    assert own.post(join_url(meeting), {"member": room["alice"].pk}).status_code == 302
    assert identity.member_id_for(own.session, meeting.pk) == room["alice"].pk


def test_the_phone_offers_the_record_only_to_a_member_known_by_their_card(forum, meeting):
    nia = factories.member(forum, "staff", name="Nia")
    tom = factories.member(forum, "staff", name="Tom")
    by_name = Client()
    by_name.post(join_url(meeting), {"member": nia.pk})
    assert "What we decided" not in by_name.get(phone_url(meeting)).content.decode()
    by_card = Client()
    by_card.post(reverse("deliberation:invite", args=[tom.invite_token]))
    assert "What we decided" in by_card.get(phone_url(meeting)).content.decode()


def test_after_a_refused_claim_the_phone_can_still_come_in_as_a_guest(
    meeting, room, facilitator_client, forum
):
    first, second = Client(), Client()
    first.post(join_url(meeting), {"member": room["alice"].pk})
    second.post(join_url(meeting), {"member": room["alice"].pk})
    attendance = Attendance.objects.get(meeting=meeting, member=room["alice"])
    meeting_services.attendance_claim_decide(attendance=attendance, confirm=False)
    second.post(
        reverse("deliberation:join_guest", args=[meeting.join_code]),
        {"name": "Alys", "constituency": "lived_experience"},
    )
    page = second.get(reverse("deliberation:waiting", args=[meeting.join_code])).content.decode()
    assert "Hello Alys. Please wait." in page
    assert "Sorry, you cannot join now." not in page
