"""The in-memory channel layer sweeps for expired messages at most once a second."""

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from deliberation.layers import InMemoryLayer


@pytest.fixture
def sweeps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the stock layer's sweeps, as channels itself calls them."""
    calls: list[int] = []
    stock = InMemoryChannelLayer._clean_expired

    def counted(self: InMemoryChannelLayer) -> None:
        calls.append(1)
        stock(self)

    monkeypatch.setattr(InMemoryChannelLayer, "_clean_expired", counted)
    return calls


async def test_many_receives_and_group_sends_sweep_once(sweeps):
    # If an upgrade of channels renamed the sweep, receive() would call the new name and
    # the count would be 0 here; without the override it would be 100.
    layer = InMemoryLayer()
    channel = await layer.new_channel()
    await layer.group_add("meeting.1", channel)
    for n in range(50):
        await layer.group_send("meeting.1", {"type": "broadcast", "n": n})
        assert (await layer.receive(channel))["n"] == n
    assert len(sweeps) == 1


async def test_expired_messages_are_still_swept(sweeps):
    layer = InMemoryLayer(expiry=0.05)
    layer.sweep_interval = 0.1
    gone, alive = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("meeting.1", gone)
    await layer.group_add("meeting.1", alive)
    await layer.send(gone, {"type": "broadcast"})  # never read: a dead consumer
    await layer.send(alive, {"type": "broadcast"})
    await layer.receive(alive)
    await asyncio.sleep(0.15)

    await layer.send(alive, {"type": "broadcast"})
    await layer.receive(alive)

    # The unread message expired, and its channel left the group with it.
    assert gone not in layer.channels
    assert set(layer.groups["meeting.1"]) == {alive}
    assert len(sweeps) == 2
