"""The console pages the projector through a vote's results: `projector.page`."""

import json

import pytest

from deliberation import protocol
from tests.realtime.conftest import facilitator, phone, projector

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "message",
    [
        {"type": "projector.page"},
        {"type": "projector.page", "step": 2},
        {"type": "projector.page", "step": 0},
        {"type": "projector.page", "step": "1"},
        {"type": "projector.page", "step": True},
        {"type": "projector.page", "step": 1.0 + 0.5},
        {"type": "projector.page", "step": 1, "part": 3},
        # A float equal to 1 is no step: the projector is sent whole steps only.
        {"type": "projector.page", "step": 1.0},
        {"type": "projector.page", "step": -1.0},
        {"type": "projector.page", "step": [1]},
        {"type": "projector.page", "step": {"n": 1}},
        {"type": "projector.page", "step": None},
    ],
)
def test_a_page_message_is_one_step_forward_or_back(message):
    with pytest.raises(protocol.ProtocolError) as refused:
        protocol.parse(json.dumps(message))
    assert refused.value.code == "invalid"


def test_a_step_forward_and_back_are_read():
    assert protocol.parse('{"type": "projector.page", "step": 1}').step == 1
    assert protocol.parse('{"type": "projector.page", "step": -1, "ref": "p"}').step == -1


async def test_the_facilitator_moves_the_projector_and_a_phone_cannot(
    meeting, people, facilitator_user
):
    screen = await projector(meeting)
    assert (await screen.receive())["type"] == "snapshot"
    console = await facilitator(meeting, facilitator_user)
    assert (await console.receive())["type"] == "snapshot"
    amira = await phone(meeting, people["lived_experience"][0])
    assert (await amira.receive())["type"] == "snapshot"

    await amira.send({"type": "projector.page", "step": 1, "ref": "x"})
    refused = await amira.receive_until("error")
    assert refused["code"] == "not_allowed" and refused["ref"] == "x"
    # The phone's socket stays open, and the projector was not moved.
    await amira.send({"type": "ping"})
    await amira.receive_until("pong")

    await console.send({"type": "projector.page", "step": 1})
    assert await screen.receive_until("projector.page") == {"type": "projector.page", "step": 1}
    await console.send({"type": "projector.page", "step": -1})
    assert await screen.receive_until("projector.page") == {"type": "projector.page", "step": -1}
    assert [m for m in screen.received if m["type"] == "projector.page"] == [
        {"type": "projector.page", "step": 1},
        {"type": "projector.page", "step": -1},
    ]
    for each in (screen, console, amira):
        await each.close()


@pytest.mark.parametrize(
    "text", ['{"type": "projector.page", "step": 1e309}', '{"type": "projector.page", "step": NaN}']
)
def test_an_infinite_or_not_a_number_step_is_refused(text):
    with pytest.raises(protocol.ProtocolError) as refused:
        protocol.parse(text)
    assert refused.value.code == "invalid"
