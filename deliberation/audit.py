"""The per-forum hash chain of audit events: append, canonical JSON, verify."""

import hashlib
import json
from collections.abc import Iterable, Mapping
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
    """Append one event to the forum's chain.

    Must run inside the transaction of the change it records; it locks the forum row,
    so concurrent appends queue up instead of forking the chain.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.append must run inside the change's transaction")
    forum = Forum.objects.select_for_update().only("audit_head", "audit_seq").get(pk=forum_id)
    event = AuditEvent(
        forum_id=forum_id,
        seq=forum.audit_seq + 1,
        created_at=timezone.now(),
        actor=actor,
        kind=kind,
        payload=json.loads(canonical_json(payload)),
        prev_hash=forum.audit_head,
    )
    event.hash = link_hash(event.prev_hash, event_body(event))
    event.save(force_insert=True)
    Forum.objects.filter(pk=forum_id).update(audit_head=event.hash, audit_seq=event.seq)
    return event


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
