"""A hostile phone's hand and card messages: each is refused in plain words, by code."""

import json

import pytest

from deliberation import protocol
from deliberation.exceptions import NotAllowed
from deliberation.models import Attendance, Card, Role, SpeakingTurn
from deliberation.services import equals as equals_services
from tests import factories

BAD = [
    ({"type": "card.show", "kind": "\ud800"}, "invalid_text"),
    ({"type": "card.show", "kind": "break", "ref": "\udfff"}, "invalid_text"),
    ({"type": "card.show", "kind": "x" * 100_000}, "too_large"),
    ({"type": "card.show", "kind": "x" * 1000}, "invalid"),
    ({"type": "card.show", "kind": ["break"]}, "invalid"),
    ({"type": "card.show", "kind": None}, "invalid"),
    ({"type": "card.show", "kind": 3}, "invalid"),
    ({"type": "card.show", "kind": "break", "anonymous": "false"}, "invalid"),
    ({"type": "card.show", "kind": "break", "anonymous": 0}, "invalid"),
    ({"type": "card.show", "kind": "break", "member": 1}, "invalid"),
    ({"type": "card.show"}, "invalid"),
    ({"type": "hand.raise", "member": 2}, "invalid"),
    ({"type": "hand.lower", "for": "someone"}, "invalid"),
    ({"type": "hand.raise", "ref": "r" * 65}, "invalid"),
    ({"type": "hand.raise", "ref": 7}, "invalid"),
]


@pytest.mark.parametrize(("message", "code"), BAD)
def test_a_bad_hand_or_card_message_is_refused(message, code):
    text = json.dumps(message, ensure_ascii=True)
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse(text)
    assert caught.value.code == code
    assert caught.value.message


def test_a_good_card_keeps_its_ref_and_is_anonymous_unless_said():
    message = protocol.parse(json.dumps({"type": "card.show", "kind": "break", "ref": "a1"}))
    assert (message.kind, message.anonymous, message.ref) == ("break", True, "a1")


def test_an_unknown_card_error_carries_the_ref_back():
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse(json.dumps({"type": "card.show", "kind": "shout", "ref": "a2"}))
    assert caught.value.ref == "a2"


@pytest.mark.django_db
def test_an_observer_a_guest_not_let_in_and_a_phone_of_another_meeting_cannot_raise_hands(
    forum, meeting
):
    # Observers watch (DESIGN roles): they neither queue to speak nor show cards.
    watcher = factories.member(forum, role=Role.OBSERVER)
    factories.join(meeting, watcher, device="w")
    waiting = factories.member(forum)
    attendance = factories.join(meeting, waiting, device="g")
    attendance.status = Attendance.Status.WAITING
    attendance.save()
    # A phone joined to another meeting (of another forum) is not in this one.
    other_forum = factories.forum()
    elsewhere = factories.member(other_forum)
    factories.join(factories.open_meeting(other_forum), elsewhere, device="e")
    for person, device in ((watcher, "w"), (waiting, "g"), (elsewhere, "e")):
        with pytest.raises(NotAllowed):
            equals_services.hand_raise(meeting=meeting, member=person, device_token=device)
        with pytest.raises(NotAllowed):
            equals_services.card_show(
                meeting=meeting, member=person, kind="break", device_token=device
            )
    assert not SpeakingTurn.objects.exists() and not Card.objects.exists()
