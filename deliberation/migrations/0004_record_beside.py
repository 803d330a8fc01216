"""Values kept beside the audit chain (committed to by salted hash), and binding of rows.

Existing events stay as they were hashed (payload version 1, content inline). Each
forum gets one `record.bound` event binding the rows its pages show as the record
(decisions, polls with their settings, actions, proposals with their words, and whether a
comment or a proposal is hidden) as they are now, so later changes show.
"""

import hashlib
import json

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

BOUND = {
    "Decision": (
        "meeting_id", "poll_id", "agenda_item_id", "outcome", "outcome_easy_read",
        "rationale", "method", "weighting", "result", "attendance", "recorded_by_id",
    ),
    "Poll": (
        "meeting_id", "agenda_item_id", "check_back_of_id", "question", "method", "dots",
        "weighting", "secret", "results_hidden", "double_majority", "lived_experience_consent",
        "status", "result", "ballot_root",
    ),
    "Action": ("decision_id", "description", "due_on", "status"),
    "ActionUpdate": ("action_id", "status_before", "status_after", "photo_sha256", "author_id"),
    "Proposal": (
        "title", "summary", "symbol", "body", "body_html", "status",
        "hidden_at", "hidden_reason", "hidden_by_id",
    ),
    "Comment": (
        "proposal_id", "parent_id", "author_id", "hidden_at", "hidden_reason", "hidden_by_id",
    ),
}  # fmt: skip
FORUM_OF = {"ActionUpdate": "action__forum_id", "Comment": "proposal__forum_id"}


def _canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def bind_existing(apps, schema_editor):
    """Append one record.bound event per forum (the same digests audit.binding makes)."""
    Forum = apps.get_model("deliberation", "Forum")
    AuditEvent = apps.get_model("deliberation", "AuditEvent")
    for forum in Forum.objects.order_by("pk"):
        binds = {}
        for name, fields in BOUND.items():
            model = apps.get_model("deliberation", name)
            where = {FORUM_OF.get(name, "forum_id"): forum.pk}
            for row in model.objects.filter(**where).values("pk", *fields):
                state = {f: _plain(row[f]) for f in fields}
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
    dependencies = [("deliberation", "0003_summaries")]

    operations = [
        migrations.CreateModel(
            name="RecordValue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("commitment", models.CharField(max_length=64, unique=True)),
                ("salt", models.CharField(blank=True, max_length=32)),
                ("value", models.JSONField(blank=True, null=True)),
                ("subject", models.CharField(blank=True, db_index=True, max_length=40)),
                ("hidden", models.BooleanField(default=False)),
                ("erased_at", models.DateTimeField(blank=True, null=True)),
                ("forum", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="deliberation.forum")),
                ("member", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="deliberation.member")),
                ("reveal_with", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="deliberation.poll")),
            ],
        ),
        migrations.RunPython(bind_existing, migrations.RunPython.noop),
    ]  # fmt: skip
