"""Hands up and cards over real websockets: who sees what, errors, and convergence."""

import json

import pytest
from channels.db import database_sync_to_async

from deliberation import protocol
from deliberation.models import AuditEvent, Card, SpeakingTurn
from deliberation.selectors import equals as equals_selectors
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import equals as equals_services
from tests.realtime.conftest import facilitator, phone, projector

pytestmark = pytest.mark.django_db(transaction=True)


async def me_until(screen, **want):
    """Receive this phone's own states until one matches."""
    while True:
        me = (await screen.receive_until("equals.me"))["me"]
        if all(me[k] == v for k, v in want.items()):
            return me


async def test_an_anonymous_card_never_names_its_sender_to_the_projector_or_phones(
    meeting, people, facilitator_user
):
    ann, bob = people["lived_experience"][0], people["staff"][0]
    screen = await projector(meeting)
    console = await facilitator(meeting, facilitator_user)
    ann_phone, bob_phone = await phone(meeting, ann), await phone(meeting, bob)
    for s in (screen, console, ann_phone, bob_phone):
        assert (await s.receive())["type"] == "snapshot"

    await ann_phone.send({"type": "card.show", "kind": "dont_understand"})
    room = await screen.receive_until("equals.room")
    assert room["room"]["cards"]["dont_understand"] == 1
    mine = await ann_phone.receive_until("equals.me")
    assert mine["me"]["cards"] == ["dont_understand"]
    on_console = await console.receive_until("equals.console")
    assert on_console["console"]["cards"]["dont_understand"] == 1
    assert on_console["console"]["card_names"] == []

    # Bob shows one with his name: that name, and only that, reaches the screens.
    await bob_phone.send({"type": "card.show", "kind": "slow_down", "anonymous": False})
    room = await screen.receive_until("equals.room", timeout=5)
    while room["room"]["cards"]["slow_down"] != 1:
        room = await screen.receive_until("equals.room")
    assert room["room"]["card_names"] == [{"kind": "slow_down", "name": bob.name}]

    for s in (screen, console, ann_phone, bob_phone):
        await s.drain()
    # Nothing any screen but the facilitator's was sent, and nothing at all, names Ann
    # or her member number beside her card.
    for s in (screen, bob_phone):
        text = json.dumps(s.received)
        assert ann.name not in text
    # The facilitator knows who is here, but not whose card is anonymous.
    for m in console.received:
        if m["type"] == "equals.console":
            assert ann.name not in json.dumps(m)
    # Bob's phone was told nothing of Ann's card: phones get only their own state.
    assert not [m for m in bob_phone.received if m["type"] in ("equals.room", "equals.console")]
    # A fresh snapshot of every kind says the same.
    for audience in ("projector", "phone", "facilitator"):
        snap = await database_sync_to_async(meeting_selectors.meeting_snapshot)(
            meeting.pk, audience=audience, member=bob if audience == "phone" else None
        )
        assert ann.name not in json.dumps(snap["equals"])
        if audience != "facilitator":
            assert ann.name not in json.dumps(snap)
    event = await database_sync_to_async(AuditEvent.objects.get)(
        kind="card.shown", payload__kind="dont_understand"
    )
    assert event.actor == "anonymous" and "member" not in event.payload
    for s in (screen, console, ann_phone, bob_phone):
        await s.close()


async def test_hands_up_over_the_socket_and_the_fair_place_on_each_phone(meeting, people):
    ann, bob = people["lived_experience"][0], people["staff"][0]
    screen = await projector(meeting)
    ann_phone, bob_phone = await phone(meeting, ann), await phone(meeting, bob)
    for s in (screen, ann_phone, bob_phone):
        await s.receive()
    await bob_phone.send({"type": "hand.raise"})
    assert await me_until(bob_phone, hand="up") == {"hand": "up", "place": 1, "cards": []}
    await ann_phone.send({"type": "hand.raise"})
    assert (await me_until(ann_phone, hand="up"))["place"] == 2
    await database_sync_to_async(equals_services.speaking_start)(meeting=meeting, member=bob)
    await me_until(bob_phone, hand="speaking")
    await me_until(ann_phone, hand="up", place=1)
    room = await screen.receive_until("equals.room", timeout=5)
    while room["room"]["speaking"] is None:
        room = await screen.receive_until("equals.room")
    assert room["room"]["speaking"]["label"] == bob.name
    assert [n["label"] for n in room["room"]["next"]] == [ann.name]
    await ann_phone.send({"type": "hand.lower"})
    await me_until(ann_phone, hand="down")
    for s in (screen, ann_phone, bob_phone):
        await s.close()


@pytest.mark.parametrize(
    "message",
    [
        {"type": "card.show"},
        {"type": "card.show", "kind": "shout"},
        {"type": "card.show", "kind": "jargon", "anonymous": "no"},
        {"type": "card.show", "kind": "jargon", "member": 3},
        {"type": "hand.raise", "member": 3},
    ],
)
async def test_a_bad_message_gets_a_readable_error_and_the_socket_stays_open(
    meeting, people, message
):
    ann = people["lived_experience"][0]
    ann_phone = await phone(meeting, ann)
    await ann_phone.receive()
    await ann_phone.send({**message, "ref": "r1"})
    error = await ann_phone.receive_until("error")
    assert error["ref"] == "r1" and error["message"]
    await ann_phone.send({"type": "ping"})
    assert (await ann_phone.receive_until("pong"))["type"] == "pong"
    assert not await database_sync_to_async(Card.objects.exists)()
    assert not await database_sync_to_async(SpeakingTurn.objects.exists)()
    await ann_phone.close()


async def test_only_a_phone_raises_a_hand(meeting, people, facilitator_user):
    screen = await projector(meeting)
    console = await facilitator(meeting, facilitator_user)
    for s in (screen, console):
        await s.receive()
        await s.send({"type": "hand.raise", "ref": "x"})
        error = await s.receive_until("error")
        assert error["code"] == "not_allowed"
        await s.send({"type": "card.show", "kind": "jargon", "ref": "y"})
        assert (await s.receive_until("error"))["code"] == "not_allowed"
        await s.close()
    assert not await database_sync_to_async(SpeakingTurn.objects.exists)()


async def test_a_flood_of_cards_meets_the_rate_limit(meeting, people, settings):
    settings.WS_RATE_BURST = 3
    settings.WS_RATE_PER_SECOND = 0.01
    ann_phone = await phone(meeting, people["lived_experience"][0])
    await ann_phone.receive()
    for _ in range(6):
        await ann_phone.send({"type": "card.show", "kind": "jargon"})
    # Read in order: once the third refusal is here, the three cards before were handled.
    for _ in range(3):
        refused = await ann_phone.receive_until("error", timeout=30, code="rate_limited")
        assert refused["message"]
    assert await database_sync_to_async(Card.objects.count)() == 1
    await ann_phone.close()


def test_events_applied_to_an_old_snapshot_give_the_new_one(meeting, people):
    ann, bob = people["lived_experience"][0], people["staff"][0]
    old = {
        a: meeting_selectors.meeting_snapshot(
            meeting.pk, audience=a, member=ann if a == "phone" else None
        )
        for a in ("phone", "projector", "facilitator")
    }
    equals_services.hand_raise(meeting=meeting, member=ann)
    equals_services.card_show(meeting=meeting, member=ann, kind="break", anonymous=False)
    events = {
        "phone": [{"type": "equals.me", "me": equals_selectors.me_state(meeting, ann)}],
        "projector": [{"type": "equals.room", "room": equals_selectors.room_state(meeting)}],
        "facilitator": [
            {"type": "equals.room", "room": equals_selectors.room_state(meeting)},
            {"type": "equals.console", "console": equals_selectors.console_state(meeting)},
        ],
    }
    del bob
    for audience, state in old.items():
        for event in events[audience]:
            state = protocol.apply_event(state, event)
        new = meeting_selectors.meeting_snapshot(
            meeting.pk, audience=audience, member=ann if audience == "phone" else None
        )
        assert state["equals"] == new["equals"]
