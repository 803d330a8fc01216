"""The per-forum hash chain of audit events: append, canonical JSON, verify."""

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from deliberation.models import AuditEvent, Forum

GENESIS = "0" * 64


def canonical_json(value: Any) -> bytes:
    """Encode a value as canonical JSON: sorted keys, no spare whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_body(event: AuditEvent) -> dict[str, Any]:
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
    for actor, kind, payload in entries:
        seq += 1
        event = AuditEvent(
            forum_id=forum_id,
            seq=seq,
            created_at=now,
            actor=actor,
            kind=kind,
            payload=json.loads(canonical_json(payload)),
            prev_hash=prev,
        )
        event.hash = prev = link_hash(event.prev_hash, event_body(event))
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    Forum.objects.filter(pk=forum_id).update(audit_head=prev, audit_seq=seq)
    return events


@dataclass(frozen=True)
class Break:
    forum_id: int
    seq: int
    reason: str


def verify_events(events: Iterable[AuditEvent]) -> Break | None:
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
    found = verify_events(events.iterator())
    if found:
        return found
    last = events.last()
    head = last.hash if last else GENESIS
    if head != forum.audit_head or (last.seq if last else 0) != forum.audit_seq:
        return Break(forum.pk, forum.audit_seq, "the chain's last events were removed")
    return None
