"""An ASGI app that takes 7 s to accept each websocket, as a server busy with a storm does."""

import asyncio
from typing import Any

ACCEPT_AFTER_SECONDS = 7.0


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accept a websocket after ACCEPT_AFTER_SECONDS, say hello, wait for the close."""
    if scope["type"] != "websocket":
        return
    await receive()  # websocket.connect
    await asyncio.sleep(ACCEPT_AFTER_SECONDS)
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": "hello"})
    while (await receive())["type"] != "websocket.disconnect":
        pass
