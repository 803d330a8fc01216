"""Polls: create, open, vote, count hands, close."""

import hashlib
import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from deliberation import audit, identity, methods, permissions, realtime
from deliberation.display import recorded_choice_label, refusal_text
from deliberation.exceptions import (
    AlreadyVotedSecret,
    DomainError,
    InvalidInput,
    MeetingNotOpen,
    NotAllowed,
    NotFound,
    PollClosed,
    PollNotOpen,
    SettingLocked,
    WrongMeeting,
)
from deliberation.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Constituency,
    Decision,
    Forum,
    HandCount,
    Meeting,
    Member,
    Participation,
    Poll,
    PollOption,
    SecretBallot,
    Source,
)
from deliberation.selectors import meetings as meeting_selectors
from deliberation.services.agenda import agenda_move
from deliberation.services.common import (
    Actor,
    actor_label,
    announce_change,
    announce_console,
    recheck_facilitator,
)
from deliberation.services.proposals import proposals_poll_closed

logger = logging.getLogger(__name__)

CHECK_BACK_METHODS = ("yes_no", "traffic_light")
# The settings a facilitator sets on a poll's form and may change until it opens (see
# poll_update_settings), the dots aside; the console's settings form shows exactly these.
POLL_SETTINGS = (
    "question",
    "weighting",
    "secret",
    "results_hidden",
    "double_majority",
    "lived_experience_consent",
)


@dataclass(frozen=True)
class OptionInput:
    label: str
    symbol: str = ""


# The actor of a secret ballot's audit event: a voter, never which one.
UNNAMED_VOTER = "secret voter"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


KEY_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _usable_key(token: str | None) -> bool:
    """Tell whether a key a phone proposed for its secret ballot is long and random-looking."""
    return token is not None and 32 <= len(token) <= 64 and set(token) <= KEY_ALPHABET


def poll_create(
    *,
    forum: Forum,
    question: str,
    method: str,
    options: Sequence[OptionInput] = (),
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    dots: int = 0,
    weighting: str | None = None,
    secret: bool = False,
    results_hidden: bool = False,
    double_majority: bool = False,
    lived_experience_consent: bool = False,
    check_back_of: Decision | None = None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> Poll:
    """Create a poll, not yet open, with its options.

    A check-back poll (`check_back_of`) asks whether an earlier decision is what the
    forum agreed: a yes/no or traffic light question about that decision. With a
    principal, forum.facilitate is checked again inside the transaction.
    """
    if not question.strip():
        raise InvalidInput(_("Please write the question."))
    if method not in methods.METHODS:
        raise InvalidInput(_("Please choose how people vote."))
    if check_back_of is not None:
        if check_back_of.forum_id != forum.pk:
            raise InvalidInput(_("That decision belongs to another forum."))
        if method not in CHECK_BACK_METHODS:
            raise InvalidInput(_("A check-back vote is a yes/no or traffic light vote."))
    if meeting is not None and meeting.forum_id != forum.pk:
        raise InvalidInput(_("That meeting belongs to another forum."))
    if agenda_item is not None and (meeting is None or agenda_item.meeting_id != meeting.pk):
        raise InvalidInput(_("That agenda item belongs to another meeting."))
    _check_majorities(method in methods.SINGLE_CHOICE, double_majority, lived_experience_consent)
    if method in methods.SINGLE_CHOICE:
        option_rows = [
            (key, recorded_choice_label(key), key) for key in methods.FIXED_CHOICES[method]
        ]
        dots = 0
    else:
        option_rows = []
        seen: set[str] = set()
        for index, option in enumerate(o for o in options if o.label.strip()):
            key = slugify(option.label)[:30] or f"option-{index + 1}"
            while key in seen:
                key = f"{key[:26]}-{index + 1}"
            seen.add(key)
            option_rows.append((key, option.label.strip(), option.symbol))
    spec = methods.PollSpec(method=method, options=tuple(row[0] for row in option_rows), dots=dots)
    try:
        methods.validate_spec(spec)
    except methods.InvalidSpec as exc:
        raise InvalidInput(refusal_text(exc)) from exc
    weighting = weighting or forum.default_weighting
    if weighting not in methods.WEIGHTINGS:
        raise InvalidInput(_("Please choose how votes are weighed."))
    with transaction.atomic():
        recheck_facilitator(principal, "forum.facilitate", forum)
        poll = Poll.objects.create(
            forum=forum,
            meeting=meeting,
            agenda_item=agenda_item,
            question=question.strip(),
            method=method,
            dots=dots,
            weighting=weighting,
            secret=secret,
            results_hidden=results_hidden,
            double_majority=double_majority,
            lived_experience_consent=lived_experience_consent,
            check_back_of=check_back_of,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, key=key, label=label, symbol=symbol, position=position)
            for position, (key, label, symbol) in enumerate(option_rows)
        )
        audit.append(
            forum_id=forum.pk,
            actor=actor_label(actor),
            kind="poll.created",
            payload={
                "poll": poll.pk,
                **_settings_payload(poll),
                "options": spec.options,
                "check_back_of": check_back_of.pk if check_back_of else None,
                **audit.binding(poll),
            },
        )
        if meeting is not None:
            announce_console(
                meeting.pk, "poll.created", {"poll": meeting_selectors.poll_dict(poll)}
            )
    return poll


def _check_majorities(
    single_choice: bool, double_majority: bool, lived_experience_consent: bool
) -> None:
    """Refuse a double majority or lived-experience consent on a vote of many choices."""
    if not single_choice and (double_majority or lived_experience_consent):
        raise InvalidInput(
            _(
                "A double majority or lived-experience consent needs a yes/no, "
                "traffic light or consent vote."
            )
        )


def _settings_event(poll: Poll, actor: Actor, kind: str, event_type: str) -> None:
    """Record the poll's settings in the chain; tell its meeting's screens after commit."""
    audit.append(
        forum_id=poll.forum_id,
        actor=actor_label(actor),
        kind=kind,
        payload={"poll": poll.pk, **_settings_payload(poll), **audit.binding(poll)},
    )
    if poll.meeting_id:
        announce_change(poll.meeting_id, event_type, {"poll": meeting_selectors.poll_dict(poll)})


def _settings_payload(poll: Poll) -> dict[str, Any]:
    return {
        "question": poll.question,
        "method": poll.method,
        "dots": poll.dots,
        "weighting": poll.weighting,
        "secret": poll.secret,
        "results_hidden": poll.results_hidden,
        "double_majority": poll.double_majority,
        "lived_experience_consent": poll.lived_experience_consent,
    }


def poll_update_settings(
    *, poll: Poll, actor: Actor = None, principal: identity.Principal | None = None, **changes: Any
) -> Poll:
    """Change a poll's settings; once it is open, only hiding results is allowed.

    A secret poll never becomes named and hidden results are never shown early, so
    nobody's protection is weakened after people have voted.
    """
    allowed = {*POLL_SETTINGS, "dots"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(
            _("Unknown settings: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status != Poll.Status.DRAFT:
            for field, value in changes.items():
                if getattr(poll, field) == value:
                    continue
                if field == "results_hidden" and value is True:
                    continue
                raise SettingLocked()
        _check_majorities(
            poll.is_single_choice,
            bool(changes.get("double_majority")),
            bool(changes.get("lived_experience_consent")),
        )
        for field, value in changes.items():
            setattr(poll, field, value)
        poll.save()
        _settings_event(poll, actor, "poll.settings_changed", "poll.updated")
    return poll


def poll_open(
    *, poll: Poll, actor: Actor = None, principal: identity.Principal | None = None
) -> Poll:
    """Open a poll for voting; a meeting has one open poll at a time.

    A poll on an agenda item moves the meeting to that item, so every screen shows the
    question with the item it belongs to.
    """
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status != Poll.Status.DRAFT:
            raise InvalidInput(_("This vote has already been opened."))
        if poll.meeting_id is not None:
            meeting = Meeting.objects.select_for_update().get(pk=poll.meeting_id)
            if meeting.status != Meeting.Status.OPEN:
                raise MeetingNotOpen(_("Open the meeting before opening a vote."))
            if meeting.polls.filter(status=Poll.Status.OPEN).exists():
                raise InvalidInput(_("Another vote is open. Please close it first."))
        poll.status = Poll.Status.OPEN
        poll.opened_at = timezone.now()
        poll.save(update_fields=["status", "opened_at"])
        _settings_event(poll, actor, "poll.opened", "poll.opened")
        if poll.meeting_id is not None and poll.agenda_item is not None:
            if meeting.current_item_id != poll.agenda_item_id:
                agenda_move(meeting=meeting, item=poll.agenda_item, actor=actor)
    return poll


def poll_close(
    *, poll: Poll, actor: Actor = None, principal: identity.Principal | None = None
) -> Poll:
    """Close a poll, freeze its result and seal its ballots under a Merkle root.

    The poll's row lock keeps every ballot out once the seal is computed, and the
    root goes into the poll.closed event, so a ballot added, changed or removed
    afterwards no longer matches the record (audit.verify_poll).
    """
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status != Poll.Status.OPEN:
            raise PollNotOpen(_("Only an open vote can be closed."))
        poll.status = Poll.Status.CLOSED
        poll.closed_at = timezone.now()
        poll.result = meeting_selectors.compute_result(poll)
        if poll.secret:
            _secret_rewrite(poll, ungroup=bool(poll.result.get("protected")))
        sealed = audit.seal(poll)
        poll.ballot_root = sealed.root
        poll.save(update_fields=["status", "closed_at", "result", "ballot_root"])
        audit.append(
            forum_id=poll.forum_id,
            actor=actor_label(actor),
            kind="poll.closed",
            payload={
                "poll": poll.pk,
                "voters": poll.result["voters"],
                "outcome": poll.result["outcome"],
                "ballot_root": sealed.root,
                "ballot_count": sealed.count,
                **audit.binding(poll),
            },
        )
        # Proposals put to this vote move on to "voted on", in the same transaction.
        proposals_poll_closed(poll=poll, actor=actor)
        if poll.meeting_id:
            announce_change(
                poll.meeting_id, "poll.closed", {"poll": meeting_selectors.poll_dict(poll)}
            )
    return poll


def _secret_rewrite(poll: Poll, *, ungroup: bool) -> None:
    """Write a closing secret poll's ballots and voters again, shuffled, keeping no link.

    While the poll was open each ballot and each participation was written when its
    voter voted, so the engine's row order, physical position (SQLite rowid, PostgreSQL
    ctid) and transaction id (xmin) all follow the voting order, on both sides. Deleted
    and inserted again in one transaction in a fresh random order, they share one
    transaction id and their order says nothing. What could still single a voter out
    goes too: the client id their phone sent, how the vote was cast (a supporter or a
    remote vote is visible beside the person) and, when a group is too small to break
    out, every ballot's group. The frozen result, computed before, still counts them.
    The key hash stays, so a phone still finds its own ballot's receipt.
    """
    rng = secrets.SystemRandom()
    ballots = list(
        SecretBallot.objects.filter(poll=poll).values_list(
            "constituency", "answer", "source", "token_hash"
        )
    )
    voters = list(Participation.objects.filter(poll=poll).values_list("member_id", "assisted"))
    _remove_for_good(poll)
    rng.shuffle(ballots)
    rng.shuffle(voters)
    SecretBallot.objects.bulk_create(
        SecretBallot(
            id=uuid.uuid4(),
            poll=poll,
            constituency=methods.UNGROUPED if ungroup else constituency,
            answer=answer,
            # A paper ballot has no voter to point to; any other is just a vote.
            source=Source.PAPER if source == Source.PAPER else Source.DIRECT,
            token_hash=token_hash,
            client_id=uuid.uuid4(),
        )
        for constituency, answer, source, token_hash in ballots
    )
    Participation.objects.bulk_create(
        Participation(poll=poll, member_id=member_id, assisted=assisted)
        for member_id, assisted in voters
    )


def _remove_for_good(poll: Poll) -> None:
    """Delete a poll's secret ballots and voters so that the ballots cannot be read back.

    PostgreSQL keeps a deleted row in its page until VACUUM, and VACUUM (even FULL)
    keeps it while any transaction anywhere in the cluster is older than the delete, so
    the secret ballots table is emptied with TRUNCATE instead: at commit its file is
    replaced whatever else is running. The table is locked before the other polls'
    ballots are copied aside (in the server, not in Python), so a ballot another meeting
    commits meanwhile waits for the lock and is never lost; they are written back
    unchanged, and other secret votes wait those milliseconds. Voters are only deleted:
    with the old ballots gone for good, the order of who voted points at nothing.
    SQLite overwrites what it deletes (secure_delete); after commit a checkpoint empties
    its write-ahead log, which still holds the old pages.
    """
    closing = {"poll": poll}
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SecretBallot._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            keep = f"SELECT * FROM {table} WHERE poll_id <> %s"  # noqa: S608 (a quoted name)
            cursor.execute(f"CREATE TEMPORARY TABLE coprod_secret_keep AS {keep}", [poll.pk])
            # Foreign keys are checked at commit; TRUNCATE wants those checks done first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"INSERT INTO {table} SELECT * FROM coprod_secret_keep")  # noqa: S608
            cursor.execute("DROP TABLE coprod_secret_keep")
        Participation.objects.filter(**closing).delete()
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA secure_delete = ON")
        try:
            SecretBallot.objects.filter(**closing).delete()
            Participation.objects.filter(**closing).delete()
        finally:
            cursor.execute(f"PRAGMA secure_delete = {int(before)}")
    transaction.on_commit(_checkpoint_sqlite)


def _checkpoint_sqlite() -> None:
    """Empty SQLite's write-ahead log, which still holds the pages as they were."""
    if connection.in_atomic_block:
        # Still inside someone's transaction (a test running callbacks early).
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        # The poll is closed and its rows shuffled; say so rather than fail the close.
        logger.warning("Could not empty the write-ahead log after a secret poll closed")


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
        self.changed: dict[Any, Any] = {}
        self.events: list[tuple[str, str, dict[str, Any]]] = []
        if poll.secret:
            self.participants = set(
                Participation.objects.filter(poll=poll, member_id__in=voter_ids).values_list(
                    "member_id", flat=True
                )
            )
            hashes = [_token_hash(r.secret_token) for r in requests if r.secret_token]
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
                token and self.key_of_client.get(client_uuid) == _token_hash(token)
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
            return Source.PAPER, str(request.paper_constituency)
        voter = self.fresh.get(voter.pk)
        if voter is None or not permissions.can("poll.vote", voter, self.poll):
            raise NotAllowed(_("You cannot vote in this forum."))
        if voter.pk not in self.present:
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
            ballot = self.by_token.get(_token_hash(token)) if token else None
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
            if not _usable_key(token) or _token_hash(str(token)) in self.by_token:
                token = secrets.token_urlsafe(24)
        ballot = SecretBallot(
            poll=self.poll,
            constituency=constituency,
            answer=clean,
            source=source,
            token_hash=_token_hash(token) if token else "",
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
        if self.poll.meeting_id:
            realtime.tally_changed(self.poll.meeting_id, self.poll.pk)


def hand_count_set(
    *,
    poll: Poll,
    constituency: str,
    counts: Mapping[str, int],
    entered_by: Member | None,
    actor: Actor = None,
    principal: identity.Principal | None = None,
) -> list[HandCount]:
    """Set the show-of-hands or paper counts of one group for a single-choice poll."""
    if not poll.is_single_choice:
        raise InvalidInput(
            _(
                "Hand counts work for yes/no, traffic light and consent votes. "
                "Enter paper votes one by one for this kind of vote."
            )
        )
    if constituency not in Constituency.values:
        raise InvalidInput(_("Please choose a group."))
    choices = methods.FIXED_CHOICES[poll.method]
    unknown = set(counts) - set(choices)
    if unknown:
        raise InvalidInput(_("Unknown choice: %s.") % ", ".join(sorted(unknown)))
    for value in counts.values():
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
            raise InvalidInput(_("Counts must be whole numbers from 0 to 10000."))
    if poll.method == "consent" and counts.get("objection"):
        raise InvalidInput(
            _("An objection needs its reason: enter objections as paper votes, one by one.")
        )
    with transaction.atomic():
        poll = Poll.objects.select_for_update().get(pk=poll.pk)
        recheck_facilitator(principal, "poll.facilitate", poll)
        if poll.status == Poll.Status.CLOSED:
            raise PollClosed(_("This vote has closed. The counts were not changed."))
        if poll.status != Poll.Status.OPEN:
            raise PollNotOpen()
        rows = []
        for choice in choices:
            value = counts.get(choice, 0)
            if value:
                row, _created = HandCount.objects.update_or_create(
                    poll=poll,
                    constituency=constituency,
                    choice=choice,
                    defaults={"count": value, "entered_by": entered_by},
                )
                rows.append(row)
            else:
                HandCount.objects.filter(
                    poll=poll, constituency=constituency, choice=choice
                ).delete()
        audit.append(
            forum_id=poll.forum_id,
            actor=actor_label(actor or entered_by),
            kind="hand_count.entered",
            payload={
                "poll": poll.pk,
                "constituency": constituency,
                "counts": {c: counts.get(c, 0) for c in choices},
            },
        )
        if poll.meeting_id:
            realtime.tally_changed(poll.meeting_id, poll.pk)
    return rows


def poll_spec(poll: Poll) -> methods.PollSpec:
    """Return the pure description of a poll that the voting methods use."""
    return methods.PollSpec(
        method=poll.method,
        options=tuple(option.key for option in poll.options.all()),
        dots=poll.dots,
    )
