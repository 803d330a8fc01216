"""Bind the options of polls made before the chain bound them (the labels people voted on).

Each forum with options gets one `record.bound` event binding them as they are now, the
same digests audit.binding makes; every poll event since binds its poll's options too.
"""

import hashlib
import json

from django.db import migrations
from django.utils import timezone

BOUND = {"PollOption": ("poll_id", "key", "label", "position", "symbol")}
FORUM_OF = {"PollOption": "poll__forum_id"}


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def bind_existing(apps, schema_editor):
    """Append one record.bound event per forum that has poll options."""
    Forum = apps.get_model("deliberation", "Forum")
    AuditEvent = apps.get_model("deliberation", "AuditEvent")
    for forum in Forum.objects.order_by("pk"):
        binds = {}
        for name, fields in BOUND.items():
            model = apps.get_model("deliberation", name)
            where = {FORUM_OF[name]: forum.pk}
            for row in model.objects.filter(**where).order_by("pk").values("pk", *fields):
                state = {f: row[f] for f in fields}
                digest = hashlib.sha256(_canonical(state)).hexdigest()
                binds[f"{model._meta.db_table}:{row['pk']}"] = digest
        if not binds:
            continue
        seq = forum.audit_seq + 1
        now = timezone.now()
        payload = {"v": 2, "binds": binds}
        body = {
            "forum": forum.pk,
            "seq": seq,
            "time": now.isoformat(),
            "actor": "system",
            "kind": "record.bound",
            "payload": payload,
        }
        digest = hashlib.sha256(forum.audit_head.encode() + _canonical(body)).hexdigest()
        AuditEvent.objects.create(
            forum_id=forum.pk,
            seq=seq,
            created_at=now,
            actor="system",
            kind="record.bound",
            payload=payload,
            prev_hash=forum.audit_head,
            hash=digest,
        )
        Forum.objects.filter(pk=forum.pk).update(audit_head=digest, audit_seq=seq)


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0006_summary_checks")]

    operations = [migrations.RunPython(bind_existing, migrations.RunPython.noop)]
