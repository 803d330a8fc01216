"""The per-forum hash chain of audit events, and the seal over each closed poll's ballots.

Chain: `hash = sha256(prev_hash + canonical_json(event))`, one chain per forum.
Seal: an RFC 6962 Merkle root over a poll's ballots (deliberation/merkle.py), recorded
in its `poll.closed` event, so a ballot added, changed or removed afterwards shows.

Payload version 2 (`"v": 2`; version 1 events have no marker and their content inline):
- personal words and names, and answers not yet public, are `Private`: the event keeps
  only `committed[key] = sha256(salt + canonical_json(value))`, and the value with its
  random salt is a RecordValue beside the chain, which can be hidden or erased;
- `binds` maps "table:id" to the sha256 of a row's recorded fields as the event left
  them, so a row changed or deleted behind the app's back no longer matches; binding a
  poll binds its options (the labels people voted on) with it.

Words members wrote are checked against what the events say of them (their commitment,
or inline in version 1), the HTML a page shows of them against its rendering from those
words, and a comment or an earlier text of one that the chain names must still be there.
A stopped action's reason is the words of the note that stopped it, checked the same way.
"""

import datetime
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import models, transaction
from django.utils import timezone

from deliberation import markdown, merkle, textcheck
from deliberation.exceptions import UnstorableText
from deliberation.models import (
    Action,
    ActionUpdate,
    AuditEvent,
    Ballot,
    Comment,
    CommentRevision,
    Decision,
    Forum,
    Poll,
    PollOption,
    Proposal,
    RecordValue,
    SecretBallot,
)

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Encode a value as canonical JSON: sorted keys, no spare whitespace, UTF-8."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError:
        # A lone surrogate that got past the edge: refuse it by name, never crash a chain.
        raise UnstorableText() from None


class ChainRow(NamedTuple):
    """An event's hashed fields and links, read without building a model (verify_forum)."""

    forum_id: int
    seq: int
    created_at: datetime.datetime
    actor: str
    kind: str
    payload: Any
    prev_hash: str
    hash: str


CHAIN_FIELDS = ChainRow._fields


def event_body(event: "AuditEvent | ChainRow") -> dict[str, Any]:
    """Return the fields of an event that its hash covers."""
    return {
        "forum": event.forum_id,
        "seq": event.seq,
        "time": event.created_at.isoformat(),
        "actor": event.actor,
        "kind": event.kind,
        "payload": event.payload,
    }


def link_hash(prev_hash: str, body: Mapping[str, Any]) -> str:
    """Return sha256(prev_hash + canonical_json(body)) as hex."""
    return hashlib.sha256(prev_hash.encode() + canonical_json(body)).hexdigest()


PAYLOAD_VERSION = 2


@dataclass(frozen=True)
class Private:
    """A payload value kept beside the chain; the event holds only its salted hash."""

    value: Any
    member_id: int | None = None  # whose personal data it is (erased with them)
    subject: str = ""  # what it belongs to, e.g. "comment:12"
    reveal_with: int | None = None  # a poll: shown only once its results may be seen
    hidden: bool = False


def commitment(salt: str, value: Any) -> str:
    """Return sha256(salt + canonical_json(value)) as hex: what an event keeps of a value."""
    return hashlib.sha256(salt.encode() + canonical_json(value)).hexdigest()


# The fields of each row a page or an export shows as the record, bound by the chain.
BOUND: dict[type[models.Model], tuple[str, ...]] = {
    Decision: (
        "meeting_id", "poll_id", "agenda_item_id", "outcome", "outcome_easy_read",
        "rationale", "method", "weighting", "result", "attendance", "recorded_by_id",
    ),
    # A poll's settings say how it was counted and who could see what, and where.
    Poll: (
        "meeting_id", "agenda_item_id", "check_back_of_id", "question", "method", "dots",
        "weighting", "secret", "results_shown", "results_shown_at", "double_majority",
        "lived_experience_consent", "status", "result", "ballot_root",
    ),
    # The words people voted on: pages, exports and the decision show these labels.
    PollOption: ("poll_id", "key", "label", "position", "symbol"),
    Action: ("decision_id", "description", "due_on", "status"),
    # A progress note's words are bound by their commitment (they can be erased).
    ActionUpdate: ("action_id", "status_before", "status_after", "photo_sha256", "author_id"),
    # A proposal's words are the forum's (inline in its events); hidden, and why, by whom.
    Proposal: (
        "title", "summary", "symbol", "body", "body_html", "status",
        "hidden_at", "hidden_reason", "hidden_by_id",
    ),
    # A comment's words are bound by their commitment (they can be erased); hiding here.
    Comment: (
        "proposal_id", "parent_id", "author_id", "hidden_at", "hidden_reason", "hidden_by_id",
    ),
}  # fmt: skip
# How a bound table reaches its forum, where it has no forum of its own.
FORUM_OF: dict[type[models.Model], str] = {
    ActionUpdate: "action__forum",
    PollOption: "poll__forum",
    Comment: "proposal__forum",
}
# Rows bound with their parent by every event that binds the parent: (table, link).
PARTS: dict[type[models.Model], tuple[tuple[type[models.Model], str], ...]] = {
    Poll: ((PollOption, "poll_id"),),
}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


def _row_digest(fields: Sequence[str], row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json({f: _plain(row[f]) for f in fields})).hexdigest()


def binding(*rows: models.Model) -> dict[str, Any]:
    """Return the payload part binding these rows (and their PARTS) as they are now."""
    binds = {}
    for row in rows:
        model = type(row)
        fields = BOUND[model]
        stored = model._default_manager.filter(pk=row.pk).values(*fields).get()
        binds[f"{row._meta.db_table}:{row.pk}"] = _row_digest(fields, stored)
        for part, link in PARTS.get(model, ()):
            part_fields = BOUND[part]
            table = part._meta.db_table
            for kept in part._default_manager.filter(**{link: row.pk}).values("pk", *part_fields):
                binds[f"{table}:{kept['pk']}"] = _row_digest(part_fields, kept)
    return {"binds": binds}


def _commit(forum_id: int, payload: Mapping[str, Any]) -> tuple[dict[str, Any], list[RecordValue]]:
    """Move a payload's Private values beside the chain, leaving their commitments."""
    plain: dict[str, Any] = {}
    committed: dict[str, str] = {}
    beside = []
    for key, value in payload.items():
        if not isinstance(value, Private):
            plain[key] = value
            continue
        salt = secrets.token_hex(16)
        stored = json.loads(canonical_json(value.value))
        committed[key] = commitment(salt, stored)
        beside.append(
            RecordValue(
                forum_id=forum_id,
                commitment=committed[key],
                salt=salt,
                value=stored,
                member_id=value.member_id,
                subject=value.subject,
                reveal_with_id=value.reveal_with,
                hidden=value.hidden,
            )
        )
    if committed:
        plain["committed"] = committed
    plain["v"] = PAYLOAD_VERSION
    return plain, beside


def append(*, forum_id: int, actor: str, kind: str, payload: Mapping[str, Any]) -> AuditEvent:
    """Append one event to the forum's chain (see append_many)."""
    return append_many(forum_id=forum_id, entries=[(actor, kind, payload)])[0]


def append_many(
    *, forum_id: int, entries: Sequence[tuple[str, str, Mapping[str, Any]]]
) -> list[AuditEvent]:
    """Append events, in order, to the forum's chain.

    Must run inside the transaction of the change they record; it locks the forum row,
    so concurrent appends queue up instead of forking the chain.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.append_many must run inside the change's transaction")
    if not entries:
        return []
    forum = Forum.objects.select_for_update().only("audit_head", "audit_seq").get(pk=forum_id)
    now = timezone.now()
    prev, seq = forum.audit_head, forum.audit_seq
    events = []
    beside: list[RecordValue] = []
    for actor, kind, payload in entries:
        # The last line: PostgreSQL's jsonb refuses NUL, and the chain must stay readable.
        if not textcheck.all_storable([actor, kind, payload]):
            raise UnstorableText()
        seq += 1
        plain, values = _commit(forum_id, payload)
        beside.extend(values)
        event = AuditEvent(
            forum_id=forum_id,
            seq=seq,
            created_at=now,
            actor=actor,
            kind=kind,
            payload=json.loads(canonical_json(plain)),
            prev_hash=prev,
        )
        event.hash = prev = link_hash(event.prev_hash, event_body(event))
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    RecordValue.objects.bulk_create(beside)
    Forum.objects.filter(pk=forum_id).update(audit_head=prev, audit_seq=seq)
    return events


# -- values beside the chain: shown, hidden or erased -----------------------------------

HIDDEN = "hidden"
ERASED = "erased"


def disclosure(row: RecordValue | None) -> Any:
    """Say what the export shows of a value beside the chain: it and its salt, or why not."""
    if row is None:
        return None
    if row.erased_at is not None:
        return ERASED
    poll = row.reveal_with
    if row.hidden or (poll is not None and not poll.results_visible):
        return HIDDEN
    return {"salt": row.salt, "value": row.value}


def disclosures(forum: Forum, commitments: Sequence[str] | None = None) -> dict[str, Any]:
    """Return what anyone who may read the forum's record sees beside it, by commitment.

    With `commitments`, only those values (an export reads the chain a batch at a time).
    """
    rows = RecordValue.objects.filter(forum=forum).select_related("reveal_with")
    if commitments is not None:
        rows = rows.filter(commitment__in=list(commitments))
    return {row.commitment: disclosure(row) for row in rows}


def opened(event: AuditEvent) -> dict[str, Any]:
    """Return an event's payload with its values put back from beside the chain (None if erased)."""
    payload = dict(event.payload)
    committed = payload.pop("committed", None) or {}
    if committed:
        rows = RecordValue.objects.filter(commitment__in=list(committed.values()))
        values = {row.commitment: row for row in rows}
        for key, digest in committed.items():
            row = values.get(digest)
            payload[key] = row.value if row is not None and row.erased_at is None else None
    return payload


def hide_subject(subject: str, *, hidden: bool) -> int:
    """Hide (or show again) the values beside the chain that belong to, say, a comment."""
    return RecordValue.objects.filter(subject=subject).update(hidden=hidden)


def erase_member_values(member_id: int) -> int:
    """Erase a member's values beside the chain; their commitments stay in the events."""
    return RecordValue.objects.filter(member_id=member_id, erased_at__isnull=True).update(
        value=None, salt="", erased_at=timezone.now()
    )


@dataclass(frozen=True)
class Break:
    forum_id: int
    seq: int
    reason: str


def verify_events(events: Iterable[AuditEvent | ChainRow]) -> Break | None:
    """Return the first broken link of one forum's events in order, or None."""
    prev = GENESIS
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            return Break(event.forum_id, expected_seq, "an event is missing")
        if event.prev_hash != prev:
            return Break(event.forum_id, event.seq, "it does not follow the event before it")
        if link_hash(prev, event_body(event)) != event.hash:
            return Break(event.forum_id, event.seq, "its content was changed")
        prev = event.hash
        expected_seq += 1
    return None


def verify_forum(forum: Forum) -> Break | None:
    """Check a forum's whole chain, and that its head matches the last event."""
    events = AuditEvent.objects.filter(forum=forum).order_by("seq")
    # Plain rows, streamed: building 100,000 model objects took most of the time.
    rows = (ChainRow(*row) for row in events.values_list(*CHAIN_FIELDS).iterator(chunk_size=2000))
    found = verify_events(rows)
    if found:
        return found
    # The head as stored now, not as this (perhaps older) Forum object remembers it.
    head, head_seq = Forum.objects.values_list("audit_head", "audit_seq").get(pk=forum.pk)
    last = events.values_list("seq", "hash").last()
    last_seq = last[0] if last else 0
    if last_seq > head_seq:
        return Break(forum.pk, head_seq + 1, "it was added after the forum's last event")
    if last_seq < head_seq:
        return Break(forum.pk, last_seq + 1, "an event is missing at the end of the chain")
    if (last[1] if last else GENESIS) != head:
        return Break(forum.pk, last_seq, "it is not the event the forum recorded last")
    return None


# -- the seal over a poll's ballots ----------------------------------------------------


@dataclass(frozen=True)
class Seal:
    root: str
    count: int


def _named_entry(poll_id: int, row: Mapping[str, Any]) -> bytes:
    return canonical_json(
        {
            "poll": poll_id,
            "ballot": row["id"],
            "member": row["member_id"],
            "constituency": row["constituency"],
            "answer": row["answer"],
            "source": row["source"],
            "assisted_by": row["assisted_by_id"],
        }
    )


def _secret_entry(poll_id: int, row: Mapping[str, Any]) -> bytes:
    # The ballot's random key makes each leaf unique and unguessable; nothing in it
    # says who voted, and no table keeps the leaf next to a member.
    return canonical_json(
        {
            "poll": poll_id,
            "secret_ballot": str(row["id"]),
            "constituency": row["constituency"],
            "answer": row["answer"],
            "source": row["source"],
        }
    )


NAMED_FIELDS = ("id", "member_id", "constituency", "answer", "source", "assisted_by_id")
SECRET_FIELDS = ("id", "constituency", "answer", "source")


def ballot_entries(poll: Poll) -> list[bytes]:
    """Return the canonical JSON of each of a poll's ballots and hand counts (the leaves)."""
    entries: list[bytes] = []
    if poll.secret:
        for row in SecretBallot.objects.filter(poll_id=poll.pk).values(*SECRET_FIELDS):
            entries.append(_secret_entry(poll.pk, row))
    else:
        for row in Ballot.objects.filter(poll_id=poll.pk).values(*NAMED_FIELDS):
            entries.append(_named_entry(poll.pk, row))
    for constituency, choice, count in poll.hand_counts.values_list(
        "constituency", "choice", "count"
    ):
        entries.append(
            canonical_json(
                {"poll": poll.pk, "hand_count": constituency, "choice": choice, "count": count}
            )
        )
    return entries


def leaf_hashes(poll: Poll) -> list[bytes]:
    """Return the leaf hashes of a poll's ballots, sorted, so storage order says nothing."""
    return sorted(merkle.leaf_hash(entry) for entry in ballot_entries(poll))


def seal(poll: Poll) -> Seal:
    """Compute the Merkle root over a poll's ballots as they are now."""
    leaves = leaf_hashes(poll)
    return Seal(merkle.root(leaves).hex(), len(leaves))


def closing_event(poll: Poll) -> AuditEvent | None:
    """Return the poll.closed event of a poll from its forum's chain."""
    events = AuditEvent.objects.filter(forum_id=poll.forum_id, kind="poll.closed")
    return events.filter(payload__poll=poll.pk).order_by("-seq").first()


# -- receipts: a short code for one's own ballot, checked against the seal -------------


def token_hash(token: str) -> str:
    """Hash a secret ballot's key as it is stored with the ballot (the key never is)."""
    return hashlib.sha256(token.encode()).hexdigest()


def receipt_code(
    poll: Poll, *, member_id: int | None = None, secret_token: str | None = None
) -> str | None:
    """Return the code of a member's named ballot, or of the secret ballot a token opens.

    A secret ballot's code is worked out from the ballot itself, only for the phone
    holding its token: it is never stored, so no table links a voter to a code.
    """
    if poll.secret:
        if not secret_token:
            return None
        row = (
            SecretBallot.objects.filter(poll_id=poll.pk, token_hash=token_hash(secret_token))
            .values(*SECRET_FIELDS)
            .first()
        )
        return merkle.short_code(merkle.leaf_hash(_secret_entry(poll.pk, row))) if row else None
    if member_id is None:
        return None
    row = Ballot.objects.filter(poll_id=poll.pk, member_id=member_id).values(*NAMED_FIELDS).first()
    return merkle.short_code(merkle.leaf_hash(_named_entry(poll.pk, row))) if row else None


@dataclass(frozen=True)
class ReceiptCheck:
    code: str
    sealed: bool  # the poll is closed and its seal is in the record
    found: bool  # a ballot with this code is in the poll now
    included: bool  # and its audit path leads to the sealed root
    root: str = ""
    count: int = 0


def check_receipt(poll: Poll, code: str) -> ReceiptCheck:
    """Say whether the ballot with this code is in the poll's sealed result."""
    code = merkle.normalise_code(code)
    event = closing_event(poll) if poll.is_closed else None
    sealed_root = (event.payload.get("ballot_root") or "") if event else ""
    if not sealed_root:
        return ReceiptCheck(code, sealed=False, found=False, included=False)
    count = int(event.payload.get("ballot_count", 0)) if event else 0
    leaves = leaf_hashes(poll)
    index = next((i for i, leaf in enumerate(leaves) if merkle.short_code(leaf) == code), None)
    if index is None:
        return ReceiptCheck(code, True, found=False, included=False, root=sealed_root, count=count)
    proof = merkle.inclusion_proof(index, leaves)
    included = merkle.verify_inclusion(
        leaves[index], index, count, proof, bytes.fromhex(sealed_root)
    )
    return ReceiptCheck(code, True, found=True, included=included, root=sealed_root, count=count)


# -- checking everything: chains, seals, decisions -------------------------------------


def verify_poll(poll: Poll, event: AuditEvent | None) -> str | None:
    """Say why a closed poll's ballots no longer match its seal, or None if they do."""
    if event is None:
        return "it has no poll.closed event in the record"
    payload = event.payload
    if "ballot_root" not in payload:
        return "its poll.closed event holds no seal"
    if payload["ballot_root"] != poll.ballot_root:
        return "the seal kept with the poll is not the one in the record"
    now = seal(poll)
    if now.root != payload["ballot_root"]:
        sealed = payload.get("ballot_count")
        if sealed is not None and sealed != now.count:
            return f"its ballots were changed after it closed ({now.count} now, {sealed} sealed)"
        return "its ballots were changed after it closed"
    return None


@dataclass(frozen=True)
class Problem:
    forum: str
    what: str  # "event", "poll" or "decision"
    ref: int  # the event's seq, the poll's or the decision's id
    reason: str
    kind: str = ""

    def describe(self) -> str:
        name = f"event #{self.ref}" + (f" ({self.kind})" if self.kind else "")
        if self.what.startswith("deliberation_"):  # a table: name it and the row
            name = f"{self.what} row {self.ref}"
        elif self.what != "event":
            name = f"{self.what} {self.ref}"
        return f"forum {self.forum}: {name}: {self.reason}"


@dataclass
class Report:
    forums: int = 0
    events: int = 0
    polls: int = 0
    decisions: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (
            f"{self.forums} forums, {self.events} events, {self.polls} sealed polls "
            f"and {self.decisions} decisions checked"
        )


def verify_bindings(forum: Forum) -> list[tuple[str, int, str]]:
    """Name each bound row that is not as the last event binding it left it, or is gone."""
    latest: dict[str, tuple[str, int]] = {}
    bound_events = AuditEvent.objects.filter(forum=forum, payload__has_key="binds")
    for seq, payload in bound_events.order_by("seq").values_list("seq", "payload"):
        for name, digest in payload["binds"].items():
            latest[name] = (digest, seq)
    problems = []
    for model, fields in BOUND.items():
        table = model._meta.db_table
        seen = set()
        rows = model._default_manager.filter(**{FORUM_OF.get(model, "forum"): forum})
        for row in rows.order_by("pk").values("pk", *fields):
            name = f"{table}:{row['pk']}"
            seen.add(name)
            bound = latest.get(name)
            if bound is None:
                problems.append((table, row["pk"], "no event in the record binds it"))
            elif bound[0] != _row_digest(fields, row):
                reason = f"it was changed after its last event in the record (#{bound[1]})"
                problems.append((table, row["pk"], reason))
        for name, (_digest, seq) in latest.items():
            if name.startswith(f"{table}:") and name not in seen:
                reason = f"it was deleted (its last event in the record is #{seq})"
                problems.append((table, int(name.split(":", 1)[1]), reason))
    return problems


def verify_beside(forum: Forum) -> list[tuple[str, int, str, str]]:
    """Check each value beside the chain against the commitment an event holds of it."""
    committed: dict[str, tuple[int, str]] = {}
    forgotten: set[int] = set()
    events = AuditEvent.objects.filter(forum=forum).filter(
        models.Q(payload__has_key="committed") | models.Q(kind="member.erased")
    )
    for seq, kind, payload in events.order_by("seq").values_list("seq", "kind", "payload"):
        for digest in (payload.get("committed") or {}).values():
            committed[digest] = (seq, kind)
        if kind == "member.erased":
            forgotten.add(payload.get("member"))
    table = RecordValue._meta.db_table
    problems = []
    seen = set()
    for row in RecordValue.objects.filter(forum=forum).order_by("pk"):
        seen.add(row.commitment)
        if row.commitment not in committed:
            problems.append((table, row.pk, "no event in the record commits to it", ""))
        elif row.erased_at is not None:
            if row.member_id not in forgotten:
                reason = "it was erased, but the record shows no one asked to be forgotten"
                problems.append((table, row.pk, reason, ""))
        elif commitment(row.salt, row.value) != row.commitment:
            seq = committed[row.commitment][0]
            problems.append((table, row.pk, f"it is not what event #{seq} committed to", ""))
    for digest, (seq, kind) in committed.items():
        if digest not in seen:
            problems.append(
                ("event", seq, "a value it commits to is missing beside the chain", kind)
            )
    return problems


# The words members read in a table, as the events that wrote them say: (table, the
# payload key naming the row, payload key -> column). Version 2 events hold a commitment
# to the words (beside the chain, erasable); version 1 events hold them inline.
WORDS: dict[str, tuple[type[models.Model], str, dict[str, str]]] = {
    "comment.added": (Comment, "comment", {"body": "body"}),
    "comment.edited": (Comment, "comment", {"after": "body"}),
    "action.progress": (
        ActionUpdate,
        "update",
        {
            "note": "note",
            "what_helped": "what_helped",
            "what_got_in_the_way": "what_got_in_the_way",
        },
    ),
}


@dataclass(frozen=True)
class _Said:
    """What an event says a text column holds: the words, or blank once they were erased."""

    seq: int
    words: str | None  # None: erased (the row keeps a blank in their place)
    committed: bool  # by a commitment (version 2), or inline (version 1)


def _said(
    seq: int,
    payload: Mapping[str, Any],
    key: str,
    author: Any,
    kept: Mapping[str, RecordValue],
    forgotten: set[Any],
) -> _Said | None:
    """Return what an event says of one text, or None if it cannot say (nothing to check)."""
    if "v" not in payload:
        if key not in payload:
            return None
        # Inline words stay in the chain; the table forgets them with their author.
        return _Said(seq, None if author in forgotten else payload[key], committed=False)
    digest = (payload.get("committed") or {}).get(key)
    row = kept.get(digest) if digest else None
    if row is None:
        return None  # a missing value is verify_beside's to say
    return _Said(seq, None if row.erased_at is not None else row.value, committed=True)


def _text_problem(column: str, said: _Said, now: Any) -> str | None:
    """Say why a column does not hold what the record says, or None if it does."""
    if said.words is None:
        return (
            None
            if now == ""
            else f"its {column} is not blank, though event #{said.seq}'s words were erased"
        )
    if now == said.words:
        return None
    verb = "committed to" if said.committed else "recorded"
    return f"its {column} is not what event #{said.seq} {verb}"


def _html_problem(said: _Said, html: str) -> str | None:
    """Say why a page's HTML is not the rendering of the words the record holds, or None."""
    if said.words is None:
        return _text_problem("body_html", said, html)
    if html == str(markdown.render(said.words)):
        return None
    return f"its body_html is not the rendering of the words in event #{said.seq}"


def verify_words(forum: Forum) -> list[tuple[str, int, str]]:
    """Name each comment, earlier text, progress note or stop reason not as the record says.

    A comment's words, and the HTML its page shows (rendered from those words, see
    deliberation.markdown), must be the ones its latest event holds; a comment or an
    earlier text of one that an event names must still be there. A stopped action's
    reason is the note that stopped it, word for word, and any other action has none. A
    member who asked to be forgotten leaves blanks, and those verify.
    """
    forgotten = {
        payload.get("member")
        for payload in AuditEvent.objects.filter(forum=forum, kind="member.erased").values_list(
            "payload", flat=True
        )
    }
    kept = {row.commitment: row for row in RecordValue.objects.filter(forum=forum)}
    texts: dict[tuple[type[models.Model], int, str], _Said] = {}
    authors: dict[int, Any] = {}
    comments: dict[int, int] = {}  # each comment the record names -> its last event
    # The earlier text each edit kept (CommentRevision), in order: (event, what it says).
    earlier: dict[int, list[tuple[int, _Said | None]]] = {}
    # Why each action stopped: the note of the last progress that moved it on said it.
    reasons: dict[int, _Said | None] = {}
    events = AuditEvent.objects.filter(forum=forum, kind__in=list(WORDS))
    for seq, kind, payload in events.order_by("seq").values_list("seq", "kind", "payload"):
        model, id_key, columns = WORDS[kind]
        pk = payload.get(id_key)
        if kind == "comment.added":
            authors[pk] = payload.get("author")
        author = authors.get(pk) if model is Comment else payload.get("author")
        if model is Comment:
            comments[pk] = seq
        for key, column in columns.items():
            said = _said(seq, payload, key, author, kept, forgotten)
            if said is None:
                texts.pop((model, pk, column), None)
            else:
                texts[(model, pk, column)] = said
        if kind == "comment.edited":
            before = _said(seq, payload, "before", author, kept, forgotten)
            earlier.setdefault(pk, []).append((seq, before))
        if kind == "action.progress" and payload.get("status_after") != payload.get(
            "status_before"
        ):
            reasons[payload.get("action")] = (
                _said(seq, payload, "note", author, kept, forgotten)
                if payload.get("status_after") == "dropped"
                else _Said(seq, "", committed=False)
            )

    problems: list[tuple[str, int, str]] = []
    reason: str | None
    comment_table = Comment._meta.db_table
    stored: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Comment.objects.filter(proposal__forum=forum).values("pk", "body", "body_html")
    }
    for pk, seq in sorted(comments.items()):
        if pk not in stored:
            reason = f"it was deleted (its last event in the record is #{seq})"
            problems.append((comment_table, pk, reason))
    updates: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in ActionUpdate.objects.filter(action__forum=forum).values(
            "pk", *WORDS["action.progress"][2].values()
        )
    }
    for (model, pk, column), said in sorted(
        texts.items(), key=lambda item: (item[0][0].__name__, item[0][1], item[0][2])
    ):
        row = (stored if model is Comment else updates).get(pk)
        if row is None:
            continue  # a deleted comment is named above, a deleted update by its binding
        reason = _text_problem(column, said, row[column])
        if reason is None and model is Comment:
            # The page shows the HTML rendered when the words were saved, not the words.
            reason = _html_problem(said, row["body_html"])
        if reason:
            problems.append((model._meta.db_table, pk, reason))

    action_table = Action._meta.db_table
    for pk, dropped_reason in (
        Action.objects.filter(forum=forum).order_by("pk").values_list("pk", "dropped_reason")
    ):
        if pk not in reasons:
            if dropped_reason != "":
                reason = "its dropped_reason is not blank, though no event in the record stopped it"
                problems.append((action_table, pk, reason))
            continue
        said = reasons[pk]
        reason = _text_problem("dropped_reason", said, dropped_reason) if said else None
        if reason:
            problems.append((action_table, pk, reason))

    revisions: dict[int, list[dict[str, Any]]] = {}
    for revision in (
        CommentRevision.objects.filter(comment__proposal__forum=forum)
        .order_by("comment_id", "pk")
        .values("pk", "comment_id", "body", "body_html")
    ):
        revisions.setdefault(revision["comment_id"], []).append(dict(revision))
    revision_table = CommentRevision._meta.db_table
    for comment_id in sorted(set(earlier) | set(revisions)):
        expected, found = earlier.get(comment_id, []), revisions.get(comment_id, [])
        if len(found) < len(expected):
            edits = ", ".join(f"#{seq}" for seq, _said_before in expected)
            reason = (
                f"an earlier text of it was deleted from {revision_table} ({len(found)} "
                f"left, the record keeps {len(expected)}: events {edits})"
            )
            problems.append((comment_table, comment_id, reason))
            continue
        for extra in found[len(expected) :]:
            problems.append((revision_table, extra["pk"], "no event in the record kept this text"))
        for (_seq, said), row in zip(expected, found, strict=False):
            if said is None:
                continue
            reason = _text_problem("body", said, row["body"]) or _html_problem(
                said, row["body_html"]
            )
            if reason:
                problems.append((revision_table, row["pk"], reason))
    return problems


def verify_all(forums: Iterable[Forum] | None = None) -> Report:
    """Check every chain, every closed poll's seal and every decision's audit hash."""
    report = Report()
    for forum in forums if forums is not None else Forum.objects.order_by("pk"):
        report.forums += 1
        label = f"{forum.slug!r} (id {forum.pk})"
        report.events += AuditEvent.objects.filter(forum=forum).count()
        broken = verify_forum(forum)
        if broken is not None:
            kind = (
                AuditEvent.objects.filter(forum=forum, seq=broken.seq)
                .values_list("kind", flat=True)
                .first()
            )
            report.problems.append(Problem(label, "event", broken.seq, broken.reason, kind or ""))
        closed_events: dict[int, AuditEvent] = {}
        recorded: dict[int, set[str]] = {}
        for event in AuditEvent.objects.filter(
            forum=forum, kind__in=("poll.closed", "decision.recorded")
        ).order_by("seq"):
            if event.kind == "poll.closed":
                closed_events[event.payload.get("poll")] = event
            else:
                recorded.setdefault(event.payload.get("decision"), set()).add(event.hash)
        for poll in Poll.objects.filter(forum=forum, status=Poll.Status.CLOSED).order_by("pk"):
            report.polls += 1
            reason = verify_poll(poll, closed_events.get(poll.pk))
            if reason:
                report.problems.append(Problem(label, "poll", poll.pk, reason))
        for decision_id, audit_hash in (
            Decision.objects.filter(forum=forum).order_by("pk").values_list("pk", "audit_hash")
        ):
            report.decisions += 1
            if audit_hash not in recorded.get(decision_id, set()):
                reason = "its audit hash is not the hash of its decision.recorded event"
                report.problems.append(Problem(label, "decision", decision_id, reason))
        for table, ref, reason in [*verify_bindings(forum), *verify_words(forum)]:
            report.problems.append(Problem(label, table, ref, reason))
        for what, ref, reason, kind in verify_beside(forum):
            report.problems.append(Problem(label, what, ref, reason, kind))
    return report
