"""Ballots: one or a batch, checked and written under the poll's lock."""

import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import audit, identity, methods, permissions, realtime
from deliberation.display import refusal_text
from deliberation.exceptions import (
    AlreadyVotedSecret,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
    PollClosed,
    PollNotOpen,
    WrongMeeting,
)
from deliberation.models import (
    Attendance,
    Ballot,
    Constituency,
    Meeting,
    Member,
    Participation,
    Poll,
    SecretBallot,
    Source,
)
from deliberation.services.common import (
    actor_label,
    recheck_facilitator,
)
from deliberation.services.polls import poll_spec, results_reveal, results_reveal_if_everyone_voted
from deliberation.services.secret_ballots import UNNAMED_VOTER

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CastResult:
    poll_id: int
    client_id: str
    duplicate: bool
    changed: bool
    # For a secret poll: the token the voter's phone keeps to change its answer later.
    secret_token: str | None = None


@dataclass(frozen=True)
class BallotRequest:
    """One ballot to record: whose vote, cast by whom, with which answer and client id.

    `voter` is the member whose vote it is. A supporter casting with the person they
    support is `cast_by` (an assisted ballot); a facilitator entering a paper ballot
    gives `voter=None`, themselves as `cast_by` and the paper's constituency.
    """

    answer: Mapping[str, Any]
    client_id: uuid.UUID | str
    voter: Member | None
    cast_by: Member | None = None
    paper_constituency: str | None = None
    secret_token: str | None = None
    # The phone's device token: if given, the name must still be tied to that phone.
    device_token: str | None = None
    # Who entered a paper ballot, checked again under the poll's lock (None: trusted).
    principal: identity.Principal | None = None


def ballot_cast(
    *,
    poll: Poll,
    answer: Mapping[str, Any],
    client_id: uuid.UUID | str,
    voter: Member | None,
    cast_by: Member | None = None,
    paper_constituency: str | None = None,
    secret_token: str | None = None,
    meeting: Meeting | None = None,
    device_token: str | None = None,
    principal: identity.Principal | None = None,
) -> CastResult:
    """Record one ballot; the last answer of a member counts, a resent client id counts once.

    A paper ballot's principal (the facilitator entering it) is checked under the lock.
    """
    request = BallotRequest(
        answer, client_id, voter, cast_by, paper_constituency, secret_token, device_token, principal
    )
    outcome = ballots_cast(
        poll_id=poll.pk, requests=[request], meeting_id=meeting.pk if meeting else None
    )[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def ballots_cast(
    *, poll_id: int, requests: Sequence[BallotRequest], meeting_id: int | None = None
) -> list[CastResult | DomainError | Exception]:
    """Record ballots for one poll in one transaction; each request gets its own outcome.

    The same rules as for one ballot apply to each, in order, so a batch gives what the
    ballots one by one would have given. Takes a row lock on the poll, so a ballot can
    never land after the poll's result was frozen. Batching is what lets one process
    take a burst of 1,000 ballots: the checks, inserts and audit events of a batch each
    cost one query, not one per ballot.
    """
    with transaction.atomic():
        poll = Poll.objects.select_for_update().filter(pk=poll_id).first()
        refusal: DomainError | None = None
        if poll is None:
            refusal = NotFound(_("We could not find that vote."))
        elif meeting_id is not None and poll.meeting_id != meeting_id:
            refusal = WrongMeeting()
        elif poll.status == Poll.Status.CLOSED:
            refusal = PollClosed()
        elif poll.status != Poll.Status.OPEN:
            refusal = PollNotOpen()
        if refusal is not None:
            return [refusal for _request in requests]
        assert poll is not None
        try:
            with transaction.atomic():
                return _write_batch(poll, requests)
        except Exception:
            if len(requests) == 1:
                raise
            # Something the checks did not foresee failed the batch's write. Each ballot
            # then goes alone, so one bad ballot answers only its own phone.
            logger.warning("A batch of %s ballots failed; writing them one by one", len(requests))
    return [_write_alone(poll_id, request, meeting_id) for request in requests]


def _write_batch(
    poll: Poll, requests: Sequence[BallotRequest]
) -> list[CastResult | DomainError | Exception]:
    batch = _BallotBatch(poll, requests)
    outcomes: list[CastResult | DomainError | Exception] = [batch.add(r) for r in requests]
    batch.save()
    return outcomes


def _write_alone(
    poll_id: int, request: BallotRequest, meeting_id: int | None
) -> CastResult | DomainError | Exception:
    try:
        return ballots_cast(poll_id=poll_id, requests=[request], meeting_id=meeting_id)[0]
    except DomainError as exc:
        return exc
    except Exception as exc:
        # Handed to the phone's own handler, which logs it and answers server_error.
        return exc


class _BallotBatch:
    """Apply ballots to one locked poll in memory, then write them all at once."""

    def __init__(self, poll: Poll, requests: Sequence[BallotRequest]) -> None:
        self.poll = poll
        self.spec = poll_spec(poll)
        voter_ids = {r.voter.pk for r in requests if r.voter is not None}
        casters = {r.cast_by.pk for r in requests if r.cast_by is not None}
        # Read who they are now, under the poll's lock: a member made inactive or an
        # observer since their phone connected votes no more.
        self.fresh: dict[int, Member] = Member.objects.in_bulk(voter_ids | casters)
        self.devices: dict[int, str] = {}
        if poll.meeting_id is None:
            self.present = voter_ids
        else:
            rows = Attendance.objects.filter(
                meeting_id=poll.meeting_id,
                member_id__in=voter_ids | casters,
                status=Attendance.Status.PRESENT,
            ).values_list("member_id", "device_token")
            self.devices = dict(rows)
            self.present = set(self.devices) & voter_ids
        assisted = [
            (r.cast_by.pk, r.voter.pk)
            for r in requests
            if r.voter is not None and r.cast_by is not None and r.cast_by.pk != r.voter.pk
        ]
        self.supports: set[tuple[int, int]] = set()
        if assisted:
            self.supports = set(
                Member.supports.through.objects.filter(
                    from_member_id__in={a for a, _b in assisted},
                    to_member_id__in={b for _a, b in assisted},
                ).values_list("from_member_id", "to_member_id")
            )
        client_ids = set()
        for request in requests:
            try:
                client_ids.add(uuid.UUID(str(request.client_id)))
            except ValueError:
                continue
        table = SecretBallot if poll.secret else Ballot
        # For a secret ballot, the hash of the key that opens it: a resend gets its key back
        # only if it carries that same key (knowing the client id is not enough).
        self.key_of_client: dict[uuid.UUID, str] = dict(
            table.objects.filter(poll=poll, client_id__in=client_ids).values_list(
                "client_id", "token_hash" if poll.secret else "client_id"
            )
        )
        self.seen_client_ids = set(self.key_of_client)
        self.new: list[Any] = []
        # Who entered the batch's last paper vote, if any (see save).
        self.paper: Member | None = None
        self.changed: dict[Any, Any] = {}
        self.events: list[tuple[str, str, dict[str, Any]]] = []
        if poll.secret:
            self.participants = set(
                Participation.objects.filter(poll=poll, member_id__in=voter_ids).values_list(
                    "member_id", flat=True
                )
            )
            hashes = [audit.token_hash(r.secret_token) for r in requests if r.secret_token]
            self.by_token = {
                b.token_hash: b
                for b in SecretBallot.objects.filter(poll=poll, token_hash__in=hashes)
            }
            self.new_participations: list[Participation] = []
        else:
            self.named = {
                b.member_id: b for b in Ballot.objects.filter(poll=poll, member_id__in=voter_ids)
            }

    def add(self, request: BallotRequest) -> CastResult | DomainError:
        try:
            return self._add(request)
        except DomainError as exc:
            return exc

    def _add(self, request: BallotRequest) -> CastResult:
        try:
            client_uuid = uuid.UUID(str(request.client_id))
        except ValueError as exc:
            raise InvalidInput(_("The vote had no valid id. Please try again.")) from exc
        try:
            clean = methods.normalise_answer(self.spec, request.answer)
        except methods.InvalidAnswer as exc:
            raise InvalidInput(refusal_text(exc)) from exc
        if client_uuid in self.seen_client_ids:
            token = request.secret_token
            if self.poll.secret and not (
                token and self.key_of_client.get(client_uuid) == audit.token_hash(token)
            ):
                token = None
            return CastResult(
                self.poll.pk, str(client_uuid), duplicate=True, changed=False, secret_token=token
            )
        source, constituency = self._source(request)
        if self.poll.secret:
            result = self._secret(request, clean, client_uuid, source, constituency)
        else:
            result = self._named(request, clean, client_uuid, source, constituency)
        self.seen_client_ids.add(client_uuid)
        payload: dict[str, Any] = {
            "poll": self.poll.pk,
            "source": source,
            "changed": result.changed,
        }
        voter = request.voter
        actor = actor_label(request.cast_by or voter)
        if not self.poll.secret:
            payload.update(
                member=voter.pk if voter else None,
                constituency=constituency,
                # Kept beside the chain, shown once the poll's results may be seen.
                answer=audit.Private(
                    clean, subject=f"poll:{self.poll.pk}", reveal_with=self.poll.pk
                ),
                assisted_by=(
                    request.cast_by.pk if source == Source.ASSISTED and request.cast_by else None
                ),
            )
        elif source != Source.PAPER:
            # Neither what was chosen nor who chose it: the event names no member, not
            # even as its actor, and says nothing of how it was cast (an assisted vote
            # would point to the supporter). Who took part is in Participation only.
            payload = {"poll": self.poll.pk, "changed": result.changed}
            actor = UNNAMED_VOTER
        self.events.append((actor, "ballot.changed" if result.changed else "ballot.cast", payload))
        return result

    def _source(self, request: BallotRequest) -> tuple[str, str]:
        """Decide whose vote this is and how it was cast; refuse what is not allowed."""
        voter, cast_by = request.voter, request.cast_by
        if voter is None:
            recheck_facilitator(request.principal, "poll.facilitate", self.poll)
            if cast_by is None or request.paper_constituency not in Constituency.values:
                raise InvalidInput(_("A paper vote needs the group of the person who voted."))
            self.paper = cast_by
            return Source.PAPER, str(request.paper_constituency)
        voter = self.fresh.get(voter.pk)
        if voter is None or not permissions.can("poll.vote", voter, self.poll):
            raise NotAllowed(_("You cannot vote in this forum."))
        if voter.pk not in self.present:
            if cast_by is not None and cast_by.pk != voter.pk:
                # The supporter is here; the person they vote with was not marked here.
                raise NotAllowed(
                    _(
                        "%(name)s is not marked as here. Ask the facilitator to mark "
                        "%(name)s as here, then try again."
                    )
                    % {"name": voter.name}
                )
            raise NotAllowed(_("Please join the meeting before you vote."))
        phone = voter if cast_by is None else self.fresh.get(cast_by.pk)
        if request.device_token is not None and (
            phone is None
            or not request.device_token
            or self.devices.get(phone.pk) != request.device_token
        ):
            # The name was released or given to another phone since this one joined.
            raise NotAllowed(_("Please join the meeting again."))
        if cast_by is None or cast_by.pk == voter.pk:
            return Source.DIRECT, voter.constituency
        if phone is None or not permissions.can("member.assist", phone, voter):
            raise NotAllowed(_("You can only vote with a person you support."))
        if (cast_by.pk, voter.pk) not in self.supports:
            raise NotAllowed(_("You can only vote with a person you support."))
        return Source.ASSISTED, voter.constituency

    def _named(
        self,
        request: BallotRequest,
        clean: dict[str, Any],
        client_uuid: uuid.UUID,
        source: str,
        constituency: str,
    ) -> CastResult:
        assisted_by = request.cast_by if source == Source.ASSISTED else None
        voter = request.voter
        ballot = self.named.get(voter.pk) if voter is not None else None
        if ballot is None:
            ballot = Ballot(
                poll=self.poll,
                member=voter,
                constituency=constituency,
                answer=clean,
                source=source,
                assisted_by=assisted_by,
                client_id=client_uuid,
            )
            self.new.append(ballot)
            if voter is not None:
                self.named[voter.pk] = ballot
            return CastResult(self.poll.pk, str(client_uuid), duplicate=False, changed=False)
        ballot.answer = clean
        ballot.source = source
        ballot.assisted_by = assisted_by
        ballot.client_id = client_uuid
        ballot.changed_at = timezone.now()
        if ballot.pk is not None:
            self.changed[ballot.pk] = ballot
        return CastResult(self.poll.pk, str(client_uuid), duplicate=False, changed=True)

    def _secret(
        self,
        request: BallotRequest,
        clean: dict[str, Any],
        client_uuid: uuid.UUID,
        source: str,
        constituency: str,
    ) -> CastResult:
        voter = request.voter
        if voter is not None and voter.pk in self.participants:
            token = request.secret_token
            ballot = self.by_token.get(audit.token_hash(token)) if token else None
            if ballot is None:
                raise AlreadyVotedSecret()
            ballot.answer = clean
            ballot.source = source
            ballot.client_id = client_uuid
            self.key_of_client[client_uuid] = ballot.token_hash
            if ballot not in self.new:
                self.changed[ballot.pk] = ballot
            return CastResult(
                self.poll.pk,
                str(client_uuid),
                duplicate=False,
                changed=True,
                secret_token=token,
            )
        token = None
        if voter is not None:
            # The phone's own key, if it proposed a sound one, so a resend carries it.
            token = request.secret_token
            if not identity.sound_key(token) or audit.token_hash(str(token)) in self.by_token:
                token = secrets.token_urlsafe(24)
        ballot = SecretBallot(
            poll=self.poll,
            constituency=constituency,
            answer=clean,
            source=source,
            token_hash=audit.token_hash(token) if token else "",
            client_id=client_uuid,
        )
        self.new.append(ballot)
        self.key_of_client[client_uuid] = ballot.token_hash
        if voter is not None and token is not None:
            self.participants.add(voter.pk)
            self.by_token[ballot.token_hash] = ballot
            self.new_participations.append(
                Participation(poll=self.poll, member=voter, assisted=source == Source.ASSISTED)
            )
        return CastResult(
            self.poll.pk, str(client_uuid), duplicate=False, changed=False, secret_token=token
        )

    def save(self) -> None:
        """Write the batch: inserts, updates and audit events, a few queries in all."""
        if not self.events:
            return
        if self.poll.secret:
            # Shuffled, so not even insertion order pairs a ballot with a participation.
            secrets.SystemRandom().shuffle(self.new)
            SecretBallot.objects.bulk_create(self.new)
            Participation.objects.bulk_create(self.new_participations)
            if self.changed:
                SecretBallot.objects.bulk_update(
                    list(self.changed.values()), ["answer", "source", "client_id"]
                )
        else:
            Ballot.objects.bulk_create(self.new)
            if self.changed:
                Ballot.objects.bulk_update(
                    list(self.changed.values()),
                    ["answer", "source", "assisted_by", "client_id", "changed_at"],
                )
        audit.append_many(forum_id=self.poll.forum_id, entries=self.events)
        if self.paper:
            # A paper vote is the facilitator's signal that the room has voted.
            results_reveal(poll=self.poll, why="hand_count", actor=self.paper)
        else:
            results_reveal_if_everyone_voted(poll=self.poll)
        if self.poll.meeting_id:
            realtime.tally_changed(self.poll.meeting_id, self.poll.pk)
