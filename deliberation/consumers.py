"""The live meeting over websockets: authenticate, parse, authorise, call a service."""

import asyncio
import logging
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.translation import gettext as _

from deliberation import identity, live, permissions, protocol, realtime, socket_limits
from deliberation.exceptions import DomainError, NotAllowed
from deliberation.models import Meeting, Member
from deliberation.selectors import equals as equals_selectors
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services import ballots as ballot_services
from deliberation.services import equals as equals_services

logger = logging.getLogger(__name__)

# Close codes in the 4000 range are ours; the client shows a message and does not retry.
CLOSE_NOT_ALLOWED = 4403
# This person opened more screens of the meeting than allowed; this, the oldest, closed.
CLOSE_TOO_MANY_SCREENS = 4409
# A flood of messages, not a phone. Not the standard 1008 ("policy violation"): daphne
# (autobahn) lets an application close only with 1000 or 3000-4999, and answers 1011.
CLOSE_FLOOD = 4008
# This person connected too often just now; the page tries again after its back-off.
CLOSE_TOO_MANY_CONNECTS = socket_limits.CLOSE_TOO_MANY_CONNECTS

# The open sockets of each person in each meeting, in this process.
OPEN_SOCKETS = socket_limits.OpenSockets()


@dataclass(frozen=True)
class Viewer:
    audience: str  # "phone", "projector" or "facilitator"
    meeting_id: int
    principal: identity.Principal = identity.Principal()
    meeting: Meeting | None = field(default=None, compare=False)
    # A phone's own votes as read with who it is (meeting_selectors.member_state), for
    # its first snapshot: one database hop for a phone connecting, not two.
    me: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def member(self) -> Member | None:
        """Return who this phone joined the meeting as."""
        return self.principal.meeting_member

    @property
    def user(self) -> Any:
        return self.principal.user


def identify(scope: dict[str, Any]) -> Viewer | None:
    """Work out who is connecting, from the URL and the session (identity.principal_for_scope)."""
    kwargs = scope["url_route"]["kwargs"]
    if "projector_token" in kwargs:
        meeting = Meeting.objects.filter(projector_token=kwargs["projector_token"]).first()
        return Viewer("projector", meeting.pk, meeting=meeting) if meeting else None
    # The meeting and who this phone is in it, in one query: every phone asks this.
    meeting, member = identity.meeting_and_member(scope.get("session", {}), kwargs["meeting_id"])
    if meeting is None:
        return None
    principal = identity.principal_for_scope(scope, meeting=meeting, meeting_member=member)
    if kwargs.get("role") == "facilitator":
        if permissions.can("forum.facilitate", principal, meeting.forum):
            return Viewer("facilitator", meeting.pk, principal, meeting)
        return None
    if principal.meeting_member is None:
        return None
    # No event carries these (a phone learns its own votes from its acks and snapshots),
    # so reading them before the phone joins its groups misses nothing.
    me = meeting_selectors.member_state(meeting, principal.meeting_member)
    return Viewer("phone", meeting.pk, principal, meeting, me)


class MeetingConsumer(AsyncWebsocketConsumer):
    """One screen of a live meeting: a phone, the projector or the facilitator."""

    viewer: Viewer | None = None
    person: Hashable | None = None
    bucket: socket_limits.TokenBucket | None = None
    refused = 0
    closing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ballot_tasks: set[asyncio.Task[None]] = set()

    async def connect(self) -> None:
        # Reads go to the thread pool, so a crowd joining never waits behind ballots.
        self.viewer = await database_sync_to_async(identify, thread_sensitive=False)(self.scope)
        if self.viewer is None:
            # Accept first: a handshake refused outright reaches a browser as a bare 1006,
            # while this close code lets the page say "Please join the meeting again."
            await self.accept()
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        if not OPEN_SOCKETS.may_connect(
            self.person_key(),
            asyncio.get_running_loop().time(),
            settings.WS_CONNECT_BURST,
            settings.WS_CONNECT_PER_SECOND,
        ):
            # Checked before the snapshot, so a person reconnecting in a loop costs little.
            await self.accept()
            await self.close(code=CLOSE_TOO_MANY_CONNECTS)
            return
        realtime.bind_loop()
        meeting_id = self.viewer.meeting_id
        self.groups = [realtime.meeting_group(meeting_id)]
        if self.viewer.audience == "phone":
            self.groups.append(realtime.phones_group(meeting_id))
            # Told when the name is released, given to another phone, or the member may
            # no longer take part, so this socket stops acting as them at once.
            assert self.viewer.member is not None
            self.groups.append(realtime.member_group(meeting_id, self.viewer.member.pk))
        else:
            self.groups.append(realtime.console_group(meeting_id))
        if self.viewer.audience == "facilitator":
            self.groups.append(realtime.facilitator_group(meeting_id))
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.limit_screens()
        await self.send_snapshot(first=True)
        realtime.heartbeat_join(meeting_id, self.send)

    def person_key(self) -> Hashable:
        """Return who holds this socket, in which meeting, for the limits per person."""
        assert self.viewer is not None
        viewer = self.viewer
        if viewer.member is not None:
            return (viewer.meeting_id, "member", viewer.member.pk)
        if viewer.user is not None:
            return (viewer.meeting_id, "user", viewer.user.pk)
        return (viewer.meeting_id, viewer.audience)

    async def limit_screens(self) -> None:
        """Keep a person's newest few sockets in this meeting; ask the oldest to close."""
        self.person = self.person_key()
        # The newest wins: an old socket may be a phone's dead connection it has not noticed.
        for old in OPEN_SOCKETS.add(
            self.person, self.channel_name, settings.WS_MAX_SOCKETS_PER_PERSON
        ):
            await self.channel_layer.send(old, {"type": "socket.replaced"})

    async def socket_replaced(self, event: dict[str, Any]) -> None:
        """Close this socket: the same person opened newer ones."""
        self.person = None  # already forgotten by OPEN_SOCKETS
        self.closing = True
        await self.close(code=CLOSE_TOO_MANY_SCREENS)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Handle one message without channels' per-message connection sweep.

        Channels hops to a worker thread before every message to close stale database
        connections; a broadcast reaching 1,000 phones made that 1,000 thread hops. Here
        every database call goes through database_sync_to_async, which closes stale
        connections itself, so the sweep is not needed.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        if self.viewer is not None:
            realtime.heartbeat_leave(self.viewer.meeting_id, self.send)
        # A ballot still waiting is written or not; the phone resends it with the same id.
        for task in list(self.ballot_tasks):
            task.cancel()
        if self.person is not None:
            OPEN_SOCKETS.remove(self.person, self.channel_name)
        for group in getattr(self, "groups", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def identity_revoked(self, event: dict[str, Any]) -> None:
        """Close a phone whose name is no longer its own; the page asks them to join again."""
        # From now on nothing it sends is read (receive checks `closing`), and nothing is
        # sent to it; disconnect still leaves the heartbeat and the groups.
        self.closing = True
        await self.close(code=CLOSE_NOT_ALLOWED)

    async def broadcast(self, event: dict[str, Any]) -> None:
        """Pass on an event that was serialised once for the whole group."""
        if self.viewer is not None:
            # Seen here even when sent by another process: a snapshot shared before now is
            # not given to the next phone.
            realtime.changed(self.viewer.meeting_id)
        if not self.closing:  # closed by us: until it is gone, sending on it would fail
            await self.send(text_data=event["text"])

    async def send_json(self, data: dict[str, Any]) -> None:
        if not self.closing:
            await self.send(text_data=realtime.encode(data))

    async def send_snapshot(self, *, first: bool = False) -> None:
        assert self.viewer is not None
        viewer = self.viewer
        if viewer.audience == "phone":
            if first:
                assert viewer.meeting is not None
                await self.send_phone_snapshot(viewer, viewer.me, viewer.meeting.version)
            else:  # asked for again: a change was missed, so one at least as new as now
                version = await database_sync_to_async(
                    meeting_selectors.meeting_version, thread_sensitive=False
                )(viewer.meeting_id)
                await self.send_phone_snapshot(viewer, None, version or 0)
            return
        snapshot = await database_sync_to_async(
            meeting_selectors.meeting_snapshot, thread_sensitive=False
        )(viewer.meeting_id, audience=viewer.audience, member=viewer.member)
        await self.send_json(snapshot)

    async def send_phone_snapshot(
        self, viewer: Viewer, me: dict[str, Any] | None, version: int
    ) -> None:
        """Send the snapshot every phone shares (built once) with this phone's own part."""
        assert viewer.meeting is not None and viewer.member is not None
        if me is None:
            me = await database_sync_to_async(
                meeting_selectors.member_state, thread_sensitive=False
            )(viewer.meeting, viewer.member)
        # Read after this phone joined its groups: a later change reaches it as an event.
        # At least as new as the version this phone read: another process may have made
        # a change whose broadcast this one has not seen.
        shared = await live.SHARED_SNAPSHOTS.get(
            viewer.meeting_id, at_least=version, code=viewer.meeting.join_code
        )
        own = {
            "me": me,
            "equals": {"me": equals_selectors.me_state_from(shared.speaking, viewer.member.pk)},
            # The server's clock now, in milliseconds since 1970 (see meeting_snapshot).
            "clock": int(time.time() * 1000),
        }
        # Only "me", "equals" and "clock": never keys of the shared part, so no key twice.
        if not self.closing:
            await self.send(text_data=shared.text + "," + realtime.encode(own)[1:])

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.viewer is None or self.closing or not await self.within_rate(text_data):
            return
        try:
            message = protocol.parse(text_data, bytes_data)
        except protocol.ProtocolError as exc:
            await self.send_json(protocol.error(exc.code, exc.message, exc.ref))
            return
        if message.type == "ballot.cast":
            # Not awaited here: while a ballot waits for its batch, the next message of this
            # socket is read at once, so a flood meets the rate limit as it arrives instead
            # of queueing behind its own ballots. The batcher keeps their order.
            task = asyncio.create_task(self.handle(message))
            self.ballot_tasks.add(task)
            task.add_done_callback(self.ballot_tasks.discard)
            return
        await self.handle(message)

    async def handle(self, message: protocol.Message) -> None:
        """Call the message's handler; answer its error in plain words."""
        handler = getattr(self, "on_" + message.type.replace(".", "_"))
        try:
            await handler(message)
        except DomainError as exc:
            await self.send_json(protocol.error(exc.code, exc.message, message.ref))
        except Exception:
            # Keep the connection usable; the error is logged for the maintainers.
            logger.exception("Failed to handle %s", message.type)
            await self.send_json(
                protocol.error(
                    "server_error", _("Sorry, something went wrong. Please try again."), message.ref
                )
            )

    async def within_rate(self, text_data: str | None) -> bool:
        """Say whether this message may be handled; refuse a flood, then close on it."""
        now = asyncio.get_running_loop().time()
        if self.bucket is None:
            burst, rate = settings.WS_RATE_BURST, settings.WS_RATE_PER_SECOND
            if self.viewer is None:
                self.bucket = socket_limits.TokenBucket(burst, rate, now)
            else:
                self.bucket = OPEN_SOCKETS.messages(self.person_key(), now, burst, rate)
        if self.bucket.take(now):
            if self.bucket.full():
                self.refused = 0  # quiet long enough: a fresh start
            return True
        self.refused += 1
        if self.refused > settings.WS_RATE_CLOSE_AFTER:
            self.closing = True
            await self.close(code=CLOSE_FLOOD)
            return False
        ref = None
        try:
            ref = protocol.parse(text_data).ref
        except protocol.ProtocolError as exc:
            ref = exc.ref
        await self.send_json(
            protocol.error(
                "rate_limited", _("You are sending too fast. Please wait a moment."), ref
            )
        )
        return False

    # -- participant messages ------------------------------------------------------

    async def on_ping(self, message: protocol.Message) -> None:
        await self.send_json({"type": "pong"})

    async def on_snapshot_request(self, message: protocol.Message) -> None:
        await self.send_snapshot()

    async def on_ballot_cast(self, message: protocol.Message) -> None:
        assert self.viewer is not None
        me = self.viewer.member
        if self.viewer.audience != "phone" or me is None:
            raise NotAllowed(_("Please vote from your own phone."))
        # protocol.parse requires "poll" for a ballot; this says so to the type checker.
        poll_id = message.poll
        assert poll_id is not None
        voter = me
        if message.for_member is not None and message.for_member != me.pk:
            voter = await database_sync_to_async(self._supported)(me, message.for_member)
        # The key to a secret vote is worked out from the phone's device key, an HttpOnly
        # cookie that came with the handshake: the page never holds one. A vote cast with
        # someone has its own key.
        device = identity.device_key(self.scope.get("cookies", {}))
        request = ballot_services.BallotRequest(
            answer=message.answer,
            client_id=message.client_id or "",
            voter=voter,
            cast_by=me,
            secret_token=identity.secret_ballot_key(device, poll_id, voter.pk),
            # The service checks under its lock that the name is still this phone's.
            device_token=str(self.scope["session"].get(identity.SESSION_DEVICE, "")),
        )
        # The service checks the rest (open poll, this meeting, in the room, allowed to
        # vote) for the whole batch at once.
        batcher = live.BallotBatcher.for_meeting(self.viewer.meeting_id)
        result = await batcher.cast(poll_id, request)
        ack: dict[str, Any] = {
            "type": "ballot.ack",
            "poll": result.poll_id,
            "client_id": result.client_id,
            "duplicate": result.duplicate,
        }
        await self.send_json(ack)

    # -- facilitator messages ------------------------------------------------------

    async def on_projector_page(self, message: protocol.Message) -> None:
        """Move the projector to the next or previous part of the results shown."""
        assert self.viewer is not None
        if self.viewer.audience != "facilitator":
            raise NotAllowed(_("Only the facilitator can move the projector to another part."))
        # Nothing is stored: where the projector is in the results is not part of the record.
        await realtime.send_group(
            realtime.console_group(self.viewer.meeting_id),
            {"type": "projector.page", "step": message.step},
        )

    # -- hands up and cards (services/equals.py) -----------------------------------

    def _phone_member(self) -> Member:
        assert self.viewer is not None
        me = self.viewer.member
        if self.viewer.audience != "phone" or me is None:
            raise NotAllowed(_("Please use your own phone for this."))
        return me

    def _device_token(self) -> str:
        # The service checks under its lock that the name is still this phone's.
        return str(self.scope["session"].get(identity.SESSION_DEVICE, ""))

    async def on_hand_raise(self, message: protocol.Message) -> None:
        assert self.viewer is not None
        await database_sync_to_async(self._equals_call)(
            equals_services.hand_raise, member=self._phone_member()
        )

    async def on_hand_lower(self, message: protocol.Message) -> None:
        await database_sync_to_async(self._equals_call)(
            equals_services.hand_lower, member=self._phone_member()
        )

    async def on_card_show(self, message: protocol.Message) -> None:
        assert message.kind is not None
        await database_sync_to_async(self._equals_call)(
            equals_services.card_show,
            member=self._phone_member(),
            kind=message.kind,
            anonymous=message.anonymous,
        )

    def _equals_call(self, service: Any, **kwargs: Any) -> None:
        assert self.viewer is not None
        meeting = Meeting.objects.get(pk=self.viewer.meeting_id)
        service(meeting=meeting, device_token=self._device_token(), **kwargs)

    def _supported(self, me: Member, member_id: int) -> Member:
        assert self.viewer is not None
        supported = Member.objects.filter(pk=member_id, forum_id=me.forum_id).first()
        permissions.require(
            "member.assist",
            self.viewer.principal,
            supported,
            _("You can only vote with a person you support."),
        )
        assert supported is not None
        return supported
